"""Answering within Kakao's 5 seconds: at once, through the callback, or late.

Commands that call a model (``slow`` ones) may take longer than Kakao's 5 seconds:

- when the request carries a ``callbackUrl`` (callbacks enabled on the block) and
  ``NORAE_KAKAO_CALLBACK_ENABLED`` is on, the answer is ``{"version": "2.0", "useCallback": true,
  "data": {"text": "…잠시만요"}}`` at once, and the real response is POSTed once to the one-time
  callback URL (:mod:`bot.kakao.callbacks`), which is valid for a minute (work is cut off before
  that);
- otherwise the answer waits up to ``NORAE_KAKAO_REPLY_BUDGET_S`` (3.5 s, counted from the first
  line of the handler: Kakao's 5 s also hold the network both ways and any proxy in front, which
  this clock cannot see); what is not ready by then is kept for ``결과 보기``
  (:mod:`bot.kakao.late`).

Every command first spends its rate-limit action; a refusal is the Korean "slow down" text.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, cast

from yarl import URL

from bot.kakao import late, registry
from bot.kakao.callbacks import CALLBACK_WORK_S, callback_target, host_for_log
from bot.kakao.grammar import Command
from bot.kakao.payload import Who
from bot.kakao.rendering import callback_ack, error_reply, for_group
from bot.kakao.runner import KakaoSkill
from bot.limits import SlowDown

log = logging.getLogger(__name__)


async def answer(
    ks: KakaoSkill, command: Command, who: Who, callback_url: str | None, started: float
) -> dict[str, Any]:
    """The response to one command, within the reply budget counted from ``started``."""
    declared = registry.lookup(command.kind)
    try:
        await ks.limit(declared, command, who)
    except SlowDown as exc:
        return error_reply(exc)
    if not declared.slow:
        return await ks.run(command, who)

    raw = callback_url if ks.settings.callback_enabled else None
    url = callback_target(raw, ks.settings) if raw else None
    if raw and url is None:
        log.warning(
            "kakao: callbackUrl to host %s is not allowed (NORAE_KAKAO_CALLBACK_HOSTS, https "
            "only unless NORAE_KAKAO_CALLBACK_ALLOW_HTTP): not called, answering within the "
            "budget instead",
            host_for_log(raw),
        )
    if url is not None:
        ks.spawn(by_callback(ks, command, who, url, started), f"kakao-callback-{command.kind}")
        return callback_ack()
    return await _in_time_or_late(ks, command, who, started)


async def by_callback(ks: KakaoSkill, command: Command, who: Who, url: URL, started: float) -> None:
    """Do the work, then POST its response once to Kakao's one-time callback URL."""
    seconds = max(1.0, started + CALLBACK_WORK_S - time.monotonic())
    response = await late.within(ks.run(command, who), seconds)
    if who.group:
        response = for_group(response)
    await ks.poster.post(url, response, started)


async def _in_time_or_late(
    ks: KakaoSkill, command: Command, who: Who, started: float
) -> dict[str, Any]:
    user = who.actor.key
    if await late.is_pending(ks.state, user):
        return late.earlier_still_writing()
    work = late.within(ks.run(command, who), late.DEFERRED_WORK_S)
    task = ks.spawn(work, f"kakao-{command.kind}")
    budget = max(0.0, ks.settings.reply_budget_s - (time.monotonic() - started))
    done, _ = await asyncio.wait({task}, timeout=budget)
    if task in done:
        return cast(dict[str, Any], task.result())
    await late.mark_pending(ks.state, user)

    def keep(t: asyncio.Task[Any]) -> None:
        ks.spawn(late.keep(ks.state, user, t, ks.settings.pending_ttl_s), "kakao-store")

    task.add_done_callback(keep)
    return late.still_writing()
