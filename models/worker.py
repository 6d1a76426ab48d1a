"""The shared inference worker: batches jobs from Redis Streams and answers them.

Loop: block for the first job on any served stream, drain more for up to ``max_wait_ms`` (at most
``max_batch``), answer expired jobs "expired", run one batch per compatible group, publish each
result and only then acknowledge. A janitor pass reclaims jobs left idle by a dead worker and
dead-letters those delivered too often. Redis outages are waited out; SIGTERM finishes the batch in
hand and takes no new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from contract.jobs import PROTOCOL_VERSION, SUPPORTED_VERSIONS, ErrorCode, Job, JobResult, Status
from models import metrics
from models.handlers import HandlerError, JobHandler
from storage.job_streams import JobStreams, StreamEntry

log = logging.getLogger(__name__)

REDIS_DOWN: tuple[type[Exception], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    OSError,
)


@dataclass
class WorkerConfig:
    max_batch: int = 16
    max_wait_ms: int = 10
    block_ms: int = 1000
    visibility_timeout_s: float = 6.0
    max_deliveries: int = 3
    janitor_interval_s: float = 1.5
    heartbeat_interval_s: float = 5.0


@dataclass
class _Ready:
    entry: StreamEntry
    job: Job
    payload: BaseModel


@dataclass
class WorkerStats:
    batches: int = 0
    jobs: int = 0
    batch_sizes: list[int] = field(default_factory=list)


def new_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Worker:
    def __init__(
        self,
        streams: JobStreams,
        handlers: Mapping[str, JobHandler],
        config: WorkerConfig | None = None,
        *,
        worker_id: str | None = None,
    ) -> None:
        if not handlers:
            raise ValueError("a worker needs at least one job kind")
        self.streams = streams
        self.handlers = dict(handlers)
        self.kinds = sorted(self.handlers)
        self.config = config or WorkerConfig()
        self.id = worker_id or new_worker_id()
        self.stats = WorkerStats()
        self._stopping = asyncio.Event()
        self._last_janitor = 0.0
        self._started = time.time()

    # --- lifecycle -------------------------------------------------------------------------

    def stop(self) -> None:
        """Finish the batch in hand, then return from :meth:`run`."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    async def run(self) -> None:
        log.info("worker %s serving %s", self.id, ", ".join(self.kinds))
        await self._ensure_groups_until_up()
        beat = asyncio.create_task(self._heartbeat_loop(), name="heartbeat")
        backoff = 0.1
        try:
            while not self.stopping:
                try:
                    await self._tick()
                    backoff = 0.1
                except REDIS_DOWN as exc:
                    log.warning("redis unavailable (%s); retrying in %.1fs", exc, backoff)
                    await self._sleep(backoff)
                    backoff = min(backoff * 2, 5.0)
                except ResponseError as exc:
                    if "NOGROUP" not in str(exc) and "UNBLOCKED" not in str(exc):
                        raise
                    log.warning("consumer group missing (Redis lost its data?); recreating")
                    await self._ensure_groups_until_up()
        finally:
            # The heartbeat ends on the stop flag rather than by cancel(): cancelling redis-py
            # in the middle of a command can be swallowed and leave the task running.
            self._stopping.set()
            try:
                await asyncio.wait_for(beat, timeout=self.config.heartbeat_interval_s + 15)
            except TimeoutError:
                log.warning("heartbeat task did not stop in time")
            with contextlib.suppress(*REDIS_DOWN):
                await self.streams.clear_heartbeat(self.id)
            log.info("worker %s stopped after %d jobs", self.id, self.stats.jobs)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    async def _ensure_groups_until_up(self) -> None:
        backoff = 0.1
        while True:
            try:
                for kind in self.kinds:
                    await self.streams.ensure_group(kind)
                return
            except REDIS_DOWN as exc:
                if self.stopping:
                    return
                log.warning("redis unavailable (%s); retrying in %.1fs", exc, backoff)
                await self._sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def _heartbeat_loop(self) -> None:
        interval = self.config.heartbeat_interval_s
        while not self.stopping:
            try:
                info = {
                    "id": self.id,
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "kinds": self.kinds,
                    "started": self._started,
                    "jobs": self.stats.jobs,
                }
                await self.streams.heartbeat(self.id, info, ttl_s=max(2, int(interval * 3)))
                for kind in self.kinds:
                    metrics.QUEUE_DEPTH.labels(kind).set(await self.streams.depth(kind))
            except REDIS_DOWN as exc:
                log.debug("heartbeat skipped: %s", exc)
            await self._sleep(interval)

    # --- one turn of the loop --------------------------------------------------------------

    async def _tick(self) -> None:
        now = time.monotonic()
        if now - self._last_janitor >= self.config.janitor_interval_s:
            self._last_janitor = now
            await self._janitor()
        entries = await self._gather()
        if entries:
            await self.process(entries)

    async def _gather(self) -> list[StreamEntry]:
        cfg = self.config
        first = await self.streams.read(
            self.kinds, self.id, count=cfg.max_batch, block_ms=cfg.block_ms
        )
        if not first:
            return []
        entries = list(first)
        if len(entries) == 1 and cfg.max_batch > 1:
            # A lone job with nothing queued behind it runs at once: waiting max_wait_ms only
            # pays when jobs are arriving together.
            more = await self.streams.read(
                self.kinds, self.id, count=cfg.max_batch - 1, block_ms=None
            )
            if not more:
                return entries
            entries.extend(more)
        deadline = time.monotonic() + cfg.max_wait_ms / 1000
        while len(entries) < cfg.max_batch:
            left_ms = int((deadline - time.monotonic()) * 1000)
            if left_ms <= 0:
                break
            more = await self.streams.read(
                self.kinds, self.id, count=cfg.max_batch - len(entries), block_ms=left_ms
            )
            if not more:
                break
            entries.extend(more)
        return entries

    async def _janitor(self) -> None:
        cfg = self.config
        for kind in self.kinds:
            claimed = await self.streams.claim_stale(
                kind,
                self.id,
                min_idle_ms=int(cfg.visibility_timeout_s * 1000),
                count=cfg.max_batch,
            )
            if claimed:
                log.warning("reclaimed %d stale %s job(s)", len(claimed), kind)
                await self.process(claimed)

    # --- processing ------------------------------------------------------------------------

    async def process(self, entries: list[StreamEntry]) -> None:
        """Answer every entry while keeping a hold on them (see :meth:`_hold`)."""
        done = asyncio.Event()
        hold = asyncio.create_task(self._hold(entries, done), name="hold-jobs")
        try:
            await self._process(entries)
        finally:
            # Ended by its flag, not cancel(): redis-py can swallow a cancel mid-command.
            done.set()
            await hold

    async def _hold(self, entries: list[StreamEntry], done: asyncio.Event) -> None:
        """Claim the entries in hand afresh every third of the visibility timeout.

        A job's idle time then only grows once its worker is dead, so the visibility timeout can
        sit well below the callers' timeout: a crash costs a delay (the timeout plus a janitor
        pass), not an error, and a long batch is never taken from a live worker.
        """
        by_stream: dict[tuple[str, int], list[str]] = defaultdict(list)
        for entry in entries:
            by_stream[(entry.kind, entry.part)].append(entry.entry_id)
        while not done.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), self.config.visibility_timeout_s / 3)
                return
            for (kind, part), ids in by_stream.items():
                try:
                    await self.streams.extend(kind, self.id, ids, part=part)
                except REDIS_DOWN as exc:
                    log.debug("could not extend %d %s job(s): %s", len(ids), kind, exc)

    async def _process(self, entries: list[StreamEntry]) -> None:
        """Answer every entry: run the valid ones in groups, reject the rest."""
        ready: list[_Ready] = []
        for entry in entries:
            item = await self._admit(entry)
            if item is not None:
                ready.append(item)
        groups: dict[tuple[str, Hashable], list[_Ready]] = defaultdict(list)
        for item in ready:
            handler = self.handlers[item.job.kind]
            groups[(item.job.kind, handler.group_key(item.payload))].append(item)
        for (kind, _key), items in groups.items():
            await self._run_group(kind, items)

    async def _admit(self, entry: StreamEntry) -> _Ready | None:
        """Parse and check an entry; answer or dead-letter it here when it must not run."""
        if entry.raw is None:
            await self._dead(entry, None, ErrorCode.MALFORMED, "entry has no job field")
            return None
        try:
            job = Job.model_validate_json(entry.raw)
        except ValidationError as exc:
            salvaged = _salvage(entry.raw)
            await self._dead(entry, salvaged, ErrorCode.MALFORMED, f"malformed job: {_short(exc)}")
            return None
        if job.v not in SUPPORTED_VERSIONS:
            reason = f"job v{job.v} on {entry.kind} stream (worker speaks v{PROTOCOL_VERSION})"
            await self._dead(entry, job, ErrorCode.UNSUPPORTED, reason)
            return None
        if job.kind != entry.kind:
            reason = f"a {job.kind} job on the {entry.kind} stream"
            await self._dead(entry, job, ErrorCode.MALFORMED, reason)
            return None
        if entry.deliveries > self.config.max_deliveries:
            reason = f"delivered {entry.deliveries} times without an answer"
            await self._dead(entry, job, ErrorCode.UNDELIVERABLE, reason)
            return None
        if (
            entry.deliveries > 1
            and await self.streams.stored_result(job.id, job.reply_to) is not None
        ):
            # Answered by a worker that died before acknowledging: acknowledge only.
            await self.streams.publish(
                entry.kind, entry.entry_id, job.id, job.reply_to, b"{}", part=entry.part
            )
            return None
        if job.expired():
            await self._answer(
                entry, job, Status.EXPIRED, ErrorCode.EXPIRED, error="deadline passed before it ran"
            )
            return None
        handler = self.handlers[job.kind]
        try:
            payload = handler.payload_model.model_validate(job.payload)
        except ValidationError as exc:
            error = f"invalid payload: {_short(exc)}"
            await self._answer(entry, job, Status.ERROR, ErrorCode.BAD_REQUEST, error=error)
            return None
        return _Ready(entry, job, payload)

    async def _run_group(self, kind: str, items: list[_Ready]) -> None:
        handler = self.handlers[kind]
        metrics.BATCH_SIZE.labels(kind).observe(len(items))
        self.stats.batches += 1
        self.stats.batch_sizes.append(len(items))
        try:
            results = await handler.run([i.payload for i in items])
            if len(results) != len(items):
                raise RuntimeError(
                    f"{kind} handler returned {len(results)} results for {len(items)}"
                )
        except Exception as exc:
            if len(items) == 1:
                item = items[0]
                if isinstance(exc, HandlerError):  # an answer the handler chose, not a crash
                    log.warning("%s job %s: %s (%s)", kind, item.job.id, exc.code.value, exc)
                    metrics.ERRORS.labels(kind, exc.code.value).inc()
                    code, error = exc.code, str(exc)[:1000]
                else:
                    log.exception("%s job %s failed", kind, item.job.id)
                    metrics.ERRORS.labels(kind, "backend").inc()
                    code, error = ErrorCode.MODEL_FAILED, _backend(exc)
                await self._answer(item.entry, item.job, Status.ERROR, code, error=error)
                return
            # One bad job must not sink its batch-mates: retry them one by one.
            log.warning("%s batch of %d failed (%s); retrying one by one", kind, len(items), exc)
            for item in items:
                await self._run_group(kind, [item])
            return
        await asyncio.gather(
            *(
                self._answer(
                    item.entry,
                    item.job,
                    Status.OK,
                    None,
                    result=res.model_dump(mode="json"),
                    batch_size=len(items),
                )
                for item, res in zip(items, results, strict=True)
            )
        )

    async def _answer(
        self,
        entry: StreamEntry,
        job: Job,
        status: Status,
        code: ErrorCode | None,
        *,
        result: dict[str, Any] | None = None,
        error: str | None = None,
        batch_size: int = 0,
    ) -> None:
        reply = JobResult(
            v=job.v,  # answered in the caller's version
            id=job.id,
            kind=job.kind,
            status=status,
            result=result,
            error=error,
            code=code,
            worker=self.id,
            batch_size=batch_size,
        )
        fresh = await self.streams.publish(
            entry.kind, entry.entry_id, job.id, job.reply_to, reply.wire(), part=entry.part
        )
        self.stats.jobs += 1
        metrics.JOBS.labels(job.kind, status.value).inc()
        metrics.JOB_LATENCY.labels(job.kind, status.value).observe(
            max(0.0, time.time() - job.created)
        )
        if not fresh:
            log.info("job %s was already answered; acknowledged only", job.id)

    async def _dead(
        self, entry: StreamEntry, job: Job | _Salvaged | None, code: ErrorCode, reason: str
    ) -> None:
        log.error("dead-lettering %s entry %s: %s", entry.kind, entry.entry_id, reason)
        metrics.ERRORS.labels(entry.kind, "dead_letter").inc()
        if job is not None:
            reply = JobResult(
                # a version this worker does not speak is answered in its own
                v=job.v if job.v in SUPPORTED_VERSIONS else PROTOCOL_VERSION,
                id=job.id,
                kind=entry.kind,
                status=Status.DEAD,
                error=reason,
                code=code,
                worker=self.id,
            )
            try:
                await self.streams.publish(entry.kind, "", job.id, job.reply_to, reply.wire())
            except ValueError:
                log.warning("job %s has an unusable reply_to; caller not told", job.id)
        await self.streams.dead_letter(
            entry.kind, entry.entry_id, entry.raw, reason, part=entry.part
        )


@dataclass
class _Salvaged:
    """The id, reply address and version of an entry that does not parse as a job, when they can
    be read (the version: the answer is written in it when this worker speaks it)."""

    id: str
    reply_to: str
    v: int = PROTOCOL_VERSION


def _salvage(raw: bytes) -> _Salvaged | None:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    job_id, reply_to, v = data.get("id"), data.get("reply_to"), data.get("v")
    if isinstance(job_id, str) and isinstance(reply_to, str) and job_id and len(job_id) <= 64:
        return _Salvaged(job_id, reply_to, v if isinstance(v, int) else PROTOCOL_VERSION)
    return None


def _short(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'job'}: {e['msg']}" for e in exc.errors()[:5]
    )


def _backend(exc: Exception) -> str:
    """What the caller's log learns of a backend failure (users get a plain text instead; a
    remote server's URL and reply stay in this worker's log, see models/remote.py)."""
    return f"backend error: {type(exc).__name__}: {exc}"[:1000]
