"""The Kakao skill's working parts: the process's services, the skill's own state, its
background work, and running one command to a Kakao response.

Running a command is a lookup in :mod:`bot.kakao.registry` and a call of its handler and
renderer. An error never escapes as an exception: a :class:`bot.errors.UserError` is its Korean
text (refused input also gets its rate-limit token back; a model's failure does not, the model
was asked), Redis down is the plain "unavailable" text, anything else the plain "something went
wrong" and a log line with the exception (:func:`bot.kakao.rendering.error_reply`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from bot import texts
from bot.errors import UserError
from bot.inference import InferenceError
from bot.kakao import registry
from bot.kakao.callbacks import CallbackPoster
from bot.kakao.commands import AnyCommand, Context
from bot.kakao.grammar import Command
from bot.kakao.payload import Who
from bot.kakao.rendering import error_reply, text_reply
from bot.limits import SlowDown
from bot.services import Services
from bot.web.errors import REDIS_DOWN
from storage.kakao import KakaoStateStore

log = logging.getLogger(__name__)


def unavailable() -> dict[str, Any]:
    """Redis is down: a plain Korean text (Kakao shows a 200's text only)."""
    return text_reply(texts.text("unavailable", "ko"))


def _model_failed(error: UserError) -> bool:
    """A failure of the model (directly, or behind a service's error) rather than refused input."""
    return isinstance(error, InferenceError) or isinstance(error.__context__, InferenceError)


class KakaoSkill:
    """The services behind the skill (the process's :class:`bot.services.Services`: the skill
    builds none), its state store, its callback poster and its background tasks."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.settings = services.settings.kakao
        self.state = KakaoStateStore(services.redis)
        self.poster = CallbackPoster()
        self.tasks: set[asyncio.Task[Any]] = set()

    @property
    def callbacks(self) -> dict[str, int]:
        """Callbacks ``delivered`` and ``failed`` so far."""
        return self.poster.counts

    def context(self, who: Who) -> Context:
        return Context(self.services, self.state, self.settings, who)

    # --- background work -------------------------------------------------------------------

    def spawn(self, coro: Awaitable[Any], name: str) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
        task.set_name(name)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def stop(self) -> None:
        tasks = list(self.tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # --- commands --------------------------------------------------------------------------

    async def run(self, command: Command, who: Who) -> dict[str, Any]:
        """The response for one command; a refusal or failure is a text, never an exception."""
        declared = registry.lookup(command.kind)
        try:
            return (await declared.reply(self.context(who), command)).build()
        except REDIS_DOWN as exc:
            log.warning("kakao: %s: redis unavailable (%s)", command.kind, exc)
            return unavailable()
        except UserError as exc:
            if not _model_failed(exc):
                await self.refund(declared, who)  # refused input costs no token
            return error_reply(exc)
        except Exception as exc:
            log.exception("kakao: %s failed", command.kind)
            return error_reply(exc)

    async def limit(self, declared: AnyCommand, command: Command, who: Who) -> None:
        """Spend the command's action for this Kakao user, or raise :class:`SlowDown`.

        A crisis message to the mood companion is never refused."""
        if declared.action is None:
            return
        try:
            await self.services.limiter.check(declared.action, user=who.actor.key)
        except SlowDown:
            if not (command.kind == registry.COMPANION and self.is_crisis(command.text)):
                raise

    async def refund(self, declared: AnyCommand, who: Who) -> None:
        if declared.action is not None:
            await self.services.limiter.refund(declared.action, user=who.actor.key)

    def is_crisis(self, text: str) -> bool:
        return self.services.mood.is_crisis(text)
