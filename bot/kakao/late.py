"""Late answers without a callback: kept in Redis for ``결과 보기``.

When a slow command's request has no usable ``callbackUrl``, the answer waits up to
``NORAE_KAKAO_REPLY_BUDGET_S``; what is not ready by then keeps running, the user gets a "still
writing" text and a ``결과 보기`` quick reply, and the result is kept per user
(``NORAE_KAKAO_PENDING_TTL_S``) for that fetch. While one is pending, a second slow command from
the same user is refused.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from bot.kakao.commands import Context
from bot.kakao.grammar import Command, say
from bot.kakao.rendering import Reply, Stored, error_reply, text_reply
from bot.texts import text
from storage.kakao import KakaoStateStore

log = logging.getLogger(__name__)

FETCH = say("fetch")  # what the quick reply sends (its label is a catalog text)

DEFERRED_WORK_S = 240.0  # a no-callback answer nobody fetches stops being written after this
PENDING_MARKER_S = 300  # a "still writing" marker outlives the work, not a dead process


def _fetch() -> tuple[str, str]:
    """The ``결과 보기`` quick reply: its label and what it sends."""
    return text("kakao-quick-fetch", "ko"), FETCH


def still_writing() -> dict[str, Any]:
    return text_reply(text("kakao-still-writing", "ko"), _fetch())


def earlier_still_writing() -> dict[str, Any]:
    return text_reply(text("kakao-earlier-still-writing", "ko"), _fetch())


def says_not_yet(response: dict[str, Any]) -> bool:
    outputs = response.get("template", {}).get("outputs", [])
    not_yet = text("kakao-still-writing", "ko")
    return any(o.get("simpleText", {}).get("text") == not_yet for o in outputs)


async def fetch(ctx: Context, c: Command) -> Reply:
    """``결과 보기``: the kept answer (once), or that it is still being written, or nothing."""
    state = await ctx.state.pending(ctx.user)
    if state is None:
        return Reply().text(text("kakao-nothing-waiting", "ko"))
    if state.get("state") != "done":
        return Reply().text(text("kakao-still-writing", "ko")).quick_reply(*_fetch())
    await ctx.state.clear_pending(ctx.user)
    return Stored(state["response"])


async def is_pending(state: KakaoStateStore, user: str) -> bool:
    found = await state.pending(user)
    return found is not None and found.get("state") == "pending"


async def mark_pending(state: KakaoStateStore, user: str) -> None:
    await state.set_pending(user, {"state": "pending"}, PENDING_MARKER_S)


async def keep(
    state: KakaoStateStore, user: str, task: asyncio.Task[dict[str, Any]], ttl_s: int
) -> None:
    """Keep a finished late answer for the user's ``결과 보기`` (a failure as its text)."""
    if task.cancelled():
        await state.clear_pending(user)
        return
    exc = task.exception()
    if exc is not None:
        log.error("kakao: late answer failed", exc_info=exc)
        response = error_reply(exc)
    else:
        response = task.result()
    await state.set_pending(user, {"state": "done", "response": response}, ttl_s)


async def within(work: Awaitable[dict[str, Any]], seconds: float) -> dict[str, Any]:
    """``work``'s response, or "took too long" after ``seconds``."""
    try:
        async with asyncio.timeout(seconds):
            return await work
    except TimeoutError:
        return text_reply(text("kakao-too-slow", "ko"))
