"""Job kinds the worker can serve. A feature adds a kind by adding a handler; the loop is untouched.

A handler validates its payload, says which payloads may share a forward pass (``group_key``), and
runs a group, returning one result per payload in order. The payload and result models are the
contract's (:mod:`contract.jobs`); a handler that fails a job on purpose raises
:class:`HandlerError` with the code the caller sees. Heavy work runs in a thread so the worker's
event loop keeps its heartbeat and janitor going.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel

from contract.jobs import ClassifyRequest, ErrorCode, GenerateRequest, NoopRequest, NoopResult

if TYPE_CHECKING:  # torch is imported only by workers that load a model
    from models.classification import LocalClassifier


class HandlerError(RuntimeError):
    """Raised by a handler to answer its jobs with ``code`` (the message goes to the caller's log);
    anything else a handler raises is answered ``model-failed``."""

    code: ErrorCode = ErrorCode.MODEL_FAILED

    def __init__(self, message: str, code: ErrorCode | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class JobHandler(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def payload_model(self) -> type[BaseModel]: ...

    def group_key(self, payload: Any) -> Hashable: ...

    async def run(self, payloads: list[Any]) -> list[BaseModel]: ...

    async def close(self) -> None: ...


class GenerateHandler:
    kind = GenerateRequest.kind
    payload_model = GenerateRequest

    def __init__(self, generator: Any) -> None:
        # LocalGenerator (sync, run in a thread) or RemoteGenerator (async)
        self.generator = generator

    def group_key(self, payload: GenerateRequest) -> Hashable:
        return payload.sampling_key()

    async def run(self, payloads: list[GenerateRequest]) -> list[BaseModel]:
        if asyncio.iscoroutinefunction(self.generator.generate):
            return list(await self.generator.generate(payloads))
        return list(await asyncio.to_thread(self.generator.generate, payloads))

    async def close(self) -> None:
        closer = getattr(self.generator, "close", None)
        if closer is not None:
            await closer()


class ClassifyHandler:
    kind = ClassifyRequest.kind
    payload_model = ClassifyRequest

    def __init__(self, classifier: LocalClassifier) -> None:
        self.classifier = classifier

    def group_key(self, payload: ClassifyRequest) -> Hashable:
        return "all"

    async def run(self, payloads: list[ClassifyRequest]) -> list[BaseModel]:
        return list(await asyncio.to_thread(self.classifier.classify, payloads))

    async def close(self) -> None:
        return None


class NoopHandler:
    kind = NoopRequest.kind
    payload_model = NoopRequest

    def group_key(self, payload: NoopRequest) -> Hashable:
        return "all"

    async def run(self, payloads: list[NoopRequest]) -> list[BaseModel]:
        delay = max(p.delay_ms for p in payloads)
        if delay:
            await asyncio.sleep(delay / 1000)
        return [NoopResult(value=p.value) for p in payloads]

    async def close(self) -> None:
        return None
