"""The inference client: fails fast when busy, times out with a message that says why."""

from __future__ import annotations

import time

import pytest

from bot.inference import InferenceBusy, InferenceClient, InferenceTimeout
from models.handlers import NoopHandler
from storage.connection import Redis
from storage.job_streams import JobStreams
from tests.worker_support import running_worker


async def test_full_queue_fails_fast_with_busy(redis: Redis) -> None:
    async with InferenceClient(redis, max_queue=2) as client:
        # no worker: two jobs wait, the third is refused at once instead of queueing forever
        for _ in range(2):
            await JobStreams(redis).enqueue("noop", b"{}", max_queue=10)
        started = time.monotonic()
        with pytest.raises(InferenceBusy, match="busy"):
            await client.noop(1, timeout=10)
        assert time.monotonic() - started < 1.0
    assert await JobStreams(redis).depth("noop") == 2  # nothing added by the refused call


async def test_timeout_without_any_worker_says_so(redis: Redis) -> None:
    async with InferenceClient(redis) as client:
        with pytest.raises(InferenceTimeout, match="no worker serves 'noop'"):
            await client.noop(1, timeout=0.3)


async def test_timeout_with_a_slow_worker(redis: Redis) -> None:
    async with running_worker(redis, {"noop": NoopHandler()}), InferenceClient(redis) as client:
        await client.noop()  # the worker is up and has a heartbeat
        with pytest.raises(InferenceTimeout, match=r"no answer to the noop job within 0.3s"):
            await client.noop(delay_ms=2000, timeout=0.3)
        # the late answer is dropped quietly and the client keeps working
        assert await client.noop("after", timeout=5) == "after"


async def test_bad_request_is_refused_before_it_is_queued(redis: Redis) -> None:
    from pydantic import ValidationError

    async with InferenceClient(redis) as client:
        with pytest.raises(ValidationError):
            await client.generate([], max_new_tokens=5)  # no prompts
        with pytest.raises(ValidationError):
            await client.generate(["x" * 30_000])  # prompt over the size limit
        with pytest.raises(ValidationError):
            await client.classify(["ok"] * 300)  # too many texts
    assert await JobStreams(redis).depth("generate") == 0


async def test_close_drops_the_reply_stream_and_fails_waiters(redis: Redis) -> None:
    client = InferenceClient(redis)
    await client.start()
    await JobStreams(redis).touch_reply_stream(client.reply_stream)
    await redis.xadd(client.reply_stream, {b"result": b"{}"})
    await client.close()
    assert await redis.exists(client.reply_stream) == 0
