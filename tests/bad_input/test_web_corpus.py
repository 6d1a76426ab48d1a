"""The web routes against the bad-input corpus (tests/bad_input/cases.py): every case gets a
4xx with a plain message, changes nothing in Redis, runs no model, and shows no internals.

One app and one seeded Redis serve the whole module (cases must not change it, so they cannot
disturb each other); the module's event loop is shared for that.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

import bot.commands
from storage.connection import connect
from tests.bad_input.cases import WebCase, web_cases
from tests.bad_input.world import World, assert_no_internals, body_text, build_world, diff, snapshot
from tests.bot.test_web_commands import Runs, declared
from tests.conftest import RedisServer

pytestmark = pytest.mark.asyncio(loop_scope="module")

CASES = web_cases()


@pytest.mark.asyncio(loop_scope="module")
async def test_the_corpus_is_big_enough() -> None:
    # Every web route, each with the families of bad input it can meet.
    assert len(CASES) >= 300


@pytest.fixture(scope="module", autouse=True)
def commands() -> Iterator[Runs]:
    """A simple command to send bad input to (norae ships none yet); nothing may reach it."""
    runs = Runs()
    found = declared(runs)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bot.commands, "simple_commands", lambda: found)
        yield runs


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(redis_server: RedisServer) -> AsyncIterator[World]:
    redis = connect(redis_server.url)
    w = await build_world(redis)
    yield w
    await w.client.close()
    await redis.flushall()
    await redis.aclose()


def _fill(text: str, w: World) -> str:
    return (
        text.replace("{round}", w.round_id)
        .replace("{story}", w.story_id)
        .replace("{archived}", w.archived_id)
    )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_bad_web_input(world: World, commands: Runs, case: WebCase) -> None:
    before = await snapshot(world.redis)
    calls = world.model_calls()
    data: bytes | None = case.body
    if case.json is not None or (case.body is None and case.method == "POST"):
        data = _fill(json.dumps(case.json, ensure_ascii=False), world).encode()
    headers = {"Content-Type": case.content_type} if case.content_type else {}
    if data is not None and case.content_type is None:
        headers["Content-Type"] = ""  # aiohttp would call bytes application/octet-stream
    resp = await world.client.request(
        case.method, _fill(case.path, world), data=data, headers=headers
    )
    raw = await resp.read()
    text = body_text(raw)

    assert resp.status == case.status, f"{resp.status}: {text[:300]}"
    assert text.strip(), "a refusal says why"
    assert case.says.lower() in text.lower(), text[:300]
    if case.path.startswith("/api/"):
        assert resp.content_type == "application/json"
        message = json.loads(raw)["error"]
        assert isinstance(message, str) and message.strip()
    assert_no_internals(text)
    assert world.model_calls() == calls, "a bad input reached a model"
    assert commands.requests == [], "a bad input reached a simple command"
    after = await snapshot(world.redis)
    assert after == before, f"Redis changed: {diff(before, after)}"
