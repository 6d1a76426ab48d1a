"""Abuse limits and Redis outages in the web front door, through aiohttp's test client.

Each limiter runs on a frozen clock: a bucket refills only when a test moves it, never by time.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.catalog import Catalog
from bot.inference import InferenceClient
from bot.mood.service import MoodService
from bot.relay.service import RelayService
from bot.web.app import create_app
from bot.web.keys import SERVICES_KEY
from bot.web.requests import USER_COOKIE
from contract.settings import MoodSettings, RelaySettings, Settings
from storage.connection import Redis, connect
from storage.stories import StoryStore
from tests.bot.test_mood import SAD_KO, FakeInference, fill_catalog
from tests.bot.test_relay import Clock, Scripted
from tests.conftest import RedisServer

Client = TestClient[web.Request, web.Application]
ROOM = "/api/rooms/room1"
LINES = ["첫째 문장입니다.", "둘째 문장입니다.", "셋째 문장입니다."]


def build(redis: Redis, settings: Settings | None = None) -> web.Application:
    relay = RelayService(redis, Scripted(LINES), RelaySettings(round_seconds=30), clock=Clock())
    app = create_app(redis, InferenceClient(redis), settings=settings or Settings(), relay=relay)
    app[SERVICES_KEY].limiter.clock = Clock()  # frozen: no refill unless a test moves it
    app[SERVICES_KEY].mood = MoodService(
        redis, FakeInference(), Catalog(redis), MoodSettings(), rng=random.Random(0)
    )
    return app


@pytest.fixture
async def app(redis: Redis) -> web.Application:
    return build(redis)


@pytest.fixture
async def client(app: web.Application) -> AsyncIterator[Client]:
    async with TestClient(TestServer(app)) as c:
        await c.get("/api/rooms/room1")  # the browser's id cookie
        yield c


async def test_250_fast_writes_are_cut_to_the_burst(client: Client, redis: Redis) -> None:
    assert (await client.post(f"{ROOM}/start", json={"nick": "Ann"})).status == 201
    statuses = []
    for i in range(250):
        resp = await client.post(f"{ROOM}/write", json={"nick": "Ann", "text": f"줄 {i}"})
        statuses.append(resp.status)
    assert statuses.count(200) == 10 and statuses.count(429) == 240  # write burst: 10
    story = await StoryStore(redis).active("web:room1")
    assert story is not None and story.line_count == 10

    resp = await client.post(
        f"{ROOM}/write", json={"nick": "Ann", "text": "또"}, headers={"Accept-Language": "ko-KR"}
    )
    data = await resp.json()
    assert resp.status == 429 and int(resp.headers["Retry-After"]) >= 1
    assert data["error"] == data["messages"]["ko"] and "천천히" in data["error"]
    assert "Slow down" in data["messages"]["en"] and data["retry_after"] >= 1


async def test_the_bucket_refills_with_time(client: Client, app: web.Application) -> None:
    await client.post(f"{ROOM}/start", json={"nick": "Ann"})
    for _ in range(10):
        await client.post(f"{ROOM}/write", json={"nick": "Ann", "text": "줄"})
    assert (await client.post(f"{ROOM}/write", json={"nick": "Ann", "text": "줄"})).status == 429
    app[SERVICES_KEY].limiter.clock.now += 2.0  # type: ignore[attr-defined]  # 30 a minute: one per 2 s
    assert (await client.post(f"{ROOM}/write", json={"nick": "Ann", "text": "줄"})).status == 200


async def test_bad_input_costs_no_token(client: Client) -> None:
    await client.post(f"{ROOM}/start", json={"nick": "Ann"})
    for _ in range(30):  # refused as bad input: the bucket is given its token back
        assert (await client.post(f"{ROOM}/write", json={"nick": "Ann", "text": ""})).status == 400
    assert (await client.post(f"{ROOM}/write", json={"nick": "Ann", "text": "줄"})).status == 200


async def test_mood_messages_are_limited_but_a_crisis_is_always_answered(
    client: Client, redis: Redis
) -> None:
    await fill_catalog(redis)
    statuses = [
        (await client.post("/api/mood/message", json={"text": SAD_KO})).status for _ in range(100)
    ]
    assert statuses.count(200) == 5 and statuses.count(429) == 95  # mood burst: 5
    resp = await client.post("/api/mood/message", json={"text": "죽고 싶어"})
    data = await resp.json()
    assert resp.status == 200 and data["crisis"] is True


async def test_one_cookieless_client_is_not_fifty_voters(client: Client) -> None:
    await client.post(f"{ROOM}/start", json={"nick": "Ann"})
    await client.post(f"{ROOM}/write", json={"nick": "Ann", "text": "첫 줄"})
    resp = await client.post(f"{ROOM}/continue", json={"nick": "Ann"})
    rnd = await resp.json()
    assert resp.status == 201, rnd
    statuses = []
    for _ in range(50):  # a client that drops its cookie before every vote
        client.session.cookie_jar.clear()
        resp = await client.post(f"{ROOM}/vote", json={"round_id": rnd["id"], "choice": 2})
        statuses.append(resp.status)
    assert statuses.count(200) == 3, statuses  # NORAE_LIMITS_VOTERS_PER_ADDRESS
    state = await (await client.get(f"{ROOM}/round")).json()
    assert state["round"]["voters"] == 3 and state["round"]["counts"][1] == 3


async def test_new_identities_per_address_are_capped(app: web.Application) -> None:
    async with TestClient(TestServer(app)) as bare:
        given = 0
        for _ in range(25):
            bare.session.cookie_jar.clear()
            resp = await bare.get("/api/rooms/room1")
            assert resp.status == 200  # pages are always served
            given += USER_COOKIE in resp.cookies
        assert given == 20  # the identity burst
        bare.session.cookie_jar.clear()
        resp = await bare.post(f"{ROOM}/start", json={"nick": "Ann"})
        data = await resp.json()
        assert resp.status == 429 and "cookies" in data["messages"]["en"]
        assert "쿠키" in data["messages"]["ko"]


# --- Redis down --------------------------------------------------------------------------------


async def test_redis_down_is_a_503_with_a_message(own_redis: RedisServer) -> None:
    redis = connect(own_redis.url)
    try:
        app = build(redis)
        async with TestClient(TestServer(app)) as c:
            assert (await c.get("/api/rooms/room1")).status == 200
            own_redis.kill()
            for method, path, body in (
                ("GET", "/api/rooms/room1", None),
                ("POST", f"{ROOM}/write", {"nick": "Ann", "text": "줄"}),
                ("POST", "/api/mood/message", {"text": SAD_KO}),
                ("GET", "/stories/abcdef123456", None),
            ):
                resp = await c.request(method, path, json=body)
                data: dict[str, Any] = await resp.json()
                assert resp.status == 503, (path, data)
                assert resp.headers["Retry-After"] == "2"
                assert data["messages"]["ko"] and "unavailable" in data["messages"]["en"]
                assert "Traceback" not in str(data)
            own_redis.start()  # back with its AOF: the same client recovers by itself
            for _ in range(50):
                if (await c.get("/api/rooms/room1")).status == 200:
                    break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("never recovered")
    finally:
        await redis.aclose()


async def test_300_story_starts_leave_only_keys_that_expire(
    client: Client, redis: Redis, app: web.Application
) -> None:
    created = 0
    for i in range(300):  # one user, a new room each time
        resp = await client.post(f"/api/rooms/spam{i}/start", json={"nick": "Ann", "title": "x"})
        created += resp.status == 201
    assert created == 5  # the start burst (20 a day after it)
    app[SERVICES_KEY].limiter.clock.now += 3 * 3600  # type: ignore[attr-defined]  # a few more, later
    for i in range(300, 310):
        resp = await client.post(f"/api/rooms/spam{i}/start", json={"nick": "Ann", "title": "x"})
        created += resp.status == 201
    assert created == 7  # 20 a day: one every 72 minutes
    keys_left = [k async for k in redis.scan_iter("norae:*")]
    forever = [k for k in keys_left if await redis.ttl(k) == -1]
    assert keys_left and forever == []
