"""Every text a person reads, looked up by code in the Korean and English catalogs.

The catalogs are Fluent files (``bot/locales/<lang>/*.ftl``), one per feature and language, read
once. A text's variables are named (``{ $seconds }``); English plurals use Fluent's selectors. Numbers
are written as they are, without grouping (``1000``, not ``1,000``): a limit reads as it is set.
Korean is the default: a reader whose language is unknown reads Korean, a Discord locale or a
browser language that is not Korean reads English.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Literal

from fluent.runtime import FluentBundle, FluentResource
from fluent.runtime.types import fluent_number
from fluent.syntax import ast, parse

log = logging.getLogger(__name__)

Lang = Literal["ko", "en"]
LANGUAGES: tuple[Lang, ...] = ("ko", "en")
LOCALES_DIR = Path(__file__).resolve().parent / "locales"


def language(locale: str | None) -> Lang:
    """``ko`` for a Korean locale (``ko``, ``ko-KR``) or none at all, else ``en``."""
    if not locale:
        return "ko"
    return "ko" if locale.lower().startswith("ko") else "en"


@cache
def bundle(lang: Lang) -> FluentBundle:
    found = FluentBundle([lang], use_isolating=False)
    for path in sorted((LOCALES_DIR / lang).glob("*.ftl")):
        found.add_resource(FluentResource(path.read_text(encoding="utf-8")))
    return found


@cache
def codes(lang: Lang) -> frozenset[str]:
    """Every message code in ``lang``'s catalog."""
    found: set[str] = set()
    for path in sorted((LOCALES_DIR / lang).glob("*.ftl")):
        for entry in parse(path.read_text(encoding="utf-8")).body:
            if isinstance(entry, ast.Message):
                found.add(entry.id.name)
    return frozenset(found)


def has(code: str) -> bool:
    return bundle("ko").has_message(code) and bundle("en").has_message(code)


def text(code: str, lang: str | None = "ko", /, **params: object) -> str:
    """The text ``code`` in the reader's language, its variables filled from ``params``.

    A code missing from the catalogs is a programming error; the reader still gets a plain
    "something went wrong" rather than the code (and the log says which code).
    """
    lang_ = language(lang)
    found = bundle(lang_)
    if not found.has_message(code):
        log.error("texts: no %r in the %s catalog", code, lang_)
        code = "error-unknown"
    message = found.get_message(code)
    args = {name: _arg(value) for name, value in params.items()}
    value, errors = found.format_pattern(message.value, args)  # type: ignore[arg-type]
    if errors:
        log.error("texts: %r in %s: %s", code, lang_, errors)
    return str(value)


def _arg(value: object) -> object:
    """A number as Fluent formats it, ungrouped (it still selects plurals); anything else as is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return fluent_number(value, useGrouping=False)
    return value


def each(render: Callable[[Lang], str]) -> dict[Lang, str]:
    """``render`` in every language: for an answer whose reader picks the language later."""
    return {lang: render(lang) for lang in LANGUAGES}


def every(code: str, /, **params: object) -> dict[Lang, str]:
    """The text ``code`` in every language."""
    return each(lambda lang: text(code, lang, **params))


def both(code: str, /, **params: object) -> str:
    """Korean, then English: for a place that does not know its reader's language."""
    return f"{text(code, 'ko', **params)} / {text(code, 'en', **params)}"
