"""The job protocol between the bot and the inference workers.

Plain pydantic, importable without torch. A job travels as JSON in one stream field; its payload is
validated by the request model of its kind (:data:`REQUESTS`). Results are published to the
caller's reply stream; a failed one names what went wrong with an :class:`ErrorCode`, so callers
tell failures apart by code, never by the worker's words.

Bump ``PROTOCOL_VERSION`` on an incompatible change; workers dead-letter versions they do not know.

- v1: the first envelope.
- v2: a result carries ``code`` (None when it succeeded). Jobs are unchanged, so a worker runs v1
  and v2 jobs and answers each in its own version (a v1 answer has no ``code``: a v1 client
  forbids unknown fields); a v2 client reading a v1 answer infers the code from its status.
"""

from __future__ import annotations

import time
import uuid
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

PROTOCOL_VERSION = 2
SUPPORTED_VERSIONS = frozenset({1, 2})

MAX_PROMPTS = 64
MAX_PROMPT_CHARS = 20_000
MAX_NEW_TOKENS = 1024
MAX_CANDIDATES = 16
MAX_TEXTS = 256
MAX_TEXT_CHARS = 5_000
MAX_LINES = 200
MAX_KEYWORD_CHARS = 100
MAX_K = 50
MAX_EXCLUDE = 1000
MAX_SONG_ID_CHARS = 200
MAX_NOOP_DELAY_MS = 60_000


class Status(StrEnum):
    OK = "ok"
    EXPIRED = "expired"
    ERROR = "error"
    DEAD = "dead"  # dead-lettered after too many deliveries or malformed


class ErrorCode(StrEnum):
    """Why a job failed: the ``code`` of every result whose status is not ``ok``."""

    BAD_REQUEST = "bad-request"  # the payload does not fit its kind's request model
    MALFORMED = "malformed"  # the envelope itself is unreadable (dead-lettered)
    UNSUPPORTED = "unsupported"  # a protocol version this worker does not speak (dead-lettered)
    UNDELIVERABLE = "undeliverable"  # delivered too often without an answer (dead-lettered)
    EXPIRED = "expired"  # its deadline passed before a worker ran it
    MODEL_FAILED = "model-failed"  # the model (or its remote server) raised
    NO_INDEX = "no-index"  # similar: no song index built yet, or not on this worker's disk


# What a v1 answer (no ``code``) failed with, as far as its status tells.
_V1_CODES = {
    Status.EXPIRED: ErrorCode.EXPIRED,
    Status.ERROR: ErrorCode.MODEL_FAILED,
    Status.DEAD: ErrorCode.UNDELIVERABLE,
}


class Job(BaseModel):
    """The envelope. ``payload`` is checked against the kind's payload model by the worker."""

    model_config = ConfigDict(extra="forbid")

    v: int = PROTOCOL_VERSION
    id: str = Field(default_factory=lambda: uuid.uuid4().hex, min_length=1, max_length=64)
    kind: str = Field(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_]*$")
    created: float = Field(default_factory=time.time)
    deadline: float
    reply_to: str = Field(min_length=1, max_length=200)
    payload: dict[str, Any]

    def expired(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) >= self.deadline


class JobResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    v: int = PROTOCOL_VERSION
    id: str
    kind: str
    status: Status
    result: dict[str, Any] | None = None
    error: str | None = None  # what the worker said, for the caller's log (never for users)
    code: ErrorCode | None = None  # why it failed (v2); None when it succeeded
    worker: str | None = None
    batch_size: int = 0

    @model_validator(mode="after")
    def _failures_have_a_code(self) -> JobResult:
        if self.status is Status.OK:
            self.code = None
        elif self.code is None:
            self.code = _V1_CODES[self.status]
        return self

    def wire(self) -> bytes:
        """The JSON sent to the caller, in the reply's version (v1 has no ``code``)."""
        if self.v < 2:
            return self.model_dump_json(exclude={"code"}).encode()
        return self.model_dump_json().encode()


# --- sampling: one definition for the job and every setting that feeds it ---------------------

Temperature = Annotated[float, Field(ge=0.0, le=5.0)]
TopP = Annotated[float, Field(gt=0.0, le=1.0)]
RepetitionPenalty = Annotated[float, Field(ge=1.0, le=5.0)]


# --- payloads --------------------------------------------------------------------------------


class JobRequest(BaseModel):
    """A job kind's payload; ``kind`` names the stream it travels on."""

    model_config = ConfigDict(extra="forbid")

    kind: ClassVar[str]


class GenerateRequest(JobRequest):
    """Continue each prompt ``n`` times."""

    kind: ClassVar[str] = "generate"

    prompts: list[str] = Field(min_length=1, max_length=MAX_PROMPTS)
    n: int = Field(default=1, ge=1, le=MAX_CANDIDATES)
    max_new_tokens: int = Field(default=64, ge=1, le=MAX_NEW_TOKENS)
    temperature: Temperature = 0.9
    top_p: TopP = 0.95
    repetition_penalty: RepetitionPenalty = 1.1
    stop: list[str] = Field(default_factory=list, max_length=8)
    seed: int | None = Field(default=None, ge=0)
    # How each continuation ends (models/decoding.py): "length" runs to max_new_tokens;
    # "sentence" stops at the first sentence end after min_new_tokens; "lines" writes exactly
    # ``lines`` non-empty lines.
    until: Literal["length", "sentence", "lines"] = "length"
    min_new_tokens: int = Field(default=0, ge=0, le=MAX_NEW_TOKENS)
    lines: int | None = Field(default=None, ge=1, le=MAX_LINES)
    # A word every continuation should contain (some rows write it, some have it inserted).
    keyword: str | None = Field(default=None, max_length=MAX_KEYWORD_CHARS)
    # The script to write in: "ko" or "en" keeps the output layer to that language's tokens
    # (plus the prompt's own); None lets the model write anything.
    language: Literal["ko", "en"] | None = None
    ban_digits: bool = False
    # until="lines": a line longer than this many tokens is broken at the next word start
    max_line_tokens: int = Field(default=24, ge=4, le=200)

    @field_validator("prompts")
    @classmethod
    def _prompt_sizes(cls, prompts: list[str]) -> list[str]:
        for p in prompts:
            if len(p) > MAX_PROMPT_CHARS:
                raise ValueError(f"prompt longer than {MAX_PROMPT_CHARS} characters")
        return prompts

    @field_validator("stop")
    @classmethod
    def _no_empty_stop(cls, stop: list[str]) -> list[str]:
        if any(not s for s in stop):
            raise ValueError("stop strings must not be empty")
        return stop

    @model_validator(mode="after")
    def _consistent(self) -> GenerateRequest:
        if self.min_new_tokens > self.max_new_tokens:
            raise ValueError("min_new_tokens must not exceed max_new_tokens")
        if self.until == "lines" and self.lines is None:
            raise ValueError("until='lines' needs lines")
        return self

    def sampling_key(self) -> tuple[object, ...]:
        """Jobs with equal keys can share one forward pass."""
        return (
            self.temperature,
            self.top_p,
            self.repetition_penalty,
            self.seed,
            self.until,
            self.ban_digits,
            self.max_line_tokens,
        )


class GenerateResult(BaseModel):
    texts: list[list[str]]  # per prompt, n continuations (prompt not included)
    # per prompt and continuation: the model's mean log-probability per token (for reranking);
    # None from backends that do not report it
    scores: list[list[float]] | None = None


class ClassifyRequest(JobRequest):
    """The emotion of each text."""

    kind: ClassVar[str] = "classify"

    texts: list[str] = Field(min_length=1, max_length=MAX_TEXTS)

    @field_validator("texts")
    @classmethod
    def _text_sizes(cls, texts: list[str]) -> list[str]:
        for t in texts:
            if len(t) > MAX_TEXT_CHARS:
                raise ValueError(f"text longer than {MAX_TEXT_CHARS} characters")
        return texts


class Prediction(BaseModel):
    label: str
    score: float
    probs: dict[str, float]


class ClassifyResult(BaseModel):
    predictions: list[Prediction]


class SimilarRequest(JobRequest):
    """Songs that sound like ``song_id``, never one in ``exclude``."""

    kind: ClassVar[str] = "similar"

    song_id: str = Field(min_length=1, max_length=MAX_SONG_ID_CHARS)
    k: int = Field(default=5, ge=1, le=MAX_K)
    exclude: list[str] = Field(default_factory=list, max_length=MAX_EXCLUDE)


class SimilarResult(BaseModel):
    song_ids: list[str]  # nearest first
    distances: list[float]
    # False: the song is not in the index (no audio, or imported after it was built); the lists
    # are empty and the caller falls back without an error
    found: bool = True
    version: str | None = None  # the index version that answered


class NoopRequest(JobRequest):
    """Echo a value back after an optional delay: measures queue overhead, drills failover."""

    kind: ClassVar[str] = "noop"

    value: Any = None
    delay_ms: int = Field(default=0, ge=0, le=MAX_NOOP_DELAY_MS)


class NoopResult(BaseModel):
    value: Any = None


REQUESTS: dict[str, type[JobRequest]] = {
    r.kind: r for r in (GenerateRequest, ClassifyRequest, SimilarRequest, NoopRequest)
}
"""Every job kind, by name, with its request model."""
