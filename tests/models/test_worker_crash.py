"""A worker crash costs its callers a delay, not an error (visibility timeout < caller timeout)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from pydantic import BaseModel

from bot.inference import InferenceClient
from contract.jobs import NoopRequest
from contract.settings import Settings, SettingsError, WorkerSettings, load_settings
from models.handlers import NoopHandler
from models.serve import start_metrics, worker_config
from models.worker import Worker
from storage import keys
from storage.connection import Redis
from storage.job_streams import JobStreams


class Gate(NoopHandler):
    """Holds every batch until ``open`` is set; records the values it was given."""

    def __init__(self, open_: bool = False) -> None:
        self.open = asyncio.Event()
        if open_:
            self.open.set()
        self.started = asyncio.Event()
        self.seen: list[Any] = []

    async def run(self, payloads: list[NoopRequest]) -> list[BaseModel]:
        self.seen += [p.value for p in payloads]
        self.started.set()
        await self.open.wait()
        return await super().run(payloads)


async def test_a_killed_workers_job_still_answers_its_caller_with_default_settings(
    redis: Redis,
) -> None:
    settings = Settings()
    config = worker_config(settings)
    dead, alive = Gate(), Gate(open_=True)
    first = Worker(JobStreams(redis), {"noop": dead}, config, worker_id="first")
    first_task = asyncio.create_task(first.run())
    async with InferenceClient(redis, timeout_s=settings.inference.timeout_s) as client:
        call = asyncio.create_task(client.noop(7))
        await asyncio.wait_for(dead.started.wait(), 10)
        first_task.cancel()  # the process dies mid-job: no answer, no ack, no more holding
        with contextlib.suppress(asyncio.CancelledError):
            await first_task
        second = Worker(JobStreams(redis), {"noop": alive}, config, worker_id="second")
        second_task = asyncio.create_task(second.run())
        try:
            result = await call  # within the caller's own timeout, or InferenceTimeout
        finally:
            second.stop()
            await asyncio.wait_for(second_task, 15)
    assert result == 7
    assert dead.seen == [7] and alive.seen == [7]


async def test_a_live_worker_keeps_its_jobs_from_the_janitors(redis: Redis) -> None:
    streams = JobStreams(redis)
    await streams.ensure_group("noop")
    await streams.enqueue("noop", b"{}", max_queue=10)
    (entry,) = await streams.read(["noop"], "busy", count=1, block_ms=None)
    await asyncio.sleep(0.3)
    stream = keys.job_stream("noop")
    before = (await redis.xpending_range(stream, keys.JOB_GROUP, "-", "+", 1))[0]
    assert int(before["time_since_delivered"]) >= 300
    await streams.extend("noop", "busy", [entry.entry_id])
    after = (await redis.xpending_range(stream, keys.JOB_GROUP, "-", "+", 1))[0]
    assert int(after["time_since_delivered"]) < 300 and after["consumer"] == b"busy"
    assert after["times_delivered"] == 1  # holding is not a redelivery
    assert await streams.claim_stale("noop", "janitor", min_idle_ms=300, count=10) == []


def test_the_visibility_timeout_must_sit_below_the_callers_timeout() -> None:
    s = Settings()
    reclaim = s.worker.visibility_timeout_s + s.worker.janitor_interval_s
    assert reclaim <= s.inference.timeout_s / 2  # a crash costs at most a delay
    assert reclaim < s.mood.classify_timeout_s  # the shortest wait of any caller
    with pytest.raises(SettingsError, match="NORAE_WORKER_VISIBILITY_TIMEOUT_S"):
        load_settings(worker=WorkerSettings(visibility_timeout_s=60))
    with pytest.raises(SettingsError, match="NORAE_MOOD_CLASSIFY_TIMEOUT_S"):
        load_settings(worker=WorkerSettings(visibility_timeout_s=9))


def test_metrics_listen_on_loopback_by_default() -> None:
    from bot.cli.embedded_redis import free_port

    ws = Settings().worker.model_copy(update={"metrics_port": free_port()})
    server = start_metrics(ws)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.shutdown()
        server.server_close()
