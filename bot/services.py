"""The services of one bot process, built once and handed to every front door.

``norae up`` builds one :class:`Services` and gives the same object to the web app, the Kakao
skill and the Discord bot, so a process has one relay ticker, one lyrics corpus cache, one
limiter. A front door started on its own (a test, a Discord-only process) builds its own.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from bot.catalog import Catalog
from bot.inference import InferenceClient
from bot.limits import Limiter
from bot.lyrics.service import LyricsService
from bot.mood.service import MoodService
from bot.relay.service import RelayService
from bot.relay.ticker import TICK_S, run_ticker
from bot.tasks import stop_task
from contract.settings import Settings
from storage.connection import Redis
from storage.events import EventBus

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Services:
    settings: Settings
    redis: Redis
    inference: InferenceClient
    relay: RelayService
    lyrics: LyricsService
    mood: MoodService
    catalog: Catalog
    limiter: Limiter
    events: EventBus
    _ticker: asyncio.Task[None] | None = field(default=None, repr=False)

    @classmethod
    def build(
        cls,
        settings: Settings,
        redis: Redis,
        inference: InferenceClient,
        *,
        relay: RelayService | None = None,
    ) -> Services:
        """Every service from one Redis, one inference client and the settings; ``relay``
        replaces the relay service (tests pass one with their own clock)."""
        catalog = Catalog(redis)
        return cls(
            settings=settings,
            redis=redis,
            inference=inference,
            relay=relay or RelayService(redis, inference, settings.relay),
            lyrics=LyricsService(redis, inference, settings.lyrics),
            mood=MoodService(redis, inference, catalog, settings.mood),
            catalog=catalog,
            limiter=Limiter(redis, settings.limits),
            events=EventBus(redis),
        )

    def start(self, *, tick_s: float = TICK_S) -> None:
        """Start the relay ticker (once: a second call does nothing)."""
        if self._ticker is None or self._ticker.done():
            self._ticker = asyncio.create_task(
                run_ticker(self.relay, self.events, interval_s=tick_s), name="relay-ticker"
            )

    async def close(self) -> None:
        if self._ticker is not None:
            await stop_task(self._ticker)
            self._ticker = None
            log.info("relay ticker stopped")
