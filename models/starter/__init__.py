"""The bundled starter models: small, trained by this project, fp16 safetensors (see README.md)."""

from __future__ import annotations

from pathlib import Path

STARTER_DIR = Path(__file__).resolve().parent
STARTER_NAMES = ("generator", "emotion")


def starter_path(name: str) -> Path:
    """Directory of the bundled starter ``name``, checked file by file.

    Raises ``ModelLoadError`` naming the missing or corrupt file.
    """
    from models.loading import check_local_model

    if name not in STARTER_NAMES:
        raise ValueError(f"unknown starter model {name!r}; expected one of {STARTER_NAMES}")
    path = STARTER_DIR / name
    check_local_model(path)
    return path
