"""People's lines and keywords: what invisible characters leave (bot/relay/text.py), and numbers
read strictly (bot/numbers.py)."""

from __future__ import annotations

import pytest

from bot.numbers import strict_int
from bot.relay.text import clean_keyword, clean_line, clean_name, has_visible, strip_controls

INVISIBLE_ONLY = [
    "\u200b",  # zero-width space
    "\u200b\u200c\u200d",  # zero-width space, non-joiner, joiner
    "\ufeff",  # byte order mark / zero-width no-break space
    "\u202e\u202d\u202c",  # bidi override, pop
    "\u2066\u2067\u2068\u2069",  # bidi isolates
    "\u200e\u200f\u061c",  # direction marks
    "\u2060\u2061\u2062\u2063\u2064",  # word joiner, invisible operators
    "\u00ad",  # soft hyphen
    "\u180e",  # Mongolian vowel separator
    "\U000e0041\U000e007f",  # tag characters
    "\u3164\u3164",  # Hangul filler (a letter by category, draws nothing)
    "\u115f\u1160\uffa0",  # Hangul choseong/jungseong fillers, halfwidth filler
    "\u2800",  # braille blank
    "\ufe0f\ufe0e",  # variation selectors alone
    " \u200b \u3000 \u00a0 \u2003 ",  # spaces of every width around a zero-width space
    "\u200b\n\n\u200b\n",  # blank lines of them
]


@pytest.mark.parametrize("text", INVISIBLE_ONLY)
def test_a_line_of_only_invisible_characters_is_empty(text: str) -> None:
    # The service refuses an empty line or keyword ("the line is empty"), so nothing is stored
    # and no model runs.
    assert clean_line(text) == ""
    assert clean_keyword(text) == ""
    assert not has_visible(text)


def test_names_keep_mentions_keywords_do_not() -> None:
    # A zero-width space cannot hide a ping from the mention filter: it goes first.
    assert clean_keyword("@every\u200bone 우산") == "우산"
    assert clean_name("@every\u200bone") == "@everyone"  # sent with pings off, shown as typed
    assert clean_name("\u202e 밤비 \u2066") == "밤비"
    assert clean_name("\u200b\u3164") == ""


def test_format_characters_are_removed_from_real_text() -> None:
    assert clean_line("\u202e안녕\u200b하세요\ufeff") == "안녕하세요"
    assert clean_keyword(" \u2066우산\u2069 ") == "우산"
    assert clean_line("a\u00adb") == "ab"
    # Joiners stay inside emoji sequences and words, and go where they join nothing.
    family = "👨\u200d👩\u200d👧"
    assert clean_line(f"가족 {family}") == f"가족 {family}"
    assert clean_line("\u200d가\u200d") == "가"
    assert strip_controls("x\u200d \u200dy") == "x y"
    # Variation selectors and a filler next to real text are left as they are.
    assert clean_line("☺\ufe0f") == "☺\ufe0f"
    assert clean_line("\u3164 안녕") == "\u3164 안녕"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("  42 ", 42),
        ("000007", 7),
        ("999999", 999_999),
        ("1000000", None),  # seven digits
        ("²", None),  # "²".isdigit() is True, int("²") raises
        ("①", None),
        ("٣", None),  # Arabic-Indic three: int() reads it, people do not mean it
        ("３", None),  # full-width
        ("-1", None),
        ("+1", None),
        ("1_000", None),
        ("1.0", None),
        ("0x10", None),
        ("", None),
        ("1e3", None),
        ("\u200b1", None),
    ],
)
def test_numbers_are_ascii_digits_only(text: str, expected: int | None) -> None:
    assert strict_int(text) == expected


def test_non_strings_are_not_numbers() -> None:
    assert strict_int(3) is None
    assert strict_int(None) is None
    assert strict_int(["1"]) is None
