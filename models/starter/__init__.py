"""The bundled starter models: small, trained by this project, fp16 safetensors (see README.md)."""

from __future__ import annotations

from pathlib import Path

STARTER_DIR = Path(__file__).resolve().parent
STARTER_NAMES = ("generator", "emotion")


def starter_path(name: str) -> Path:
    """Directory of the bundled starter ``name``, checked file by file.

    Raises ``FileNotFoundError`` naming the missing file, or ``CorruptModelFileError`` (a
    ``ValueError``) naming an unreadable one.
    """
    from models.training.checks import load_checked

    if name not in STARTER_NAMES:
        raise ValueError(f"unknown starter model {name!r}; expected one of {STARTER_NAMES}")
    return load_checked(STARTER_DIR / name)
