"""Simple commands: a feature that takes one line of text and answers with text.

A simple command is declared once, in its own module in this package, and every front door
offers it without further code: Discord as a slash command (``/<name> text:…``), KakaoTalk as a
leading keyword (``<keyword> <text>``, keywords from the catalogs), the web page as a form in its
"more" panel (``POST /api/commands/<name>``). Its texts are in the catalogs under
``command-<name>-*`` (see ``docs/architecture.md``, "How to add a feature").

The features with rich answers (relay rounds, song cards) have their own cog, Kakao commands and
web routes; a simple command is for everything that fits "text in, text out".
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from bot import texts
from contract.ids import Actor, Channel

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True, slots=True)
class Request:
    """What a front door hands a simple command: who asks, where, in which language, and the
    text (stripped; ``""`` when the command takes none and the user gave none)."""

    services: Services
    actor: Actor
    channel: Channel
    lang: texts.Lang
    text: str


Run = Callable[[Request], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class SimpleCommand:
    """``name`` is the Discord command, the web path and the catalog prefix: lower-case ASCII.

    Catalog codes: ``command-<name>-description`` (one line, ≤ 100 characters), ``-keywords``
    (Kakao's leading words, space-separated; Korean first), ``-text`` (what the text is, for the
    Discord option and the web form). ``run`` raises :class:`bot.errors.UserError` to refuse.
    """

    name: str
    run: Run
    text_required: bool = True
    max_text_chars: int = 200
    action: str = "lyrics"  # the rate-limit bucket spent (bot/limits.py)
    slow: bool = True  # calls a model: Kakao answers through its callback

    def description(self, lang: str) -> str:
        return texts.text(f"command-{self.name}-description", lang)

    def text_label(self, lang: str) -> str:
        return texts.text(f"command-{self.name}-text", lang)

    def keywords(self) -> tuple[str, ...]:
        words = texts.text(f"command-{self.name}-keywords", "ko").split()
        words += texts.text(f"command-{self.name}-keywords", "en").split()
        return tuple(dict.fromkeys(word.lower() for word in words))


@cache
def simple_commands() -> tuple[SimpleCommand, ...]:
    """Every ``COMMAND`` declared by a module of this package, by name."""
    found: list[SimpleCommand] = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        command = getattr(module, "COMMAND", None)
        if isinstance(command, SimpleCommand):
            found.append(command)
    return tuple(sorted(found, key=lambda c: c.name))
