"""Generation on a remote OpenAI-compatible completions server (vLLM, TGI) over aiohttp.

For deployments that outgrow one local GPU: the worker still batches jobs from Redis, and sends each
batch as one ``/completions`` request with a list of prompts (the server batches further).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from contract.jobs import GenerateRequest, GenerateResult
from models.text import apply_stop

log = logging.getLogger(__name__)


class RemoteError(RuntimeError):
    """The remote server failed or answered something that is not a completion.

    The message never names the server or quotes its reply (both are logged here): it travels
    with the job's answer, and the server's address is internal."""


class _Retryable(RemoteError):
    pass


class RemoteGenerator:
    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        attempts: int = 3,
    ) -> None:
        self.url = base_url.rstrip("/") + "/completions"
        self.model = model
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)
        self.attempts = attempts
        self._session: aiohttp.ClientSession | None = None

    async def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout, headers=self.headers)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def generate(self, requests: list[GenerateRequest]) -> list[GenerateResult]:
        if not requests:
            return []
        first = requests[0]
        # One HTTP call per request (n and max_tokens are per call in the OpenAI API), all at
        # once: the server batches concurrent requests itself.
        return list(await asyncio.gather(*(self._one(req, first) for req in requests)))

    async def _one(self, req: GenerateRequest, params: GenerateRequest) -> GenerateResult:
        body: dict[str, Any] = {
            "model": self.model,
            "prompt": req.prompts,
            "n": req.n,
            "max_tokens": req.max_new_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "repetition_penalty": params.repetition_penalty,  # vLLM/TGI extension
        }
        if req.stop:
            body["stop"] = req.stop
        if params.seed is not None:
            body["seed"] = params.seed
        data = await self._post(body)
        choices = data.get("choices")
        expected = len(req.prompts) * req.n
        if not isinstance(choices, list) or len(choices) != expected:
            log.error("expected %d choices from %s, got %.200r", expected, self.url, choices)
            raise RemoteError(
                f"the remote model server sent {len(choices or [])} choices, not {expected}"
            )
        choices = sorted(choices, key=lambda c: int(c.get("index", 0)))
        texts: list[list[str]] = [[] for _ in req.prompts]
        for i, choice in enumerate(choices):
            text = choice.get("text")
            if not isinstance(text, str):
                log.error("choice without text from %s: %.200r", self.url, choice)
                raise RemoteError("the remote model server sent a choice without text")
            texts[i // req.n].append(apply_stop(text, req.stop))
        return GenerateResult(texts=texts)

    async def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        session = await self._http()
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=0.2, max=2.0),
            retry=retry_if_exception_type((_Retryable, aiohttp.ClientConnectionError)),
            reraise=True,
        ):
            with attempt:
                async with session.post(self.url, json=body) as resp:
                    if resp.status >= 500 or resp.status == 429:
                        log.warning("%s answered %d", self.url, resp.status)
                        raise _Retryable(f"the remote model server answered {resp.status}")
                    if resp.status != 200:
                        text = await resp.text()
                        log.error("%s answered %d: %.300s", self.url, resp.status, text)
                        raise RemoteError(f"the remote model server answered {resp.status}")
                    payload = await resp.json(content_type=None)
                    if not isinstance(payload, dict):
                        log.error("%s answered non-object JSON", self.url)
                        raise RemoteError("the remote model server answered non-object JSON")
                    return payload
        raise RemoteError("unreachable")  # pragma: no cover - AsyncRetrying reraises
