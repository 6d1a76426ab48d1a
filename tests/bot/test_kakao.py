"""The Kakao skill server through aiohttp's test client on real Redis.

Requests are shaped like Kakao i Open Builder's documented skill payload (:func:`payload`) and
every answer goes through :func:`check_response`, which holds Kakao's v2.0 format limits. The
callback path posts to a receiver started here on 127.0.0.1. Models are in-process fakes.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.catalog import Catalog
from bot.embedded_redis import free_port
from bot.inference import InferenceBusy, InferenceClient
from bot.kakao import (
    FETCH,
    KAKAO_KEY,
    MAX_BODY_BYTES,
    SECRET_HEADER,
    STILL_WRITING,
    WAIT_TEXT,
    Reply,
    split_text,
)
from bot.kakao_text import Command, apply_params, parse
from bot.lyrics import LyricsService
from bot.mood import MoodService, SongCard
from bot.novelty import token_forms
from bot.relay import RelayService
from bot.settings import KakaoSettings, MoodSettings, Settings
from bot.web import create_app
from storage import keys
from storage.connection import Redis
from tests.bot.test_lyrics import KO_ARTIST, NEW_LINES, SETTINGS, _seed
from tests.bot.test_mood import SAD_KO, fill_catalog
from tests.bot.test_relay import FAST, Scripted
from tests.bot.test_web_lyrics import FakeGenerator
from tests.bot.test_web_mood import SimilarFake

Client = TestClient[web.Request, web.Application]
SECRET = "kakao-test-secret-0123456789"
BOT_ID = "5fe45a6ddfbb1f5802e9a2ef"
USER_ID = "b9c2f0e1a7d64c3b8e5f9a1d2c3b4a5e6f708192a3b4c5d6e7f8091a2b3c4d5e"
CANDIDATES = [
    "비가 그치자 골목에 무지개가 떴다.",
    "그녀는 우산을 접고 웃었다.",
    "멀리서 종소리가 울렸다.",
]
HEADERS = {SECRET_HEADER: SECRET}


# --- Kakao's shapes ------------------------------------------------------------------------


def payload(
    utterance: str,
    *,
    user: str = USER_ID,
    callback: str | None = None,
    params: dict[str, str] | None = None,
    bot_id: str = BOT_ID,
    group: str | None = None,
) -> dict[str, Any]:
    """A skill request as Kakao documents it (fields the skill ignores included); ``group``: the
    group chat's key, as a group chat bot receives it."""
    params = params or {}
    properties = {"botUserKey": user, "bot_user_key": user}
    if group is not None:
        properties["botGroupKey"] = group
    user_request: dict[str, Any] = {
        "timezone": "Asia/Seoul",
        "params": {"ignoreMe": "true"},
        "block": {"id": "6f1b3c2a9d", "name": "폴백 블록"},
        "utterance": utterance,
        "lang": None,
        "user": {
            "id": user,
            "type": "botUserKey",
            "properties": properties,
        },
    }
    if callback is not None:
        user_request["callbackUrl"] = callback
    return {
        "intent": {"id": "6f1b3c2a9d", "name": "폴백 블록"},
        "userRequest": user_request,
        "bot": {"id": bot_id, "name": "노래봇"},
        "action": {
            "name": "norae_skill",
            "clientExtra": None,
            "params": params,
            "id": "7a2c4e6f8b",
            "detailParams": {
                k: {"origin": v, "value": v, "groupName": ""} for k, v in params.items()
            },
        },
        "contexts": [],
        "flow": {"lastBlock": {"id": "1", "name": "start"}, "trigger": {"type": "X"}},
    }


def check_response(data: dict[str, Any]) -> dict[str, Any]:
    """Kakao's v2.0 response limits; returns the template (or ``{}`` for a callback ack)."""
    assert data["version"] == "2.0"
    if data.get("useCallback"):
        assert data["useCallback"] is True
        assert "template" not in data
        assert isinstance(data["data"]["text"], str)
        return {}
    template = data["template"]
    outputs = template["outputs"]
    assert 1 <= len(outputs) <= 3, outputs
    for output in outputs:
        assert len(output) == 1
        ((kind, body),) = output.items()
        if kind == "simpleText":
            assert 1 <= len(body["text"]) <= 1000
        elif kind == "basicCard":
            assert body["thumbnail"]["imageUrl"]
            assert len(body.get("title", "")) <= 50
            assert len(body.get("description", "")) <= 230
            assert len(body.get("buttons", [])) <= 3
        elif kind == "textCard":
            assert body.get("title") or body.get("description")
            assert len(body.get("title", "")) <= 50
            assert len(body.get("description", "")) <= 400
            assert len(body.get("buttons", [])) <= 3
        elif kind == "listCard":
            assert body["header"]["title"]
            assert 1 <= len(body["items"]) <= 5
            assert len(body.get("buttons", [])) <= 2
            for item in body["items"]:
                assert item["title"]
                if "link" in item:
                    assert item["link"]["web"].startswith(("http://", "https://"))
        else:
            raise AssertionError(f"unexpected output {kind}")
        for button in body.get("buttons", []) if isinstance(body, dict) else []:
            assert 1 <= len(button["label"]) <= 14
            assert button["action"] in ("webLink", "message", "block")
    quick = template.get("quickReplies", [])
    assert len(quick) <= 10
    for qr in quick:
        assert 1 <= len(qr["label"]) <= 14
        assert qr["action"] == "message" and qr["messageText"]
    return dict(template)


def texts(template: dict[str, Any]) -> str:
    return "\n".join(o["simpleText"]["text"] for o in template["outputs"] if "simpleText" in o)


def quick(template: dict[str, Any]) -> dict[str, str]:
    return {qr["label"]: qr["messageText"] for qr in template.get("quickReplies", [])}


def kinds(template: dict[str, Any]) -> list[str]:
    return [next(iter(o)) for o in template["outputs"]]


# --- fixtures ------------------------------------------------------------------------------


class SlowGenerator(FakeGenerator):
    def __init__(self, script: list[str], delay: float) -> None:
        super().__init__(script)
        self.delay = delay

    async def generate(
        self, prompts: list[str], *, timeout: float | None = None, **params: Any
    ) -> list[list[str]]:
        await asyncio.sleep(self.delay)
        return await super().generate(prompts, timeout=timeout, **params)


def kakao_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"secret": SecretStr(SECRET), "bot_ids": [BOT_ID]}
    values.update(overrides)
    return Settings(kakao=KakaoSettings(**values))


async def make_client(
    redis: Redis, settings: Settings, generator: FakeGenerator | None = None
) -> Client:
    relay = RelayService(redis, Scripted(CANDIDATES), FAST)
    app = create_app(redis, InferenceClient(redis), settings=settings, relay=relay)
    ks = app[KAKAO_KEY]
    lyrics = LyricsService(redis, generator or FakeGenerator(["\n".join(NEW_LINES)]), SETTINGS)
    await _seed(lyrics)
    ks.lyrics = lyrics
    await fill_catalog(redis)
    ks.mood = MoodService(
        redis, SimilarFake(), Catalog(redis), MoodSettings(), rng=random.Random(0)
    )
    client: Client = TestClient(TestServer(app))
    await client.start_server()
    return client


@pytest.fixture(scope="module", autouse=True)
def korean_tokenizer() -> None:
    """Load the novelty guard's Korean tokenizer once, up front: its first load takes seconds,
    which would turn these tests' first song into a "still writing" answer."""
    token_forms("봄비가 내린다")


@pytest.fixture
async def client(redis: Redis) -> AsyncIterator[Client]:
    c = await make_client(redis, kakao_settings())
    yield c
    await c.close()


async def say(
    client: Client,
    utterance: str,
    *,
    path: str = "/kakao/skill",
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    resp = await client.post(path, json=payload(utterance, **kwargs), headers=headers or HEADERS)
    assert resp.status == 200, await resp.text()
    return check_response(await resp.json())


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[TestServer, list[dict[str, Any]]]]:
    """A stand-in for Kakao's callback API: records POSTs; ``/expired`` answers 400."""
    got: list[dict[str, Any]] = []

    async def ok(request: web.Request) -> web.Response:
        got.append(await request.json())
        return web.json_response({"taskId": "t1", "status": "SUCCESS"})

    async def expired(request: web.Request) -> web.Response:
        got.append(await request.json())
        return web.json_response({"status": "FAIL", "message": "callback expired"}, status=400)

    app = web.Application()
    app.router.add_post("/callback/ok", ok)
    app.router.add_post("/callback/expired", expired)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield server, got
    await server.close()


async def until(predicate: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


# --- the grammar ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("utterance", "expected"),
    [
        (
            "이어쓰기 시작 비 오는 밤 / 미스터리",
            Command(
                "relay.start", text="비 오는 밤 / 미스터리", title="비 오는 밤", genre="미스터리"
            ),
        ),
        (
            "Relay Start Rainy Night",
            Command("relay.start", text="Rainy Night", title="Rainy Night"),
        ),
        ("이어쓰기 한줄 그는 문을 열었다.", Command("relay.write", text="그는 문을 열었다.")),
        ("relay write He opened   the door", Command("relay.write", text="He opened the door")),
        ("이어쓰기 계속 우산", Command("relay.continue", text="우산", keyword="우산")),
        ("이어쓰기 계속", Command("relay.continue")),
        ("이어쓰기 다시", Command("relay.reroll")),
        ("투표 2", Command("relay.vote", choice=2)),
        ("vote #3", Command("relay.vote", choice=3)),
        ("투표 2번", Command("relay.vote", choice=2)),
        ("이야기 보기", Command("relay.show")),
        ("이야기 보기 3", Command("relay.show", text="3", page=3)),
        ("이어쓰기 취소", Command("relay.undo")),
        ("relay end", Command("relay.end")),
        (
            "가사 아이유 / 비 오는 날",
            Command("lyrics", text="아이유 / 비 오는 날", artist="아이유", theme="비 오는 날"),
        ),
        ("lyrics Isaac Watts", Command("lyrics", text="Isaac Watts", artist="Isaac Watts")),
        ("가사 다시", Command("lyrics.again")),
        ("고르기 1", Command("mood.pick", choice=1)),
        ("pick 2", Command("mood.pick", choice=2)),
        ("추천 방식 lift", Command("mood.policy", text="lift", policy="lift")),
        ("추천방식 맞추기", Command("mood.policy", text="맞추기", policy="match")),
        ("mood MATCH", Command("mood.policy", text="MATCH", policy="match")),
        ("기억 지우기", Command("mood.forget")),
        ("결과 보기", Command("fetch")),
        ("도움말", Command("help")),
        ("가사가 너무 슬퍼요", Command("mood", text="가사가 너무 슬퍼요")),
        ("오늘 기분이 좋아", Command("mood", text="오늘 기분이 좋아")),
        ("2", Command("mood", text="2")),
    ],
)
def test_grammar(utterance: str, expected: Command) -> None:
    assert parse(utterance) == expected


def test_action_params_win_over_the_utterance() -> None:
    got = apply_params(parse("아무 말"), {"command": "lyrics", "artist": "아이유", "theme": "밤"})
    assert got == Command("lyrics", artist="아이유", theme="밤")
    got = apply_params(parse("투표"), {"command": "relay.vote", "choice": "2번"})
    assert got.kind == "relay.vote" and got.choice == 2
    # Arguments alone keep the utterance's command; unknown commands and fields are ignored.
    got = apply_params(parse("가사 아이유"), {"theme": "봄", "command": "nope", "x": "1"})
    assert got == Command("lyrics", text="아이유", artist="아이유", theme="봄")


# --- the response builder ------------------------------------------------------------------


def test_long_text_is_split_then_cut() -> None:
    text = "\n".join(f"{i:04d} " + "가" * 95 for i in range(40))  # 4000 chars in 100-char lines
    chunks = split_text(text, 3)
    assert len(chunks) == 3 and all(len(c) <= 1000 for c in chunks)
    assert chunks[0].startswith("0000") and chunks[-1].endswith("…")
    one_line = "나" * 2500
    assert [len(c) for c in split_text(one_line, 3)] == [1000, 1000, 500]

    reply = Reply().text(text)
    reply.cards.append({"textCard": {"title": "card", "description": "d"}})
    for i in range(15):
        reply.quick_reply(f"아주아주아주아주 긴 라벨 {i}", f"고르기 {i}")
    template = check_response(reply.build())
    assert kinds(template) == ["simpleText", "simpleText", "textCard"]
    assert len(template["quickReplies"]) == 10
    assert template["quickReplies"][0]["label"].endswith("…")


# --- protection ----------------------------------------------------------------------------


async def test_disabled_without_a_secret(redis: Redis) -> None:
    client = await make_client(redis, Settings())
    try:
        resp = await client.post("/kakao/skill", json=payload("도움말"), headers=HEADERS)
        assert resp.status == 403
        assert "disabled" in (await resp.json())["error"]
    finally:
        await client.close()


async def test_secret_and_bot_id_are_checked(client: Client) -> None:
    for headers in ({}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET[:-1]}):
        resp = await client.post("/kakao/skill", json=payload("도움말"), headers=headers)
        assert resp.status == 403
        assert "secret" in (await resp.json())["error"]
    resp = await client.post("/kakao/skill/wrong", json=payload("도움말"))
    assert resp.status == 403
    # The path form works too.
    template = await say(client, "도움말", path=f"/kakao/skill/{SECRET}", headers={"X": "1"})
    assert "이어쓰기" in texts(template)
    resp = await client.post(
        "/kakao/skill", json=payload("도움말", bot_id="other"), headers=HEADERS
    )
    assert resp.status == 403
    assert "bot" in (await resp.json())["error"]


async def test_bad_requests_get_json_errors(client: Client) -> None:
    async def post(data: bytes) -> tuple[int, dict[str, Any]]:
        resp = await client.post(
            "/kakao/skill", data=data, headers={**HEADERS, "Content-Type": "application/json"}
        )
        body = await resp.text()
        assert "Traceback" not in body
        return resp.status, json.loads(body)

    status, body = await post(b'{"userRequest": {"utterance": "hi",')
    assert (status, body) == (400, {"error": "The request body is not valid JSON."})
    status, body = await post(b"[1, 2]")
    assert status == 400
    status, body = await post(json.dumps({"userRequest": {"utterance": "hi"}}).encode())
    assert status == 400 and "userRequest.user" in body["error"]
    bad_user = payload("hi", user="a b")
    status, body = await post(json.dumps(bad_user).encode())
    assert status == 400
    status, body = await post(b"\xff\xfe")
    assert status == 400
    status, body = await post(b'{"x": "' + b"a" * MAX_BODY_BYTES + b'"}')
    assert status == 413


async def test_huge_utterance_gets_a_clear_text(client: Client) -> None:
    template = await say(client, "가" * 3000)
    assert "너무 길어요" in texts(template) and "3000" in texts(template)


async def test_a_crisis_is_answered_first_and_at_once(
    client: Client, receiver: tuple[TestServer, list[dict[str, Any]]]
) -> None:
    # Longer than the utterance limit: the crisis line, not "too long".
    template = await say(client, "오늘 일을 다 적어 볼게. " * 200 + "근데 그냥 죽고 싶어")
    assert "자살예방상담전화 109" in texts(template) and "너무 길어요" not in texts(template)
    assert kinds(template) == ["simpleText"]  # no song list
    # With a callback URL: answered in the response itself, nothing posted later.
    server, got = receiver
    template = await say(
        client, "옥상 올라왔어 뛰어내릴까", callback=str(server.make_url("/callback/ok"))
    )
    assert "자살예방상담전화 109" in texts(template)
    await asyncio.sleep(0.2)
    assert got == []
    # A story line is the story's, not a message to the companion.
    template = await say(client, "이어쓰기 한줄 주인공은 죽고 싶었다")
    assert "109" not in texts(template)


# --- the features --------------------------------------------------------------------------


async def test_relay_from_kakao_text(client: Client) -> None:
    template = await say(client, "이어쓰기 시작 비 오는 밤")
    assert "비 오는 밤" in texts(template)
    template = await say(client, "이어쓰기 한줄 우산을 든 사람이 골목에 서 있었다.")
    assert "1번째 줄" in texts(template)
    assert quick(template)["계속 쓰기"] == "이어쓰기 계속"

    template = await say(client, "이어쓰기 계속 우산")
    for n, candidate in enumerate(CANDIDATES, 1):
        assert f"{n}. {candidate}" in texts(template)
    assert quick(template)["1번"] == "투표 1"
    assert quick(template)["다시 쓰기"] == "이어쓰기 다시"

    template = await say(client, "투표 2")
    assert "2번에 투표했어요" in texts(template)
    # In a 1:1 chat the user is the channel: someone else has no round there.
    alone = await say(client, "투표 3", user="someoneelse01")
    assert "열린 투표가 없어요" in texts(alone)
    # A second continue while the round is open is refused with the service's message.
    template = await say(client, "이어쓰기 계속")
    assert "already open" in texts(template)

    template = await say(client, "이야기 보기")
    assert "우산을 든 사람" in texts(template) and "1/1쪽" in texts(template)
    template = await say(client, "이어쓰기 끝")
    assert "마쳤어요" in texts(template)
    template = await say(client, "투표 1")
    assert "열린 투표가 없어요" in texts(template)


async def test_lyrics_with_another_take_and_block_params(client: Client) -> None:
    template = await say(client, f"가사 {KO_ARTIST} 봄날")  # a two-word artist, then the theme
    assert f"『봄날』 — {KO_ARTIST}" in texts(template)
    assert NEW_LINES[0] in texts(template)
    assert quick(template) == {"다른 버전": "가사 다시"}
    again = await say(client, "가사 다시")
    assert f"『봄날』 — {KO_ARTIST}" in texts(again)

    params = {"command": "lyrics", "artist": KO_ARTIST, "theme": "바다"}
    template = await say(client, "노래 만들어줘", params=params)
    assert "『바다』" in texts(template)
    template = await say(client, "가사 없는가수")
    assert "없는가수" in texts(template)  # the service's "don't know the artist" message


async def test_mood_songs_pick_and_policy(redis: Redis) -> None:
    settings = kakao_settings(thumbnail_url="https://example.com/norae.png")
    client = await make_client(redis, settings)
    try:
        template = await say(client, SAD_KO)
        assert kinds(template) == ["simpleText", "listCard"]
        items = template["outputs"][1]["listCard"]["items"]
        assert len(items) == 5 and items[0]["title"].startswith("1. ")
        replies = quick(template)
        assert replies["1번"] == "고르기 1" and replies["기분 올리는 곡"] == "추천 방식 lift"

        template = await say(client, "고르기 1")
        assert kinds(template) == ["simpleText", "basicCard", "listCard"]
        assert "비슷한 노래" in template["outputs"][2]["listCard"]["header"]["title"]

        template = await say(client, "추천 방식 lift")
        assert quick(template) == {"기분 맞춘 곡": "추천 방식 match"}
        template = await say(client, "추천 방식 sideways")
        assert "match" in texts(template)  # the service's own error, shown as text
        template = await say(client, "기억 지우기")
        assert "지웠어요" in texts(template)
        template = await say(client, "고르기 1")
        assert "고르기" not in json.dumps(quick(template), ensure_ascii=False)
    finally:
        await client.close()


async def test_forget_me_forgets_only_the_one_who_asked(client: Client, redis: Redis) -> None:
    users = [
        "kforget",
        "kforget:x",
        "kforget:turns",
        "kforget:x:state",
        "kforget=",
    ]  # as Kakao allows
    for user in users:
        await say(client, SAD_KO, user=user)
    template = await say(client, "기억 지우기", user="kforget")
    assert "지웠어요" in texts(template)
    assert await redis.exists(*keys.mood_user_keys("kakao:kforget")) == 0
    for user in users[1:]:
        turns = await redis.lrange(keys.mood_turns(f"kakao:{user}"), 0, -1)
        assert len(turns) == 1, user  # each look-alike keeps its own conversation
    template = await say(client, "고르기 1", user="kforget:x")  # and its song list
    assert kinds(template)[0] == "simpleText" and "listCard" in kinds(template)


def test_picked_song_without_an_image_is_a_text_card() -> None:
    from bot.kakao import song_card

    card = SongCard("s1", "제목", "가수", "https://example.com/s1", "가사 한 줄", "calm")
    assert set(song_card(card, None)) == {"textCard"}
    assert song_card(card, None)["textCard"]["buttons"][0]["webLinkUrl"] == card.url
    assert (
        "buttons"
        not in song_card(SongCard("s2", "t", "a", "package://x", "", ""), None)["textCard"]
    )


# --- time limits ---------------------------------------------------------------------------


async def test_callback_posts_the_result(
    client: Client, receiver: tuple[TestServer, list[dict[str, Any]]]
) -> None:
    server, got = receiver
    url = str(server.make_url("/callback/ok"))
    started = time.monotonic()
    resp = await client.post(
        "/kakao/skill", json=payload(f"가사 {KO_ARTIST} / 봄날", callback=url), headers=HEADERS
    )
    data = await resp.json()
    assert time.monotonic() - started < 1.0
    assert data == {"version": "2.0", "useCallback": True, "data": {"text": WAIT_TEXT}}
    await until(lambda: len(got) == 1)
    template = check_response(got[0])
    assert "『봄날』" in texts(template)

    # A fast command answers directly even when a callback URL is offered.
    template = await say(client, "도움말", callback=url)
    assert "이어쓰기" in texts(template)
    assert len(got) == 1

    # A mood message goes through the callback as well, with its cards.
    await say(client, SAD_KO, callback=url)
    await until(lambda: len(got) == 2)
    assert "listCard" in kinds(check_response(got[1]))


async def test_refused_or_unreachable_callback_is_logged(
    client: Client,
    receiver: tuple[TestServer, list[dict[str, Any]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, got = receiver
    caplog.set_level(logging.INFO, logger="bot.kakao")
    await say(client, f"가사 {KO_ARTIST}", callback=str(server.make_url("/callback/expired")))
    await until(lambda: "refused (400)" in caplog.text)
    assert len(got) == 1  # exactly one POST, no retry

    down = f"http://127.0.0.1:{free_port()}/callback"
    await say(client, f"가사 {KO_ARTIST}", callback=down)
    await until(lambda: "failed" in caplog.text)
    assert SECRET not in caplog.text
    # The server is still fine.
    assert "이어쓰기" in texts(await say(client, "도움말"))


async def test_callbacks_off_answers_within_the_budget(
    redis: Redis, receiver: tuple[TestServer, list[dict[str, Any]]]
) -> None:
    server, got = receiver
    settings = kakao_settings(callback_enabled=False, reply_budget_s=0.3)
    client = await make_client(redis, settings, SlowGenerator(["\n".join(NEW_LINES)], 0.8))
    try:
        started = time.monotonic()
        template = await say(
            client, f"가사 {KO_ARTIST} / 봄날", callback=str(server.make_url("/callback/ok"))
        )
        assert time.monotonic() - started < 0.7
        assert texts(template) == STILL_WRITING
        assert quick(template) == {FETCH: FETCH}
        # Still writing: the fetch says so, and another slow request waits its turn.
        assert texts(await say(client, FETCH)) == STILL_WRITING
        assert "앞의 부탁" in texts(await say(client, f"가사 {KO_ARTIST}"))
        await asyncio.sleep(1.2)
        template = await say(client, FETCH)
        assert "『봄날』" in texts(template)
        assert "결과가 없어요" in texts(await say(client, FETCH))
        assert got == []  # no callback was used
    finally:
        await client.close()


async def test_no_callback_and_quick_work_answers_at_once(client: Client) -> None:
    started = time.monotonic()
    template = await say(client, f"가사 {KO_ARTIST} / 봄날")  # no callbackUrl in the request
    assert time.monotonic() - started < 4.5
    assert "『봄날』" in texts(template)


async def test_busy_model_is_a_text_not_an_error(redis: Redis) -> None:
    generator = FakeGenerator([""], error=InferenceBusy("The model is busy; try again soon."))
    client = await make_client(redis, kakao_settings(), generator)
    try:
        template = await say(client, f"가사 {KO_ARTIST}")
        assert "busy" in texts(template)
    finally:
        await client.close()


async def test_a_group_chat_shares_one_story(client: Client) -> None:
    await say(client, "이어쓰기 시작 모두의 이야기", group="room42")
    await say(client, "이어쓰기 한줄 첫 줄이다.", user="member02", group="room42")
    template = await say(client, "이어쓰기 계속", user="member03", group="room42")
    assert quick(template)["3번"] == "투표 3"
    assert "3번에 투표" in texts(await say(client, "투표 3", user="member04", group="room42"))
    # The same users outside the group have their own (empty) channel.
    assert "no story" in texts(await say(client, "이야기 보기", user="member02"))


def test_access_log_never_shows_the_path_secret(caplog: pytest.LogCaptureFixture) -> None:
    import logging
    from unittest.mock import MagicMock

    from bot.web import AccessLog

    request = MagicMock(path="/kakao/skill/s3cret-value", remote="127.0.0.1", method="POST")
    response = MagicMock(status=200)
    with caplog.at_level(logging.INFO, logger="norae.access"):
        AccessLog(logging.getLogger("norae.access"), "").log(request, response, 0.01)
    assert "s3cret-value" not in caplog.text and "/kakao/skill/<redacted>" in caplog.text
