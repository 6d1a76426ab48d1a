"""What a web request says: who asks, where, in which language, from which address, and its
JSON body. Route modules read requests through these helpers only.

- Who: the browser's :class:`~contract.ids.Actor` (``web-<hash>``), from its id cookie (given out
  by :func:`bot.web.middleware.user_cookie`). The public id is a hash of the cookie, so the ids
  that stories show (line authors) cannot be replayed as a cookie to act as someone else.
- Where: a room is a :class:`~contract.ids.Channel` (``web:<room>``).
- Language: the page's own choice (the ``norae_lang`` cookie its language switch sets), else the
  first of Korean and English that the browser's ``Accept-Language`` asks for, else Korean.
"""

from __future__ import annotations

import hashlib
import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from bot import texts
from bot.limits import Toll
from bot.services import Services
from bot.web.errors import WebError
from bot.web.keys import SERVICES_KEY
from contract.ids import Actor, Channel

USER_COOKIE = "norae_uid"
LANG_COOKIE = "norae_lang"  # the page's language switch: "ko" or "en"
MAX_BODY_BYTES = 64 * 1024  # the app's hard limit; the JSON API sets a lower one per request
API_BODY_BYTES = 16 * 1024
ROOM_RE = re.compile(r"^[\w-]{1,40}$")

Body = TypeVar("Body", bound=BaseModel)


def services(request: web.Request) -> Services:
    return request.app[SERVICES_KEY]


# --- who -------------------------------------------------------------------------------------


@dataclass(slots=True)
class Visitor:
    """This request's browser: its id cookie (or the one being given out), whether it came
    without a valid one, and whether the new one may be given (its ``identity`` token spent)."""

    browser: str
    fresh: bool
    give_cookie: bool = False


# Set by ``user_cookie`` for each request; the handler runs in the same task's context.
_visitor: ContextVar[Visitor] = ContextVar("norae_visitor")


def set_visitor(found: Visitor) -> None:
    _visitor.set(found)


# Set by ``abuse_limits`` for a request whose handler's service takes the token in its own first
# batch (``TOLLED``); the handler runs in the same task's context.
_toll: ContextVar[Toll | None] = ContextVar("norae_toll", default=None)


def set_toll(toll: Toll | None) -> None:
    _toll.set(toll)


def toll(request: web.Request) -> Toll | None:
    """This request's rate-limit token, for its service to take (None: already taken, or none)."""
    return _toll.get()


def visitor(request: web.Request) -> Visitor:
    found = _visitor.get(None)
    if found is None:  # a handler called without the middleware: the cookie as it came
        cookie = request.cookies.get(USER_COOKIE, "")
        return Visitor(cookie, fresh=not valid_browser_id(cookie))
    return found


def valid_browser_id(value: str | None) -> bool:
    if value is None or not 16 <= len(value) <= 64 or not value.isascii():
        return False
    return value.replace("-", "").replace("_", "").isalnum()


def actor(request: web.Request) -> Actor:
    """This browser's public id: one vote per browser, whatever nickname it uses."""
    digest = hashlib.sha256(visitor(request).browser.encode()).hexdigest()
    return Actor.web(digest[:24])


def client_address(request: web.Request) -> str:
    """The client's network address: the connection's, or the proxy's X-Forwarded-For when
    ``NORAE_WEB_TRUST_FORWARDED_FOR`` says a proxy in front sets it."""
    if services(request).settings.web.trust_forwarded_for:
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[0].strip()
        if forwarded:
            return forwarded[:64]
    return request.remote or "unknown"


# --- where and in which language -------------------------------------------------------------


def room(request: web.Request) -> Channel:
    """The room in the path (``/api/rooms/<room>/…``) as a channel, ``web:<room>``."""
    name = request.match_info["room"]
    return checked_room(name)


def checked_room(name: str) -> Channel:
    if not ROOM_RE.fullmatch(name):
        raise WebError("web-bad-room")
    return Channel.web(name)


def request_language(request: web.Request) -> texts.Lang:
    """The reader's language: the page's switch (``norae_lang``), then ``Accept-Language``."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in texts.LANGUAGES:
        return texts.language(chosen)
    return accepted_language(request.headers.get("Accept-Language", ""))


def accepted_language(header: str) -> texts.Lang:
    """The first of Korean and English an ``Accept-Language`` header asks for, by its weights
    (``q``); Korean when it asks for neither (or there is no header)."""
    asked: list[tuple[float, int, str]] = []
    for at, item in enumerate(header.split(",")[:32]):  # a sane header names a few
        tag, _, params = item.partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value.strip())
                except ValueError:
                    weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in texts.LANGUAGES and weight > 0:
            asked.append((-weight, at, primary))  # highest weight first, then the header's order
    return texts.language(min(asked)[2]) if asked else "ko"


# --- the body --------------------------------------------------------------------------------


async def read_body(
    request: web.Request, model: type[Body], *, limit: int = API_BODY_BYTES
) -> Body:
    """A JSON body, size-limited and validated; a bad one is a 4xx with a readable message.

    ``limit`` past the app's own (a pasted lyrics import) reads the stream itself, which
    ``request.read()`` would refuse."""
    if request.content_type != "application/json":
        raise WebError("web-not-json", status=415)
    if request.content_length is not None and request.content_length > limit:
        raise WebError("web-too-large", status=413)
    raw = await request.read() if limit <= MAX_BODY_BYTES else await _read_stream(request, limit)
    if len(raw) > limit:
        raise WebError("web-too-large", status=413)
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        raise _refusal(exc) from None


async def _read_stream(request: web.Request, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the body (one more tells that it is too large)."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = await request.content.read(limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _refusal(exc: ValidationError) -> WebError:
    err = exc.errors()[0]
    if err["type"] == "json_invalid":
        return WebError("web-bad-json")
    field = ".".join(str(p) for p in err["loc"])
    detail = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "value_error" and texts.has(detail):
        return WebError(detail)  # a validator's own refusal, named by its catalog code
    if not field:
        return WebError("web-bad-body", detail=detail)
    return WebError("web-bad-field", field=field, detail=detail)
