"""Job and reply streams: the Redis side of the job protocol.

A stream per job kind (or several: ``partitions``, each in its own cluster slot, so one busy kind
is not one node's load), read by the consumer group ``workers``. A producer puts a job on a random
partition; a worker reads every partition of its kinds. A finished entry is acknowledged *and*
deleted, so a stream's length is its backlog (waiting + in flight), which is what admission control
compares against ``max_queue`` (shared evenly by the partitions).

Publishing a result is a Lua script guarded by a ``SET NX`` on the job id, next to the caller's reply
stream (one slot): a job that two workers both finish is answered once. Acknowledging and deleting
the entry follow: in the same round trip on one Redis; on a cluster (another slot) only once the
result is stored, so a worker that dies in between leaves a pending entry whose next delivery finds
the stored result and only acknowledges it (the job is never lost, and never answered twice).

A dead letter keeps no user text: a job's payload holds what people wrote (mood messages, story
lines, lyrics themes), and a dead letter outlives "forget me" (it is not anyone's key). It keeps
what an operator needs to find and group failures instead: the job's id, kind, version, times and
reply address, the reason, the entry's size and SHA-256, and the payload's shape (field names, the
number and length of its strings, its numbers) — see :func:`describe_job`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import random
import time
from dataclasses import dataclass
from typing import Any, cast

from redis.exceptions import ResponseError

from storage import keys
from storage.connection import Redis, is_cluster

FIELD = b"job"
REPLY_FIELD = b"result"
REPLY_STREAM_MAXLEN = 10_000
REPLY_STREAM_TTL_S = 3600
DEAD_LETTER_MAXLEN = 100_000
_SHAPE_FIELDS = 20  # payload fields described at most (a malformed job may hold anything)
# On a cluster every partition is read with its own command (one slot each), so a blocking read
# cannot wait on all of them at once: it waits this long on each, together, and tries again.
CLUSTER_BLOCK_MS = 25


class QueueFull(Exception):
    """The kind's backlog is at its limit; the caller should answer "busy" instead of waiting."""


# What redis-py returns for XRANGE and XREAD(GROUP) with decode_responses=False.
_Entries = list[tuple[bytes, dict[bytes, bytes] | None]]
_StreamReply = list[tuple[bytes, _Entries]] | None


@dataclass(frozen=True, slots=True)
class StreamEntry:
    kind: str
    entry_id: str
    raw: bytes | None  # None when the entry was deleted or has no job field
    deliveries: int = 1
    part: int = 0  # the kind's stream partition it came from


# KEYS[1] stream; ARGV[1] limit, ARGV[2] field, ARGV[3] data
_ENQUEUE = """
if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[1]) then
  return false
end
return redis.call('XADD', KEYS[1], '*', ARGV[2], ARGV[3])
"""

# KEYS: result key, reply stream (one slot). ARGV: result json, ttl, reply field, reply maxlen,
# reply ttl. Returns 1 when published now, 0 when it already was.
_PUBLISH = """
local fresh = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', tonumber(ARGV[2]))
if not fresh then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', tonumber(ARGV[4]), '*', ARGV[3], ARGV[1])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[5]))
return 1
"""


def _s(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def _shape(value: Any) -> Any:
    """A payload value without its text: numbers stay, strings become their length."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return {"str": len(value)}
    if isinstance(value, list):
        strings = [v for v in value if isinstance(v, str)]
        return {"list": len(value), "chars": sum(len(v) for v in strings)}
    if isinstance(value, dict):
        return {"dict": len(value)}
    return {"type": type(value).__name__}


def describe_job(raw: bytes | None) -> dict[str, str]:
    """What a dead letter keeps of a job entry: never its text (see the module docstring)."""
    data = raw or b""
    out = {"size": str(len(data)), "sha256": hashlib.sha256(data).hexdigest()}
    try:
        job = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return out
    if not isinstance(job, dict):
        return out
    for name in ("id", "kind", "v", "created", "deadline", "reply_to"):
        value = job.get(name)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            out[f"job_{name}"] = str(value)[:200]
    payload = job.get("payload")
    if isinstance(payload, dict):
        fields = list(payload.items())[:_SHAPE_FIELDS]
        out["payload_shape"] = json.dumps({str(k)[:40]: _shape(v) for k, v in fields})
    return out


class JobStreams:
    """Typed operations on the job streams; the worker and the inference client share it."""

    def __init__(self, redis: Redis, *, result_ttl_s: int = 600, partitions: int = 1) -> None:
        if partitions < 1:
            raise ValueError("partitions must be at least 1")
        self.redis = redis
        self.result_ttl_s = result_ttl_s
        self.partitions = partitions
        self.cluster = is_cluster(redis)
        self._enqueue = redis.register_script(_ENQUEUE)
        self._publish = redis.register_script(_PUBLISH)

    def _streams(self, kind: str) -> list[str]:
        return [keys.job_stream(kind, p) for p in range(self.partitions)]

    # --- producer side ---------------------------------------------------------------------

    async def enqueue(self, kind: str, data: bytes, *, max_queue: int) -> str:
        """Append a job unless the kind's backlog is full (then raise :class:`QueueFull`).

        With several partitions each holds its share of ``max_queue``; a full one passes the job
        to the next."""
        limit = math.ceil(max_queue / self.partitions)
        first = random.randrange(self.partitions)
        for i in range(self.partitions):
            stream = keys.job_stream(kind, (first + i) % self.partitions)
            entry = await self._enqueue(keys=[stream], args=[limit, FIELD, data])
            if entry is not None:
                return _s(entry)
        raise QueueFull(kind)

    async def read_replies(
        self, stream: str, last_id: str, *, block_ms: int, count: int = 100
    ) -> list[tuple[str, bytes]]:
        """Replies after ``last_id`` (blocking up to ``block_ms``): ``[(entry id, result json)]``."""
        got = cast(
            _StreamReply, await self.redis.xread({stream: last_id}, count=count, block=block_ms)
        )
        out: list[tuple[str, bytes]] = []
        for _name, entries in got or []:
            for entry_id, fields in entries:
                out.append((_s(entry_id), (fields or {}).get(REPLY_FIELD, b"")))
        return out

    async def touch_reply_stream(self, stream: str) -> None:
        await self.redis.expire(stream, REPLY_STREAM_TTL_S)

    async def trim_reply_stream(self, stream: str, upto_id: str) -> None:
        await self.redis.xtrim(stream, minid=upto_id, approximate=True)

    async def drop_reply_stream(self, stream: str) -> None:
        await self.redis.delete(stream)

    async def stored_result(self, job_id: str, reply_to: str) -> bytes | None:
        return cast(bytes | None, await self.redis.get(keys.job_result(job_id, reply_to)))

    # --- consumer side ---------------------------------------------------------------------

    async def ensure_group(self, kind: str) -> None:
        for stream in self._streams(kind):
            try:
                await self.redis.xgroup_create(stream, keys.JOB_GROUP, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    async def read(
        self, kinds: list[str], consumer: str, *, count: int, block_ms: int | None
    ) -> list[StreamEntry]:
        """New entries for this consumer across all kinds (``block_ms=None``: do not block)."""
        streams = [stream for kind in kinds for stream in self._streams(kind)]
        if not self.cluster or len(streams) == 1:
            return await self._read(streams, consumer, count=count, block_ms=block_ms)
        # A cluster: one command per stream (each its own slot), sent together.
        got = await self._read_each(streams, consumer, count=count, block_ms=None)
        if got or block_ms is None:
            return got
        deadline = time.monotonic() + block_ms / 1000
        while True:
            left_ms = int((deadline - time.monotonic()) * 1000)
            if left_ms <= 0:
                return []
            wait = min(left_ms, CLUSTER_BLOCK_MS)
            got = await self._read_each(streams, consumer, count=count, block_ms=wait)
            if got:
                return got

    async def _read_each(
        self, streams: list[str], consumer: str, *, count: int, block_ms: int | None
    ) -> list[StreamEntry]:
        each = await asyncio.gather(
            *(self._read([s], consumer, count=count, block_ms=block_ms) for s in streams)
        )
        return [entry for entries in each for entry in entries]

    async def _read(
        self, streams: list[str], consumer: str, *, count: int, block_ms: int | None
    ) -> list[StreamEntry]:
        got = cast(
            _StreamReply,
            await self.redis.xreadgroup(
                keys.JOB_GROUP, consumer, dict.fromkeys(streams, ">"), count=count, block=block_ms
            ),
        )
        out: list[StreamEntry] = []
        for name, entries in got or []:
            kind, part = keys.job_stream_of(_s(name)) or ("", 0)
            for entry_id, fields in entries:
                out.append(StreamEntry(kind, _s(entry_id), (fields or {}).get(FIELD), part=part))
        return out

    async def claim_stale(
        self, kind: str, consumer: str, *, min_idle_ms: int, count: int
    ) -> list[StreamEntry]:
        """Take over entries another consumer left idle too long, with their delivery counts."""
        out: list[StreamEntry] = []
        for part in range(self.partitions):
            out += await self._claim_stale(
                kind, part, consumer, min_idle_ms=min_idle_ms, count=count - len(out)
            )
            if len(out) >= count:
                break
        return out

    async def _claim_stale(
        self, kind: str, part: int, consumer: str, *, min_idle_ms: int, count: int
    ) -> list[StreamEntry]:
        stream = keys.job_stream(kind, part)
        reply = await self.redis.xautoclaim(
            stream, keys.JOB_GROUP, consumer, min_idle_time=min_idle_ms, start_id="0-0", count=count
        )
        claimed = reply[1]
        deleted = [_s(e) for e in (reply[2] if len(reply) > 2 else [])]
        if deleted:  # entries deleted under a pending id: nothing to run, clear the PEL
            await self.redis.xack(stream, keys.JOB_GROUP, *deleted)
        if not claimed:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for entry_id, _fields in claimed:
            pipe.xpending_range(stream, keys.JOB_GROUP, min=entry_id, max=entry_id, count=1)
        pending = await pipe.execute()
        out: list[StreamEntry] = []
        for (entry_id, fields), info in zip(claimed, pending, strict=True):
            deliveries = int(info[0]["times_delivered"]) if info else 1
            raw = (fields or {}).get(FIELD)
            out.append(StreamEntry(kind, _s(entry_id), raw, deliveries, part))
        return out

    async def extend(
        self, kind: str, consumer: str, entry_ids: list[str], *, part: int = 0
    ) -> None:
        """Reset the idle time of entries this consumer still works on (XCLAIM ... JUSTID, which
        leaves the delivery count alone), so no janitor takes them from a live worker."""
        if entry_ids:
            await self.redis.xclaim(
                keys.job_stream(kind, part),
                keys.JOB_GROUP,
                consumer,
                min_idle_time=0,
                message_ids=list[Any](entry_ids),
                justid=True,
            )

    async def publish(
        self,
        kind: str,
        entry_id: str,
        job_id: str,
        reply_to: str,
        result: bytes,
        *,
        part: int = 0,
    ) -> bool:
        """Publish a job's result to its caller, then acknowledge and delete the entry.

        Returns False when the job had already been answered (the entry is still acknowledged).
        """
        if not keys.is_reply_stream(reply_to):
            raise ValueError(f"reply_to {reply_to!r} is not a reply stream")
        script_keys = [keys.job_result(job_id, reply_to), reply_to]
        args: list[bytes | int] = [
            result,
            self.result_ttl_s,
            REPLY_FIELD,
            REPLY_STREAM_MAXLEN,
            REPLY_STREAM_TTL_S,
        ]
        stream = keys.job_stream(kind, part)
        if not entry_id:
            return bool(await self._publish(keys=script_keys, args=args))
        if self.cluster:  # another slot: acknowledge only once the result is stored
            done = await self._publish(keys=script_keys, args=args)
            await self._retire(stream, entry_id)
            return bool(done)
        pipe = self.redis.pipeline(transaction=False)
        await self._publish(keys=script_keys, args=args, client=pipe)
        pipe.xack(stream, keys.JOB_GROUP, entry_id)
        pipe.xdel(stream, entry_id)
        done, _acked, _deleted = await pipe.execute()
        return bool(done)

    async def _retire(self, stream: str, entry_id: str) -> None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.xack(stream, keys.JOB_GROUP, entry_id)
        pipe.xdel(stream, entry_id)
        await pipe.execute()

    async def dead_letter(
        self, kind: str, entry_id: str, raw: bytes | None, reason: str, *, part: int = 0
    ) -> None:
        """Record a dead entry (its description, never its text) with the reason, and retire it.

        On one Redis both happen in one transaction; on a cluster (two slots) the record comes
        first, so a worker dying in between can at worst record one entry twice."""
        stream = keys.job_stream(kind, part)
        fields: dict[Any, Any] = {
            "kind": kind,
            "entry": entry_id,
            "reason": reason[:2000],
            "at": str(time.time()),
            **describe_job(raw),
        }
        dead = keys.dead_letter_stream()
        if self.cluster:
            await self.redis.xadd(dead, fields, maxlen=DEAD_LETTER_MAXLEN, approximate=True)
            await self._retire(stream, entry_id)
            return
        pipe = self.redis.pipeline(transaction=True)
        pipe.xadd(dead, fields, maxlen=DEAD_LETTER_MAXLEN, approximate=True)
        pipe.xack(stream, keys.JOB_GROUP, entry_id)
        pipe.xdel(stream, entry_id)
        await pipe.execute()

    async def dead_letters(self, count: int = 100) -> list[dict[str, str]]:
        rows = cast(_Entries, await self.redis.xrange(keys.dead_letter_stream(), count=count))
        return [{_s(k): _s(v) for k, v in (fields or {}).items()} for _id, fields in rows]

    async def depth(self, kind: str) -> int:
        """The kind's backlog over all its partitions."""
        if self.partitions == 1:
            return int(await self.redis.xlen(keys.job_stream(kind)))
        pipe = self.redis.pipeline(transaction=False)
        for stream in self._streams(kind):
            pipe.xlen(stream)
        return sum(int(n) for n in await pipe.execute())

    # --- worker presence -------------------------------------------------------------------

    async def heartbeat(self, worker_id: str, info: dict[str, Any], ttl_s: int) -> None:
        await self.redis.set(keys.worker_heartbeat(worker_id), json.dumps(info), ex=ttl_s)

    async def clear_heartbeat(self, worker_id: str) -> None:
        await self.redis.delete(keys.worker_heartbeat(worker_id))

    async def live_workers(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        async for key in self.redis.scan_iter(match=keys.worker_heartbeat_pattern(), count=100):
            raw = await self.redis.get(key)
            if raw:
                found.append(json.loads(raw))
        return found
