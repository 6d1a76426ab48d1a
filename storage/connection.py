"""The async Redis connection factory. Built in entry points and injected, never at import time."""

from __future__ import annotations

import logging

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

Redis = aioredis.Redis


def connect(
    url: str,
    *,
    max_connections: int = 32,
    socket_timeout: float | None = 10.0,
    retries: int = 3,
) -> Redis:
    """A pooled client that retries a command a few times across a dropped connection.

    The pool blocks (up to 20 s) when all connections are busy instead of failing a burst.
    """
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=20,
        socket_timeout=socket_timeout,
        socket_connect_timeout=5.0,
        health_check_interval=15,
        retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), retries),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        decode_responses=False,
    )
    return aioredis.Redis.from_pool(pool)


async def ping(redis: Redis) -> bool:
    """True when Redis answers; never raises."""
    try:
        return bool(await redis.ping())
    except Exception as exc:  # any failure means "not healthy"
        log.warning("redis ping failed: %s", exc)
        return False
