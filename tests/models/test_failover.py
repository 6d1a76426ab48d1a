"""``kill -9`` of a worker in the middle of a batch: a second worker answers every job, once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from contract.jobs import Job, JobResult, Status
from storage import keys
from storage.connection import Redis
from storage.job_streams import JobStreams
from tests.conftest import RedisServer

REPO = Path(__file__).resolve().parents[2]


def start_worker(url: str) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        NORAE_REDIS_URL=url,
        NORAE_WORKER_MAX_BATCH="16",
        NORAE_WORKER_BLOCK_MS="100",
        NORAE_WORKER_VISIBILITY_TIMEOUT_S="1",
        NORAE_WORKER_JANITOR_INTERVAL_S="0.2",
        NORAE_WORKER_HEARTBEAT_INTERVAL_S="0.2",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "worker", "--kinds", "noop", "--metrics-port", "0"],
        cwd=REPO,
        env=env,
    )


async def wait_for(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("condition not met in time")


async def test_second_worker_answers_every_job_of_a_killed_worker(
    redis: Redis, redis_server: RedisServer
) -> None:
    streams = JobStreams(redis)
    reply_to = keys.reply_stream("failover")
    second: subprocess.Popen[bytes] | None = None
    first: subprocess.Popen[bytes] | None = None
    try:
        jobs = [
            Job(
                kind="noop",
                deadline=time.time() + 60,
                reply_to=reply_to,
                payload={"value": i, "delay_ms": 3000},
            )
            for i in range(10)
        ]
        await streams.ensure_group("noop")
        for job in jobs:  # queued before the worker starts, so its first read takes them all
            await streams.enqueue("noop", job.model_dump_json().encode(), max_queue=100)
        first = start_worker(redis_server.url)

        async def in_hand() -> bool:
            info = await redis.xpending(keys.job_stream("noop"), keys.JOB_GROUP)
            return int(info["pending"]) == len(jobs)

        await wait_for(in_hand)  # the whole batch is delivered to the first worker
        assert first is not None
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert await redis.xlen(reply_to) == 0  # it died before answering anything

        second = start_worker(redis_server.url)
        await wait_for(lambda: _answered(redis, reply_to, len(jobs)), timeout=40)
        await asyncio.sleep(1.5)  # a duplicate answer would show up in this time

        rows: list[tuple[bytes, dict[bytes, bytes]]] = await redis.xrange(reply_to)  # type: ignore[assignment]
        replies = [JobResult.model_validate_json(fields[b"result"]) for _id, fields in rows]
        assert len(replies) == len(jobs)  # nothing answered twice
        assert {r.id for r in replies} == {j.id for j in jobs}  # nothing lost
        assert all(r.status is Status.OK for r in replies)
        assert sorted(r.result["value"] for r in replies if r.result) == list(range(10))
        assert await streams.depth("noop") == 0
        assert await streams.dead_letters() == []
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(10)


async def _workers(streams: JobStreams, n: int) -> bool:
    return len(await streams.live_workers()) >= n


async def _answered(redis: Redis, stream: str, n: int) -> bool:
    return int(await redis.xlen(stream)) >= n
