"""Reading songs for import: plain text files and the Genius lyrics dataset CSV.

Plain text: one song per file, or songs separated by a line of ``=`` (any number) or ``---``
(text pasted on the web page may also separate songs by two blank lines).
A song's first line is its title when it looks like one (numbered ``1. 제목``, ``Title: …``, or
followed by a blank line or a section header); otherwise the song is named after the file.
Section headers such as ``[Chorus]``, ``[Verse 1]`` or ``[후렴]`` become the song's structure.

Genius CSV: the columns ``title, tag, artist, year, views, features, lyrics, id, language…``.

Nothing is thrown away silently: every file or row that cannot be used is returned as a
:class:`Skipped` with its reason (empty, missing lyrics, undecodable bytes…) as a catalog code,
``lyrics-skip-*`` in ``bot/locales/<lang>/lyrics.ftl``, that the command line and the web page show
in Korean and English. Duplicates are decided by :func:`content_hash` (see storage/lyrics.py, which
dedupes atomically across imports).
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
import sys
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from bot import texts
from bot.novelty import detect_language

log = logging.getLogger(__name__)

ENCODINGS = ("utf-8-sig", "cp949")  # utf-8-sig reads plain UTF-8 too; cp949 extends EUC-KR
SNIFF_BYTES = 1 << 20
PROGRESS_MIN_BYTES = 4 << 20
MAX_TITLE_CHARS = 80

_SEPARATOR_RE = re.compile(r"^[ \t]*(?:=+|-{3,})[ \t]*$", re.MULTILINE)
_BLANK_LINES_RE = re.compile(r"\n[ \t]*\n[ \t]*\n(?:[ \t]*\n)*")
_SECTION_RE = re.compile(r"^\s*\[([^\[\]\n]{1,40})\]\s*$")
_NUMBERED_TITLE_RE = re.compile(r"^\s*\d{1,4}\.\s+(\S.*)$")
_LABELED_TITLE_RE = re.compile(r"^\s*(?:title|제목)\s*[:：]\s*(\S.*)$", re.IGNORECASE)
_HASH_DROP_RE = re.compile(r"[\W_]+")


class DecodeError(ValueError):
    """Bytes that are neither UTF-8 nor CP949/EUC-KR text."""


class EmptyFile(DecodeError):
    """A file with nothing but white space in it."""


class NotGeniusCsv(ValueError):
    """A CSV without the Genius dataset's ``title`` and ``lyrics`` columns."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(f"not a Genius lyrics CSV (missing: {', '.join(missing)})")
        self.missing = missing


@dataclass(frozen=True)
class Section:
    """A part of a song: ``name`` is the header (``"Chorus"``) or ``None`` before any header."""

    name: str | None
    lines: tuple[str, ...]


@dataclass(frozen=True)
class ParsedSong:
    title: str
    sections: tuple[Section, ...]
    source: str
    artist: str | None = None
    language: str = "en"

    @property
    def body(self) -> str:
        """The lyrics without section headers, stanzas separated by blank lines."""
        return "\n\n".join("\n".join(s.lines) for s in self.sections if s.lines)

    @property
    def text(self) -> str:
        """The lyrics with their section headers."""
        parts = []
        for s in self.sections:
            head = [f"[{s.name}]"] if s.name else []
            parts.append("\n".join([*head, *s.lines]))
        return "\n\n".join(parts)

    @property
    def content_hash(self) -> str:
        return content_hash(self.body)


@dataclass(frozen=True)
class Skipped:
    """A file, song or row that was not imported: where it is (``source``: a file name, with the
    song or row number) and why, as a catalog code (``lyrics-skip-*``) and its variables."""

    source: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def reason(self, lang: str | None) -> str:
        """Why it was skipped, in the reader's language."""
        return texts.text(self.code, lang, **self.params)

    @property
    def duplicate(self) -> bool:
        """Skipped only because the artist has the same song already."""
        return self.code == DUPLICATE


DUPLICATE = "lyrics-skip-duplicate"


@dataclass
class ParseResult:
    songs: list[ParsedSong] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def extend(self, other: ParseResult) -> None:
        self.songs.extend(other.songs)
        self.skipped.extend(other.skipped)


def content_hash(lyrics: str) -> str:
    """A hash that ignores case, punctuation, spacing and line breaks (duplicates match)."""
    folded = unicodedata.normalize("NFC", lyrics).casefold()
    return hashlib.sha256(_HASH_DROP_RE.sub(" ", folded).strip().encode()).hexdigest()


def normalize_text(text: str) -> str:
    """NFC, ``\\n`` newlines, no trailing spaces, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def decode(data: bytes) -> tuple[str, str]:
    """``(text, encoding)``: UTF-8 (with or without BOM), else CP949/EUC-KR, else DecodeError."""
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:  # UTF-16 and binary files decode "fine" as CP949
            break
        return text, "utf-8" if encoding == "utf-8-sig" else encoding
    raise DecodeError("not text in UTF-8 or CP949/EUC-KR (save the file as UTF-8)")


# --- songs from text -----------------------------------------------------------------------


def is_section_header(line: str) -> str | None:
    """The header's name for ``[Chorus]``-style lines, else ``None``."""
    match = _SECTION_RE.match(line)
    return match.group(1).strip() if match else None


def split_songs(text: str, *, blank_lines: bool = False) -> list[str]:
    """Blocks between separator lines (``===``, ``---``), empty blocks dropped; with
    ``blank_lines``, two blank lines in a row also end a song (one only ends a stanza)."""
    if blank_lines:
        text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
        text = _BLANK_LINES_RE.sub("\n===\n", text)
    return [b.strip("\n") for b in _SEPARATOR_RE.split(normalize_text(text)) if b.strip()]


def _title_of(lines: list[str]) -> tuple[str | None, list[str]]:
    """Split an optional title line off the top of a song's lines."""
    first = lines[0].strip()
    for pattern in (_NUMBERED_TITLE_RE, _LABELED_TITLE_RE):
        match = pattern.match(first)
        if match and len(lines) > 1:
            return match.group(1).strip()[:MAX_TITLE_CHARS], lines[1:]
    if len(lines) < 3 or len(first) > MAX_TITLE_CHARS or is_section_header(first):
        return None, lines
    following = lines[1].strip()
    if not following or is_section_header(following):
        return first, lines[1:]
    return None, lines


def parse_sections(text: str) -> tuple[Section, ...]:
    """Lines grouped by section header; blank lines only separate stanzas within a section."""
    sections: list[Section] = []
    name: str | None = None
    current: list[str] = []

    def close() -> None:
        if current or name is not None:
            sections.append(Section(name, tuple(current)))

    for raw in text.split("\n"):
        header = is_section_header(raw)
        if header is not None:
            close()
            name, current = header, []
        elif raw.strip():
            current.append(" ".join(raw.split()))
    close()
    return tuple(s for s in sections if s.lines)


def parse_song(
    block: str, *, source: str, default_title: str, artist: str | None = None
) -> ParsedSong | None:
    """One song from its text, or ``None`` when it holds no lyrics."""
    lines = normalize_text(block).split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return None
    title, rest = _title_of(lines)
    sections = parse_sections("\n".join(rest))
    if not sections:
        return None
    song = ParsedSong(title=title or default_title, sections=sections, source=source, artist=artist)
    return _with_language(song)


def _with_language(song: ParsedSong, hint: str | None = None) -> ParsedSong:
    language = hint if hint in ("ko", "en") else detect_language(song.body)
    return ParsedSong(song.title, song.sections, song.source, song.artist, language or "en")


def parse_text(text: str, *, source: str, name: str, blank_lines: bool = False) -> ParseResult:
    """All songs of one text (a file's contents); ``name`` titles untitled songs.
    ``blank_lines``: two blank lines also separate songs (see :func:`split_songs`)."""
    result = ParseResult()
    blocks = split_songs(text, blank_lines=blank_lines)
    if not blocks:
        result.skipped.append(Skipped(source, "lyrics-skip-empty-file"))
        return result
    for i, block in enumerate(blocks, start=1):
        where = source if len(blocks) == 1 else f"{source} song {i}"
        title = name if len(blocks) == 1 else f"{name} {i}"
        song = parse_song(block, source=where, default_title=title)
        if song is None:
            result.skipped.append(Skipped(where, "lyrics-skip-no-lyrics"))
        else:
            result.songs.append(song)
    return result


def parse_text_file(path: Path) -> ParseResult:
    """Songs of one plain text file; unreadable, undecodable and empty files are skipped."""
    source = str(path.name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ParseResult(skipped=[_unreadable(source, exc)])
    if not data.strip():
        return ParseResult(skipped=[Skipped(source, "lyrics-skip-empty-file")])
    try:
        text, encoding = decode(data)
    except DecodeError:
        return ParseResult(skipped=[Skipped(source, "lyrics-skip-not-text")])
    if encoding != "utf-8":
        log.info("%s: read as %s", source, encoding)
    return parse_text(text, source=source, name=path.stem)


def _unreadable(source: str, exc: OSError) -> Skipped:
    return Skipped(source, "lyrics-skip-cannot-read", {"detail": exc.strerror or str(exc)})


def parse_text_files(paths: list[Path]) -> ParseResult:
    result = ParseResult()
    for path in paths:
        result.extend(parse_text_file(path))
    return result


# --- the Genius CSV ----------------------------------------------------------------------


def _sniff_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head.strip():
        raise EmptyFile("nothing but white space")
    # A multi-byte character may be cut at the end of the sample: drop up to 3 bytes and retry.
    for cut in range(4):
        try:
            return decode(head[: len(head) - cut] if cut else head)[1]
        except DecodeError:
            if len(head) < SNIFF_BYTES:
                break
    raise DecodeError("not text in UTF-8 or CP949/EUC-KR (save the file as UTF-8)")


def _rows(handle: io.TextIOWrapper) -> Iterator[dict[str, str]]:
    reader = csv.DictReader(handle)
    missing = {"title", "lyrics"} - {c.strip().lower() for c in reader.fieldnames or []}
    if missing:
        raise NotGeniusCsv(sorted(missing))
    for row in reader:
        yield {(k or "").strip().lower(): (v or "") for k, v in row.items() if isinstance(v, str)}


def _same_artist(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _csv_song(row: dict[str, str], number: int, artist: str | None) -> ParsedSong | Skipped:
    ref = f"row {number}" + (f" (id {row['id']})" if row.get("id") else "")
    if "artist" in row and not row["artist"].strip():
        return Skipped(ref, "lyrics-skip-no-artist")
    row_artist = row.get("artist", "").strip() or artist
    if not row_artist:
        return Skipped(ref, "lyrics-skip-no-artist-column")
    lyrics = row.get("lyrics", "")
    if not lyrics.strip():
        return Skipped(ref, "lyrics-skip-missing-lyrics")
    title = " ".join(row.get("title", "").split())[:MAX_TITLE_CHARS] or f"{row_artist} {number}"
    sections = parse_sections(normalize_text(lyrics))
    if not sections:
        return Skipped(ref, "lyrics-skip-only-headers")
    song = ParsedSong(title, sections, ref, artist or row_artist)
    return _with_language(song, row.get("language") or row.get("language_cld3"))


def parse_genius_csv(
    path: Path, *, artist: str | None = None, progress: bool | None = None
) -> ParseResult:
    """Songs of a Genius lyrics CSV; with ``artist``, only that artist's rows (when the file has an
    artist column) and every song is filed under ``artist``.

    ``progress``: a progress bar on stderr (``None``: only for large files on a terminal).
    """
    result = ParseResult()
    source = path.name
    try:
        encoding = _sniff_encoding(path)
        size = path.stat().st_size
    except EmptyFile:
        result.skipped.append(Skipped(source, "lyrics-skip-empty-file"))
        return result
    except DecodeError:
        result.skipped.append(Skipped(source, "lyrics-skip-not-text"))
        return result
    except OSError as exc:
        result.skipped.append(_unreadable(source, exc))
        return result
    show = size >= PROGRESS_MIN_BYTES and sys.stderr.isatty() if progress is None else progress
    other_artists = 0
    csv.field_size_limit(1 << 26)
    with (
        path.open("rb") as raw,
        io.TextIOWrapper(raw, encoding=encoding, newline="") as handle,
        tqdm(total=size, unit="B", unit_scale=True, desc=source, disable=not show) as bar,
    ):
        number = 0
        try:
            for number, row in enumerate(_rows(handle), start=1):
                if number % 500 == 0:
                    bar.update(raw.tell() - bar.n)
                if artist and row.get("artist") and not _same_artist(row["artist"], artist):
                    other_artists += 1
                    continue
                item = _csv_song(row, number, artist)
                if isinstance(item, Skipped):
                    result.skipped.append(
                        Skipped(f"{source} {item.source}", item.code, item.params)
                    )
                else:
                    result.songs.append(item)
        except UnicodeDecodeError:
            where = f"{source} row {number + 1}"
            result.skipped.append(Skipped(where, "lyrics-skip-undecodable", {"encoding": encoding}))
        except NotGeniusCsv as exc:
            where, missing = f"{source} row {number + 1}", ", ".join(exc.missing)
            result.skipped.append(
                Skipped(where, "lyrics-skip-not-genius-csv", {"missing": missing})
            )
        except (ValueError, csv.Error) as exc:
            where = f"{source} row {number + 1}"
            result.skipped.append(Skipped(where, "lyrics-skip-bad-csv", {"detail": str(exc)}))
        bar.update(size - bar.n)
    if other_artists:
        log.info("%s: %d rows of other artists ignored", source, other_artists)
    return result
