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
from bot.kakao.grammar import Command
from bot.kakao.rendering import Reply, Stored, error_reply, text_reply
from storage.kakao import KakaoStateStore

log = logging.getLogger(__name__)

FETCH = "결과 보기"
# Sent in group chats too, where there is no button to press: «보내», not «눌러».
STILL_WRITING = "아직 쓰고 있어요. 조금 뒤에 '결과 보기'를 보내 주세요."
EARLIER_STILL_WRITING = "아직 앞의 부탁을 쓰고 있어요. 조금만 기다려 주세요."
TOO_SLOW = "시간이 너무 오래 걸렸어요. 잠시 후 다시 해 주세요."
NOTHING_WAITING = "기다리는 결과가 없어요."

DEFERRED_WORK_S = 240.0  # a no-callback answer nobody fetches stops being written after this
PENDING_MARKER_S = 300  # a "still writing" marker outlives the work, not a dead process


def still_writing() -> dict[str, Any]:
    return text_reply(STILL_WRITING, (FETCH, FETCH))


def earlier_still_writing() -> dict[str, Any]:
    return text_reply(EARLIER_STILL_WRITING, (FETCH, FETCH))


def says_not_yet(response: dict[str, Any]) -> bool:
    outputs = response.get("template", {}).get("outputs", [])
    return any(o.get("simpleText", {}).get("text") == STILL_WRITING for o in outputs)


async def fetch(ctx: Context, c: Command) -> Reply:
    """``결과 보기``: the kept answer (once), or that it is still being written, or nothing."""
    state = await ctx.state.pending(ctx.user)
    if state is None:
        return Reply().text(NOTHING_WAITING)
    if state.get("state") != "done":
        return Reply().text(STILL_WRITING).quick_reply(FETCH, FETCH)
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
        return text_reply(TOO_SLOW)
