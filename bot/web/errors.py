"""How the web front door answers an error: one JSON shape, in the browser's language.

An error answered under ``/api/`` is JSON::

    {"error": "<the text in the browser's language>",
     "messages": {"ko": "…", "en": "…"},
     "code": "<its catalog code>"}

plus what the error carries for the page: ``round_id`` (a relay error about one round),
``retry_after`` (a 429; also the ``Retry-After`` header), or the fields a :class:`WebError` adds.
The status is 400 unless the error's type says otherwise (:func:`error_status`): ``SlowDown`` 429,
a model that is busy, slow or failed 503, a :class:`WebError` its own. Anything that is not a
:class:`~bot.errors.UserError` is a 500 with the generic text (its own text is for the log only),
Redis down or loading is a 503 (:func:`unavailable_response`), and aiohttp's own refusals under
``/api/`` (no such route, wrong method) are answered in the same shape
(:func:`http_error_response`). The middleware that catches them is
:func:`bot.web.middleware.errors`. "The browser's language" is
:func:`bot.web.requests.request_language`: the page's switch, then Accept-Language, then Korean.
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot import texts
from bot.errors import INTERNAL, UserError, message_for
from bot.inference import InferenceError
from bot.limits import SlowDown

# Redis is down, restarting or still loading its data: the user gets a 503 and a plain text.
REDIS_DOWN: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_S = 2
UNAVAILABLE = "unavailable"
# aiohttp's own refusals under /api/ (no such route, wrong method, a body past the app's limit).
HTTP_CODES = {404: "web-not-found", 405: "web-method-not-allowed", 413: "web-too-large"}


class WebError(UserError):
    """A refusal by the web front door itself (a malformed request, an unknown command…): a
    catalog code and its variables, the HTTP ``status``, and ``fields`` the JSON answer adds."""

    def __init__(
        self,
        code: str,
        /,
        *,
        status: int = 400,
        fields: dict[str, Any] | None = None,
        **params: object,
    ) -> None:
        super().__init__(code, **params)
        self.status = status
        self.fields = fields or {}


def error_status(error: BaseException) -> int:
    """The HTTP status that answers ``error``."""
    if isinstance(error, web.HTTPException):
        return error.status
    if isinstance(error, REDIS_DOWN):
        return 503
    if not isinstance(error, UserError):
        return 500
    if isinstance(error, WebError):
        return error.status
    if isinstance(error, SlowDown):
        return 429
    # A feature wraps a busy or slow model in its own error: still the model's fault (503).
    if isinstance(error, InferenceError) or isinstance(error.__context__, InferenceError):
        return 503
    return 400


def json_response(data: Any, status: int = 200) -> web.Response:
    """JSON with its letters as they are (Korean stays readable in the body), encoded by orjson
    (several times faster than the standard library's encoder on a busy front door)."""
    return web.Response(
        body=json_bytes(data), status=status, content_type="application/json", charset="utf-8"
    )


def json_bytes(data: Any) -> bytes:
    """``data`` as UTF-8 JSON (dict keys that are not strings become strings, as ``json`` does)."""
    return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)


def error_response(error: BaseException, lang: texts.Lang) -> web.Response:
    """The answer to ``error``: a UserError's text and code; anything else the generic text."""
    if not isinstance(error, UserError):
        generic = {each: message_for(error, each) for each in texts.LANGUAGES}
        return _answer(INTERNAL, generic, lang, 500)
    fields: dict[str, Any] = {}
    round_id = getattr(error, "round_id", None)
    if round_id is not None:
        fields["round_id"] = round_id
    if isinstance(error, SlowDown):
        fields["retry_after"] = error.retry_after
    if isinstance(error, WebError):
        fields.update(error.fields)
    messages = texts.each(error.message)
    response = _answer(error.code, messages, lang, error_status(error), **fields)
    if isinstance(error, SlowDown):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def unavailable_response(lang: texts.Lang) -> web.Response:
    """Redis is down or loading: a 503 that asks to come back in a moment."""
    messages = texts.every(UNAVAILABLE)
    response = _answer(UNAVAILABLE, messages, lang, 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def http_error_response(error: web.HTTPException, lang: texts.Lang) -> web.Response:
    """One of aiohttp's own 4xx or 5xx under ``/api/``, in the same shape as any other error."""
    code = HTTP_CODES.get(error.status, "web-bad-request" if error.status < 500 else INTERNAL)
    messages = texts.every(code)
    return _answer(code, messages, lang, error.status)


def _answer(
    code: str, messages: dict[texts.Lang, str], lang: texts.Lang, status: int, **fields: Any
) -> web.Response:
    body = {"error": messages[lang], "messages": messages, "code": code, **fields}
    return json_response(body, status)
