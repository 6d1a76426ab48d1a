"""The Kakao skill under abuse and outages: per-user limits with a Korean answer, Redis down."""

from __future__ import annotations

from aiohttp import web

from bot.web.keys import SERVICES_KEY
from contract.settings import LimitSettings, Rate
from storage.connection import Redis, connect
from storage.stories import StoryStore
from tests.bot.test_kakao import (
    HEADERS,
    Client,
    kakao_settings,
    ko,
    make_client,
    payload,
    say,
    texts,
)
from tests.bot.test_mood import SAD_KO
from tests.bot.test_relay import Clock
from tests.conftest import RedisServer


def app_of(client: Client) -> web.Application:
    app: web.Application | None = client.app
    assert app is not None
    return app


async def test_fast_lines_get_a_korean_slow_down(redis: Redis) -> None:
    client = await make_client(redis, kakao_settings())
    try:
        app_of(client)[SERVICES_KEY].limiter.clock = Clock()  # frozen: no refill during the test
        await say(client, "이어쓰기 시작 밤비", group="g1")
        answers = [texts(await say(client, f"이어쓰기 한줄 줄 {i}", group="g1")) for i in range(30)]
        added = [a for a in answers if "줄을 더했어요" in a]
        refused = [a for a in answers if "천천히" in a]
        assert len(added) == 10 and len(refused) == 20  # the write burst
        assert added[0].startswith(ko("kakao-relay-written", number=1, line="줄 0"))
        story = await StoryStore(redis).active("kakao:g1")
        assert story is not None and story.line_count == 10
        # Another user in the same chat is not slowed by the first one.
        other = await say(client, "이어쓰기 한줄 다른 사람", user="another-user-1", group="g1")
        assert texts(other).startswith(ko("kakao-relay-written", number=11, line="다른 사람"))
    finally:
        await client.close()


async def test_a_crisis_message_is_never_slowed_down(redis: Redis) -> None:
    settings = kakao_settings()
    settings.limits = LimitSettings(mood=Rate(burst=1, per_minute=1))
    client = await make_client(redis, settings)
    try:
        app_of(client)[SERVICES_KEY].limiter.clock = Clock()
        await say(client, SAD_KO)
        # a different message (the same one again within seconds is a Kakao retry: same answer)
        assert "천천히" in texts(await say(client, SAD_KO + " 정말로"))
        crisis = texts(await say(client, "죽고 싶어"))
        assert "109" in crisis and "천천히" not in crisis
    finally:
        await client.close()


async def test_redis_down_is_a_plain_korean_text(own_redis: RedisServer) -> None:
    redis = connect(own_redis.url)
    client = await make_client(redis, kakao_settings())
    try:
        own_redis.kill()
        for utterance in ("이어쓰기 한줄 안녕", "이야기 보기", "결과 보기", SAD_KO):
            resp = await client.post("/kakao/skill", json=payload(utterance), headers=HEADERS)
            assert resp.status == 200
            body = await resp.json()
            assert texts(body["template"]) == ko("unavailable"), utterance
    finally:
        await client.close()
        await redis.aclose()
