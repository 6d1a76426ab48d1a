"""Song URLs both processes write and read.

Demo songs (``norae catalog import --demo``) carry ``package://<python package>/<path>`` URLs: the
audio ships inside an installed package (``immich-memories-music``), so the reference stays valid
on any machine that has the package. The importer writes them (:func:`package_url`); a server that
streams the audio (the web player) turns one back into a local file (:func:`resolve_package_url`).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PACKAGE_URL_SCHEME = "package://"


def package_url(package: str, path: str) -> str:
    """``("pkg", "a/b.opus")`` -> ``package://pkg/a/b.opus``."""
    return f"{PACKAGE_URL_SCHEME}{package}/{path.lstrip('/')}"


def resolve_package_url(url: str) -> Path | None:
    """``package://pkg/a/b.opus`` -> the installed file, or None (other scheme, missing, escaping)."""
    if not url.startswith(PACKAGE_URL_SCHEME):
        return None
    package, _, rel = url.removeprefix(PACKAGE_URL_SCHEME).partition("/")
    parts = [p for p in rel.split("/") if p]
    if not package.isidentifier() or not parts or any(p in (".", "..") for p in parts):
        return None
    try:
        root = resources.files(package)
    except (ModuleNotFoundError, TypeError):
        return None
    target = root.joinpath(*parts)
    path = Path(str(target))
    return path if path.is_file() else None
