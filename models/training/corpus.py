"""Corpus builders for the generator: relay stories (novels) and lyrics (poems + hymns).

Every builder returns :class:`Document` objects. ``group`` names the unit that must not be split
between training and held-out text (a whole novel, a poem, a hymn), so held-out perplexity
measures text the model has never seen any part of.

The data sets live in ``../shared/data`` (see its README); they are read, never copied.
"""

from __future__ import annotations

import json
import logging
import random
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from contract.artists import artist_tag

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"

NOVELS_GLOB = "novels/koconovel/*.jsonl"
POEMS_GLOB = "lyrics/ko_poems/*.txt"
HYMNS_FILE = "lyrics/en_hymns/hymns.jsonl"

_POEM_SEPARATOR_RE = re.compile(r"^=+\s*$", re.MULTILINE)
_POEM_NUMBER_RE = re.compile(r"^\s*\d+\.\s*")


@dataclass(frozen=True)
class Document:
    """One training text and the group it belongs to (for leak-free splits)."""

    text: str
    group: str


@dataclass(frozen=True)
class Song:
    artist: str
    title: str
    lyrics: str


def format_song(song: Song) -> str:
    """A song as the generator sees it: tag line, title line, then the lyrics."""
    head = artist_tag(song.artist)
    title = song.title.strip()
    return f"{head}\n{title}\n{song.lyrics.strip()}" if title else f"{head}\n{song.lyrics.strip()}"


def normalize(text: str) -> str:
    """NFC, unified newlines, no trailing spaces, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _require(paths: list[Path], what: str, data_dir: Path) -> list[Path]:
    if not paths:
        raise FileNotFoundError(f"no {what} found under {data_dir}")
    return paths


def read_novels(data_dir: Path = DEFAULT_DATA_DIR) -> list[Document]:
    """Korean public-domain novels, one document per stored chunk, grouped by novel."""
    files = _require(sorted(Path(data_dir).glob(NOVELS_GLOB)), "novels", data_dir)
    docs: list[Document] = []
    for path in files:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                text = normalize(json.loads(line)["text"])
                if text:
                    docs.append(Document(text=text, group=f"novel:{path.stem}"))
    log.info("read %d novel chunks from %d files", len(docs), len(files))
    return docs


def split_poems(raw: str) -> list[tuple[str, str]]:
    """Split one poet's file into ``(title, body)``; the title line is ``"N. title"``."""
    poems = []
    for block in _POEM_SEPARATOR_RE.split(raw):
        lines = normalize(block).split("\n")
        if not lines or not lines[0].strip():
            continue
        title = _POEM_NUMBER_RE.sub("", lines[0]).strip()
        body = "\n".join(lines[1:]).strip()
        if body:
            poems.append((title, body))
    return poems


def read_poems(data_dir: Path = DEFAULT_DATA_DIR) -> list[Song]:
    """Korean public-domain poems; the poet is the file name."""
    files = _require(sorted(Path(data_dir).glob(POEMS_GLOB)), "poems", data_dir)
    songs = [
        Song(artist=path.stem, title=title, lyrics=body)
        for path in files
        for title, body in split_poems(path.read_text(encoding="utf-8"))
    ]
    log.info("read %d poems by %d poets", len(songs), len(files))
    return songs


def read_hymns(data_dir: Path = DEFAULT_DATA_DIR) -> list[Song]:
    """English public-domain hymn texts."""
    path = Path(data_dir) / HYMNS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"hymns file not found: {path}")
    songs = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                lyrics = normalize(row.get("lyrics") or "")
                if lyrics and row.get("artist"):
                    songs.append(Song(row["artist"], row.get("title") or "", lyrics))
    log.info("read %d hymns", len(songs))
    return songs


def relay_corpus(
    data_dir: Path = DEFAULT_DATA_DIR, extra_texts: Sequence[str] = ()
) -> list[Document]:
    """Story text for relay writing: the novels plus optional archived stories."""
    extra = [
        Document(text=normalize(text), group=f"extra:{i}")
        for i, text in enumerate(extra_texts)
        if text.strip()
    ]
    return read_novels(data_dir) + extra


def lyrics_corpus(
    data_dir: Path = DEFAULT_DATA_DIR, extra_songs: Sequence[Song] = ()
) -> list[Document]:
    """Poems, hymns and imported artists' songs, each prefixed with its :func:`artist_tag`."""
    songs = read_poems(data_dir) + read_hymns(data_dir) + list(extra_songs)
    return [Document(text=format_song(s), group=f"song:{s.artist}:{s.title}") for s in songs]


def generator_corpus(
    data_dir: Path = DEFAULT_DATA_DIR,
    extra_texts: Sequence[str] = (),
    extra_songs: Sequence[Song] = (),
) -> list[Document]:
    """Everything the generator learns from: relay stories and lyrics."""
    return relay_corpus(data_dir, extra_texts) + lyrics_corpus(data_dir, extra_songs)


def read_extra_texts(paths: Iterable[Path]) -> list[str]:
    """Archived stories from files: ``.jsonl`` rows with a ``text`` field, or plain text."""
    texts: list[str] = []
    for path in paths:
        path = Path(path)
        if path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as handle:
                texts.extend(json.loads(line)["text"] for line in handle if line.strip())
        else:
            texts.append(path.read_text(encoding="utf-8"))
    return texts


def split_by_group(
    docs: Sequence[Document], held_out_fraction: float, seed: int = 0
) -> tuple[list[Document], list[Document]]:
    """Train / held-out split over whole groups, with at least one group held out."""
    groups = sorted({d.group for d in docs})
    if not 0 < held_out_fraction < 1 or len(groups) < 2:
        return list(docs), []
    random.Random(seed).shuffle(groups)
    n_held = max(1, round(len(groups) * held_out_fraction))
    held = set(groups[:n_held])
    train = [d for d in docs if d.group not in held]
    held_out = [d for d in docs if d.group in held]
    return train, held_out
