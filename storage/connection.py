"""The async Redis connection factory. Built in entry points and injected, never at import time.

One URL names either one server (``redis://host:port/0``, ``rediss://…``, ``unix://…``) or a Redis
Cluster (``redis+cluster://host:port`` or ``rediss+cluster://host:port``: any node of the cluster;
the client learns the others from it). Several seed nodes may be given comma-separated:
``redis+cluster://a:7000,b:7000``. Both come back as the same command interface; the few places
that must act differently on a cluster ask :func:`is_cluster`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit, urlunsplit

import redis.asyncio as aioredis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ClusterDownError, MaxConnectionsError, TryAgainError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

T = TypeVar("T")

# The command interface every store is written against. A cluster client is handed out under this
# type too: it has the same commands (routed by key slot), and storage keeps every multi-key
# command, script and transaction inside one hash slot (see storage/keys.py).
Redis = aioredis.Redis

CLUSTER_CONNECTIONS_FACTOR = 8
CLUSTER_SCHEMES = {"redis+cluster": "redis", "rediss+cluster": "rediss"}


def is_cluster_url(url: str) -> bool:
    return urlsplit(url).scheme in CLUSTER_SCHEMES


def is_cluster(redis: object) -> bool:
    """True when ``redis`` talks to a Redis Cluster."""
    return isinstance(redis, RedisCluster)


def _retry(retries: int) -> Retry:
    return Retry(ExponentialBackoff(cap=1.0, base=0.05), retries)


# How long a command waits out a cluster that is failing over (a master's replica takes its slots a
# few seconds after the master stops answering: the node timeout plus an election) or whose
# connections to one node are all busy, before the error reaches the caller.
FAILOVER_WAIT_S = 10.0
BUSY_WAIT_S = 20.0


# What a cluster answers while it fails over (MaxConnectionsError is a ConnectionError).
RETRYABLE = (RedisConnectionError, RedisTimeoutError, ClusterDownError, TryAgainError)


async def patiently(call: Callable[[], Awaitable[T]]) -> T:
    """``call()``, called again while a cluster fails over or a node's connections are all busy:
    with a growing pause, within :data:`FAILOVER_WAIT_S` (or :data:`BUSY_WAIT_S`). Only for what is
    safe to send again after a dropped connection (as one server's client retries too)."""
    started = time.monotonic()
    pause = 0.05
    while True:
        try:
            return await call()
        except MaxConnectionsError:
            if time.monotonic() - started > BUSY_WAIT_S:
                raise
            await asyncio.sleep(0.005)
        except RETRYABLE as exc:
            if time.monotonic() - started + pause > FAILOVER_WAIT_S:
                raise
            log.info("redis cluster: %s; trying again in %.2f s", type(exc).__name__, pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 1.0)


class PatientCluster(RedisCluster):
    """redis-py's cluster client, waiting out a failover and a full connection pool.

    On a dropped node redis-py retries at once (refreshing its slot map, which still names the dead
    master until its replica is promoted), so every retry fails within milliseconds; and with every
    connection to a node busy it fails instead of waiting. Here a command that meets either is sent
    again :func:`patiently`. Pipelines and transactions keep redis-py's own retries (a
    ``storage.batches.Batch`` is sent patiently too).
    """

    async def execute_command(self, *args: Any, **kwargs: Any) -> Any:
        return await patiently(lambda: super(PatientCluster, self).execute_command(*args, **kwargs))


def _cluster(url: str, *, max_connections: int, socket_timeout: float | None) -> Redis:
    parts = urlsplit(url)
    scheme = CLUSTER_SCHEMES[parts.scheme]
    hosts = [h for h in parts.netloc.rsplit("@", 1)[-1].split(",") if h]
    auth = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    if not hosts:
        raise ValueError("a cluster URL names at least one node: redis+cluster://host:port")
    first = urlunsplit((scheme, auth + hosts[0], "", parts.query, ""))
    seeds = []
    for host in hosts:
        node = urlsplit(f"{scheme}://{host}")
        seeds.append(ClusterNode(node.hostname or "127.0.0.1", node.port or 6379))
    client = PatientCluster.from_url(
        first,
        startup_nodes=seeds,
        # A cluster client fails a command at once when a node's connections are all busy (one
        # server's pool waits instead): give it room for bursts.
        max_connections=max_connections * CLUSTER_CONNECTIONS_FACTOR,
        socket_timeout=socket_timeout,
        socket_connect_timeout=5.0,
        health_check_interval=15,
        # redis-py's own retries (at once, refreshing the slot map); PatientCluster waits between
        # rounds of them.
        retry=Retry(ExponentialBackoff(cap=1.0, base=0.1), 3),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        decode_responses=False,
    )
    return cast(Redis, client)


def connect(
    url: str,
    *,
    max_connections: int = 32,
    socket_timeout: float | None = 10.0,
    retries: int = 3,
) -> Redis:
    """A pooled client that retries a command a few times across a dropped connection.

    For one server the pool blocks (up to 20 s) when all connections are busy instead of failing a
    burst. A cluster client (see the module docstring) may open ``max_connections`` ×
    :data:`CLUSTER_CONNECTIONS_FACTOR` connections per node, since it cannot wait for a free one.
    """
    if is_cluster_url(url):
        return _cluster(url, max_connections=max_connections, socket_timeout=socket_timeout)
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=20,
        socket_timeout=socket_timeout,
        socket_connect_timeout=5.0,
        health_check_interval=15,
        retry=_retry(retries),
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
