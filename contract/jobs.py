"""The job protocol between the bot and the inference workers (DESIGN §2).

Plain pydantic, importable without torch. A job travels as JSON in one stream field; its payload is
validated by the model registered for its kind. Results are published to the caller's reply stream.
Bump ``PROTOCOL_VERSION`` on an incompatible change; workers dead-letter versions they do not know.
"""

from __future__ import annotations

import time
import uuid
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

PROTOCOL_VERSION = 1

MAX_PROMPTS = 64
MAX_PROMPT_CHARS = 20_000
MAX_NEW_TOKENS = 1024
MAX_CANDIDATES = 16
MAX_TEXTS = 256
MAX_TEXT_CHARS = 5_000
MAX_LINES = 200
MAX_KEYWORD_CHARS = 100


class Status(StrEnum):
    OK = "ok"
    EXPIRED = "expired"
    ERROR = "error"
    DEAD = "dead"  # dead-lettered after too many deliveries or malformed


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
    error: str | None = None
    worker: str | None = None
    batch_size: int = 0


# --- payloads --------------------------------------------------------------------------------


class GenerateRequest(BaseModel):
    """Continue each prompt ``n`` times."""

    model_config = ConfigDict(extra="forbid")

    prompts: list[str] = Field(min_length=1, max_length=MAX_PROMPTS)
    n: int = Field(default=1, ge=1, le=MAX_CANDIDATES)
    max_new_tokens: int = Field(default=64, ge=1, le=MAX_NEW_TOKENS)
    temperature: float = Field(default=0.9, ge=0.0, le=5.0)
    top_p: float = Field(default=0.95, gt=0.0, le=1.0)
    repetition_penalty: float = Field(default=1.1, ge=1.0, le=5.0)
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


class ClassifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
