"""The web app's middlewares, outermost first: security headers, the id cookie, the one error
path, and the abuse limits.

- :func:`user_cookie` gives each browser a random id cookie the first time it comes by.
- :func:`errors` answers every error in one JSON shape (:mod:`bot.web.errors`): a
  :class:`~bot.errors.UserError` with its text in the browser's language and its code, Redis down
  with a 503, anything else under ``/api/`` with a 500 and a log line.
- :func:`abuse_limits` spends the tokens of bot/limits.py before a handler runs: ``identity`` for
  a new id cookie (so a client that drops its cookie cannot become a crowd of voters) and the
  action of each limited POST route; a request refused as bad input gets its token back.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.errors import UserError
from bot.limits import SlowDown, Toll
from bot.web.commands import command_named
from bot.web.errors import (
    REDIS_DOWN,
    error_response,
    error_status,
    http_error_response,
    unavailable_response,
)
from bot.web.requests import (
    USER_COOKIE,
    Visitor,
    actor,
    client_address,
    request_language,
    services,
    set_toll,
    set_visitor,
    valid_browser_id,
    visitor,
)

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

USER_COOKIE_MAX_AGE = 365 * 24 * 3600

# Paths whose visitors get an id cookie (each new one costs its address an ``identity`` token).
_IDENTITY_PATHS = ("/api/", "/r/", "/stories/")

# POST routes and the action each spends (bot/limits.py); forget and policy are never limited.
# A simple command spends its own (``SimpleCommand.action``).
_ACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), action)
    for pattern, action in (
        (r"^/api/rooms/[^/]+/start$", "start"),
        (r"^/api/rooms/[^/]+/(write|undo|end)$", "write"),
        (r"^/api/rooms/[^/]+/(continue|reroll)$", "continue"),
        (r"^/api/rooms/[^/]+/(vote|proposals/vote)$", "vote"),
        (r"^/api/rooms/[^/]+/propose$", "propose"),
        (r"^/api/mood/(message|pick)$", "mood"),
        (r"^/api/lyrics/write$", "lyrics"),
        (r"^/api/lyrics/import$", "lyrics_import"),
    )
)
# Routes whose service takes the token in its own first batch (bot/limits.py ``Toll``): a mood
# message reads the user's state first, and the limit rides with that read.
_TOLLED = frozenset({"/api/mood/message"})
_COMMAND_PATH = re.compile(r"^/api/commands/([^/]+)$")


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    if not response.prepared:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:",
        )
    return response


@web.middleware
async def user_cookie(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Give each browser a random id cookie the first time it comes by.

    A new id is given only where :func:`abuse_limits` spent its address's ``identity`` token.
    Without a token a page is still served (with a throw-away id and no cookie) but an action is
    refused with a 429.
    """
    cookie = request.cookies.get(USER_COOKIE)
    fresh = not valid_browser_id(cookie)
    found = Visitor(secrets.token_urlsafe(24) if fresh or cookie is None else cookie, fresh)
    set_visitor(found)  # the handler runs in this task's context
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if found.give_cookie:
            _set_cookie(exc, found.browser)
        raise
    if found.give_cookie and not response.prepared:
        _set_cookie(response, found.browser)
    return response


def _set_cookie(response: web.StreamResponse, browser: str) -> None:
    response.set_cookie(
        USER_COOKIE,
        browser,
        max_age=USER_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        path="/",
    )


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every error answered as JSON in the browser's language, never a stack trace."""
    try:
        return await handler(request)
    except REDIS_DOWN as exc:  # down, or loading its data after a restart: 503, never a 500
        log.warning("%s %s: redis unavailable (%s)", request.method, request.path, exc)
        return unavailable_response(request_language(request))
    except UserError as exc:
        return error_response(exc, request_language(request))
    except web.HTTPException as exc:  # aiohttp's own (no such route, wrong method…)
        if exc.status < 400 or not request.path.startswith("/api/"):
            raise
        return http_error_response(exc, request_language(request))
    except Exception as exc:
        if not request.path.startswith("/api/"):
            raise  # a page: aiohttp's own 500 (and its log line)
        log.exception("%s %s failed", request.method, request.path)
        return error_response(exc, request_language(request))


@web.middleware
async def abuse_limits(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Spend the tokens for this browser and its address before the handler runs."""
    limiter = services(request).limiter
    found = visitor(request)
    if found.fresh and (request.path == "/" or request.path.startswith(_IDENTITY_PATHS)):
        try:
            await limiter.check("identity", address=client_address(request))
            found.give_cookie = True
        except SlowDown:
            if request.method == "POST":
                raise
    action = action_of(request)
    if action is None:
        return await handler(request)
    who = {"user": actor(request).key, "address": client_address(request)}
    if request.path in _TOLLED:
        return await _tolled(request, handler, limiter.toll(action, **who))
    try:
        await limiter.check(action, **who)
    except SlowDown:
        if action != "mood" or not await _is_crisis_message(request):
            raise
    try:
        response = await handler(request)
    except Exception as exc:
        if _bad_input(error_status(exc)):
            await limiter.refund(action, **who)
        raise
    if _bad_input(response.status):
        await limiter.refund(action, **who)
    return response


async def _tolled(request: web.Request, handler: Handler, toll: Toll) -> web.StreamResponse:
    """A route whose service takes the token in its first batch (a crisis message takes none)."""
    set_toll(toll)
    try:
        response = await handler(request)
    except Exception as exc:
        if _bad_input(error_status(exc)):
            await toll.refund()
        raise
    finally:
        set_toll(None)
    if _bad_input(response.status):
        await toll.refund()
    return response


def action_of(request: web.Request) -> str | None:
    """The action a request spends: a limited POST route's, or a simple command's own."""
    if request.method != "POST":
        return None
    action = next((a for pattern, a in _ACTIONS if pattern.match(request.path)), None)
    if action is not None:
        return action
    match = _COMMAND_PATH.match(request.path)
    command = command_named(match.group(1)) if match else None
    return command.action if command is not None else None


def _bad_input(status: int) -> bool:
    """Refused as bad input: the token goes back (a typo costs nothing; a 429 is no typo)."""
    return 400 <= status < 500 and status != 429


async def _is_crisis_message(request: web.Request) -> bool:
    """A mood message in crisis is always answered, however many came before it."""
    try:
        body = json.loads(await request.read())
    except (ValueError, web.HTTPException):
        return False
    text = body.get("text") if isinstance(body, dict) else None
    return isinstance(text, str) and services(request).mood.is_crisis(text)
