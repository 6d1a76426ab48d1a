"""The Kakao skill against the bad-input corpus (tests/bad_input/cases.py): a broken request is
a 4xx JSON error; a well-formed request with bad content is a Kakao v2.0 answer whose text says
what to do. Either way nothing changes in Redis, no model runs, and no internals show.

Requests are written by hand (tests/bad_input/raw_http.py) so that header bytes, bodies and
content types go out exactly as a hostile client would send them.
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from bot.kakao.skill import SECRET_HEADER
from storage.connection import connect
from tests.bad_input.cases import KakaoCase, kakao_cases
from tests.bad_input.raw_http import raw_request
from tests.bad_input.world import (
    BOT_ID,
    KAKAO_CHAT,
    KAKAO_USER,
    SECRET,
    World,
    assert_no_internals,
    body_text,
    build_world,
    diff,
    snapshot,
)
from tests.bot.test_kakao import check_response, texts
from tests.conftest import RedisServer

CASES = kakao_cases()


def kakao_payload(utterance: str, params: dict[str, Any]) -> dict[str, Any]:
    """A skill request as Open Builder sends one from the seeded group chat."""
    return {
        "intent": {"id": "corpus-block", "name": "폴백 블록"},
        "userRequest": {
            "timezone": "Asia/Seoul",
            "block": {"id": "corpus-block", "name": "폴백 블록"},
            "utterance": utterance,
            "lang": "ko",
            "user": {
                "id": KAKAO_USER,
                "type": "botUserKey",
                "properties": {"botUserKey": KAKAO_USER, "botGroupKey": KAKAO_CHAT},
            },
        },
        "bot": {"id": BOT_ID, "name": "노래봇"},
        "action": {"name": "norae", "id": "corpus-action", "params": params, "detailParams": {}},
        "contexts": [],
    }


def patched(body: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    body = copy.deepcopy(body)
    for path, value in patch.items():
        *parents, last = path.split(".")
        node: Any = body
        for name in parents:
            node = node[name]
        node[last] = value
    return body


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(redis_server: RedisServer) -> AsyncIterator[World]:
    redis = connect(redis_server.url)
    w = await build_world(redis)
    yield w
    await w.client.close()
    await redis.flushall()
    await redis.aclose()


@pytest.mark.asyncio(loop_scope="module")
async def test_the_corpus_covers_transport_and_content() -> None:
    assert len(CASES) >= 150
    assert sum(c.status != 200 for c in CASES) >= 50  # refused before any command runs


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_bad_kakao_input(world: World, case: KakaoCase) -> None:
    before = await snapshot(world.redis)
    calls = world.model_calls()
    if case.raw is not None:
        body = case.raw
    else:
        data = patched(kakao_payload(case.utterance, case.params), case.patch)
        body = json.dumps(data).encode()  # \u escapes: a lone surrogate goes out as sent
    secret = SECRET.encode() if case.secret is None else case.secret
    headers = [(b"Content-Type", case.content_type)]
    if secret:
        headers.append((SECRET_HEADER.encode(), secret.replace(b"{secret}", SECRET.encode())))
    server = world.client.server
    assert server.host is not None and server.port is not None
    status, raw = await raw_request(
        server.host, server.port, "POST", case.path.encode(), headers, body
    )
    text = body_text(raw)

    assert status == case.status, f"{status}: {text[:300]}"
    if status == 200:
        template = check_response(json.loads(raw))  # Kakao's v2.0 limits hold
        shown = texts(template)
        assert shown.strip(), "the answer says something"
    else:
        shown = text
        # The skill's refusals are JSON; aiohttp's own (no route, a bad header line) are text.
        if status != 404 and case.id != "secret/nul":
            assert json.loads(raw)["error"].strip()
    assert case.says.lower() in shown.lower(), shown[:300]
    assert_no_internals(text)
    assert world.model_calls() == calls, "a bad input reached a model"
    after = await snapshot(world.redis)
    assert after == before, f"Redis changed: {diff(before, after)}"
