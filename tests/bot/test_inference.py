"""The inference client: fails fast when busy, times out saying why (in the log, not to readers)."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot import texts
from bot.inference import (
    InferenceBusy,
    InferenceClient,
    InferenceError,
    InferenceTimeout,
    JobFailed,
)
from contract.jobs import NoopRequest, Status
from models.handlers import NoopHandler
from storage.connection import Redis
from storage.job_streams import JobStreams
from tests.bot.refusals import refused
from tests.worker_support import running_worker


async def test_full_queue_fails_fast_with_busy(redis: Redis) -> None:
    async with InferenceClient(redis, max_queue=2) as client:
        # no worker: two jobs wait, the third is refused at once instead of queueing forever
        for _ in range(2):
            await JobStreams(redis).enqueue("noop", b"{}", max_queue=10)
        started = time.monotonic()
        with refused(InferenceBusy, "model-busy") as busy:
            await client.noop(1, timeout=10)
        assert busy.value.detail == "2 noop jobs waiting, the most allowed"
        assert time.monotonic() - started < 1.0
    assert await JobStreams(redis).depth("noop") == 2  # nothing added by the refused call


async def test_timeout_without_any_worker_says_so(redis: Redis) -> None:
    async with InferenceClient(redis) as client:
        with refused(InferenceTimeout, "model-offline") as timeout:
            await client.noop(1, timeout=0.3)
    assert "no worker serves 'noop'" in timeout.value.detail
    # the reader is told plainly: no job kind, no worker, no command to run
    for lang in ("ko", "en"):
        said = timeout.value.message(lang)
        assert "noop" not in said and "worker" not in said and "norae" not in said


async def test_timeout_with_a_slow_worker(redis: Redis) -> None:
    async with running_worker(redis, {"noop": NoopHandler()}), InferenceClient(redis) as client:
        await client.noop()  # the worker is up and has a heartbeat
        with refused(InferenceTimeout, "model-timeout") as timeout:
            await client.noop(delay_ms=2000, timeout=0.3)
        assert timeout.value.detail == "no answer to the noop job within 0.3s"
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


async def test_a_failed_job_tells_the_reader_plainly_and_the_log_what_happened(
    redis: Redis,
) -> None:
    async with running_worker(redis, {"noop": NoopHandler()}), InferenceClient(redis) as client:
        with refused(JobFailed, "model-failed") as failed:
            # a payload only the worker refuses (the typed client would refuse it first)
            await client._submit(NoopRequest.model_construct(value=None, delay_ms=-5))
    assert "invalid payload" in failed.value.detail and failed.value.status is Status.ERROR
    assert "invalid" not in failed.value.message("en")
    assert failed.value.message("ko") == texts.text("model-failed", "ko")


async def test_closing_fails_a_waiting_call_as_unavailable(redis: Redis) -> None:
    client = InferenceClient(redis)
    call = asyncio.create_task(client.noop(timeout=30))
    while await JobStreams(redis).depth("noop") == 0:  # queued, and no worker to take it
        await asyncio.sleep(0.01)
    await client.close()
    with pytest.raises(InferenceError) as closed:
        await call
    assert closed.value.code == "unavailable" and "closed" in closed.value.detail
