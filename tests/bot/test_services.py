"""One set of services per process: ``norae up`` builds them once and every front door shares
them, so there is one relay ticker and one lyrics cache however many doors are open."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestClient, TestServer

from bot.discord_bot import NoraeBot
from bot.inference import InferenceClient
from bot.kakao.skill import KAKAO_KEY
from bot.services import Services
from bot.web.app import create_app
from bot.web.keys import SERVICES_KEY
from contract.settings import Settings
from storage.connection import Redis


def tickers() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t.get_name() == "relay-ticker" and not t.done()]


async def test_every_front_door_shares_the_processs_services(redis: Redis) -> None:
    inference = InferenceClient(redis)
    services = Services.build(Settings(), redis, inference)
    services.start()
    services.start()  # a second start is no second ticker
    assert len(tickers()) == 1
    app = create_app(redis, inference, services=services)
    client = TestClient(TestServer(app))
    await client.start_server()  # the app runs no ticker of its own: the services' one is it
    bot = NoraeBot(services.settings, redis, inference, services=services)
    try:
        assert app[SERVICES_KEY] is services and bot.services is services
        kakao = app[KAKAO_KEY]
        assert kakao.services is services
        assert bot.limiter is services.limiter
        assert len(tickers()) == 1
    finally:
        await client.close()
        await services.close()
        await inference.close()
    assert tickers() == []


async def test_a_door_started_alone_builds_and_runs_its_own(redis: Redis) -> None:
    inference = InferenceClient(redis)
    app = create_app(redis, inference, settings=Settings())
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        assert len(tickers()) == 1  # the web app alone closes its rounds itself
        assert isinstance(app[SERVICES_KEY], Services)
    finally:
        await client.close()
        await inference.close()
    assert tickers() == []
