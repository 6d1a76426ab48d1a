"""Live events between processes (Redis pub/sub): a round closed, a line was added, …

Events are JSON objects addressed to a platform (the prefix of a channel id such as
``"web:room1"``). Pub/sub delivers only to processes listening at that moment: events are
notifications, the state itself always lives in the stores.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError

from storage import keys
from storage.connection import Redis

log = logging.getLogger(__name__)


def platform_of(channel: str) -> str:
    """``"discord:123"`` -> ``"discord"``."""
    return channel.split(":", 1)[0]


class EventBus:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def publish(self, channel: str, event: dict[str, Any]) -> int:
        """Send ``event`` (with its ``channel``) to the platform that owns ``channel``."""
        body = json.dumps({"channel": channel, **event}, ensure_ascii=False)
        return int(await self.redis.publish(keys.events_channel(platform_of(channel)), body))

    async def listen(self, platform: str) -> AsyncIterator[dict[str, Any]]:
        """Events for ``platform`` until cancelled; reconnects after a Redis outage."""
        backoff = 0.1
        while True:
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
