"""Kakao commands, declared per feature: one module each (``relay``, ``lyrics``, ``mood``,
``general``), each with a ``COMMANDS`` tuple of :class:`KakaoCommand` and a ``PLACE`` (where its
commands come in the grammar and the help text). :mod:`bot.kakao.registry` collects them by
listing this package, so a new feature's commands need no edit elsewhere.

A command is data: its ``kind`` (what ``action.params.command`` names), its keyword rules in
Korean and English (:class:`bot.kakao.grammar.Rule`, each with the argument rule that reads
the rest), a handler that calls the services, a renderer that draws the result as a Kakao
response, whether it is slow (calls a model: Kakao may get the answer late, by callback or
``결과 보기``), the rate-limit action it spends, whether a repeated delivery gets the first
answer, and its place in the help text.

A handler returns the service's result for the renderer, or a ready :class:`Reply` when there is
nothing to render (a usage hint); it raises :class:`bot.errors.UserError` to refuse, which the
skill shows as the error's Korean text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from bot import texts
from bot.kakao.grammar import Command, Rule
from bot.kakao.payload import Who
from bot.kakao.rendering import Reply
from bot.services import Services
from contract.settings import KakaoSettings
from storage.kakao import KakaoStateStore

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    """What a handler works with: the process's services, the skill's own state, its settings
    and who is asking."""

    services: Services
    state: KakaoStateStore
    settings: KakaoSettings
    who: Who

    @property
    def user(self) -> str:
        """The asking user's stored spelling (``kakao:<id>``)."""
        return self.who.actor.key

    @property
    def channel(self) -> str:
        """The chat's stored spelling (``kakao:<chat or user id>``)."""
        return self.who.channel.key


# A help text: a catalog code, or (for a text made of other catalog texts) a function of the
# language.
HelpText = str | Callable[[texts.Lang], str]


@dataclass(frozen=True)
class Help:
    """A command's place in the help text, as catalog codes (``kakao-usage-<kind>``).

    ``usage`` (the command as it is sent: ``이어쓰기 시작 [제목]``) and ``does`` make one part of
    a Korean ``•`` line (``usage — does``); commands with the same ``line`` share one, their parts
    joined by ``·`` (by default each command has a line of its own); ``listed=False`` leaves the
    command out of the Korean lines. The English text of ``usage`` (``relay start [title]``) goes
    on the closing line of English usages (usages that start with the same word are merged:
    ``relay start [title]|write <line>``). An empty field leaves that part out.
    """

    usage: HelpText = ""
    does: HelpText = ""
    line: str = ""
    listed: bool = True

    def usage_in(self, lang: texts.Lang) -> str:
        return _read(self.usage, lang)

    def does_in(self, lang: texts.Lang) -> str:
        return _read(self.does, lang)


def _read(text: HelpText, lang: texts.Lang) -> str:
    if callable(text):
        return text(lang)
    return texts.text(text, lang) if text else ""


Handle = Callable[[Context, Command], Awaitable[T | Reply]]
Render = Callable[[Context, Command, T], Reply]


@dataclass(frozen=True)
class KakaoCommand(Generic[T]):
    """One Kakao command (see the module docstring); ``T`` is what its handler gives its
    renderer."""

    kind: str
    handle: Handle[T]
    render: Render[T] | None = None  # None: the handler always returns a Reply
    rules: tuple[Rule, ...] = ()  # none: reached through action.params (or as the fallback)
    slow: bool = False  # calls a model and may outlast Kakao's 5 seconds
    action: str | None = None  # the rate-limit action spent (bot/limits.py); None: free
    deduped: bool = True  # False for reads: a repeat changes nothing and should see things now
    help: Help = Help()

    async def reply(self, ctx: Context, command: Command) -> Reply:
        result = await self.handle(ctx, command)
        if isinstance(result, Reply):
            return result
        if self.render is None:
            raise TypeError(f"{self.kind}: the handler returned {type(result).__name__}")
        return self.render(ctx, command, result)


AnyCommand = KakaoCommand[Any]
