"""What makes a written line or song acceptable, as pure functions of text.

The relay and lyrics services rank the model's candidates with them, and the generation quality
benchmark reports them; the same rules both ways, so a better score is a better answer.

- **Script purity**: the share of letters in the expected script (Hangul for Korean, Latin for
  English), letters that the prompt itself contains not counted against it.
- **Clean start**: no leading punctuation or closing bracket, no Korean particle or ending that
  only makes sense glued to the word before, no lower-case English start.
- **Sentence boundary**: ends with ``. ! ? …`` (closing quotes allowed).
- **Keyword present**: case-folded; for Korean also with spaces ignored («우 산» is not it, but
  «우산을» is).
- **Distinct-2**: unique word bigrams / word bigrams.
- **List-like or junk**: numbered items (``1.``, ``8)``), dates, URLs, markup, "click"-style web
  boilerplate — what a small base model falls into when a prompt looks like a web page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

ECHO_WORDS = 5
SENTENCE_END = re.compile(r"[.!?…。！？]+[\"'”’」』)\]]*$")
LIST_ITEM = re.compile(r"(?:^|\s)(?:\d{1,3}[.)]|[-*•]\s|\(\d{1,3}\))")
DATE = re.compile(r"\d{2,4}\s*(?:년|월|일|[./-]\d{1,2}[./-])")
JUNK = re.compile(
    r"https?://|www\.|\.com\b|<[^>]{0,20}>|클릭|다시보기|구독|좋아요|댓글|click here|subscribe",
    re.IGNORECASE,
)
# Particles and endings that only follow a word: a line starting with one was cut mid-phrase.
KO_BOUND_START = frozenset(
    [
        "은",
        "는",
        "이",
        "가",
        "을",
        "를",
        "에",
        "에서",
        "에게",
        "의",
        "도",
        "로",
        "으로",
        "와",
        "과",
        "만",
        "까지",
        "부터",
        "처럼",
        "보다",
        "고",
        "며",
        "면",
        "서",
        "지",
        "요",
        "다",
    ]
)


def _letters(text: str) -> list[str]:
    return [ch for ch in text if ch.isalpha()]


def is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e"


def is_latin(ch: str) -> bool:
    return (ch.isascii() and ch.isalpha()) or "\u00c0" <= ch <= "\u024f"


def script_purity(text: str, language: str, prompt: str = "") -> float:
    """Share of the letters in ``text`` that belong to ``language``'s script or to the prompt."""
    letters = _letters(text)
    if not letters:
        return 1.0
    allowed = set(_letters(prompt))
    want = is_hangul if language == "ko" else is_latin
    good = sum(1 for ch in letters if want(ch) or ch in allowed)
    return good / len(letters)


def clean_start(text: str, language: str) -> bool:
    stripped = text.lstrip()
    if not stripped:
        return False
    first = stripped[0]
    if unicodedata.category(first)[0] == "P" and first not in "\"'“‘「『(":
        return False
    if language == "ko":
        word = stripped.split()[0]
        return word not in KO_BOUND_START
    return not (first.isalpha() and first.islower())


def ends_on_boundary(text: str) -> bool:
    return bool(SENTENCE_END.search(text.rstrip()))


def has_keyword(text: str, keyword: str | None) -> bool:
    if not keyword or not keyword.strip():
        return True
    kw = keyword.casefold().strip()
    folded = text.casefold()
    if kw in folded:
        return True
    # a keyword of several words may be written without its inner spaces
    return " " in kw and kw.replace(" ", "") in folded.replace(" ", "")


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def distinct_n(text: str, n: int = 2) -> float:
    toks = words(text)
    grams = [tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 1.0


def repeated_lines(lines: Sequence[str]) -> int:
    seen: set[str] = set()
    repeats = 0
    for line in lines:
        key = "".join(words(line))
        if not key:
            continue
        if key in seen:
            repeats += 1
        seen.add(key)
    return repeats


def list_like(text: str) -> bool:
    """Numbered items, dates or web boilerplate."""
    return any(
        LIST_ITEM.search(line) or DATE.search(line) or JUNK.search(line)
        for line in text.split("\n")
    )


def prompt_overlap(text: str, prompt: str) -> int:
    """The longest run of consecutive words of ``text`` that also runs in ``prompt``."""
    mine, theirs = words(text), words(prompt)
    best = 0
    for n in range(1, len(mine) + 1):
        grams = {tuple(theirs[i : i + n]) for i in range(len(theirs) - n + 1)}
        if not any(tuple(mine[i : i + n]) in grams for i in range(len(mine) - n + 1)):
            break
        best = n
    return best


def line_score(
    text: str,
    *,
    logprob: float | None,
    language: str,
    prompt: str,
    keyword: str | None = None,
) -> float:
    """Higher is better: the model's own fluency plus the rules above (keyword dominates)."""
    score = logprob if logprob is not None else -3.0
    if keyword and has_keyword(text, keyword):
        score += 3.0
    if ends_on_boundary(text):
        score += 1.0
    if not clean_start(text, language):
        score -= 1.0
    score -= 10.0 * (1.0 - script_purity(text, language, prompt))
    score -= 2.0 * (1.0 - distinct_n(text))
    if list_like(text):
        score -= 2.0
    if prompt_overlap(text, prompt) >= ECHO_WORDS:
        score -= 2.0  # repeats the story instead of going on
    return score


def too_similar(a: str, b: str, threshold: float = 0.6) -> bool:
    """Character-trigram Jaccard overlap above ``threshold``."""

    def grams(text: str) -> set[str]:
        s = "".join(text.casefold().split())
        return {s[i : i + 3] for i in range(len(s) - 2)} or {s}

    ga, gb = grams(a), grams(b)
    return len(ga & gb) / max(1, len(ga | gb)) > threshold


def pick_distinct(ranked: Sequence[str], n: int, threshold: float = 0.6) -> list[str]:
    """The first ``n`` of ``ranked`` (best first) that are not too similar to one already
    picked; near-duplicates only fill places nothing else can."""
    picked: list[str] = []
    spare: list[str] = []
    for text in ranked:
        if any(too_similar(text, other, threshold) for other in picked):
            spare.append(text)
        else:
            picked.append(text)
        if len(picked) == n:
            return picked
    return picked + spare[: n - len(picked)]
