"""Loading Hugging Face models by hub id or local path, the same code for both.

Weights load from safetensors only (``use_safetensors=True``): nothing is unpickled. A local path that
is missing a file fails with an error naming that file, before transformers gets a chance to try
the hub (which our machines cannot reach).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from transformers import (
    AutoModelForCausalLM,
    AutoModelForSequenceClassification,
    AutoTokenizer,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

if TYPE_CHECKING:
    from models.lexical_head import LexicalHeads

log = logging.getLogger(__name__)

REQUIRED_FILES = ("config.json",)
TOKENIZER_FILES = ("tokenizer.json", "vocab.txt", "vocab.json", "tokenizer.model")


class ModelLoadError(RuntimeError):
    """A model could not be loaded; the message names the model and the file."""


@dataclass
class LoadedModel:
    name: str
    model: PreTrainedModel
    tokenizer: PreTrainedTokenizerBase
    device: torch.device
    dtype: torch.dtype
    lexical: LexicalHeads | None = None  # classifiers only: see models/lexical_head.py


def pick_device(preference: str = "auto") -> torch.device:
    if preference == "cuda" or (preference == "auto" and torch.cuda.is_available()):
        if not torch.cuda.is_available():
            raise ModelLoadError("NORAE_WORKER_DEVICE=cuda but no CUDA device is available")
        return torch.device("cuda")
    return torch.device("cpu")


def _looks_local(name: str) -> bool:
    return name.startswith((".", "/", "~")) or Path(name).expanduser().exists()


def check_local_model(path: Path) -> None:
    """Fail with a clear message when a local model directory is incomplete or corrupt."""
    if not path.is_dir():
        raise ModelLoadError(f"model directory {path} does not exist")
    for name in REQUIRED_FILES:
        if not (path / name).is_file():
            raise ModelLoadError(f"model file {path / name} is missing")
    weights = sorted(path.glob("*.safetensors"))
    if not weights:
        pickled = [p.name for p in path.glob("*.bin")] + [p.name for p in path.glob("*.pt")]
        hint = f" (found {', '.join(pickled)}: pickled weights are not loaded)" if pickled else ""
        raise ModelLoadError(f"no *.safetensors weights in {path}{hint}")
    if not any((path / f).is_file() for f in TOKENIZER_FILES):
        raise ModelLoadError(f"no tokenizer file in {path} (expected one of {TOKENIZER_FILES})")
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        file = path / name
        if file.is_file():
            try:
                json.loads(file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                raise ModelLoadError(f"model file {file} is corrupt: {exc}") from exc
    from safetensors import safe_open  # local import: only needed for the check

    for file in weights:
        try:
            with safe_open(str(file), framework="pt") as f:
                names = list(f.keys())
                if names:
                    f.get_slice(names[0])  # reads a tensor header: catches truncated files
        except Exception as exc:  # safetensors has its own error types; all mean unreadable
            raise ModelLoadError(f"model file {file} is corrupt: {exc}") from exc
        if not names:
            raise ModelLoadError(f"model file {file} is corrupt: it holds no tensors")


def _load_lexical_head(path: Path, labels: tuple[str, ...]) -> LexicalHeads | None:
    """The lexical heads beside a classifier (Korean, English), if it has any, for these labels
    in this order; errors name the bad file."""
    from models.lexical_head import (
        LANGUAGES,
        LexicalHead,
        LexicalHeadError,
        LexicalHeads,
        has_lexical_head,
        head_files,
    )

    heads = []
    for language in LANGUAGES:
        json_name, npz_name = head_files(language)
        if not has_lexical_head(path, language):
            if (path / npz_name).is_file():
                raise ModelLoadError(
                    f"model file {path / json_name} is missing (beside {npz_name})"
                )
            continue
        try:
            head = LexicalHead.load(path, language)
        except LexicalHeadError as exc:
            raise ModelLoadError(str(exc)) from exc
        if head.labels != labels:
            raise ModelLoadError(
                f"model file {path / json_name} lists labels {head.labels}, "
                f"but config.json has {labels}"
            )
        heads.append(head)
    return LexicalHeads(tuple(heads)) if heads else None


def _load(name: str, auto_cls: Any, device: torch.device) -> LoadedModel:
    source = name
    if _looks_local(name):
        path = Path(name).expanduser().resolve()
        check_local_model(path)
        source = str(path)
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    try:
        tokenizer = AutoTokenizer.from_pretrained(source)
        model = auto_cls.from_pretrained(source, dtype=dtype, use_safetensors=True)
    except ModelLoadError:
        raise
    except Exception as exc:
        raise ModelLoadError(f"could not load model {name!r}: {exc}") from exc
    model.to(device)
    model.eval()
    log.info("loaded %s on %s (%s)", name, device, dtype)
    return LoadedModel(name, model, tokenizer, device, dtype)


def load_causal_lm(name: str, device: torch.device | None = None) -> LoadedModel:
    loaded = _load(name, AutoModelForCausalLM, device or pick_device())
    tok = loaded.tokenizer
    tok.padding_side = "left"  # batched generation continues every row from its last token
    tok.truncation_side = "left"  # keep the latest context
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return loaded


def load_classifier(name: str, device: torch.device | None = None) -> LoadedModel:
    """A sequence classifier; a local one may carry a lexical head (models/lexical_head.py)."""
    loaded = _load(name, AutoModelForSequenceClassification, device or pick_device())
    loaded.tokenizer.truncation_side = "right"
    if _looks_local(name):
        config = loaded.model.config
        labels = tuple(str(config.id2label[i]) for i in range(config.num_labels))
        loaded.lexical = _load_lexical_head(Path(name).expanduser().resolve(), labels)
    return loaded
