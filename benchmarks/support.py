"""Shared set-up for the benchmark scripts: a throwaway redis-server and percentiles."""

from __future__ import annotations

import asyncio
import contextlib
import platform
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from bot.cli.embedded_redis import EmbeddedRedis


@contextlib.contextmanager
def throwaway_redis() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="norae-bench-") as tmp:
        server = EmbeddedRedis(Path(tmp), aof=False)
        url = server.start()
        try:
            yield url
        finally:
            server.stop()


@contextlib.asynccontextmanager
async def generate_worker(url: str, generator: Any) -> AsyncIterator[Any]:
    """A Redis client on ``url`` with an in-process worker serving ``generate`` on
    ``generator``; the worker is stopped and the client closed on exit."""
    from models.handlers import GenerateHandler
    from models.worker import Worker, WorkerConfig
    from storage.connection import connect
    from storage.job_streams import JobStreams

    redis = connect(url)
    worker = Worker(
        JobStreams(redis),
        {"generate": GenerateHandler(generator)},
        WorkerConfig(block_ms=100, max_wait_ms=5),
    )
    task = asyncio.create_task(worker.run())
    try:
        yield redis
    finally:
        worker.stop()
        await asyncio.wait_for(task, timeout=60)
        await redis.aclose()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def machine() -> str:
    import os

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
