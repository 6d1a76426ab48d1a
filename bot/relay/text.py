"""Text rules of relay stories: cleaning model candidates, checking what people type, the prompt.

Pure functions, no Redis and no model, so every rule is testable on its own.

Decisions:

- A candidate is one line of the story: text after the first blank line is dropped (the model has
  moved on to something else) and single newlines become spaces.
- It is cut after its *last* sentence end within ``max_chars`` (``. ! ? … 。 ！ ？``, with any closing
  quotes or brackets, followed by a space or the end). When there is none, the text is kept, cut
  back to its last space when that keeps at least half of it, so a candidate never stops
  mid-word; dropping it instead would waste most of what a small model writes.
- Mention pings (``@everyone``, ``@here``, ``<@123>``, ``<@!123>``, ``<@&123>``) are removed from
  model text. People's own lines are kept as written (platforms echo them with mentions off).
- Control characters and U+FFFD (bytes the tokenizer could not decode) are removed from both, and
  so are format characters (Unicode category Cf: zero-width spaces, bidi overrides and isolates,
  U+FEFF, tag characters), which could hide text, fake an empty line or reorder what others read.
  The zero-width joiner and non-joiner are kept between two visible characters, where they build
  emoji sequences and shape some scripts.
- A line or keyword with nothing visible left (only spaces, format characters, Hangul fillers
  such as U+3164, variation selectors) is empty, and refused as such.
- A candidate is an echo when its letters and digits (case-folded) are found in the prompt and it
  has at least ``ECHO_MIN_KEY`` of them, or when it starts with a prompt header label.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from bot.novelty import detect_language

SENTENCE_END = re.compile(r"[.!?…。！？]+[\"'”’」』)\]]*(?=\s|$)")
MENTION = re.compile(r"@(?:everyone|here)\b|<@[!&]?\d+>")
BLANK_LINE = re.compile(r"\n\s*\n")
SPACES = re.compile(r"[ \t\u00a0\u3000]+")
ECHO_MIN_KEY = 6
MIN_LETTERS_TO_DETECT = 12

HEADER_LABELS = {
    "ko": {"title": "제목", "genre": "장르", "keyword": "키워드", "story": "이야기"},
    "en": {"title": "Title", "genre": "Genre", "keyword": "Keyword", "story": "Story"},
}


def labels(language: str) -> dict[str, str]:
    return HEADER_LABELS.get(language, HEADER_LABELS["en" if language.startswith("en") else "ko"])


# Joiners that shape emoji sequences and scripts: kept between two visible characters only.
JOINERS = frozenset("\u200c\u200d")
# Characters that draw nothing although their category says letter, symbol or mark: Hangul
# fillers, the braille blank, the combining grapheme joiner, variation selectors.
INVISIBLE = frozenset(
    "\u115f\u1160\u3164\uffa0\u2800\u034f"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
    + "".join(chr(c) for c in range(0xE0100, 0xE01F0))
)


def _dropped(ch: str) -> bool:
    return ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cf")


def is_visible(ch: str) -> bool:
    """Whether ``ch`` draws something: not a space, control, format or filler character."""
    return unicodedata.category(ch)[0] not in "ZC" and ch not in INVISIBLE and not ch.isspace()


def has_visible(text: str) -> bool:
    return any(is_visible(ch) for ch in text)


def strip_controls(text: str, *, keep_newlines: bool = True) -> str:
    """Remove control and format characters (tabs become spaces) and undecodable-byte marks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch == "\n":
            out.append("\n" if keep_newlines else " ")
        elif ch == "\t":
            out.append(" ")
        elif ch in JOINERS:
            after = text[i + 1] if i + 1 < len(text) else ""
            if out and is_visible(out[-1]) and after and is_visible(after):
                out.append(ch)
        elif not _dropped(ch):
            out.append(ch)
    return "".join(out)


def remove_mentions(text: str) -> str:
    return MENTION.sub("", text)


def squash(text: str) -> str:
    """One line, single spaces."""
    return SPACES.sub(" ", text.replace("\n", " ")).strip()


def key(text: str) -> str:
    """What two texts must share to count as the same: case-folded letters and digits."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def cut_at_sentence_end(text: str, max_chars: int) -> str:
    text = text[:max_chars]
    ends = [m.end() for m in SENTENCE_END.finditer(text)]
    if ends:
        return text[: ends[-1]].strip()
    text = text.rstrip()
    space = text.rfind(" ")
    if space >= len(text) // 2 and space > 0:
        # Without a sentence end the text stopped at a token limit, as often as not mid-word.
        return text[:space].strip()
    return text.strip()


def is_header_echo(text: str, language: str) -> bool:
    head = text.lstrip()
    names = set(labels(language).values()) | set(HEADER_LABELS["en"].values())
    return any(head.startswith(f"{name}:") for name in names)


def clean_candidate(raw: str, *, prompt: str, max_chars: int, language: str) -> str | None:
    """One usable candidate line from raw model text, or None."""
    text = strip_controls(raw)
    text = BLANK_LINE.split(text.lstrip(), maxsplit=1)[0]
    text = squash(remove_mentions(text))
    if not text or is_header_echo(text, language):
        return None
    text = drop_echoed_sentences(text, prompt)
    text = cut_at_sentence_end(text, max_chars)
    text = text.lstrip(" ,;:")
    text_key = key(text)
    if not text_key:
        return None
    if len(text_key) >= ECHO_MIN_KEY and text_key in key(prompt):
        return None
    return text


def drop_echoed_sentences(text: str, prompt: str) -> str:
    """``text`` without the leading sentences it copies from the prompt (a small model often
    starts by repeating the story's last line, then goes on)."""
    prompt_key = key(prompt)
    while True:
        match = SENTENCE_END.search(text)
        if match is None:
            return text
        first = text[: match.end()]
        first_key = key(first)
        if len(first_key) < ECHO_MIN_KEY or first_key not in prompt_key:
            return text
        text = text[match.end() :].lstrip()


def clean_candidates(
    raws: Iterable[str],
    *,
    prompt: str,
    max_chars: int,
    language: str,
    keep: Iterable[str] = (),
) -> list[str]:
    """Clean each raw text, dropping empty ones, echoes and duplicates (also of ``keep``)."""
    seen = {key(k) for k in keep}
    out: list[str] = []
    for raw in raws:
        text = clean_candidate(raw, prompt=prompt, max_chars=max_chars, language=language)
        if text is None or key(text) in seen:
            continue
        seen.add(key(text))
        out.append(text)
    return out


def clean_line(text: str) -> str:
    """A person's line: controls removed, at most one blank line in a row, trimmed; "" when
    nothing visible is left."""
    text = strip_controls(text)
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    joined = "\n".join(lines)
    cleaned = re.sub(r"\n{3,}", "\n\n", joined).strip()
    return cleaned if has_visible(cleaned) else ""


def clean_name(text: str) -> str:
    """A name or short field on one line, controls and format characters removed, spaces
    squashed; "" when nothing visible is left. Mentions stay (platforms send with pings off)."""
    cleaned = squash(strip_controls(text, keep_newlines=False))
    return cleaned if has_visible(cleaned) else ""


def clean_keyword(text: str) -> str:
    """A keyword, title or genre (they reach the model's prompt): :func:`clean_name`, without
    mention pings."""
    cleaned = squash(remove_mentions(strip_controls(text, keep_newlines=False)))
    return cleaned if has_visible(cleaned) else ""


def story_language(lines: list[str], declared: str) -> str:
    """The language the model should write in: what the newest lines are written in, when there
    is enough of them to tell, else the language the story was started with."""
    recent = " ".join(lines[-10:])
    if sum(1 for ch in recent if ch.isalpha()) >= MIN_LETTERS_TO_DETECT:
        return detect_language(recent)
    return declared if declared in ("ko", "en") else "ko"


def build_prompt(*, title: str, genre: str, lines: list[str], context_chars: int) -> str:
    """The story as a pretrained model expects to continue it: the title (and genre) as a first
    line, a blank line, then the newest story text that fits ``context_chars``, one line per
    story line, ending with a line break so the continuation starts a new line.

    Lines are taken newest first until the budget is spent; a line that does not fit whole is
    cut from its start, so the text right before the continuation is always there. The keyword
    is not written into the prompt: the decoder works it into the continuation (a base model
    given a "Keyword:" header writes headers back).
    """
    kept: list[str] = []
    budget = context_chars
    for line in reversed(lines):
        if budget <= 0:
            break
        if len(line) + 1 > budget:
            kept.append(line[-budget:].lstrip())
            break
        kept.append(line)
        budget -= len(line) + 1
    body = "\n".join(reversed(kept))
    head = " · ".join(part for part in (title.strip(), genre.strip()) if part)
    if head and body:
        return f"{head}\n\n{body}\n"
    return f"{head}\n\n" if head else (f"{body}\n" if body else "")
