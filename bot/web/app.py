"""The web front door (aiohttp): the web chat page, its JSON API and live events, and ``/healthz``.

``create_app`` builds the app that ``norae up`` and ``norae web`` serve. The page (``/``) is one
static single-page app (``bot/web/static/``); each feature adds its API routes under ``/api/`` with
a ``setup_*`` function (the relay's are in :mod:`bot.web.relay`). Live updates reach browsers by
Server-Sent Events: one Redis pub/sub listener per process (:class:`storage.events.EventBus`,
platform ``"web"``) fans events out to the browsers watching each room, so an action taken through
any process (or a round closed by any process's ticker) shows up everywhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import json
import logging
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot import notices
from bot.inference import InferenceClient, InferenceError
from bot.limits import Limiter, SlowDown
from bot.lyrics.service import LyricsError
from bot.mood.service import MoodError, is_crisis
from bot.relay.service import RelayError, RelayService
from bot.relay.ticker import TICK_S
from bot.services import Services
from bot.tasks import stop_task
from bot.warmup import warm_up
from contract.settings import Settings, load_settings
from storage.connection import Redis, ping
from storage.events import EventBus
from storage.job_streams import JobStreams

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
USER_COOKIE = "norae_uid"
USER_COOKIE_MAX_AGE = 365 * 24 * 3600
MAX_BODY_BYTES = 64 * 1024  # the app's hard limit; the JSON API sets a lower one per request

# This request's browser id (the cookie, or the one being given out): set by ``user_cookie``.
_browser: ContextVar[str] = ContextVar("norae_browser")

# Redis is down, restarting or still loading its data: the user gets a 503 and a plain text.
REDIS_DOWN: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_S = 2

# Paths whose visitors get an id cookie (each new one costs its address an ``identity`` token).
_IDENTITY_PATHS = ("/api/", "/r/", "/stories/")

# POST routes and the action each spends (bot/limits.py); forget and policy are never limited.
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

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class RoomHub:
    """Browsers watching each channel: every live event is copied to their queues.

    A queue that stays full (a browser that stopped reading) loses events rather than memory; the
    page re-reads the room's state whenever it reconnects.
    """

    QUEUE_SIZE = 256

    def __init__(self) -> None:
        self._rooms: dict[str, set[asyncio.Queue[dict[str, Any] | None]]] = {}
        self.closed = False

    def subscribe(self, channel: str) -> asyncio.Queue[dict[str, Any] | None]:
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(self.QUEUE_SIZE)
        self._rooms.setdefault(channel, set()).add(queue)
        return queue

    def unsubscribe(self, channel: str, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        watchers = self._rooms.get(channel)
        if watchers is None:
            return
        watchers.discard(queue)
        if not watchers:
            del self._rooms[channel]

    def watchers(self, channel: str) -> int:
        return len(self._rooms.get(channel, ()))

    def dispatch(self, event: dict[str, Any]) -> None:
        for queue in self._rooms.get(str(event.get("channel", "")), ()):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(event)

    def close(self) -> None:
        """End every live stream (the server is stopping)."""
        self.closed = True
        for watchers in self._rooms.values():
            for queue in watchers:
                with contextlib.suppress(asyncio.QueueEmpty):
                    while queue.full():
                        queue.get_nowait()
                queue.put_nowait(None)


REDIS_KEY: web.AppKey[Redis] = web.AppKey("redis", Redis)
INFERENCE_KEY: web.AppKey[InferenceClient] = web.AppKey("inference", InferenceClient)
SETTINGS_KEY: web.AppKey[Settings] = web.AppKey("settings", Settings)
RELAY_KEY: web.AppKey[RelayService] = web.AppKey("relay", RelayService)
BUS_KEY: web.AppKey[EventBus] = web.AppKey("bus", EventBus)
HUB_KEY: web.AppKey[RoomHub] = web.AppKey("hub", RoomHub)
LIMITER_KEY: web.AppKey[Limiter] = web.AppKey("limiter", Limiter)
SERVICES_KEY: web.AppKey[Services] = web.AppKey("services", Services)

STATUS_PAGE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>norae 노래 · status</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/style.css"></head>
<body class="doc"><h1>norae 노래</h1>
<p>A bot that writes with people: relay stories, lyrics, and a mood companion.
<a href="/">Open the web chat</a>.</p>
<h2>Status</h2><ul>{status}</ul>
<p>Machine-readable: <a href="/healthz"><code>/healthz</code></a></p>
</body></html>"""


# --- status ----------------------------------------------------------------------------------


async def health(redis: Redis) -> dict[str, object]:
    ok = await ping(redis)
    workers = await JobStreams(redis).live_workers() if ok else []
    return {
        "ok": ok,
        "redis": ok,
        "workers": [{"id": w.get("id"), "kinds": w.get("kinds")} for w in workers],
    }


async def healthz(request: web.Request) -> web.Response:
    report = await health(request.app[REDIS_KEY])
    return web.json_response(report, status=200 if report["ok"] else 503)


async def status_page(request: web.Request) -> web.Response:
    report = await health(request.app[REDIS_KEY])
    items = [f"<li>Redis: {'up' if report['redis'] else 'down'}</li>"]
    workers = report["workers"]
    assert isinstance(workers, list)
    if not workers:
        items.append("<li>Workers: none yet (the model worker may still be loading)</li>")
    for w in workers:
        kinds = ", ".join(w.get("kinds") or [])
        items.append(f"<li>Worker {html.escape(str(w['id']))}: {html.escape(kinds)}</li>")
    return web.Response(text=STATUS_PAGE.format(status="".join(items)), content_type="text/html")


# --- the page --------------------------------------------------------------------------------


async def favicon(request: web.Request) -> web.FileResponse:
    """The icon browsers ask for at ``/favicon.ico`` on every page: an SVG (the pages link it)."""
    response = web.FileResponse(STATIC_DIR / "favicon.svg")
    response.content_type = "image/svg+xml"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


async def page_config(request: web.Request) -> web.Response:
    """The limits the page's forms follow, from the server's own settings."""
    settings = request.app[SETTINGS_KEY]
    relay, lyrics = settings.relay, settings.lyrics
    return web.json_response(
        {
            "relay": {
                "max_rerolls": request.app[RELAY_KEY].settings.max_rerolls,
                "max_line_chars": relay.max_line_chars,
                "keyword_max_chars": relay.keyword_max_chars,
                "round_seconds": relay.round_seconds,
            },
            "lyrics": {
                "lines_min": lyrics.lines_min,
                "lines_max": lyrics.lines_max,
                "lines_default": lyrics.lines_default,
                "theme_max_chars": lyrics.theme_max_chars,
                "import_max_bytes": lyrics.import_max_bytes,
                "import_max_songs": lyrics.import_max_songs,
            },
        }
    )


async def index(request: web.Request) -> web.FileResponse:
    """The single-page chat; ``/r/<room>`` serves the same page (the script reads the room)."""
    response = web.FileResponse(STATIC_DIR / "index.html")
    response.headers["Cache-Control"] = "no-cache"
    return response


def user_id(request: web.Request) -> str:
    """This browser's public id: one vote per browser, whatever nickname it uses.

    It is a hash of the cookie, so the ids that stories show (line authors) cannot be replayed as
    a cookie to act as someone else.
    """
    browser = _browser.get(None) or request.cookies.get(USER_COOKIE, "")
    digest = hashlib.sha256(browser.encode()).hexdigest()
    return f"web-{digest[:24]}"


def _valid_uid(value: str | None) -> bool:
    if value is None or not 16 <= len(value) <= 64 or not value.isascii():
        return False
    return value.replace("-", "").replace("_", "").isalnum()


@web.middleware
async def user_cookie(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Give each browser a random id cookie the first time it comes by.

    A new id costs its address an ``identity`` token (bot/limits.py): a client that drops its
    cookie cannot become a crowd of voters. Without a token, a page is still served (with a
    throw-away id and no cookie) but an action is refused with a 429.
    """
    cookie = request.cookies.get(USER_COOKIE)
    fresh = not _valid_uid(cookie)
    browser = secrets.token_urlsafe(24) if fresh or cookie is None else cookie
    _browser.set(browser)  # the handler runs in this task's context
    give = fresh and (request.path == "/" or request.path.startswith(_IDENTITY_PATHS))
    if give:
        try:
            await request.app[LIMITER_KEY].check("identity", address=client_address(request))
        except SlowDown:
            if request.method == "POST":
                raise
            give = False
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
        if give:
            _set_cookie(response, browser)
        raise
    if give and not response.prepared:
        _set_cookie(response, browser)
    return response


def client_address(request: web.Request) -> str:
    """The client's network address: the connection's, or the proxy's X-Forwarded-For when
    ``NORAE_WEB_TRUST_FORWARDED_FOR`` says a proxy in front sets it."""
    if request.app[SETTINGS_KEY].web.trust_forwarded_for:
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[0].strip()
        if forwarded:
            return forwarded[:64]
    return request.remote or "unknown"


def request_language(request: web.Request) -> str:
    """``ko`` when the browser prefers Korean, else ``en``."""
    first = request.headers.get("Accept-Language", "").split(",")[0].strip().lower()
    return "ko" if first.startswith("ko") else "en"


@web.middleware
async def abuse_limits(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Spend the action's token for this browser and its address before the handler runs."""
    action = None
    if request.method == "POST":
        action = next((a for pattern, a in _ACTIONS if pattern.match(request.path)), None)
    if action is None:
        return await handler(request)
    limiter = request.app[LIMITER_KEY]
    who = {"user": user_id(request), "address": client_address(request)}
    try:
        await limiter.check(action, **who)
    except SlowDown:
        if action != "mood" or not await _is_crisis_message(request):
            raise
    response = await handler(request)
    if 400 <= response.status < 500 and response.status != 429:
        await limiter.refund(action, **who)
    return response


async def _is_crisis_message(request: web.Request) -> bool:
    """A mood message in crisis is always answered, however many came before it."""
    try:
        body = json.loads(await request.read())
    except (ValueError, web.HTTPException):
        return False
    from bot.web.mood import MOOD_KEY  # the mood routes import this module

    text = body.get("text") if isinstance(body, dict) else None
    mood = request.app.get(MOOD_KEY)
    return isinstance(text, str) and (mood.is_crisis(text) if mood is not None else is_crisis(text))


@web.middleware
async def service_unavailable(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Redis down (or loading its data after a restart): 503 with a plain text, never a 500."""
    try:
        return await handler(request)
    except REDIS_DOWN as exc:
        log.warning("%s %s: redis unavailable (%s)", request.method, request.path, exc)
        return unavailable_response(request)
    except SlowDown as exc:
        response = error_response(
            exc.message(request_language(request)),
            429,
            messages={"ko": exc.message("ko"), "en": exc.message("en")},
            retry_after=exc.retry_after,
        )
        response.headers["Retry-After"] = str(exc.retry_after)
        return response


def unavailable_response(request: web.Request) -> web.Response:
    lang = request_language(request)
    response = error_response(
        notices.text(notices.UNAVAILABLE, lang),
        503,
        messages={"ko": notices.UNAVAILABLE["ko"], "en": notices.UNAVAILABLE["en"]},
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
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
async def api_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Under ``/api/``: every refusal is ``{"error": message}`` JSON, never a stack trace."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    try:
        return await handler(request)
    except (RelayError, MoodError, LyricsError) as exc:
        # A feature wraps a busy or slow model in its own error: still the model's fault (503).
        status = 503 if isinstance(exc.__context__, InferenceError) else 400
        return error_response(str(exc), status, round_id=getattr(exc, "round_id", None))
    except InferenceError as exc:
        return error_response(str(exc), 503)
    except (RedisConnectionError, RedisTimeoutError, SlowDown):
        raise  # service_unavailable answers these
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error_response(exc.text or exc.reason, exc.status)
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        return error_response("Something went wrong on our side; please try again.", 500)


def error_response(message: str, status: int = 400, **extra: Any) -> web.Response:
    body: dict[str, Any] = {"error": message}
    body.update({k: v for k, v in extra.items() if v is not None})
    return web.json_response(body, status=status)


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


# --- background work -------------------------------------------------------------------------


async def _forward_events(bus: EventBus, hub: RoomHub) -> None:
    async for event in bus.listen("web"):
        hub.dispatch(event)


def _background(
    services: Services, hub: RoomHub, tick_s: float, *, owned: bool
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        if owned:
            services.start(tick_s=tick_s)  # else whoever built the services runs their ticker
        task = asyncio.create_task(_forward_events(services.events, hub), name="web-events")
        yield
        await stop_task(task)
        if owned:
            await services.close()
        log.info("web background tasks stopped")

    return ctx


async def _warm_up(app: web.Application) -> None:
    await warm_up()


async def _close_streams(app: web.Application) -> None:
    app[HUB_KEY].close()


# --- the app ---------------------------------------------------------------------------------


def create_app(
    redis: Redis,
    inference: InferenceClient,
    *,
    settings: Settings | None = None,
    relay: RelayService | None = None,
    tick_s: float = TICK_S,
    services: Services | None = None,
) -> web.Application:
    """The web app over the process's ``services`` (``norae up`` hands them over). Without them
    the app builds its own from ``settings`` and runs their relay ticker itself; ``relay``
    replaces the relay service then (tests pass their own)."""
    # The features import this module's keys and helpers.
    from bot.kakao.skill import setup_kakao
    from bot.web.lyrics import setup_lyrics
    from bot.web.mood import setup_mood
    from bot.web.relay import setup_relay

    owned = services is None
    if services is None:
        services = Services.build(settings or load_settings(), redis, inference, relay=relay)
    settings = services.settings
    app = web.Application(
        client_max_size=MAX_BODY_BYTES,
        middlewares=[security_headers, service_unavailable, user_cookie, abuse_limits, api_errors],
    )
    app[SERVICES_KEY] = services
    app[REDIS_KEY] = redis
    app[INFERENCE_KEY] = inference
    app[SETTINGS_KEY] = settings
    app[RELAY_KEY] = services.relay
    app[LIMITER_KEY] = services.limiter
    app[BUS_KEY] = services.events
    app[HUB_KEY] = RoomHub()
    app.router.add_get("/", index)
    app.router.add_get(r"/r/{room}", index)
    app.router.add_get("/status", status_page)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/favicon.ico", favicon)
    app.router.add_get("/api/config", page_config)
    app.router.add_static("/static/", STATIC_DIR, name="static")
    setup_relay(app)
    setup_mood(app)  # services built from the app's redis, inference and settings
    setup_lyrics(app)
    setup_kakao(app)  # POST /kakao/skill (bot/kakao/skill.py)
    app.on_startup.append(_warm_up)  # before the server listens: no request waits on it
    app.cleanup_ctx.append(_background(services, app[HUB_KEY], tick_s, owned=owned))
    app.on_shutdown.append(_close_streams)
    return app


class AccessLog(AbstractAccessLogger):
    """One line per request, with the Kakao path secret (``/kakao/skill/<secret>``) redacted."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        path = request.path
        if path.startswith("/kakao/skill/"):
            path = "/kakao/skill/<redacted>"
        self.logger.info(
            '%s "%s %s" %s %.3fs', request.remote, request.method, path, response.status, time
        )
