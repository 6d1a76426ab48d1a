"""The KakaoTalk skill server (Kakao i Open Builder): ``POST /kakao/skill`` on the web app.

Open Builder POSTs a skill request for each utterance (:mod:`bot.kakao.payload` reads it) and
shows the v2.0 response it gets back within 5 seconds. The utterance is parsed against the
commands each feature declares (:mod:`bot.kakao.registry`, :mod:`bot.kakao.grammar`) and served by
the process's services (``app[SERVICES_KEY]``, handed over by ``norae up``): relay stories, lyrics,
the mood companion and the simple commands (:mod:`bot.kakao.simple`). The rest of the room:

- :mod:`bot.kakao.commands`: each feature's commands (rules, handler, renderer, slow or not);
- :mod:`bot.kakao.runner`: the skill's services, state and background work; running a command;
- :mod:`bot.kakao.answers`: answering within Kakao's time, by callback, or late
  (:mod:`bot.kakao.callbacks`, :mod:`bot.kakao.late`);
- :mod:`bot.kakao.deliveries`: a request Kakao delivers twice is answered once;
- :mod:`bot.kakao.rendering`: Kakao's templates and limits, group chats, errors.

**Protection.** Kakao signs nothing, so the endpoint wants a shared secret (``NORAE_KAKAO_SECRET``)
in the ``X-Norae-Kakao-Secret`` header (set it in the skill's header settings) or as the last path
segment, ``/kakao/skill/<secret>``, for setups that cannot send headers; prefer the header, since a
path may end up in access logs. It is compared in constant time. With no secret configured the
endpoint is disabled and answers 403 saying so. ``NORAE_KAKAO_BOT_IDS`` (JSON list) limits which
bots may call (empty: any). The secret is compared as bytes, so a header that is not ASCII (or
not even UTF-8) is a 403 like any wrong secret. A request that cannot be read is a 4xx
``{"error": ...}`` JSON (see :mod:`bot.kakao.payload`), never a stack trace; with Redis down the
user gets a plain Korean text.

**Not every message is for the companion.** A fallback block sends the skill everything nobody
else understood. An utterance that is not a command goes to the mood companion only when
:mod:`bot.mood.feeling` says it is about how the writer feels (a crisis always is, and is answered
first, at once: never through a callback or ``결과 보기``); «!가격 btc», «오늘 날씨 어때?», «ㅎㅇ»
or a bare link get a short Korean help text. A block that names ``command: mood`` in its
parameters skips that gate.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web

from bot.kakao import registry
from bot.kakao.answers import answer
from bot.kakao.commands.mood import for_the_companion
from bot.kakao.deliveries import once
from bot.kakao.grammar import Command, say
from bot.kakao.payload import Refused, Who, read, who
from bot.kakao.rendering import for_group, text_reply
from bot.kakao.runner import KakaoSkill, unavailable
from bot.texts import text
from bot.web.errors import REDIS_DOWN, json_response
from bot.web.keys import SERVICES_KEY
from contract.settings import KakaoSettings

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Norae-Kakao-Secret"
MAX_UTTERANCE_CHARS = 2000

KAKAO_KEY: web.AppKey[KakaoSkill] = web.AppKey("kakao", KakaoSkill)


def _json(data: Any, status: int = 200) -> web.Response:
    return json_response(data, status)


def _error(message: str, status: int) -> web.Response:
    return _json({"error": message}, status)


def _secret_ok(request: web.Request, settings: KakaoSettings) -> web.Response | None:
    if settings.secret is None:
        return _error(
            "The Kakao skill endpoint is disabled: set NORAE_KAKAO_SECRET on the server and send "
            f"it in the {SECRET_HEADER} header.",
            403,
        )
    given = request.headers.get(SECRET_HEADER) or request.match_info.get("secret") or ""
    # Header bytes that are not UTF-8 arrive as surrogates: encode them back, never raise.
    expected = settings.secret.get_secret_value().encode("utf-8", "surrogateescape")
    if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected):
        return _error("Wrong or missing Kakao skill secret.", 403)
    return None


def _too_long(utterance: str) -> dict[str, Any]:
    return text_reply(
        text("kakao-too-long", "ko", length=len(utterance), limit=MAX_UTTERANCE_CHARS)
    )


def not_understood() -> dict[str, Any]:
    """What a message that is neither a command nor a feeling gets: what the bot does, and a
    ``도움말`` quick reply."""
    return text_reply(
        text("kakao-not-understood", "ko"), (text("kakao-quick-help", "ko"), say("help"))
    )


async def crisis_first(ks: KakaoSkill, utterance: str, at: Who) -> dict[str, Any] | None:
    """A crisis message to the companion is answered here and now, before the length check and
    any waiting: never through a callback or "결과 보기" (its reply needs no model)."""
    too_long = len(utterance) > MAX_UTTERANCE_CHARS
    if not too_long and registry.parse(utterance).kind != registry.COMPANION:
        return None  # a command (a story line, a vote …), not a message to the companion
    if not ks.is_crisis(utterance):
        return None
    return await ks.run(Command(registry.COMPANION, text=utterance), at)


async def skill(request: web.Request) -> web.Response:
    """The skill; with Redis down the user gets a plain text (Kakao shows a 200's text only)."""
    started = time.monotonic()  # the budget's clock, as early as the handler can start it
    try:
        return await _skill(request, started)
    except REDIS_DOWN as exc:
        log.warning("kakao: redis unavailable (%s)", exc)
        return _json(unavailable())


async def _skill(request: web.Request, started: float) -> web.Response:
    ks = request.app[KAKAO_KEY]
    denied = _secret_ok(request, ks.settings)
    if denied is not None:
        return denied
    delivery = await read(request)
    if isinstance(delivery, Refused):
        return _error(delivery.message, delivery.status)
    req = delivery.req
    if ks.settings.bot_ids and req.bot.id not in ks.settings.bot_ids:
        return _error("This bot is not allowed to use this skill.", 403)
    utterance = req.userRequest.utterance
    at = who(req)

    def reply(response: dict[str, Any]) -> web.Response:
        return _json(for_group(response) if at.group else response)

    first = await crisis_first(ks, utterance, at)
    if first is not None:
        return reply(first)
    if len(utterance) > MAX_UTTERANCE_CHARS:
        return reply(_too_long(utterance))
    params = req.action.merged()
    command = registry.apply_params(registry.parse(utterance), params)
    if (
        command.kind == registry.COMPANION
        and "command" not in params
        and not for_the_companion(command.text)
    ):
        # A fallback block sends everything: only a feeling (or a crisis) is the companion's.
        return reply(not_understood())
    if not registry.lookup(command.kind).deduped:
        return reply(await answer(ks, command, at, req.userRequest.callbackUrl, started))
    return reply(await once(ks, delivery, command, started))


def _lifetime(ks: KakaoSkill) -> Callable[[web.Application], AsyncIterator[None]]:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        await ks.poster.open()
        yield
        await ks.stop()
        await ks.poster.close()

    return ctx


def setup_kakao(app: web.Application) -> None:
    """The skill over the app's services (``app[SERVICES_KEY]``), and its routes."""
    ks = KakaoSkill(app[SERVICES_KEY])
    app[KAKAO_KEY] = ks
    app.router.add_post("/kakao/skill", skill)
    app.router.add_post("/kakao/skill/{secret}", skill)
    app.cleanup_ctx.append(_lifetime(ks))
