"""Which tokens a language may write: the output layer is cut to them before each step.

A 262k-token multilingual vocabulary is mostly scripts a Korean or English story never needs, and
its output layer is most of a small model's work per step. Cutting the logits to the tokens a
language uses does two jobs at once: stray scripts (Chinese characters in a Korean song, Cyrillic
in an English one) cannot be sampled at all, and each decoding step multiplies the last hidden
state by a few thousand rows instead of 262k.

Rules, from each token's own text (SentencePiece ``▁`` read as a space):

- Korean: tokens made of Hangul syllables, the punctuation below, digits and spaces.
- English: tokens made of ASCII letters, that punctuation, digits and spaces. Multilingual
  vocabularies order pieces roughly by frequency, so only English tokens below
  ``ENGLISH_ID_LIMIT`` are kept, and every piece of up to three letters (rare words are still
  spelled from those).
- Both: a token that the prompt itself uses is allowed (a name in Latin letters in a Korean
  story can come back), unless it holds markup characters.
- Never: special and control tokens, byte-fallback pieces, markup (``<>[]{}|#@*_=+\\/^`$%&``).
- Newlines are allowed as their own tokens; the decoder's stopping rules decide what they mean.

Byte-level BPE vocabularies (GPT-2 style, the bundled starter) spell Hangul from byte pieces, so
a language filter cannot be built from token texts there: :func:`build_vocab_filter` returns no
filter for them and script purity is left to the caller's checks.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

import torch

log = logging.getLogger(__name__)

PUNCT = set(" .,!?…'\"“”‘’()-–—:;·~")
MARKUP = set("<>[]{}|#@*_=+\\/^`$%&")
ENGLISH_ID_LIMIT = 60_000
SHORT_PIECE = 3
BYTE_PIECE = re.compile(r"^<0x[0-9A-Fa-f]{2}>$")
SP_SPACE = "▁"
LANGUAGES = ("ko", "en")


def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def classify_piece(text: str) -> str:
    """``ko``, ``en``, ``common`` (punctuation, digits, spaces), ``newline`` or ``other``."""
    if not text:
        return "other"
    if set(text) <= {"\n"}:
        return "newline"
    if any(ch in MARKUP for ch in text):
        return "other"
    has_hangul = has_latin = False
    for ch in text:
        if _is_hangul(ch):
            has_hangul = True
        elif ch.isascii() and ch.isalpha():
            has_latin = True
        elif not (ch in PUNCT or (ch.isascii() and ch.isdigit())):
            return "other"
    if has_hangul and has_latin:
        return "other"
    if has_hangul:
        return "ko"
    if has_latin:
        return "en"
    return "common"


@dataclass
class VocabFilter:
    """Allowed token ids per language, plus what the decoder needs to know about tokens."""

    vocab_size: int
    pieces: list[str]  # each token's text, ``▁`` as a space; "" for special tokens
    allowed: dict[str, torch.Tensor]  # language -> sorted token ids
    newline_ids: frozenset[int]
    digit_ids: frozenset[int]
    _cache: dict[tuple[str, frozenset[int]], torch.Tensor] = field(default_factory=dict)

    def ids_for(
        self, language: str | None, prompt_ids: list[int] | None = None
    ) -> torch.Tensor | None:
        """The allowed ids for ``language`` widened by the prompt's own safe tokens, or None
        (no filter) for an unknown language."""
        base = self.allowed.get(language or "")
        if base is None:
            return None
        extra = frozenset(
            i
            for i in (prompt_ids or [])
            if 0 <= i < self.vocab_size
            and self.pieces[i].strip()
            and not any(ch in MARKUP for ch in self.pieces[i])
            and "\ufffd" not in self.pieces[i]
        )
        key = (language or "", extra)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if extra:
            merged = torch.unique(torch.cat([base, torch.tensor(sorted(extra), dtype=torch.long)]))
        else:
            merged = base
        if len(self._cache) > 256:
            self._cache.clear()
        self._cache[key] = merged
        return merged


def token_pieces(tokenizer: Any, raw: list[str | None]) -> list[str]:
    """Each token id's text (``raw``: the tokenizer's own token strings) as it appears in
    decoded output (special tokens as "", byte pieces as U+FFFD)."""
    special = set(getattr(tokenizer, "all_special_ids", []) or [])
    pieces: list[str] = []
    for i, tok in enumerate(raw):
        if i in special or tok is None:
            pieces.append("")
        elif BYTE_PIECE.match(tok):
            pieces.append("\ufffd")
        else:
            pieces.append(tok.replace(SP_SPACE, " "))
    return pieces


def build_vocab_filter(tokenizer: Any, vocab_size: int | None = None) -> VocabFilter | None:
    """A filter for SentencePiece-style vocabularies; None for byte-level BPE ones."""
    raw = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    # SentencePiece vocabularies mark a word start with "▁" and fall back to <0xNN> pieces;
    # byte-level BPE ones (no such marks) spell non-ASCII text from byte symbols.
    if not any(t and (t.startswith(SP_SPACE) or BYTE_PIECE.match(t)) for t in raw[:20_000]):
        return None
    pieces = token_pieces(tokenizer, raw)
    size = max(vocab_size or 0, len(pieces))
    pieces += [""] * (size - len(pieces))
    by_class: dict[str, list[int]] = {"ko": [], "en": [], "common": [], "newline": []}
    digits: set[int] = set()
    for i, piece in enumerate(pieces):
        if not piece or "\ufffd" in piece:
            continue
        kind = classify_piece(piece)
        if kind in by_class:
            by_class[kind].append(i)
        if any(ch.isdigit() for ch in piece):
            digits.add(i)
    # Only single and double newlines: longer runs are layout, not text.
    newlines = [i for i in by_class["newline"] if len(pieces[i]) <= 2]
    common = by_class["common"] + newlines
    # Short pieces (single letters, "s", "nt") sit at the end of the vocabulary but are how words
    # are joined and spelled ("Tom" + "'" + "s"): always keep them.
    english = [
        i for i in by_class["en"] if i < ENGLISH_ID_LIMIT or len(pieces[i].strip()) <= SHORT_PIECE
    ]
    allowed = {
        "ko": torch.tensor(sorted(by_class["ko"] + common), dtype=torch.long),
        "en": torch.tensor(sorted(english + common), dtype=torch.long),
    }
    log.info(
        "vocabulary filter: %d Korean, %d English tokens of %d",
        len(allowed["ko"]),
        len(allowed["en"]),
        size,
    )
    return VocabFilter(
        vocab_size=size,
        pieces=pieces,
        allowed=allowed,
        newline_ids=frozenset(newlines),
        digit_ids=frozenset(digits),
    )
