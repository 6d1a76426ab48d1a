"""The relay ticker closes due rounds and announces each one once, to its own platform."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from bot.relay.service import RelayService
from bot.relay.ticker import run_ticker
from contract.settings import RelaySettings
from storage.connection import Redis
from storage.events import EventBus, platform_of
from tests.bot.test_relay import Scripted


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def _collect(bus: EventBus, platform: str, into: list[dict[str, Any]]) -> None:
    async for event in bus.listen(platform):
        into.append(event)


async def test_two_tickers_announce_a_closed_round_once_to_its_platform(redis: Redis) -> None:
    clock = Clock()
    settings = RelaySettings(round_seconds=5)
    gen = Scripted(["첫째 문장입니다.", "둘째 문장입니다.", "셋째 문장입니다."])
    relay = RelayService(redis, gen, settings, clock=clock)
    other = RelayService(redis, gen, settings, clock=clock)  # a second bot process
    bus = EventBus(redis)
    web_events: list[dict[str, Any]] = []
    discord_events: list[dict[str, Any]] = []
    listeners = [
        asyncio.create_task(_collect(bus, "web", web_events)),
        asyncio.create_task(_collect(bus, "discord", discord_events)),
    ]
    await asyncio.sleep(0.2)  # subscribed
    await relay.start("web:room1", "u1", "하나", title="밤")
    rnd = await relay.continue_story("web:room1", "u1", "하나")
    await relay.vote(rnd.id, "u2", 2)
    clock.now += 6  # past the deadline
    tickers = [
        asyncio.create_task(run_ticker(relay, bus, interval_s=0.05)),
        asyncio.create_task(run_ticker(other, bus, interval_s=0.05)),
    ]
    for _ in range(100):
        if web_events:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # a second announcement would arrive meanwhile
    for task in tickers + listeners:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert len(web_events) == 1 and discord_events == []
    event = web_events[0]
    assert event["type"] == "round_closed" and event["channel"] == "web:room1"
    assert event["winner"] == 2 and event["counts"] == [0, 1, 0]
    assert event["line"]["text"] == "둘째 문장입니다."
    assert event["note"] == "" and event["messages"] == {  # each front door shows its reader's
        "ko": "투표가 끝났어요 (1번 0표, 2번 1표, 3번 0표). 2번 후보가 이야기에 이어졌어요.",
        "en": "Vote closed (1: 0, 2: 1, 3: 0). Candidate 2 joins the story.",
    }


def test_platform_of_channel_ids() -> None:
    assert platform_of("discord:123") == "discord"
    assert platform_of("web:room:1") == "web"
