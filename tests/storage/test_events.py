"""The event bus keeps a channel's latest events when asked, on a real redis-server."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from storage import keys
from storage.connection import Redis
from storage.events import RECENT_SIZE, RECENT_TTL_S, EventBus


async def test_kept_events_are_published_and_the_latest_are_kept(redis: Redis) -> None:
    bus = EventBus(redis)
    heard: list[dict[str, Any]] = []

    async def listen() -> None:
        async for event in bus.listen("web"):
            heard.append(event)

    listener = asyncio.create_task(listen())
    for _ in range(100):
        subs = await redis.pubsub_numsub(keys.events_channel("web"))
        if subs and subs[0][1]:
            break
        await asyncio.sleep(0.02)
    try:
        await bus.publish("web:a", {"type": "votes", "counts": [1]})  # not kept
        for n in range(RECENT_SIZE + 5):
            await bus.publish("web:a", {"type": "line_added", "n": n}, keep=True)
        await bus.publish("web:b", {"type": "story_started"}, keep=True)
        for _ in range(100):
            if len(heard) == RECENT_SIZE + 7:
                break
            await asyncio.sleep(0.02)
    finally:
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listener

    assert len(heard) == RECENT_SIZE + 7  # every event is still published
    kept = await bus.recent("web:a")
    assert [e["n"] for e in kept] == list(range(5, RECENT_SIZE + 5))  # oldest first, capped
    assert all(e["type"] == "line_added" and e["channel"] == "web:a" for e in kept)
    assert len({e["id"] for e in kept}) == RECENT_SIZE
    assert kept[-1] == heard[-2]  # the kept copy is the one listeners got, id and time included
    assert [e["n"] for e in await bus.recent("web:a", limit=3)] == [52, 53, 54]
    assert [e["type"] for e in await bus.recent("web:b")] == ["story_started"]
    assert await bus.recent("web:none") == []
    ttl = await redis.ttl(keys.events_recent("web:a"))
    assert 0 < ttl <= RECENT_TTL_S
