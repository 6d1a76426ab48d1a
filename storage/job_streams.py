"""Job and reply streams: the Redis side of the job protocol.

A stream per job kind, read by the consumer group ``workers``. A finished entry is acknowledged *and*
deleted, so a stream's length is its backlog (waiting + in flight), which is what admission control
compares against ``max_queue``. Publishing a result, acknowledging and deleting happen in one Lua
script guarded by a ``SET NX`` on the job id: a job that two workers both finish is answered once.

A dead letter keeps no user text: a job's payload holds what people wrote (mood messages, story
lines, lyrics themes), and a dead letter outlives "forget me" (it is not anyone's key). It keeps
what an operator needs to find and group failures instead: the job's id, kind, version, times and
reply address, the reason, the entry's size and SHA-256, and the payload's shape (field names, the
number and length of its strings, its numbers) — see :func:`describe_job`.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any, cast

from redis.exceptions import ResponseError

from storage import keys
from storage.connection import Redis

FIELD = b"job"
REPLY_FIELD = b"result"
REPLY_STREAM_MAXLEN = 10_000
REPLY_STREAM_TTL_S = 3600
DEAD_LETTER_MAXLEN = 100_000
_SHAPE_FIELDS = 20  # payload fields described at most (a malformed job may hold anything)


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


# KEYS[1] stream; ARGV[1] limit, ARGV[2] field, ARGV[3] data
_ENQUEUE = """
if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[1]) then
  return false
end
return redis.call('XADD', KEYS[1], '*', ARGV[2], ARGV[3])
"""

# KEYS: result key, reply stream, job stream. ARGV: result json, ttl, group, entry id,
# reply field, reply maxlen, reply ttl. Returns 1 when published now, 0 when it already was.
_PUBLISH = """
local fresh = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', tonumber(ARGV[2]))
if fresh then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', tonumber(ARGV[6]), '*', ARGV[5], ARGV[1])
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[7]))
end
if ARGV[4] ~= '' then
  redis.call('XACK', KEYS[3], ARGV[3], ARGV[4])
  redis.call('XDEL', KEYS[3], ARGV[4])
end
if fresh then return 1 else return 0 end
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

    def __init__(self, redis: Redis, *, result_ttl_s: int = 600) -> None:
        self.redis = redis
        self.result_ttl_s = result_ttl_s
        self._enqueue = redis.register_script(_ENQUEUE)
        self._publish = redis.register_script(_PUBLISH)

    # --- producer side ---------------------------------------------------------------------

    async def enqueue(self, kind: str, data: bytes, *, max_queue: int) -> str:
        """Append a job unless the kind's backlog is full (then raise :class:`QueueFull`)."""
        entry = await self._enqueue(keys=[keys.job_stream(kind)], args=[max_queue, FIELD, data])
        if entry is None:
            raise QueueFull(kind)
        return _s(entry)

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

    async def stored_result(self, job_id: str) -> bytes | None:
        return cast(bytes | None, await self.redis.get(keys.job_result(job_id)))

    # --- consumer side ---------------------------------------------------------------------

    async def ensure_group(self, kind: str) -> None:
        try:
            await self.redis.xgroup_create(
                keys.job_stream(kind), keys.JOB_GROUP, id="0", mkstream=True
            )
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def read(
        self, kinds: list[str], consumer: str, *, count: int, block_ms: int | None
    ) -> list[StreamEntry]:
        """New entries for this consumer across all kinds (``block_ms=None``: do not block)."""
        streams: dict[Any, Any] = {keys.job_stream(k): ">" for k in kinds}
        got = cast(
            _StreamReply,
            await self.redis.xreadgroup(
                keys.JOB_GROUP, consumer, streams, count=count, block=block_ms
            ),
        )
        out: list[StreamEntry] = []
        for name, entries in got or []:
            kind = _s(name).removeprefix(keys.job_stream(""))
            for entry_id, fields in entries:
                out.append(StreamEntry(kind, _s(entry_id), (fields or {}).get(FIELD)))
        return out

    async def claim_stale(
        self, kind: str, consumer: str, *, min_idle_ms: int, count: int
    ) -> list[StreamEntry]:
        """Take over entries another consumer left idle too long, with their delivery counts."""
        stream = keys.job_stream(kind)
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
            out.append(StreamEntry(kind, _s(entry_id), (fields or {}).get(FIELD), deliveries))
        return out

    async def extend(self, kind: str, consumer: str, entry_ids: list[str]) -> None:
        """Reset the idle time of entries this consumer still works on (XCLAIM ... JUSTID, which
        leaves the delivery count alone), so no janitor takes them from a live worker."""
        if entry_ids:
            await self.redis.xclaim(
                keys.job_stream(kind),
                keys.JOB_GROUP,
                consumer,
                min_idle_time=0,
                message_ids=list[Any](entry_ids),
                justid=True,
            )

    async def publish(
        self, kind: str, entry_id: str, job_id: str, reply_to: str, result: bytes
    ) -> bool:
        """Publish a job's result to its caller, then acknowledge and delete the entry.

        Returns False when the job had already been answered (the entry is still acknowledged).
        """
        if not reply_to.startswith(keys.reply_stream("")):
            raise ValueError(f"reply_to {reply_to!r} is not a reply stream")
        done = await self._publish(
            keys=[keys.job_result(job_id), reply_to, keys.job_stream(kind)],
            args=[
                result,
                self.result_ttl_s,
                keys.JOB_GROUP,
                entry_id,
                REPLY_FIELD,
                REPLY_STREAM_MAXLEN,
                REPLY_STREAM_TTL_S,
            ],
        )
        return bool(done)

    async def dead_letter(self, kind: str, entry_id: str, raw: bytes | None, reason: str) -> None:
        """Record a dead entry (its description, never its text) with the reason, and retire it."""
        stream = keys.job_stream(kind)
        fields: dict[Any, Any] = {
            "kind": kind,
            "entry": entry_id,
            "reason": reason[:2000],
            "at": str(time.time()),
            **describe_job(raw),
        }
        pipe = self.redis.pipeline(transaction=True)
        pipe.xadd(
            keys.dead_letter_stream(),
            fields,
            maxlen=DEAD_LETTER_MAXLEN,
            approximate=True,
        )
        pipe.xack(stream, keys.JOB_GROUP, entry_id)
        pipe.xdel(stream, entry_id)
        await pipe.execute()

    async def dead_letters(self, count: int = 100) -> list[dict[str, str]]:
        rows = cast(_Entries, await self.redis.xrange(keys.dead_letter_stream(), count=count))
        return [{_s(k): _s(v) for k, v in (fields or {}).items()} for _id, fields in rows]

    async def depth(self, kind: str) -> int:
        return int(await self.redis.xlen(keys.job_stream(kind)))

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
