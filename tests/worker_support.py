"""Running a worker inside a test's event loop, and a client that talks to it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping

from models.handlers import JobHandler
from models.worker import Worker, WorkerConfig
from storage.connection import Redis
from storage.job_streams import JobStreams


@contextlib.asynccontextmanager
async def running_worker(
    redis: Redis,
    handlers: Mapping[str, JobHandler],
    config: WorkerConfig | None = None,
    worker_id: str | None = None,
) -> AsyncIterator[Worker]:
    worker = Worker(
        JobStreams(redis),
        handlers,
        config or WorkerConfig(block_ms=100, max_wait_ms=20, heartbeat_interval_s=0.5),
        worker_id=worker_id,
    )
    task = asyncio.create_task(worker.run())
    try:
        yield worker
    finally:
        worker.stop()
        await asyncio.wait_for(task, timeout=10)
