"""The novelty guard: generated lyrics must not copy the artist's songs.

Text is cut into tokens the way people would count "words": Korean lines into morphemes with
kiwipiepy, other lines into words. A candidate that shares :data:`MIN_SPAN` (8) or more
consecutive tokens with any indexed song is a copy. :class:`CorpusIndex` maps every 8-gram of the
artist's songs to the songs holding it, so a check costs one dictionary lookup per candidate
position; :func:`longest_shared_span` measures the longest run of any length (benchmarks use it).

The Kiwi model takes a second or two to load: it is created lazily, once per process.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

MIN_SPAN = 8

_HANGUL_RE = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Kiwi tags for punctuation and symbols; foreign words (SL), hanja (SH) and numbers (SN) count.
_KEPT_SYMBOL_TAGS = {"SL", "SH", "SN"}
_SPACE_BEFORE_PUNCT_RE = re.compile(r"\s+([,.;:!?])")
_REPEATED_PUNCT_RE = re.compile(r"([,.;:!?])(?:\s*[,.;:!?])+")

_kiwi: Any = None
_kiwi_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Token:
    """A normalized token and where it sits in the text (character offsets, end exclusive)."""

    form: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class CopiedSpan:
    """A run of ``length`` tokens that also occurs in the songs ``song_ids``."""

    start: int
    end: int
    length: int
    text: str
    song_ids: frozenset[str]


def _get_kiwi() -> Any:
    global _kiwi
    if _kiwi is None:
        from kiwipiepy import Kiwi

        log.info("loading the Korean tokenizer (kiwipiepy)")
        _kiwi = Kiwi()
    return _kiwi


def has_hangul(text: str) -> bool:
    return _HANGUL_RE.search(text) is not None


def detect_language(text: str) -> str:
    """``"ko"`` when at least a fifth of the letters are Hangul, else ``"en"``."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    hangul = sum(1 for c in letters if _HANGUL_RE.match(c))
    return "ko" if hangul / len(letters) >= 0.2 else "en"


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("’", "'").replace("‘", "'")


def _korean_tokens(lines: list[str]) -> list[list[tuple[str, int, int]]]:
    """Morphemes of each line as ``(form, start, end)``, punctuation dropped (one batched call)."""
    if not lines:
        return []
    with _kiwi_lock:  # one shared instance; keep concurrent threads from racing its state
        analysed = list(_get_kiwi().tokenize(lines))
    out = []
    for tokens in analysed:
        kept = []
        for tok in tokens:
            tag = str(tok.tag)
            if tag.startswith("S") and tag not in _KEPT_SYMBOL_TAGS:
                continue
            start = int(tok.start)
            kept.append((str(tok.form).lower(), start, start + int(tok.len)))
        out.append(kept)
    return out


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` line by line: morphemes for Korean lines, words otherwise.

    Punctuation is dropped, so a copy with different punctuation or line breaks still matches.
    Offsets refer to ``text`` after NFC normalization (the form Hangul text normally has).
    """
    text = _normalize(text)
    offsets: list[int] = []
    lines: list[str] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            offsets.append(offset)
            lines.append(line)
        offset += len(line) + 1
    korean = [i for i, line in enumerate(lines) if has_hangul(line)]
    analysed = dict(zip(korean, _korean_tokens([lines[i] for i in korean]), strict=True))
    tokens: list[Token] = []
    for i, (line, base) in enumerate(zip(lines, offsets, strict=True)):
        if i in analysed:
            tokens.extend(Token(f, base + s, base + e) for f, s, e in analysed[i])
        else:
            tokens.extend(
                Token(m.group().lower(), base + m.start(), base + m.end())
                for m in _WORD_RE.finditer(line)
            )
    return tokens


def token_forms(text: str) -> list[str]:
    return [t.form for t in tokenize(text)]


@dataclass
class CorpusIndex:
    """N-grams (``n`` tokens) of one artist's songs -> the ids of the songs that hold them."""

    n: int = MIN_SPAN
    grams: dict[tuple[str, ...], set[str]] = field(default_factory=lambda: defaultdict(set))
    songs: dict[str, list[str]] = field(default_factory=dict)
    _positions: dict[str, list[tuple[str, int]]] | None = None

    @classmethod
    def build(
        cls, songs: Mapping[str, str] | Iterable[tuple[str, str]], n: int = MIN_SPAN
    ) -> CorpusIndex:
        index = cls(n=n)
        items = songs.items() if isinstance(songs, Mapping) else songs
        for song_id, text in items:
            index.add(song_id, text)
        return index

    def add(self, song_id: str, text: str) -> None:
        forms = token_forms(text)
        self.songs[song_id] = forms
        for i in range(len(forms) - self.n + 1):
            self.grams[tuple(forms[i : i + self.n])].add(song_id)
        self._positions = None

    def __len__(self) -> int:
        return len(self.songs)

    def positions(self) -> dict[str, list[tuple[str, int]]]:
        """token -> every (song id, position) it occurs at (built on first use)."""
        if self._positions is None:
            table: dict[str, list[tuple[str, int]]] = defaultdict(list)
            for song_id, forms in self.songs.items():
                for pos, form in enumerate(forms):
                    table[form].append((song_id, pos))
            self._positions = table
        return self._positions

    def check(self, candidate: str) -> list[CopiedSpan]:
        """Every maximal run of ``n`` or more tokens of ``candidate`` also found in a song."""
        text = _normalize(candidate)
        return _copied_spans(text, tokenize(text), self)

    def cut_copied_spans(self, text: str) -> str:
        """``text`` with the copied spans removed (repeated until nothing copied is left)."""
        return cut_copied_spans(text, self)


def _copied_spans(text: str, tokens: list[Token], index: CorpusIndex) -> list[CopiedSpan]:
    n = index.n
    forms = [t.form for t in tokens]
    spans: list[CopiedSpan] = []
    run_start = -1
    run_end = -1
    run_songs: set[str] = set()
    for i in range(len(forms) - n + 1):
        hit = index.grams.get(tuple(forms[i : i + n]))
        if not hit:
            continue
        if run_start >= 0 and i <= run_end:  # overlaps the current run: extend it
            run_end = i + n
            run_songs |= hit
            continue
        if run_start >= 0:
            spans.append(_span(text, tokens, run_start, run_end, run_songs))
        run_start, run_end, run_songs = i, i + n, set(hit)
    if run_start >= 0:
        spans.append(_span(text, tokens, run_start, run_end, run_songs))
    return spans


def _span(text: str, tokens: list[Token], first: int, stop: int, songs: set[str]) -> CopiedSpan:
    start = min(t.start for t in tokens[first:stop])
    end = max(t.end for t in tokens[first:stop])
    return CopiedSpan(start, end, stop - first, text[start:end], frozenset(songs))


def check(candidate: str, index: CorpusIndex) -> list[CopiedSpan]:
    """The copied spans (``index.n``+ consecutive tokens) of ``candidate``."""
    return index.check(candidate)


def cut_copied_spans(text: str, index: CorpusIndex, max_rounds: int = 10) -> str:
    """Remove every copied span; lines left without words are dropped.

    Cutting joins the words around a cut, which could form a new copy: check again until clean.
    As a last resort the lines that still hold a copy are dropped whole.
    """
    text = _normalize(text)
    for _ in range(max_rounds):
        spans = index.check(text)
        if not spans:
            return text
        for span in reversed(spans):
            text = text[: span.start] + text[span.end :]
        text = _tidy_lines(text)
    spans = index.check(text)
    while spans:
        bad = {text.count("\n", 0, s.start) for s in spans}
        text = "\n".join(line for i, line in enumerate(text.split("\n")) if i not in bad)
        spans = index.check(text)
    return text


def _tidy_line(line: str) -> str:
    line = _SPACE_BEFORE_PUNCT_RE.sub(r"\1", " ".join(line.split()))
    return _REPEATED_PUNCT_RE.sub(r"\1", line).strip(" ,;:-")


def _tidy_lines(text: str) -> str:
    lines = [_tidy_line(line) for line in text.split("\n")]
    kept = [line for line in lines if _WORD_RE.search(line)]
    return "\n".join(kept)


def longest_shared_span(candidate: str, corpus_index: CorpusIndex) -> tuple[int, str]:
    """The longest run of consecutive tokens of ``candidate`` found in any indexed song.

    Returns ``(length in tokens, the run as it appears in the candidate)``; ``(0, "")`` when no
    token is shared.
    """
    tokens = tokenize(candidate)
    forms = [t.form for t in tokens]
    table = corpus_index.positions()
    songs = corpus_index.songs
    best_len, best_at = 0, 0
    for i, form in enumerate(forms):
        for song_id, pos in table.get(form, ()):
            song = songs[song_id]
            # A run that also matches one token earlier was measured from an earlier start.
            if i > 0 and pos > 0 and song[pos - 1] == forms[i - 1]:
                continue
            length = 1
            while (
                i + length < len(forms)
                and pos + length < len(song)
                and song[pos + length] == forms[i + length]
            ):
                length += 1
            if length > best_len:
                best_len, best_at = length, i
    if best_len == 0:
        return 0, ""
    span = tokens[best_at : best_at + best_len]
    text = _normalize(candidate)
    return best_len, text[min(t.start for t in span) : max(t.end for t in span)]
