"""A first Korean lyrics request in a fresh process does not stall the event loop.

This measures the design, not the machine: a ticker task notes how late each of its 10 ms naps
ends while the request runs. Building Kiwi holds the GIL for seconds; with the warm-up in the app's
start-up hook it is built before the server listens, and the request's loop stays responsive.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import novelty, warmup
from bot.inference import InferenceClient
from bot.lyrics.service import LyricsService
from bot.web.app import create_app
from bot.web.keys import SERVICES_KEY
from contract.settings import Settings
from storage.connection import Redis
from tests.bot.test_lyrics import KO_ARTIST, NEW_LINES, SETTINGS, _seed
from tests.bot.test_web_lyrics import FakeGenerator

MAX_LAG_S = 0.100
TICK_S = 0.010


async def _ticker(lags: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        planned = time.perf_counter() + TICK_S
        await asyncio.sleep(TICK_S)
        lags.append(time.perf_counter() - planned)


async def test_first_korean_lyrics_request_keeps_the_loop_responsive(
    redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = LyricsService(redis, FakeGenerator(["\n".join(NEW_LINES)]), SETTINGS)
    await _seed(service)
    # A fresh process: no Kiwi built yet, nothing warmed.
    monkeypatch.setattr(novelty, "_kiwi", None)
    monkeypatch.setattr(warmup, "_warm", False)
    app = create_app(redis, InferenceClient(redis), settings=Settings())
    app[SERVICES_KEY].lyrics = service
    async with TestClient(TestServer(app)) as client:  # start-up hooks run here, then it listens
        lags: list[float] = []
        stop = asyncio.Event()
        ticker = asyncio.create_task(_ticker(lags, stop))
        await asyncio.sleep(0.05)
        resp = await client.post("/api/lyrics/write", json={"artist": KO_ARTIST, "theme": "봄"})
        data = await resp.json()
        stop.set()
        await ticker
    assert resp.status == 200, data
    assert data["language"] == "ko" and data["text"]
    assert len(lags) >= 3
    print(f"event-loop lag during the first Korean lyrics request: max {max(lags) * 1000:.1f} ms")
    assert max(lags) <= MAX_LAG_S, f"the event loop stalled for {max(lags) * 1000:.0f} ms"
