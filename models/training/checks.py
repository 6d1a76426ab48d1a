"""Check a saved model directory before loading it, so a broken file is named, not guessed at.

Only safe formats are accepted: ``*.safetensors`` weights and JSON configs/tokenizers. A directory
holding pickled weights (``*.bin``, ``*.pt``) and no safetensors is refused.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

log = logging.getLogger(__name__)

REQUIRED_JSON = ("config.json", "tokenizer.json")
PICKLED_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".ckpt")


class CorruptModelFileError(ValueError):
    """A model file exists but cannot be read."""


def _check_json(path: Path) -> None:
    if not path.is_file():
        raise FileNotFoundError(f"missing model file: {path}")
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptModelFileError(f"corrupt model file {path}: {exc}") from exc


def _check_safetensors(path: Path) -> None:
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="numpy") as handle:
            keys = list(handle.keys())
            if keys:
                handle.get_slice(keys[0])
    except Exception as exc:  # safetensors raises its own error types, all mean "unreadable"
        raise CorruptModelFileError(f"corrupt model file {path}: {exc}") from exc
    if not keys:
        raise CorruptModelFileError(f"corrupt model file {path}: it holds no tensors")


def weight_files(model_dir: Path) -> list[Path]:
    return sorted(Path(model_dir).glob("*.safetensors"))


def load_checked(model_dir: str | Path) -> Path:
    """Validate a Hugging Face model directory and return it as a ``Path``.

    Raises ``FileNotFoundError`` naming the missing file (the directory itself, ``config.json``,
    ``tokenizer.json`` or the safetensors weights) and :class:`CorruptModelFileError` naming a file
    that exists but cannot be parsed.
    """
    path = Path(model_dir)
    if not path.is_dir():
        raise FileNotFoundError(f"model directory not found: {path}")
    for name in REQUIRED_JSON:
        _check_json(path / name)
    weights = weight_files(path)
    if not weights:
        pickled = [p.name for p in path.iterdir() if p.suffix in PICKLED_SUFFIXES]
        hint = f" (found pickled {pickled}, which are never loaded)" if pickled else ""
        raise FileNotFoundError(f"missing model file: {path / 'model.safetensors'}{hint}")
    for weight in weights:
        _check_safetensors(weight)
    log.debug("model directory %s looks complete", path)
    return path
