"""The web front door (aiohttp): the web chat page, its JSON API and live events, and ``/healthz``.

``create_app`` builds the app that ``norae up`` and ``norae web`` serve, over the process's
:class:`~bot.services.Services` (``app[SERVICES_KEY]``, :mod:`bot.web.keys`). The page (``/``) is
one static single-page app (``bot/web/static/``); each feature's routes are in its own module with
one ``setup(app)``, all listed in :data:`ROUTES`. Requests are read with :mod:`bot.web.requests`,
errors answered by one middleware (:mod:`bot.web.middleware`, :mod:`bot.web.errors`). Live updates
reach browsers by Server-Sent Events (:mod:`bot.web.live`).
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Callable

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from bot.inference import InferenceClient
from bot.kakao.skill import setup_kakao
from bot.relay.service import RelayService
from bot.relay.ticker import TICK_S
from bot.services import Services
from bot.tasks import stop_task
from bot.warmup import warm_up
from bot.web import commands, lyrics, mood, page, relay, status
from bot.web.keys import HUB_KEY, SERVICES_KEY
from bot.web.live import RoomHub, forward_events
from bot.web.middleware import abuse_limits, errors, security_headers, user_cookie
from bot.web.requests import MAX_BODY_BYTES
from contract.settings import Settings, load_settings
from storage.connection import Redis

log = logging.getLogger(__name__)

# Every feature's routes, in one place: each module's ``setup(app)`` adds its own.
ROUTES: tuple[Callable[[web.Application], None], ...] = (
    page.setup,  # /, /r/<room>, /favicon.ico, /api/config, /api/texts, /static/
    status.setup,  # /status, /healthz
    relay.setup,  # /api/rooms/<room>/…, /api/stories/…, /stories/<id>
    mood.setup,  # /api/mood/…, /audio/<song id>
    lyrics.setup,  # /api/lyrics/…
    commands.setup,  # /api/commands, /api/commands/<name>
    setup_kakao,  # POST /kakao/skill (bot/kakao/)
)

# Outermost first: the id cookie is set on every answer, errors included; limits run inside the
# error middleware, so a refusal is answered like any other error.
MIDDLEWARES = (security_headers, user_cookie, errors, abuse_limits)


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
    owned = services is None
    if services is None:
        services = Services.build(settings or load_settings(), redis, inference, relay=relay)
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=MIDDLEWARES)
    app[SERVICES_KEY] = services
    app[HUB_KEY] = RoomHub()
    for setup in ROUTES:
        setup(app)
    app.on_startup.append(_warm_up)  # before the server listens: no request waits on it
    app.cleanup_ctx.append(_background(services, app[HUB_KEY], tick_s, owned=owned))
    app.on_shutdown.append(_close_streams)
    return app


def _background(
    services: Services, hub: RoomHub, tick_s: float, *, owned: bool
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        if owned:
            services.start(tick_s=tick_s)  # else whoever built the services runs their ticker
        task = asyncio.create_task(forward_events(services.events, hub), name="web-events")
        yield
        await stop_task(task)
        if owned:
            await services.close()
        log.info("web background tasks stopped")

    return ctx


async def _warm_up(app: web.Application) -> None:
    await warm_up()
    # What start-up built (modules, settings, catalogs, compiled patterns) lives as long as the
    # process: out of the collector's sight, a full collection under load no longer walks all of
    # it (pauses of tens of milliseconds that every request in flight waited out).
    gc.collect()
    gc.freeze()


async def _close_streams(app: web.Application) -> None:
    app[HUB_KEY].close()


ACCESS_LOGGER = "norae.web.access"


def access_logger() -> logging.Logger:
    """The logger of :class:`AccessLog`: one plain line per request straight to stderr.

    Its own handler, not the console's: the console's pretty handler (rich) lays out every record
    as a table, which cost more than serving the request itself. Its level is the process's."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    return logger


class AccessLog(AbstractAccessLogger):
    """One line per request, with the Kakao path secret (``/kakao/skill/<secret>``) redacted."""

    @property
    def enabled(self) -> bool:
        """Nothing to do (not even the call) when the level leaves access lines out."""
        return self.logger.isEnabledFor(logging.INFO)

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        path = request.path
        if path.startswith("/kakao/skill/"):
            path = "/kakao/skill/<redacted>"
        self.logger.info(
            '%s "%s %s" %s %.3fs', request.remote, request.method, path, response.status, time
        )
