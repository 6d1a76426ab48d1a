"""The remote backend against a small OpenAI-compatible completions server started in the test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from bot.inference import InferenceClient, JobFailed
from models.handlers import GenerateHandler
from models.remote import RemoteGenerator
from storage.connection import Redis
from tests.worker_support import running_worker


@dataclass
class FakeServer:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)  # statuses to answer before succeeding


@pytest.fixture
async def completions_server() -> AsyncIterator[FakeServer]:
    server = FakeServer(url="")

    async def completions(request: web.Request) -> web.Response:
        body = await request.json()
        server.requests.append(body)
        if server.fail_next:
            return web.json_response({"error": "nope"}, status=server.fail_next.pop(0))
        if request.headers.get("Authorization") != "Bearer sk-test":
            return web.json_response({"error": "unauthorized"}, status=401)
        prompts = body["prompt"] if isinstance(body["prompt"], list) else [body["prompt"]]
        choices = []
        for p_i, prompt in enumerate(prompts):
            for j in range(body.get("n", 1)):
                # vLLM numbers choices across prompts: prompt index * n + j
                text = f" {prompt[-3:]}#{j} and then. STOP ignored"
                choices.append({"index": p_i * body["n"] + j, "text": text})
        choices.reverse()  # order must come from "index", not from position
        return web.json_response({"id": "cmpl-1", "object": "text_completion", "choices": choices})

    app = web.Application()
    app.router.add_post("/v1/completions", completions)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.url = f"http://127.0.0.1:{port}/v1"
    yield server
    await runner.cleanup()


async def test_remote_generation_through_the_worker(
    redis: Redis, completions_server: FakeServer
) -> None:
    gen = RemoteGenerator(completions_server.url, "tiny", api_key="sk-test")
    async with (
        running_worker(redis, {"generate": GenerateHandler(gen)}),
        InferenceClient(redis) as client,
    ):
        texts = await client.generate(
            ["first", "second"], n=2, max_new_tokens=7, stop=["STOP"], seed=3, temperature=0.5
        )
    assert texts == [
        [" rst#0 and then. ", " rst#1 and then. "],
        [" ond#0 and then. ", " ond#1 and then. "],
    ]
    (body,) = completions_server.requests
    assert body["model"] == "tiny" and body["max_tokens"] == 7 and body["n"] == 2
    assert body["stop"] == ["STOP"] and body["seed"] == 3 and body["temperature"] == 0.5


async def test_remote_server_errors_are_retried_then_reported(
    redis: Redis, completions_server: FakeServer
) -> None:
    gen = RemoteGenerator(completions_server.url, "tiny", api_key="sk-test")
    async with (
        running_worker(redis, {"generate": GenerateHandler(gen)}),
        InferenceClient(redis) as client,
    ):
        completions_server.fail_next = [503, 500]  # two transient failures, then success
        assert await client.generate(["abc"], max_new_tokens=3) == [
            [" abc#0 and then. STOP ignored"]
        ]
        completions_server.fail_next = [400]  # a client error is not retried
        with pytest.raises(JobFailed) as failed:
            await client.generate(["abc"], max_new_tokens=3)
    await gen.close()
    assert "answered 400" in failed.value.detail
    assert len(completions_server.requests) == 4  # 503, 500, ok; then 400 once


async def test_remote_server_that_is_down_gives_a_clear_error(redis: Redis) -> None:
    from bot.cli.embedded_redis import free_port

    gen = RemoteGenerator(f"http://127.0.0.1:{free_port()}/v1", "tiny", attempts=2)
    async with (
        running_worker(redis, {"generate": GenerateHandler(gen)}),
        InferenceClient(redis) as client,
    ):
        with pytest.raises(JobFailed) as failed:
            await client.generate(["abc"], max_new_tokens=3)
    await gen.close()
    assert "backend error" in failed.value.detail


async def test_users_never_see_the_remote_servers_address_or_reply(
    redis: Redis, completions_server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.relay.service import RelayError, RelayService
    from contract.settings import RelaySettings

    gen = RemoteGenerator(completions_server.url, "tiny", api_key="sk-test")
    async with (
        running_worker(redis, {"generate": GenerateHandler(gen)}),
        InferenceClient(redis) as client,
    ):
        relay = RelayService(redis, client, RelaySettings())
        await relay.start("web:r", "ann", "Ann")
        await relay.write("web:r", "ann", "Ann", "옛날 옛적에")
        completions_server.fail_next = [400]
        with pytest.raises(RelayError) as refused:
            await relay.continue_story("web:r", "ann", "Ann")
    await gen.close()
    shown = f"{refused.value.message('ko')} / {refused.value.message('en')}"
    assert "127.0.0.1" not in shown and "nope" not in shown and "/v1" not in shown
    assert refused.value.code == "model-failed"
    assert "The model could not answer" in shown and "모델이" in shown
    logged = caplog.text  # the operator still gets the whole story
    assert f"{completions_server.url}/completions answered 400" in logged and "nope" in logged
