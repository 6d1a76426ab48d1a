"""The worker loop on a real redis-server: batching, deadlines, dead letters, failures, outages."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Hashable
from pathlib import Path

from pydantic import BaseModel

from bot.inference import InferenceClient
from contract.jobs import ErrorCode, Job, JobResult, NoopRequest, NoopResult, Status
from models.handlers import ClassifyHandler, GenerateHandler, JobHandler, NoopHandler
from models.worker import WorkerConfig
from storage import keys
from storage.connection import Redis, connect
from storage.job_streams import FIELD, JobStreams
from tests.conftest import RedisServer
from tests.worker_support import running_worker


class CountingNoop(NoopHandler):
    """A no-op handler that records every batch it runs and fails on value 'boom'."""

    def __init__(self) -> None:
        self.batches: list[list[object]] = []

    async def run(self, payloads: list[NoopRequest]) -> list[BaseModel]:
        self.batches.append([p.value for p in payloads])
        if any(p.value == "boom" for p in payloads):
            raise RuntimeError("the backend fell over")
        return await super().run(payloads)


async def _replies(redis: Redis, stream: str, count: int, timeout: float = 5.0) -> list[JobResult]:
    """Read ``count`` replies from a reply stream (directly, without a client)."""
    streams = JobStreams(redis)
    got: list[JobResult] = []
    last = "0-0"
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        for entry_id, raw in await streams.read_replies(stream, last, block_ms=200):
            last = entry_id
            got.append(JobResult.model_validate_json(raw))
    return got


def _job(payload: dict[str, object], *, deadline_in: float = 30.0, kind: str = "noop") -> Job:
    return Job(
        kind=kind,
        deadline=time.time() + deadline_in,
        reply_to=keys.reply_stream("t"),
        payload=payload,
    )


async def test_generate_and_classify_with_tiny_models(
    redis: Redis, tiny_gpt2: Path, tiny_classifier: Path
) -> None:
    from models.classification import LocalClassifier
    from models.generation import LocalGenerator
    from models.loading import load_causal_lm, load_classifier

    handlers: dict[str, JobHandler] = {
        "generate": GenerateHandler(LocalGenerator(load_causal_lm(str(tiny_gpt2)))),
        "classify": ClassifyHandler(LocalClassifier(load_classifier(str(tiny_classifier)))),
    }
    async with running_worker(redis, handlers), InferenceClient(redis, timeout_s=20) as client:
        texts = await client.generate(["옛날 옛적에", "Once"], n=3, max_new_tokens=5, seed=7)
        preds = await client.classify(["오늘 너무 행복해", "I am scared"])
    assert [len(t) for t in texts] == [3, 3]
    assert all(isinstance(s, str) for row in texts for s in row)
    assert len(preds) == 2
    for p in preds:
        assert p.label in p.probs and set(p.probs) == {
            "joy",
            "sadness",
            "anger",
            "fear",
            "surprise",
            "disgust",
            "neutral",
        }
        assert abs(sum(p.probs.values()) - 1.0) < 1e-3


async def test_concurrent_jobs_are_batched(redis: Redis) -> None:
    handler = CountingNoop()
    config = WorkerConfig(max_batch=32, max_wait_ms=50, block_ms=100)
    async with (
        running_worker(redis, {"noop": handler}, config) as worker,
        InferenceClient(redis) as client,
    ):
        # delay_ms keeps the worker busy so the next wave queues up behind it
        results = await asyncio.gather(*(client.noop(i, delay_ms=20) for i in range(100)))
    assert sorted(results) == list(range(100))
    assert max(worker.stats.batch_sizes) > 1
    assert sum(worker.stats.batch_sizes) == 100  # every job ran exactly once


async def test_expired_job_is_answered_expired_and_not_run(redis: Redis) -> None:
    handler = CountingNoop()
    streams = JobStreams(redis)
    job = _job({"value": "late"}, deadline_in=-1)
    await streams.enqueue("noop", job.model_dump_json().encode(), max_queue=10)
    async with running_worker(redis, {"noop": handler}):
        (reply,) = await _replies(redis, job.reply_to, 1)
    assert reply.id == job.id and reply.status is Status.EXPIRED
    assert reply.code is ErrorCode.EXPIRED
    assert handler.batches == []
    assert await streams.depth("noop") == 0  # retired from the stream


async def test_job_delivered_too_often_is_dead_lettered_and_caller_told(redis: Redis) -> None:
    streams = JobStreams(redis)
    await streams.ensure_group("noop")
    job = _job({"value": 1})
    await streams.enqueue("noop", job.model_dump_json().encode(), max_queue=10)
    # A "ghost" consumer takes it and keeps losing it (as a worker that crashes on it would).
    await streams.read(["noop"], "ghost", count=1, block_ms=None)
    for _ in range(2):
        await asyncio.sleep(0.02)
        await streams.claim_stale("noop", "ghost", min_idle_ms=1, count=10)
    handler = CountingNoop()
    config = WorkerConfig(
        visibility_timeout_s=0.01, janitor_interval_s=0.05, max_deliveries=3, block_ms=100
    )
    async with running_worker(redis, {"noop": handler}, config):
        (reply,) = await _replies(redis, job.reply_to, 1)
    assert reply.status is Status.DEAD and "delivered 4 times" in (reply.error or "")
    assert reply.code is ErrorCode.UNDELIVERABLE
    assert handler.batches == []
    (dead,) = await streams.dead_letters()
    assert dead["kind"] == "noop" and "delivered 4 times" in dead["reason"]
    assert dead["job_id"] == job.id and "job" not in dead  # described, its payload not kept
    assert await streams.depth("noop") == 0


async def test_malformed_entries_are_dead_lettered_and_the_worker_goes_on(redis: Redis) -> None:
    streams = JobStreams(redis)
    await streams.ensure_group("noop")
    stream = keys.job_stream("noop")
    await redis.xadd(stream, {FIELD: b"\xff not json"})
    await redis.xadd(stream, {b"other": b"field"})
    # parses as JSON with an id and reply address, but is not a valid job: the caller is told
    half = json.dumps({"id": "abc", "reply_to": keys.reply_stream("t"), "kind": "noop"}).encode()
    await redis.xadd(stream, {FIELD: half})
    good = _job({"value": "fine"})
    await streams.enqueue("noop", good.model_dump_json().encode(), max_queue=10)
    async with running_worker(redis, {"noop": CountingNoop()}):
        replies = {r.id: r for r in await _replies(redis, good.reply_to, 2)}
    assert replies["abc"].status is Status.DEAD and "malformed" in (replies["abc"].error or "")
    assert replies["abc"].code is ErrorCode.MALFORMED
    assert replies[good.id].status is Status.OK and replies[good.id].result == {"value": "fine"}
    assert replies[good.id].code is None
    reasons = sorted(d["reason"] for d in await streams.dead_letters())
    assert len(reasons) == 3
    assert any("no job field" in r for r in reasons)
    assert sum("malformed" in r for r in reasons) == 2


async def test_invalid_payload_gets_a_clear_error(redis: Redis) -> None:
    # The client refuses such a request itself; one written by hand reaches the worker.
    job = _job({"delay_ms": -5})
    await JobStreams(redis).enqueue("noop", job.model_dump_json().encode(), max_queue=10)
    async with running_worker(redis, {"noop": CountingNoop()}):
        (reply,) = await _replies(redis, job.reply_to, 1)
    assert reply.status is Status.ERROR and reply.code is ErrorCode.BAD_REQUEST
    assert "invalid payload: delay_ms" in (reply.error or "")


async def test_backend_exception_fails_only_the_bad_job(redis: Redis) -> None:
    handler = CountingNoop()
    streams = JobStreams(redis)
    jobs = [_job({"value": v}) for v in ("a", "boom", "c")]
    for job in jobs:  # queued before the worker starts, so they arrive as one batch
        await streams.enqueue("noop", job.model_dump_json().encode(), max_queue=10)
    async with running_worker(redis, {"noop": handler}, WorkerConfig(block_ms=100)) as worker:
        replies = {r.id: r for r in await _replies(redis, jobs[0].reply_to, 3)}
        assert not worker.stopping
    assert handler.batches[0] == ["a", "boom", "c"]  # the batch, then one by one
    assert replies[jobs[0].id].status is Status.OK
    assert replies[jobs[2].id].status is Status.OK
    bad = replies[jobs[1].id]
    assert bad.status is Status.ERROR and "the backend fell over" in (bad.error or "")
    assert bad.code is ErrorCode.MODEL_FAILED


async def test_worker_survives_a_redis_restart(own_redis: RedisServer) -> None:
    redis = connect(own_redis.url)
    try:
        async with (
            running_worker(redis, {"noop": CountingNoop()}),
            InferenceClient(redis, timeout_s=10) as client,
        ):
            assert await client.noop(1) == 1
            own_redis.stop()  # AOF keeps the stream and its group
            await asyncio.sleep(1.0)  # the worker and the reply reader see errors meanwhile
            own_redis.start()
            assert await client.noop(2) == 2
    finally:
        await redis.aclose()


async def test_worker_recreates_a_lost_consumer_group(redis: Redis) -> None:
    async with running_worker(redis, {"noop": CountingNoop()}), InferenceClient(redis) as client:
        assert await client.noop(1) == 1
        await redis.flushall()  # as a Redis without persistence coming back empty
        assert await client.noop(2, timeout=10) == 2


async def test_stop_finishes_the_batch_in_hand_and_takes_no_new_one(redis: Redis) -> None:
    handler = CountingNoop()
    streams = JobStreams(redis)
    first = _job({"value": "in hand", "delay_ms": 300})
    await streams.enqueue("noop", first.model_dump_json().encode(), max_queue=10)
    async with running_worker(redis, {"noop": handler}, WorkerConfig(block_ms=100)) as worker:
        while not handler.batches:
            await asyncio.sleep(0.01)
        worker.stop()  # mid-batch, as SIGTERM does
        later = _job({"value": "later"})
        await streams.enqueue("noop", later.model_dump_json().encode(), max_queue=10)
    (reply,) = await _replies(redis, first.reply_to, 1)
    assert reply.id == first.id and reply.status is Status.OK
    assert handler.batches == [["in hand"]]
    assert await streams.depth("noop") == 1  # "later" waits for another worker


class KeyedNoop(CountingNoop):
    def group_key(self, payload: NoopRequest) -> Hashable:
        return payload.delay_ms


async def test_one_batch_per_compatible_group(redis: Redis) -> None:
    handler = KeyedNoop()
    streams = JobStreams(redis)
    for i, delay in enumerate([0, 1, 0, 1, 0]):
        job = _job({"value": i, "delay_ms": delay})
        await streams.enqueue("noop", job.model_dump_json().encode(), max_queue=10)
    async with running_worker(redis, {"noop": handler}, WorkerConfig(block_ms=100)):
        await _replies(redis, keys.reply_stream("t"), 5)
    assert sorted(handler.batches) == [[0, 2, 4], [1, 3]]


def test_noop_result_model_round_trips() -> None:
    assert NoopResult(value={"a": [1]}).model_dump() == {"value": {"a": [1]}}


async def test_a_v1_job_is_answered_in_v1_and_an_unknown_version_is_dead(redis: Redis) -> None:
    streams = JobStreams(redis)
    old = _job({"value": "old"}).model_copy(update={"v": 1})
    old_bad = _job({"delay_ms": -1}).model_copy(update={"v": 1})
    future = _job({"value": "new"}).model_copy(update={"v": 99})
    for job in (old, old_bad, future):
        await streams.enqueue("noop", job.model_dump_json().encode(), max_queue=10)
    raw: dict[str, dict[str, object]] = {}
    async with running_worker(redis, {"noop": CountingNoop()}):
        last, deadline = "0-0", time.monotonic() + 5
        while len(raw) < 3 and time.monotonic() < deadline:
            for entry_id, data in await streams.read_replies(old.reply_to, last, block_ms=200):
                last = entry_id
                reply = json.loads(data)
                raw[reply["id"]] = reply
    # a v1 caller forbids unknown fields: its answers have no code, and read as before
    assert raw[old.id]["v"] == 1 and "code" not in raw[old.id]
    assert raw[old.id]["status"] == "ok" and raw[old.id]["result"] == {"value": "old"}
    assert raw[old_bad.id]["v"] == 1 and "code" not in raw[old_bad.id]
    assert raw[old_bad.id]["status"] == "error"
    # a v2 reader infers the code of a v1 answer from its status
    assert JobResult.model_validate(raw[old_bad.id]).code is ErrorCode.MODEL_FAILED
    dead = JobResult.model_validate(raw[future.id])
    assert dead.status is Status.DEAD and dead.code is ErrorCode.UNSUPPORTED
    assert "job v99" in (dead.error or "")
