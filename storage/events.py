"""Live events between processes (Redis pub/sub): a round closed, a line was added, …

Events are JSON objects addressed to a platform (the prefix of a channel id such as
``"web:room1"``). Pub/sub delivers only to processes listening at that moment: events are
notifications, the state itself always lives in the stores.

An event published with ``keep=True`` is also kept in its channel's short history (the latest
:data:`RECENT_SIZE`, gone :data:`RECENT_TTL_S` after the last one), stamped with an ``id`` and the
time ``at``, so a page that was away (a reload, a new visitor) can show what happened before it came.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError

from storage import keys
from storage.connection import Redis, is_cluster

log = logging.getLogger(__name__)

RECENT_SIZE = 50
RECENT_TTL_S = 7 * 24 * 3600


def platform_of(channel: str) -> str:
    """``"discord:123"`` -> ``"discord"``."""
    return channel.split(":", 1)[0]


class EventBus:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def publish(self, channel: str, event: dict[str, Any], *, keep: bool = False) -> int:
        """Send ``event`` (with its ``channel``) to the platform that owns ``channel``.

        ``keep``: also add it to the channel's recent events (:meth:`recent`), in the same
        transaction as the publication.
        """
        data = {"channel": channel, **event}
        if keep:
            data.setdefault("id", secrets.token_hex(8))
            data.setdefault("at", round(time.time(), 3))
        body = json.dumps(data, ensure_ascii=False)
        target = keys.events_channel(platform_of(channel))
        if not keep:
            return int(await self.redis.publish(target, body))
        history = keys.events_recent(channel)
        cluster = is_cluster(self.redis)
        pipe = self.redis.pipeline(transaction=True)
        pipe.lpush(history, body)
        pipe.ltrim(history, 0, RECENT_SIZE - 1)
        pipe.expire(history, RECENT_TTL_S)
        if not cluster:
            pipe.publish(target, body)
        replies = await pipe.execute()
        if cluster:  # a cluster transaction holds keyed commands only: publish once it is kept
            return int(await self.redis.publish(target, body))
        return int(replies[-1])

    async def recent(self, channel: str, limit: int = RECENT_SIZE) -> list[dict[str, Any]]:
        """The channel's kept events, oldest first (at most ``limit``, the newest ones)."""
        raw = await self.redis.lrange(keys.events_recent(channel), 0, max(0, limit - 1))
        found: list[dict[str, Any]] = []
        for item in reversed(raw):
            try:
                event = json.loads(item)
            except ValueError:
                continue
            if isinstance(event, dict):
                found.append(event)
        return found

    async def listen(self, platform: str) -> AsyncIterator[dict[str, Any]]:
        """Events for ``platform`` until cancelled; reconnects after a Redis outage."""
        backoff = 0.1
        while True:
            try:
                if is_cluster(self.redis):  # its pubsub needs the slot map (PUBLISH reaches every
                    await self.redis.initialize()  # node)
            except (RedisConnectionError, OSError) as exc:
                log.warning("event listener for %s found no Redis (%s)", platform, exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(keys.events_channel(platform))
                backoff = 0.1
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is None or message.get("type") != "message":
                        continue
                    try:
                        event = json.loads(message["data"])
                    except ValueError:
                        log.warning("dropped an unreadable event on %s", platform)
                        continue
                    if isinstance(event, dict):
                        yield event
            except (RedisConnectionError, OSError) as exc:
                log.warning("event listener for %s lost Redis (%s)", platform, exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
            finally:
                await pubsub.aclose()  # type: ignore[no-untyped-call]
