"""The inference client: how the bot asks the workers for model work .

One typed method per job kind (:meth:`InferenceClient.generate`, ``classify``, ``similar``,
``noop``): each builds the kind's request from :mod:`contract.jobs` and returns its result, so no
caller writes a kind name or a payload dict. One reply reader per process resolves a future per
job id. A call fails fast with :class:`InferenceBusy` when the kind's backlog is full, with
:class:`InferenceTimeout` when no answer comes in time, and with :class:`JobError` when the job
was answered with an error: its ``job_code`` (:class:`~contract.jobs.ErrorCode`) says which, for
callers that answer some failures their own way. A reader is told plainly (``model-busy``,
``model-timeout``, ``model-offline``, ``model-failed``); what happened (which kind, whether any
worker serves it, what the worker said) is each error's ``detail``, for the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.errors import UserError
from contract.jobs import (
    ClassifyRequest,
    ClassifyResult,
    ErrorCode,
    GenerateRequest,
    GenerateResult,
    Job,
    JobRequest,
    JobResult,
    NoopRequest,
    NoopResult,
    Prediction,
    SimilarRequest,
    SimilarResult,
    Status,
)
from storage import keys
from storage.connection import Redis
from storage.job_streams import JobStreams, QueueFull

log = logging.getLogger(__name__)

TOUCH_EVERY_S = 60.0
READ_BLOCK_MS = 500
# Read replies are trimmed from the reply stream once this many piled up, or this long after the
# first of them: not one XTRIM per reply.
TRIM_AFTER_REPLIES = 64
TRIM_AFTER_S = 2.0


class InferenceError(UserError):
    """Model work failed: a plain catalog text for the reader (no worker details), and
    ``detail``, what happened, for the log."""

    code = "model-failed"

    def __init__(self, code: str | None = None, /, *, detail: str = "", **params: object) -> None:
        super().__init__(code, **params)
        self.detail = detail


class InferenceBusy(InferenceError):
    """The kind's backlog is full: refused at once."""

    code = "model-busy"


class InferenceTimeout(InferenceError):
    """No answer in time (``model-timeout``), or no worker serves the kind (``model-offline``)."""

    code = "model-timeout"


class JobFailed(InferenceError):
    """The job was answered with an error; ``detail`` is what the worker said."""

    def __init__(self, status: Status, detail: str = "") -> None:
        super().__init__(detail=detail)
        self.status = status


class JobError(JobFailed):
    """A :class:`JobFailed` from a worker's answer: ``job_code`` is the answer's error code."""

    def __init__(self, status: Status, detail: str, job_code: ErrorCode) -> None:
        super().__init__(status, detail)
        self.job_code = job_code


R = TypeVar("R", bound=BaseModel)


class InferenceClient:
    def __init__(
        self,
        redis: Redis,
        *,
        max_queue: int = 1000,
        timeout_s: float = 30.0,
        client_id: str | None = None,
        partitions: int = 1,
    ) -> None:
        self.streams = JobStreams(redis, partitions=partitions)
        self.max_queue = max_queue
        self.timeout_s = timeout_s
        self.client_id = client_id or uuid.uuid4().hex
        self.reply_stream = keys.reply_stream(self.client_id)
        self._pending: dict[str, asyncio.Future[JobResult]] = {}
        self._reader: asyncio.Task[None] | None = None
        self._last_id = "0-0"
        self._closing = False

    async def start(self) -> None:
        if self._reader is None:
            self._closing = False
            self._reader = asyncio.create_task(self._read_replies(), name="inference-replies")

    async def close(self) -> None:
        if self._reader is not None:
            # Let the reader leave between two blocking reads: cancelling redis-py in the middle
            # of a blocking XREAD can leave the task hanging.
            self._closing = True
            try:
                await asyncio.wait_for(self._reader, timeout=READ_BLOCK_MS / 1000 + 5)
            except TimeoutError:
                log.warning("reply reader did not stop in time")
            self._reader = None
        for fut in self._pending.values():
            if not fut.done():
                fut.set_exception(
                    InferenceError("unavailable", detail="the inference client was closed")
                )
        self._pending.clear()
        with contextlib.suppress(RedisConnectionError, RedisTimeoutError, OSError):
            await self.streams.drop_reply_stream(self.reply_stream)

    async def __aenter__(self) -> InferenceClient:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- typed calls -----------------------------------------------------------------------

    async def generate(
        self, prompts: list[str], *, timeout: float | None = None, **params: Any
    ) -> list[list[str]]:
        """Continuations per prompt (``n`` each). ``params`` are :class:`GenerateRequest` fields."""
        request = GenerateRequest(prompts=prompts, **params)
        return (await self._call(request, GenerateResult, timeout)).texts

    async def generate_scored(
        self, prompts: list[str], *, timeout: float | None = None, **params: Any
    ) -> tuple[list[list[str]], list[list[float]] | None]:
        """Continuations per prompt and the model's mean log-probability per token of each
        (None when the backend does not report it)."""
        request = GenerateRequest(prompts=prompts, **params)
        parsed = await self._call(request, GenerateResult, timeout)
        return parsed.texts, parsed.scores

    async def classify(self, texts: list[str], *, timeout: float | None = None) -> list[Prediction]:
        request = ClassifyRequest(texts=texts)
        return (await self._call(request, ClassifyResult, timeout)).predictions

    async def similar(
        self,
        song_id: str,
        *,
        k: int = 5,
        exclude: Sequence[str] = (),
        timeout: float | None = None,
    ) -> SimilarResult:
        """Up to ``k`` songs that sound like ``song_id``, none in ``exclude`` (``found`` is False
        when the song is not in the index). No index at all: :class:`JobError` ``no-index``."""
        request = SimilarRequest(song_id=song_id, k=k, exclude=list(exclude))
        return await self._call(request, SimilarResult, timeout)

    async def noop(
        self, value: Any = None, *, delay_ms: int = 0, timeout: float | None = None
    ) -> Any:
        """``value`` back from a worker after ``delay_ms``: queue overhead, liveness drills."""
        request = NoopRequest(value=value, delay_ms=delay_ms)
        return (await self._call(request, NoopResult, timeout)).value

    # --- the envelope ----------------------------------------------------------------------

    async def _call(self, request: JobRequest, result: type[R], timeout: float | None) -> R:
        return result.model_validate(await self._submit(request, timeout=timeout))

    async def _submit(self, request: JobRequest, *, timeout: float | None = None) -> dict[str, Any]:
        """Enqueue one job and wait for its result payload."""
        if self._reader is None:
            await self.start()
        kind = request.kind
        wait = self.timeout_s if timeout is None else timeout
        job = Job(
            kind=kind,
            deadline=time.time() + wait,
            reply_to=self.reply_stream,
            payload=request.model_dump(mode="json"),
        )
        fut: asyncio.Future[JobResult] = asyncio.get_running_loop().create_future()
        self._pending[job.id] = fut
        try:
            try:
                await self.streams.enqueue(
                    kind, job.model_dump_json().encode(), max_queue=self.max_queue
                )
            except QueueFull:
                detail = f"{self.max_queue} {kind} jobs waiting, the most allowed"
                log.warning("refused a %s job: %s", kind, detail)
                raise InferenceBusy(detail=detail) from None
            try:
                reply = await asyncio.wait_for(asyncio.shield(fut), timeout=wait)
            except TimeoutError:
                late = await self._timeout(kind, wait)
                log.warning("%s", late.detail)
                raise late from None
        finally:
            self._pending.pop(job.id, None)
        if reply.status is Status.OK and reply.result is not None:
            return reply.result
        code = reply.code or ErrorCode.MODEL_FAILED  # an OK answer without a result
        detail = (
            f"the {kind} job {reply.id} {reply.status.value} ({code.value}): {reply.error or ''}"
        )
        log.warning("%s", detail)
        raise JobError(reply.status, detail, code)

    async def _timeout(self, kind: str, wait: float) -> InferenceTimeout:
        """The timeout, told apart for the log: Redis unreachable, no worker at all, or slow."""
        try:
            workers = await self.streams.live_workers()
        except (RedisConnectionError, RedisTimeoutError, OSError):
            detail = f"no answer to the {kind} job within {wait:g}s (Redis is unreachable)"
            return InferenceTimeout(detail=detail)
        if not any(kind in w.get("kinds", []) for w in workers):
            detail = f"no worker serves {kind!r} jobs (is `norae worker` running?)"
            return InferenceTimeout("model-offline", detail=detail)
        return InferenceTimeout(detail=f"no answer to the {kind} job within {wait:g}s")

    async def _read_replies(self) -> None:
        backoff = 0.1
        last_touch = 0.0
        untrimmed, first_untrimmed = 0, 0.0
        while not self._closing:
            try:
                if time.monotonic() - last_touch > TOUCH_EVERY_S:
                    await self.streams.touch_reply_stream(self.reply_stream)
                    last_touch = time.monotonic()
                replies = await self.streams.read_replies(
                    self.reply_stream, self._last_id, block_ms=READ_BLOCK_MS
                )
                backoff = 0.1
            except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
                log.warning("reply reader: redis unavailable (%s)", exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            for entry_id, raw in replies:
                self._last_id = entry_id
                self._resolve(raw)
            if replies and not untrimmed:
                first_untrimmed = time.monotonic()
            untrimmed += len(replies)
            due = time.monotonic() - first_untrimmed >= TRIM_AFTER_S
            if untrimmed and (untrimmed >= TRIM_AFTER_REPLIES or due):
                with contextlib.suppress(RedisConnectionError, RedisTimeoutError, OSError):
                    await self.streams.trim_reply_stream(self.reply_stream, self._last_id)
                    untrimmed = 0

    def _resolve(self, raw: bytes) -> None:
        try:
            reply = JobResult.model_validate_json(raw)
        except ValueError:
            log.error("unreadable reply on %s: %r", self.reply_stream, raw[:200])
            return
        fut = self._pending.get(reply.id)
        if fut is None or fut.done():
            log.debug("late or duplicate reply for job %s ignored", reply.id)
            return
        fut.set_result(reply)
