"""Once per delivery: Kakao may deliver one request twice (a retry when the answer was slow, a
second tap); the second gets the first one's answer.

Each delivery is claimed in Redis with ``SET NX`` before it runs, and its answer is kept for
repeats (:class:`storage.kakao.KakaoStateStore`):

- with a ``callbackUrl``, the delivery is named by a digest of that URL: Kakao issues one per
  request, so the name is exact, and a repeat within two minutes gets the same acknowledgement
  while the work runs and is POSTed once;
- without one, Kakao's payload has no request id, so the name is a digest of what makes the
  request what it is (bot, user, chat, block and intent ids, utterance, block parameters). The
  same words may also be meant twice, so a repeat counts only while it is still the user's
  latest request (nothing else from them but a read came in between) and within
  ``NORAE_KAKAO_DEDUPE_WINDOW_S`` (10 s): a retry arrives within seconds, a person who writes
  the same line again after anything else, or after the window, gets a new line.

A repeat that arrives while the first is still working waits for its answer (within the reply
budget). Reads (a command declared ``deduped=False``: ``도움말``, ``이야기 보기``) are not
claimed: a repeat changes nothing and should see the story as it is now; a ``결과 보기`` that
found nothing ready yet is not kept either.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, cast

from bot.kakao import late
from bot.kakao.answers import answer
from bot.kakao.grammar import Command
from bot.kakao.payload import Delivery, who
from bot.kakao.rendering import text_reply
from bot.kakao.runner import KakaoSkill
from bot.texts import text

log = logging.getLogger(__name__)

CALLBACK_DEDUPE_S = 120  # a callback URL is valid for a minute: its repeats come before this
FETCH_KIND = "fetch"


async def once(
    ks: KakaoSkill, delivery: Delivery, command: Command, started: float
) -> dict[str, Any]:
    """Act once per delivery: the first claims its digest (SET NX) and keeps its answer; a repeat
    (Kakao retrying) waits for that answer within the reply budget and returns it unchanged."""
    ttl = CALLBACK_DEDUPE_S if delivery.by_callback else ks.settings.dedupe_window_s
    at = who(delivery.req)

    async def claim() -> bool:
        if delivery.by_callback:
            return await ks.state.claim_delivery(at.actor.key, delivery.digest, ttl)
        return await ks.state.claim_next(at.actor.key, delivery.digest, ttl)

    while not await claim():
        state = await ks.state.delivery(at.actor.key, delivery.digest)
        if state is not None and state.get("state") == "done":
            log.info("kakao: a repeated delivery (%s) got the first answer", command.kind)
            return cast(dict[str, Any], state["response"])
        if time.monotonic() - started >= ks.settings.reply_budget_s - 0.2:
            return text_reply(text("kakao-same-request", "ko"))
        await asyncio.sleep(0.05)
    try:
        callback_url = delivery.req.userRequest.callbackUrl
        response = await answer(ks, command, at, callback_url, started)
    except BaseException:
        await ks.state.release_delivery(at.actor.key, delivery.digest)
        raise
    if command.kind == FETCH_KIND and late.says_not_yet(response):
        await ks.state.release_delivery(
            at.actor.key, delivery.digest
        )  # asking again should look again
    else:
        await ks.state.finish_delivery(at.actor.key, delivery.digest, response, ttl)
    return response
