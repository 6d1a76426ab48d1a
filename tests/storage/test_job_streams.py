"""Job streams on a real redis-server: admission, idempotent publish, key names."""

from __future__ import annotations

import asyncio
import hashlib
import json

import pytest

from contract.jobs import ClassifyRequest, Job
from storage import keys
from storage.connection import Redis, connect, ping
from storage.job_streams import JobStreams, QueueFull, describe_job


def test_every_key_has_the_norae_prefix() -> None:
    for key in (
        keys.job_stream("generate"),
        keys.dead_letter_stream(),
        keys.reply_stream("c"),
        keys.job_result("j", keys.reply_stream("c")),
        keys.worker_heartbeat("w"),
    ):
        assert key.startswith("norae:")


async def test_enqueue_refuses_past_the_limit(redis: Redis) -> None:
    streams = JobStreams(redis)
    await streams.enqueue("generate", b"a", max_queue=2)
    await streams.enqueue("generate", b"b", max_queue=2)
    with pytest.raises(QueueFull):
        await streams.enqueue("generate", b"c", max_queue=2)
    assert await streams.depth("generate") == 2


async def test_publish_is_once_per_job_and_acks_each_time(redis: Redis) -> None:
    streams = JobStreams(redis)
    await streams.ensure_group("noop")
    await streams.ensure_group("noop")  # idempotent
    reply = keys.reply_stream("c1")
    for _ in range(2):
        await streams.enqueue("noop", b"{}", max_queue=10)
    (e1, e2) = await streams.read(["noop"], "w1", count=10, block_ms=None)
    assert await streams.publish("noop", e1.entry_id, "job-1", reply, b'{"n": 1}') is True
    # a second worker finishing the same job (after a failover) publishes nothing
    assert await streams.publish("noop", e2.entry_id, "job-1", reply, b'{"n": 2}') is False
    rows: list[tuple[bytes, dict[bytes, bytes]]] = await redis.xrange(reply)  # type: ignore[assignment]
    assert [fields[b"result"] for _id, fields in rows] == [b'{"n": 1}']
    assert await streams.depth("noop") == 0  # both entries acknowledged and deleted
    assert 0 < await redis.ttl(reply) <= 3600  # reply streams of vanished clients expire
    assert await streams.stored_result("job-1", reply) == b'{"n": 1}'


async def test_publish_refuses_a_reply_address_outside_reply_streams(redis: Redis) -> None:
    with pytest.raises(ValueError, match="not a reply stream"):
        await JobStreams(redis).publish("noop", "", "j", "norae:jobs:generate", b"{}")


async def test_ping_reports_down_without_raising() -> None:
    from bot.cli.embedded_redis import free_port

    dead = connect(f"redis://127.0.0.1:{free_port()}/0", retries=0)
    assert await ping(dead) is False
    await dead.aclose()


async def test_heartbeats_list_live_workers(redis: Redis) -> None:
    streams = JobStreams(redis)
    await streams.heartbeat("w1", {"id": "w1", "kinds": ["generate"]}, ttl_s=5)
    assert await streams.live_workers() == [{"id": "w1", "kinds": ["generate"]}]
    await streams.clear_heartbeat("w1")
    assert await streams.live_workers() == []


PRIVATE = "요즘 너무 힘들어서 아무한테도 말 못 했어"


async def test_a_dead_letter_keeps_no_user_text(redis: Redis) -> None:
    streams = JobStreams(redis)
    await streams.ensure_group("classify")
    job = Job(
        kind="classify",
        deadline=9e9,
        reply_to=keys.reply_stream("c"),
        payload=ClassifyRequest(texts=[PRIVATE, "and more"]).model_dump(),
    )
    raw = job.model_dump_json().encode()
    await streams.enqueue("classify", raw, max_queue=10)
    await redis.xadd(keys.job_stream("classify"), {b"job": f"not json {PRIVATE}".encode()})
    entries = await streams.read(["classify"], "w1", count=10, block_ms=None)
    for entry in entries:
        await streams.dead_letter("classify", entry.entry_id, entry.raw, "delivered 4 times")
    dead, malformed = await streams.dead_letters()
    stored = repr(await redis.xrange(keys.dead_letter_stream()))
    assert PRIVATE not in stored and PRIVATE.encode() not in stored.encode()
    assert "and more" not in stored
    # what an operator needs is still there
    assert dead["kind"] == "classify" and dead["reason"] == "delivered 4 times"
    assert dead["job_id"] == job.id and dead["job_reply_to"] == job.reply_to
    assert dead["size"] == str(len(raw)) and dead["sha256"] == hashlib.sha256(raw).hexdigest()
    assert json.loads(dead["payload_shape"]) == {
        "texts": {"list": 2, "chars": len(PRIVATE) + len("and more")}
    }
    assert set(malformed) == {"kind", "entry", "reason", "at", "size", "sha256"}
    assert await streams.depth("classify") == 0


def test_describe_job_keeps_numbers_and_drops_strings() -> None:
    raw = json.dumps(
        {"id": "j1", "kind": "generate", "payload": {"prompts": ["비밀"], "n": 3, "seed": None}}
    ).encode()
    shape = json.loads(describe_job(raw)["payload_shape"])
    assert shape == {"prompts": {"list": 1, "chars": 2}, "n": 3, "seed": None}
    assert describe_job(None) == {"size": "0", "sha256": hashlib.sha256(b"").hexdigest()}
    assert "job_id" not in describe_job(b'["a list, not a job"]')


async def test_partitions_share_the_backlog_limit_and_are_all_read(redis: Redis) -> None:
    streams = JobStreams(redis, partitions=3)
    await streams.ensure_group("noop")
    for i in range(6):  # max_queue 6 over 3 partitions: two each, the rest refused
        await streams.enqueue("noop", f"{i}".encode(), max_queue=6)
    with pytest.raises(QueueFull):
        await streams.enqueue("noop", b"x", max_queue=6)
    assert await streams.depth("noop") == 6
    lengths = [await redis.xlen(keys.job_stream("noop", p)) for p in range(3)]
    assert lengths == [2, 2, 2]  # a full partition passed the job on
    got = await streams.read(["noop"], "w1", count=10, block_ms=100)
    assert sorted(e.raw or b"" for e in got) == [f"{i}".encode() for i in range(6)]
    assert {e.part for e in got} == {0, 1, 2}
    reply = keys.reply_stream("c")
    for n, entry in enumerate(got):
        assert await streams.publish("noop", entry.entry_id, f"j{n}", reply, b"{}", part=entry.part)
    assert await streams.depth("noop") == 0  # each entry acknowledged on its own partition


async def test_a_blocking_read_over_partitions_returns_when_a_job_arrives(redis: Redis) -> None:
    streams = JobStreams(redis, partitions=4)
    await streams.ensure_group("noop")
    reader = asyncio.create_task(streams.read(["noop"], "w1", count=10, block_ms=5000))
    await asyncio.sleep(0.1)
    await streams.enqueue("noop", b"late", max_queue=10)
    (entry,) = await asyncio.wait_for(reader, 2)
    assert entry.raw == b"late"


async def test_stale_entries_are_reclaimed_from_every_partition(redis: Redis) -> None:
    streams = JobStreams(redis, partitions=2)
    await streams.ensure_group("noop")
    for part in (0, 0, 1, 1):  # two on each partition (enqueue would pick them at random)
        await redis.xadd(keys.job_stream("noop", part), {"job": b"{}"})
    assert len(await streams.read(["noop"], "dead", count=10, block_ms=None)) == 4
    await asyncio.sleep(0.02)
    claimed = await streams.claim_stale("noop", "alive", min_idle_ms=1, count=10)
    assert len(claimed) == 4 and {e.part for e in claimed} == {0, 1}
    assert all(e.deliveries == 2 for e in claimed)


async def test_a_result_stored_before_a_crash_is_answered_once(redis: Redis) -> None:
    # the worker stored the result, then died before acknowledging: the next delivery only acks
    streams = JobStreams(redis)
    await streams.ensure_group("noop")
    reply = keys.reply_stream("c")
    await streams.enqueue("noop", b"{}", max_queue=10)
    (entry,) = await streams.read(["noop"], "w1", count=1, block_ms=None)
    assert await streams.publish("noop", "", "j1", reply, b'{"n": 1}') is True  # stored, not acked
    assert await streams.depth("noop") == 1
    assert await streams.stored_result("j1", reply) == b'{"n": 1}'
    assert await streams.publish("noop", entry.entry_id, "j1", reply, b"{}") is False
    assert await streams.depth("noop") == 0
    assert await redis.xlen(reply) == 1
