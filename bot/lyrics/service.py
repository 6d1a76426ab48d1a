"""Lyrics in an artist's style (platform-neutral): import songs, pick an artist, write a new song.

Writing a song:

1. The artist is resolved from what was imported (an unknown name gets the closest names back).
2. The prompt is a few of the artist's own lines closest to the theme (BM25 over the same
   tokens the novelty guard counts) as a stanza, a blank line, then the title (the theme), where
   the new song starts: the shape a pretrained model has seen a poem or a song take. (A framing
   sentence or whole numbered poems make a small base model write web pages and title lists.)
   Prompts are cut from the left when long, so the title is the part that always survives.
3. The model writes exactly the lines asked for (``until="lines"``: no end of text before, an
   over-long line broken at a word start), in the language's own script, without digits (no
   numbered lists). Each candidate is shaped into lines, checked by the novelty guard
   (bot/novelty.py) and rejected when it shares ``novelty_span`` (8) or more consecutive
   words/morphemes with any song of the artist; the clean ones are ranked by line count, the
   model's own fluency, script purity and repetition (bot/writing_checks.py). When every
   candidate of every attempt copies, the least-copying one has its copied spans cut. The answer
   never holds an 8-token copy.
4. The lines are grouped into sections ([Verse 1], [Chorus], …). Section headers a model writes
   itself are dropped: structure is assigned here so every platform gets the same shape.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
import math
import random
import re
import textwrap
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bot import texts
from bot.errors import UserError
from bot.inference import InferenceError
from bot.lyrics.importing import (
    DUPLICATE,
    ParsedSong,
    ParseResult,
    Skipped,
    parse_genius_csv,
    parse_text_files,
)
from bot.novelty import CorpusIndex, detect_language, token_forms
from bot.relay.text import clean_name
from bot.writing import generate_scored
from bot.writing_checks import distinct_n, list_like, repeated_lines, script_purity
from contract.artists import ARTIST_TAG_PREFIX
from contract.settings import LyricsSettings
from storage.connection import Redis
from storage.lyrics import MAX_ARTIST_CHARS, LyricsStore, StoredSong, clean_artist, fold_artist

log = logging.getLogger(__name__)

LANGUAGES = ("ko", "en")
SECTION_NAMES = ("Verse 1", "Chorus", "Verse 2", "Bridge", "Verse 3", "Outro")
STANZA_LINES = 4
MAX_TITLE_CHARS = 40
CONTEXT_LINE_CHARS = 80
CLOSEST_ARTISTS = 5
CORPUS_CACHE_SIZE = 32
# what tag-trained generators write between songs
STOP_STRINGS = [ARTIST_TAG_PREFIX, "<|endoftext|>"]

_TAG_RE = re.compile(r"<[^<>\n]{0,80}>")
_HEADER_RE = re.compile(r"^\s*\[[^\[\]\n]{0,40}\]\s*$")
_PHRASE_END_RE = re.compile(r"(?<=[,.;:!?。，、])\s+")
_HAS_LETTER_RE = re.compile(r"[^\W\d_]")


class LyricsError(UserError):
    """A request that cannot be served, as a catalog code (``bot/locales/*/lyrics.ftl``)."""


class NoArtistsError(LyricsError):
    """Nothing has been imported yet. Its text (``lyrics-no-artists``) is the chat platforms'
    (Kakao, Discord), whose reader cannot import and is told whom to ask; the web page answers with
    its own text, which points to its import panel (bot/web/lyrics.py)."""

    code = "lyrics-no-artists"

    def __init__(self) -> None:
        super().__init__()


class GenerateClient(Protocol):
    """What the service needs from bot/inference.py's InferenceClient."""

    async def generate(
        self, prompts: list[str], *, timeout: float | None = None, **params: Any
    ) -> list[list[str]]: ...


@dataclass(frozen=True)
class SongSection:
    name: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class WrittenSong:
    """A new song. ``text`` is the sections with their headers (the title is separate).

    ``attempts``: generation calls made; ``rejected``: candidates refused for copying;
    ``cut``: True when no clean candidate came and copied spans were cut out.
    """

    title: str
    artist: str
    language: str
    sections: tuple[SongSection, ...]
    text: str
    attempts: int
    rejected: int
    cut: bool = False


@dataclass
class ImportReport:
    imported: list[tuple[str, str, str]] = field(default_factory=list)  # (artist, title, source)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def artists(self) -> list[str]:
        return sorted({artist for artist, _, _ in self.imported})


@dataclass(frozen=True)
class _Line:
    text: str
    song_id: str
    language: str
    counts: Counter[str]
    length: int


class ArtistCorpus:
    """One artist's songs, ready for retrieval (BM25 over lines) and the novelty guard."""

    K1 = 1.5
    B = 0.75

    def __init__(self, songs: Sequence[StoredSong], span: int) -> None:
        self.songs = list(songs)
        self.index = CorpusIndex.build(((s.id, s.body) for s in self.songs), n=span)
        self.lines: list[_Line] = []
        for song in self.songs:
            for _, lines in song.sections:
                for text in lines:
                    forms = token_forms(text)
                    if len(forms) >= 2:
                        counts = Counter(forms)
                        lang = detect_language(text)
                        self.lines.append(_Line(text, song.id, lang, counts, len(forms)))
        self.df: Counter[str] = Counter()
        for line in self.lines:
            self.df.update(line.counts.keys())
        self.avg_len = sum(line.length for line in self.lines) / max(1, len(self.lines))
        languages = Counter(s.language for s in self.songs)
        self.language = languages.most_common(1)[0][0] if languages else "en"

    def retrieve(
        self, theme: str | None, k: int, language: str | None, rng: random.Random
    ) -> list[str]:
        """Up to ``k`` lines from different songs: the best BM25 matches for ``theme``, or a
        random sample without a theme."""
        pool = [line for line in self.lines if language is None or line.language == language]
        pool = pool or self.lines
        if k <= 0 or not pool:
            return []
        query = set(token_forms(theme)) if theme else set()
        if query:
            scored = [(self._bm25(query, line), i, line) for i, line in enumerate(pool)]
            ranked = [line for score, _, line in sorted(scored, key=lambda t: (-t[0], t[1]))]
        else:
            ranked = rng.sample(pool, len(pool))
        chosen: list[str] = []
        used: set[str] = set()
        for line in ranked:
            if line.song_id in used:
                continue
            used.add(line.song_id)
            chosen.append(_shorten(line.text, CONTEXT_LINE_CHARS))
            if len(chosen) == k:
                break
        return chosen

    def _bm25(self, query: set[str], line: _Line) -> float:
        n = len(self.lines)
        score = 0.0
        norm = self.K1 * (1 - self.B + self.B * line.length / self.avg_len)
        for term in query:
            tf = line.counts.get(term, 0)
            if tf:
                df = self.df[term]
                idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
                score += idf * tf * (self.K1 + 1) / (tf + norm)
        return score


@dataclass(frozen=True)
class _Candidate:
    title: str | None
    lines: tuple[str, ...]
    logprob: float | None = None  # the model's mean log-probability per token, when known


class LyricsService:
    def __init__(
        self, redis: Redis, inference: GenerateClient | None, settings: LyricsSettings
    ) -> None:
        self.store = LyricsStore(redis)
        self.inference = inference
        self.settings = settings
        self._corpora: OrderedDict[str, tuple[int, ArtistCorpus]] = OrderedDict()
        self._locks: dict[str, asyncio.Lock] = {}
        self._rng = random.Random()

    # --- import ----------------------------------------------------------------------------

    async def import_files(self, artist: str, paths: Sequence[Path]) -> ImportReport:
        """Plain text files, every song filed under ``artist``."""
        display = self._artist_or_error(artist)
        parsed = await asyncio.to_thread(parse_text_files, list(paths))
        return await self.import_parsed(parsed, display)

    async def import_csv(
        self, path: Path, artist: str | None = None, *, progress: bool | None = None
    ) -> ImportReport:
        """A Genius lyrics CSV (only ``artist``'s rows when given)."""
        display = self._artist_or_error(artist) if artist is not None else None
        parsed = await asyncio.to_thread(parse_genius_csv, path, artist=display, progress=progress)
        return await self.import_parsed(parsed, display)

    async def import_parsed(self, parsed: ParseResult, artist: str | None = None) -> ImportReport:
        """Store parsed songs; duplicates (same content hash for the artist) are skipped."""
        report = ImportReport(skipped=list(parsed.skipped))
        by_artist: dict[str, list[ParsedSong]] = {}
        for song in parsed.songs:
            name = artist or song.artist
            if not name:
                report.skipped.append(Skipped(song.source, "lyrics-skip-no-artist"))
                continue
            by_artist.setdefault(name, []).append(song)
        for name, songs in by_artist.items():
            stored = [_to_stored(s) for s in songs]
            results = await self.store.add_songs(name, stored)
            for song, result in zip(songs, results, strict=True):
                if result.added:
                    report.imported.append((name, song.title, song.source))
                else:
                    title = {"title": result.existing_title}
                    report.skipped.append(Skipped(song.source, DUPLICATE, title))
        log.info("imported %d songs, skipped %d", len(report.imported), len(report.skipped))
        return report

    @staticmethod
    def _artist_or_error(artist: str) -> str:
        name = clean_name(artist)  # no zero-width or bidi characters in a name people will type
        try:
            return clean_artist(name)
        except ValueError:
            if len(name) > MAX_ARTIST_CHARS:
                raise LyricsError("lyrics-artist-too-long", limit=MAX_ARTIST_CHARS) from None
            raise LyricsError("lyrics-no-artist") from None

    # --- artists ---------------------------------------------------------------------------

    async def autocomplete(self, current: str) -> list[str]:
        """Names for an autocomplete box: prefix matches first, then the closest names."""
        limit = self.settings.autocomplete_limit
        names = await self.store.artists(current, limit)
        if current.strip() and len(names) < limit:
            for name in await self.closest_artists(current, limit):
                if name not in names:
                    names.append(name)
        return names[:limit]

    async def artists(self) -> list[str]:
        """Every imported artist's display name."""
        return await self.store.all_artists()

    async def closest_artists(self, name: str, n: int = CLOSEST_ARTISTS) -> list[str]:
        """Imported names that start with, contain, or look like ``name``."""
        folded = fold_artist(name)
        everyone = await self.store.all_artists()
        by_fold = {fold_artist(a): a for a in everyone}
        ranked = [f for f in by_fold if f.startswith(folded)]
        ranked += [f for f in by_fold if folded in f and f not in ranked]
        close = difflib.get_close_matches(folded, list(by_fold), n=n, cutoff=0.4)
        ranked += [f for f in close if f not in ranked]
        return [by_fold[f] for f in ranked[:n]] if folded else []

    async def artist_name(self, name: str) -> str | None:
        """The display name of the imported artist spelled ``name`` (any case), else None."""
        return await self.store.artist_name(name)

    async def resolve_artist(self, name: str) -> str:
        """The imported artist's display name, or LyricsError naming the closest ones."""
        name = clean_name(name or "")  # no zero-width or bidi characters echoed back
        if not name:
            raise LyricsError("lyrics-no-artist")
        found = await self.store.artist_name(name)
        if found is not None:
            return found
        closest = await self.closest_artists(name)
        if closest:
            raise LyricsError(
                "lyrics-unknown-artist-closest", name=name.strip(), closest=", ".join(closest)
            )
        if not await self.store.artists(limit=1):
            raise NoArtistsError()
        raise LyricsError("lyrics-unknown-artist", name=name.strip())

    # --- writing ---------------------------------------------------------------------------

    async def write(
        self,
        artist: str,
        theme: str | None = None,
        lines: int | None = None,
        language: str | None = None,
    ) -> WrittenSong:
        settings = self.settings
        theme = clean_name(theme) or None if theme else None
        wanted = self._validate(theme, lines, language)
        if self.inference is None:
            raise LyricsError("lyrics-no-model")
        name = await self.resolve_artist(artist)
        corpus = await self.corpus(name)
        prompt, title = self._prompt(name, corpus, theme, language)
        song_language = language or corpus.language
        fixed_title = (title and corpus.index.cut_copied_spans(title)) or None
        best: tuple[int, _Candidate] | None = None
        rejected = 0
        attempts = 0
        for _ in range(settings.max_regenerations + 1):
            attempts += 1
            clean, copies = await self._candidates(
                prompt, fixed_title, wanted, corpus, song_language
            )
            rejected += len(copies)
            if clean:
                chosen = max(clean, key=lambda c: _quality(c, wanted, prompt))
                return self._song(name, theme, chosen, attempts, rejected, cut=False)
            for copied, cand in copies:
                if best is None or copied < best[0]:
                    best = (copied, cand)
        if best is None:
            raise LyricsError("lyrics-nothing-usable")
        log.info("every candidate copied %s; cutting the copied spans", name)
        trimmed = _cut(best[1], corpus.index)
        if not trimmed.lines:
            raise LyricsError("lyrics-all-copied")
        return self._song(name, theme, trimmed, attempts, rejected, cut=True)

    def _validate(self, theme: str | None, lines: int | None, language: str | None) -> int:
        s = self.settings
        if theme is not None and len(theme) > s.theme_max_chars:
            raise LyricsError("lyrics-theme-too-long", length=len(theme), limit=s.theme_max_chars)
        if language is not None and language not in LANGUAGES:
            raise LyricsError("lyrics-bad-language")
        wanted = s.lines_default if lines is None else lines
        if not s.lines_min <= wanted <= s.lines_max:
            raise LyricsError("lyrics-bad-lines", min=s.lines_min, max=s.lines_max)
        return wanted

    async def corpus(self, artist: str) -> ArtistCorpus:
        """The artist's songs indexed (cached; rebuilt when the song count changes)."""
        key = fold_artist(artist)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            count = await self.store.song_count(artist)
            cached = self._corpora.get(key)
            if cached is not None and cached[0] == count:
                self._corpora.move_to_end(key)
                return cached[1]
            songs = await self.store.songs(artist)
            built = await asyncio.to_thread(ArtistCorpus, songs, self.settings.novelty_span)
            self._corpora[key] = (len(songs), built)
            while len(self._corpora) > CORPUS_CACHE_SIZE:
                self._corpora.popitem(last=False)
            return built

    def _prompt(
        self, artist: str, corpus: ArtistCorpus, theme: str | None, language: str | None
    ) -> tuple[str, str | None]:
        context = corpus.retrieve(
            theme, self.settings.context_lines, language or corpus.language, self._rng
        )
        title = _shorten(theme, MAX_TITLE_CHARS) if theme else None
        parts = [*context, ""] if context else []
        if title:
            parts.append(title)
        return "\n".join(parts) + "\n" if parts else "", title

    async def _candidates(
        self,
        prompt: str,
        title: str | None,
        wanted: int,
        corpus: ArtistCorpus,
        language: str,
    ) -> tuple[list[_Candidate], list[tuple[int, _Candidate]]]:
        """One generation call: the clean candidates and the copying ones (with copied tokens)."""
        s = self.settings
        assert self.inference is not None
        lines = wanted + (0 if title else 1)  # without a theme the first line is the title
        try:
            outputs = await generate_scored(
                self.inference,
                prompt,
                n=s.candidates,
                max_new_tokens=min(s.max_new_tokens, lines * s.tokens_per_line),
                until="lines",
                lines=lines,
                max_line_tokens=s.max_line_tokens,
                language=language,
                ban_digits=True,
                temperature=s.temperature,
                top_p=s.top_p,
                repetition_penalty=s.repetition_penalty,
                stop=STOP_STRINGS,
                timeout=s.generate_timeout_s,
            )
        except InferenceError as exc:  # the model's own refusal, told as the lyrics'
            raise LyricsError(exc.code, **exc.params) from None
        clean: list[_Candidate] = []
        copies: list[tuple[int, _Candidate]] = []
        for raw, logprob in outputs:
            cand = shape(raw, title, wanted, s.max_line_chars, logprob=logprob)
            if not cand.lines:
                continue
            spans = corpus.index.check(_joined(cand))
            if spans:
                log.debug("rejected a candidate copying %s", [sp.text for sp in spans])
                copies.append((sum(sp.length for sp in spans), cand))
            else:
                clean.append(cand)
        return clean, copies

    def _song(
        self,
        artist: str,
        theme: str | None,
        cand: _Candidate,
        attempts: int,
        rejected: int,
        *,
        cut: bool,
    ) -> WrittenSong:
        language = detect_language("\n".join(cand.lines))
        title = cand.title or texts.text("lyrics-untitled", "ko" if language == "ko" else "en")
        sections = label_sections(cand.lines)
        text = "\n\n".join("\n".join([f"[{s.name}]", *s.lines]) for s in sections)
        return WrittenSong(title, artist, language, sections, text, attempts, rejected, cut)


# --- shaping ---------------------------------------------------------------------------------


def _to_stored(song: ParsedSong) -> StoredSong:
    sections = tuple((s.name, s.lines) for s in song.sections)
    return StoredSong(song.content_hash, song.title, sections, song.language, song.source)


def _shorten(text: str, limit: int) -> str:
    return textwrap.shorten(text, width=limit, placeholder="…") if len(text) > limit else text


def break_line(line: str, max_chars: int) -> list[str]:
    """A long line broken at phrase ends, then between words; short lines are kept."""
    if len(line) <= max_chars:
        return [line]
    out: list[str] = []
    current = ""
    for phrase in _PHRASE_END_RE.split(line):
        joined = f"{current} {phrase}".strip()
        if len(joined) <= max_chars:
            current = joined
            continue
        if current:
            out.append(current)
        if len(phrase) <= max_chars:
            current = phrase
        else:
            wrapped = textwrap.wrap(phrase, max_chars, break_long_words=False) or [phrase]
            out.extend(wrapped[:-1])
            current = wrapped[-1]
    if current:
        out.append(current)
    return out


def _clean_line(line: str) -> str:
    line = _TAG_RE.sub(" ", line.replace("\ufffd", ""))
    line = "".join(ch for ch in line if ch.isprintable())
    return " ".join(line.split()).strip()


def shape(
    raw: str, title: str | None, wanted: int, max_chars: int, *, logprob: float | None = None
) -> _Candidate:
    """A model's continuation as a title and at most ``wanted`` lines.

    Without a given title the first short line the model wrote is the title. Empty lines, lines
    without letters, section headers, and a line repeating the one before are dropped.
    """
    lines: list[str] = []
    for part in raw.split("\n"):
        if _HEADER_RE.match(part):
            continue
        cleaned = _clean_line(part)
        if not cleaned or not _HAS_LETTER_RE.search(cleaned):
            continue
        if title is None and not lines:
            if len(cleaned) <= MAX_TITLE_CHARS:
                title = cleaned
                continue
            title = _shorten(cleaned, MAX_TITLE_CHARS)
        for piece in break_line(cleaned, max_chars):
            if not lines or lines[-1] != piece:
                lines.append(piece)
    return _Candidate(title, tuple(lines[:wanted]), logprob)


def _joined(cand: _Candidate) -> str:
    return "\n".join([cand.title, *cand.lines] if cand.title else cand.lines)


def _quality(cand: _Candidate, wanted: int, prompt: str = "") -> float:
    """Prefer the requested length in distinct lines, then fluency, one script, no lists."""
    text = "\n".join(cand.lines)
    language = detect_language(text)
    distinct = len(cand.lines) - repeated_lines(cand.lines)
    score = 3.0 * min(distinct, wanted) - 3.0 * abs(wanted - len(cand.lines))
    score += cand.logprob if cand.logprob is not None else -3.0
    score -= 10.0 * (1.0 - script_purity(text, language, prompt))
    score -= 2.0 * (1.0 - distinct_n(text))
    if list_like(text):
        score -= 2.0
    return score


def _cut(cand: _Candidate, index: CorpusIndex) -> _Candidate:
    """The candidate with its copied spans cut (the title dropped when the copy runs into it)."""
    body = index.cut_copied_spans("\n".join(cand.lines))
    lines = tuple(line for line in body.split("\n") if line.strip())
    title = cand.title
    if title and index.check("\n".join([title, *lines])):
        title = None
    return _Candidate(title, lines, cand.logprob)


def label_sections(lines: Sequence[str]) -> tuple[SongSection, ...]:
    """Stanzas of four lines named Verse 1, Chorus, Verse 2, Bridge, … (one [Verse] if short)."""
    if len(lines) <= STANZA_LINES:
        return (SongSection("Verse", tuple(lines)),) if lines else ()
    chunks = [tuple(lines[i : i + STANZA_LINES]) for i in range(0, len(lines), STANZA_LINES)]
    if len(chunks) > 1 and len(chunks[-1]) == 1:  # a lone last line joins the stanza before
        chunks[-2:] = [chunks[-2] + chunks[-1]]
    names = [
        SECTION_NAMES[i] if i < len(SECTION_NAMES) else f"Verse {i - len(SECTION_NAMES) + 4}"
        for i in range(len(chunks))
    ]
    return tuple(SongSection(n, c) for n, c in zip(names, chunks, strict=True))
