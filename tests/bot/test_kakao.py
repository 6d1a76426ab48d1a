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

from bot import texts as catalog
from bot.catalog import Catalog
from bot.cli.embedded_redis import free_port
from bot.inference import InferenceBusy, InferenceClient
from bot.kakao.callbacks import callback_target
from bot.kakao.commands.mood import CARD_TITLE_CHARS, song_card
from bot.kakao.grammar import Command
from bot.kakao.late import FETCH
from bot.kakao.payload import MAX_BODY_BYTES
from bot.kakao.registry import apply_params, parse
from bot.kakao.rendering import Reply, cut, split_text
from bot.kakao.skill import MAX_UTTERANCE_CHARS, SECRET_HEADER
from bot.lyrics.service import LyricsService
from bot.mood.service import MoodService, SongCard
from bot.novelty import token_forms
from bot.relay.service import RelayService
from bot.web.app import create_app
from bot.web.keys import SERVICES_KEY
from contract.settings import KakaoSettings, MoodSettings, Settings
from storage import keys
from storage.connection import Redis
from tests.bad_input.raw_http import raw_request
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


def ko(code: str, **params: object) -> str:
    """A Korean catalog text: what the Kakao room says."""
    return catalog.text(code, "ko", **params)


STILL_WRITING = ko("kakao-still-writing")
# The stand-in for Kakao's callback API listens here; DOWN_PORT is allowed but nobody listens.
RECEIVER_PORT = free_port()
DOWN_PORT = free_port()
LOCAL_CALLBACKS = {
    "callback_hosts": [f"127.0.0.1:{RECEIVER_PORT}", f"127.0.0.1:{DOWN_PORT}"],
    "callback_allow_http": True,
}


# --- Kakao's shapes ------------------------------------------------------------------------


def payload(
    utterance: str,
    *,
    user: str = USER_ID,
    callback: str | None = None,
    params: dict[str, str] | None = None,
    bot_id: str = BOT_ID,
    group: str | None = None,
    chat: str | None = None,
    detail: dict[str, Any] | None = None,
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
    if chat is not None:
        user_request["chat"] = {"id": chat, "type": "botGroupKey", "properties": {}}
    details = {k: {"origin": v, "value": v, "groupName": ""} for k, v in params.items()}
    details.update(detail or {})
    return {
        "intent": {"id": "6f1b3c2a9d", "name": "폴백 블록"},
        "userRequest": user_request,
        "bot": {"id": bot_id, "name": "노래봇"},
        "action": {
            "name": "norae_skill",
            "clientExtra": None,
            "params": params,
            "id": "7a2c4e6f8b",
            "detailParams": details,
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
    values: dict[str, Any] = {"secret": SecretStr(SECRET), "bot_ids": [BOT_ID], **LOCAL_CALLBACKS}
    values.update(overrides)
    return Settings(kakao=KakaoSettings(**values))


async def make_client(
    redis: Redis, settings: Settings, generator: FakeGenerator | None = None
) -> Client:
    relay = RelayService(redis, Scripted(CANDIDATES), FAST)
    app = create_app(redis, InferenceClient(redis), settings=settings, relay=relay)
    services = app[SERVICES_KEY]  # the skill's services: the fakes go in here
    lyrics = LyricsService(redis, generator or FakeGenerator(["\n".join(NEW_LINES)]), SETTINGS)
    await _seed(lyrics)
    services.lyrics = lyrics
    await fill_catalog(redis)
    services.mood = MoodService(
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

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound(str(request.url.with_path("/callback/ok")))

    app = web.Application()
    app.router.add_post("/callback/ok", ok)
    app.router.add_post("/callback/expired", expired)
    app.router.add_post("/callback/redirect", redirect)
    server = TestServer(app, host="127.0.0.1", port=RECEIVER_PORT)
    await server.start_server()
    yield server, got
    await server.close()


_tokens = iter(range(1, 1_000_000))


def callback_url(server: TestServer, path: str) -> str:
    """A one-time callback URL on the stand-in, as Kakao issues one per request (its token)."""
    return str(server.make_url(path).with_query(token=f"cb{next(_tokens)}"))


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
        # A slash inside a word is part of the title; a spaced one starts the genre.
        (
            "이어쓰기 시작 AC/DC 이야기",
            Command("relay.start", text="AC/DC 이야기", title="AC/DC 이야기"),
        ),
        (
            "이어쓰기 시작 1/2의 확률 / 미스터리",
            Command(
                "relay.start", text="1/2의 확률 / 미스터리", title="1/2의 확률", genre="미스터리"
            ),
        ),
        (
            "이어쓰기 시작 A / B / 동화",
            Command("relay.start", text="A / B / 동화", title="A / B", genre="동화"),
        ),
        # Lyrics split as before ("김소월/봄"), and a spaced slash keeps "AC/DC" whole.
        ("가사 김소월/봄", Command("lyrics", text="김소월/봄", artist="김소월", theme="봄")),
        (
            "가사 AC/DC / 고속도로",
            Command("lyrics", text="AC/DC / 고속도로", artist="AC/DC", theme="고속도로"),
        ),
        # Numbers are ASCII digits; anything else is the command without a usable number.
        ("이야기 보기 ²", Command("relay.show", text="²", page=0)),
        ("투표 ²", Command("relay.vote", text="²")),
        ("투표 ٢", Command("relay.vote", text="٢")),
        ("고르기 ①", Command("mood.pick", text="①")),
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
    assert texts(template) == ko("kakao-too-long", length=3000, limit=MAX_UTTERANCE_CHARS)
    assert "3000자" in texts(template)


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
    assert texts(template) == ko("kakao-relay-started", title="비 오는 밤")
    template = await say(client, "이어쓰기 한줄 우산을 든 사람이 골목에 서 있었다.")
    line = "우산을 든 사람이 골목에 서 있었다."
    assert texts(template) == ko("kakao-relay-written", number=1, line=line)
    assert "1번째 줄" in texts(template)
    assert quick(template)[ko("kakao-quick-continue")] == "이어쓰기 계속"

    template = await say(client, "이어쓰기 계속 우산")
    # every candidate is offered; the one with the keyword 우산 ranks first
    ranked = sorted(CANDIDATES, key=lambda c: "우산" not in c)
    for n, candidate in enumerate(ranked, 1):
        assert f"{n}. {candidate}" in texts(template)
    assert quick(template)[ko("kakao-quick-vote", number=1)] == "투표 1"
    assert quick(template)[ko("kakao-quick-reroll")] == "이어쓰기 다시"
    head = texts(template).split("\n\n")[0]  # the seconds left, then the candidates
    seconds = range(int(FAST.round_seconds) + 1)
    assert head in {ko("kakao-relay-candidates", seconds=n) for n in seconds}

    template = await say(client, "투표 2")
    assert texts(template) == ko("kakao-relay-voted", choice=2)
    # In a 1:1 chat the user is the channel: someone else has no round there.
    alone = await say(client, "투표 3", user="someoneelse01")
    assert texts(alone) == ko("kakao-relay-no-open-round")
    # A second continue while the round is open is refused with the service's message.
    template = await say(client, "이어쓰기 계속")
    assert catalog.text("relay-round-already-open", "ko") in texts(template)

    template = await say(client, "이야기 보기")
    page = ko("kakao-relay-page", title="비 오는 밤", page=1, pages=1)
    assert texts(template) == f"{page}\n\n{line}" and "1/1쪽" in texts(template)
    template = await say(client, "이어쓰기 끝")
    assert texts(template) == ko("kakao-relay-ended", title="비 오는 밤")
    assert quick(template) == {ko("kakao-quick-new-story"): "이어쓰기 시작"}
    template = await say(client, "투표 1")
    assert texts(template) == ko("kakao-relay-no-open-round")


async def test_lyrics_with_another_take_and_block_params(client: Client) -> None:
    template = await say(client, f"가사 {KO_ARTIST} 봄날")  # a two-word artist, then the theme
    head = ko("kakao-lyrics-song", title="봄날", artist=KO_ARTIST)
    assert texts(template).startswith(head) and f"『봄날』 — {KO_ARTIST}" in head
    assert NEW_LINES[0] in texts(template)
    assert quick(template) == {ko("kakao-quick-lyrics-again"): "가사 다시"}
    again = await say(client, "가사 다시")
    assert texts(again).startswith(head)

    params = {"command": "lyrics", "artist": KO_ARTIST, "theme": "바다"}
    template = await say(client, "노래 만들어줘", params=params)
    assert "『바다』" in texts(template)
    template = await say(client, "가사 없는가수")
    assert "없는가수" in texts(template)  # the service's "don't know the artist" message


async def test_lyrics_before_any_import_asks_the_admin(client: Client, redis: Redis) -> None:
    await redis.delete(keys.lyrics_artists())  # as on a fresh install: no artist imported
    template = await say(client, "가사 아이유 / 봄")
    # Korean, with neither the web page's import panel nor the command line in it.
    assert texts(template) == catalog.text("lyrics-no-artists", "ko")


async def test_mood_songs_pick_and_policy(redis: Redis) -> None:
    settings = kakao_settings(thumbnail_url="https://example.com/norae.png")
    client = await make_client(redis, settings)
    try:
        template = await say(client, SAD_KO)
        assert kinds(template) == ["simpleText", "listCard"]
        items = template["outputs"][1]["listCard"]["items"]
        assert len(items) == 5 and items[0]["title"].startswith("1. ")
        replies = quick(template)
        assert replies["1번"] == "고르기 1" and replies[ko("kakao-quick-lift")] == "추천 방식 lift"
        header = template["outputs"][1]["listCard"]["header"]["title"]
        assert header == ko("kakao-mood-songs")

        template = await say(client, "고르기 1")
        assert kinds(template) == ["simpleText", "basicCard", "listCard"]
        picked = template["outputs"][1]["basicCard"]["title"]
        header = template["outputs"][2]["listCard"]["header"]["title"]
        assert header == cut(ko("kakao-mood-like", title=picked), CARD_TITLE_CHARS)
        assert "비슷한 노래" in header

        template = await say(client, "추천 방식 lift")
        assert quick(template) == {ko("kakao-quick-match"): "추천 방식 match"}
        template = await say(client, "추천 방식 sideways")
        assert texts(template) == ko("mood-bad-policy")  # the service's own error, as text
        template = await say(client, "기억 지우기")
        assert texts(template) == ko("kakao-mood-forgot")
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
    assert texts(template) == ko("kakao-mood-forgot")
    assert await redis.exists(*keys.mood_user_keys("kakao:kforget")) == 0
    for user in users[1:]:
        turns = await redis.lrange(keys.mood_turns(f"kakao:{user}"), 0, -1)
        assert len(turns) == 1, user  # each look-alike keeps its own conversation
    template = await say(client, "고르기 1", user="kforget:x")  # and its song list
    assert kinds(template)[0] == "simpleText" and "listCard" in kinds(template)


def test_picked_song_without_an_image_is_a_text_card() -> None:
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
    url = callback_url(server, "/callback/ok")
    started = time.monotonic()
    resp = await client.post(
        "/kakao/skill", json=payload(f"가사 {KO_ARTIST} / 봄날", callback=url), headers=HEADERS
    )
    data = await resp.json()
    assert time.monotonic() - started < 1.0
    assert data == {"version": "2.0", "useCallback": True, "data": {"text": ko("kakao-wait")}}
    await until(lambda: len(got) == 1)
    template = check_response(got[0])
    assert "『봄날』" in texts(template)

    # A fast command answers directly even when a callback URL is offered.
    template = await say(client, "도움말", callback=callback_url(server, "/callback/ok"))
    assert "이어쓰기" in texts(template)
    assert len(got) == 1

    # A mood message goes through the callback as well, with its cards.
    await say(client, SAD_KO, callback=callback_url(server, "/callback/ok"))
    await until(lambda: len(got) == 2)
    assert "listCard" in kinds(check_response(got[1]))


async def test_refused_or_unreachable_callback_is_logged(
    client: Client,
    receiver: tuple[TestServer, list[dict[str, Any]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, got = receiver
    caplog.set_level(logging.INFO, logger="bot.kakao")
    await say(client, f"가사 {KO_ARTIST}", callback=callback_url(server, "/callback/expired"))
    await until(lambda: "refused (400)" in caplog.text)
    assert len(got) == 1  # exactly one POST, no retry

    down = f"http://127.0.0.1:{DOWN_PORT}/callback"
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
            client, f"가사 {KO_ARTIST} / 봄날", callback=callback_url(server, "/callback/ok")
        )
        assert time.monotonic() - started < 0.7
        assert texts(template) == STILL_WRITING
        assert quick(template) == {ko("kakao-quick-fetch"): FETCH} == {"결과 보기": "결과 보기"}
        # Still writing: the fetch says so, and another slow request waits its turn.
        assert texts(await say(client, FETCH)) == STILL_WRITING
        earlier = await say(client, f"가사 {KO_ARTIST}")
        assert texts(earlier) == ko("kakao-earlier-still-writing")
        await asyncio.sleep(1.2)
        template = await say(client, FETCH)
        assert "『봄날』" in texts(template)
        # Asked again at once (as Kakao's retry would), the answer is repeated, not lost; once
        # the user has said something else, it is gone: it was delivered.
        assert "『봄날』" in texts(await say(client, FETCH))
        assert texts(await say(client, "투표 1")) == ko("kakao-relay-no-open-round")
        assert texts(await say(client, FETCH)) == ko("kakao-nothing-waiting")
        assert got == []  # no callback was used
    finally:
        await client.close()


async def test_no_callback_and_quick_work_answers_at_once(client: Client) -> None:
    started = time.monotonic()
    template = await say(client, f"가사 {KO_ARTIST} / 봄날")  # no callbackUrl in the request
    assert time.monotonic() - started < 4.5
    assert "『봄날』" in texts(template)


async def test_busy_model_is_a_text_not_an_error(redis: Redis) -> None:
    generator = FakeGenerator([""], error=InferenceBusy(detail="1000 generate jobs waiting"))
    client = await make_client(redis, kakao_settings(), generator)
    try:
        template = await say(client, f"가사 {KO_ARTIST}")
        assert texts(template) == catalog.text("model-busy", "ko")  # 지금은 모델이 바빠요
    finally:
        await client.close()


async def test_a_group_chat_shares_one_story(client: Client) -> None:
    """A relay round in a group chat: Kakao allows no quick replies there, so none is sent and
    the commands are offered as text."""
    answers = [
        await say(client, "이어쓰기 시작 모두의 이야기", group="room42"),
        await say(client, "이어쓰기 한줄 첫 줄이다.", user="member02", group="room42"),
    ]
    template = await say(client, "이어쓰기 계속", user="member03", group="room42")
    answers.append(template)
    assert "투표 1 / 투표 2 / 투표 3으로 투표해 주세요." in texts(template)
    assert ko("kakao-group-others", commands="이어쓰기 다시 · 이야기 보기") in texts(template)
    assert CANDIDATES[0] in texts(template)
    voted = await say(client, "투표 3", user="member04", group="room42")
    assert ko("kakao-relay-voted", choice=3) in texts(voted) and "이야기 보기" in texts(voted)
    answers += [voted, await say(client, "이야기 보기", user="member04", group="room42")]
    for answer in answers:
        assert "quickReplies" not in answer, answer
    # Newer payloads name the chat in userRequest.chat: the same room, the same rule.
    shown = await say(client, "이야기 보기", user="member05", chat="room42")
    assert "모두의 이야기" in texts(shown) and "quickReplies" not in shown
    # A 1:1 chat keeps its quick replies.
    alone = await say(client, "이어쓰기 시작 혼자", user="member06")
    assert quick(alone)[ko("kakao-quick-continue")] == "이어쓰기 계속"
    # The same users outside the group have their own (empty) channel.
    assert catalog.text("relay-no-story", "ko") in texts(
        await say(client, "이야기 보기", user="member02")
    )


def test_access_log_never_shows_the_path_secret(caplog: pytest.LogCaptureFixture) -> None:
    import logging
    from unittest.mock import MagicMock

    from bot.web.app import AccessLog

    request = MagicMock(path="/kakao/skill/s3cret-value", remote="127.0.0.1", method="POST")
    response = MagicMock(status=200)
    with caplog.at_level(logging.INFO, logger="norae.access"):
        AccessLog(logging.getLogger("norae.access"), "").log(request, response, 0.01)
    assert "s3cret-value" not in caplog.text and "/kakao/skill/<redacted>" in caplog.text


# --- hostile input -------------------------------------------------------------------------


async def test_a_secret_that_is_not_ascii_is_refused_not_a_500(client: Client) -> None:
    assert client.server.host is not None and client.server.port is not None
    body = json.dumps(payload("도움말")).encode()
    for value in (b"\xff\xfe\xe9", "비밀".encode(), SECRET.encode() + b"\xff"):
        status, answer = await raw_request(
            client.server.host,
            client.server.port,
            "POST",
            b"/kakao/skill",
            [(SECRET_HEADER.encode(), value), (b"Content-Type", b"application/json")],
            body,
        )
        # Compared as bytes before anything else: a 403 that says why.
        assert status == 403 and json.loads(answer) == {
            "error": "Wrong or missing Kakao skill secret."
        }
    for path in ("/kakao/skill/%FF%FE", "/kakao/skill/%EB%B9%84%EB%B0%80"):
        resp = await client.post(path, json=payload("도움말"))
        assert resp.status == 403 and "secret" in (await resp.json())["error"]


async def test_deeply_nested_json_is_a_400(client: Client, redis: Redis) -> None:
    deep = b"[" * 1000 + b"]" * 1000
    for body in (
        deep,  # json.loads raises RecursionError on this: no longer a 500
        b'{"userRequest": ' + deep + b"}",
        json.dumps(payload("도움말", params={"x": json.loads("[" * 100 + "]" * 100)})).encode(),
    ):
        resp = await client.post(
            "/kakao/skill", data=body, headers={**HEADERS, "Content-Type": "application/json"}
        )
        assert resp.status == 400
        assert await resp.json() == {"error": "The request body is nested too deeply."}
    assert not await redis.keys("norae:relay:*")  # nothing was started or written


async def test_a_bad_group_key_is_a_400(client: Client) -> None:
    body = payload("이어쓰기 시작 제목", group="a b/../" + "x" * 200)
    resp = await client.post("/kakao/skill", json=body, headers=HEADERS)
    assert resp.status == 400 and "botGroupKey" in (await resp.json())["error"]


async def test_a_title_keeps_its_slash(client: Client) -> None:
    template = await say(client, "이어쓰기 시작 AC/DC 이야기 / 록")
    assert texts(template) == ko("kakao-relay-started", title="AC/DC 이야기")
    assert "새 이야기를 시작했어요: AC/DC 이야기" in texts(template)
    template = await say(client, "이야기 보기")
    assert "『AC/DC 이야기』" in texts(template)


async def test_numbers_that_are_not_digits_get_a_usage_text(client: Client, redis: Redis) -> None:
    await say(client, "이어쓰기 시작 숫자")
    await say(client, "이어쓰기 한줄 첫 줄이다.")
    # A page that is not ASCII digits: a plain Korean answer, not a 500, not the mood companion.
    for page in ("²", "٣", "０", "0", "abc"):
        assert texts(await say(client, f"이야기 보기 {page}")) == ko("kakao-relay-bad-page")
    assert texts(
        await say(client, "이야기 보기", params={"command": "relay.show", "page": "²"})
    ) == ko("kakao-relay-bad-page")
    await say(client, "이어쓰기 계속")
    for choice in ("²", "١", "하나"):
        assert texts(await say(client, f"투표 {choice}")) == ko("kakao-relay-vote-how")
    # None of it went to the mood companion (it keeps every message it answers).
    assert not await redis.keys("norae:mood:*")


async def test_a_nickname_loses_invisible_characters(client: Client, redis: Redis) -> None:
    await say(client, "이어쓰기 시작 이름", params={"nick": "\u202e밤\u200b비\u2066"})
    await say(client, "이어쓰기 한줄 첫 줄.", params={"nick": "\u200b\u202e"})  # nothing left
    relay = client.app[SERVICES_KEY].relay
    story = await relay.stories.active(f"kakao:{USER_ID}")
    assert story is not None and story.created_by_name == "밤비"
    (line,) = await relay.stories.lines(story.id)
    assert line.author_name == ko("kakao-user-name", id=USER_ID[-4:]) == f"카카오 {USER_ID[-4:]}"


async def test_an_invisible_line_is_refused_and_not_stored(client: Client) -> None:
    await say(client, "이어쓰기 시작 보이지 않는 줄")
    for text in ("\u200b\u200b", "\u202e\u2066", "\ufeff", "\u3164\u3164"):
        assert "빈 줄" in texts(await say(client, f"이어쓰기 한줄 {text}"))
        assert "키워드가 비어 있어요" in texts(
            await say(client, "이어쓰기 계속", params={"keyword": text})
        )
    template = await say(client, "이야기 보기")
    assert ko("kakao-relay-page-empty") in texts(template)


# --- outbound callbacks --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://bot-api.kakao.com/v1/bots/abc/callback/tok", True),
        ("https://BOT-API.kakao.com:443/v1/bots/abc/callback/tok", True),
        ("http://bot-api.kakao.com/v1/bots/abc/callback/tok", False),  # https only
        ("https://bot-api.kakao.com:8443/v1/callback", False),  # not the default port
        ("https://bot-api.kakao.com.evil.example/cb", False),
        ("https://evil.example/bot-api.kakao.com/cb", False),
        ("https://bot-api.kakao.com@evil.example/cb", False),  # user info: the host is evil
        ("https://user:pw@bot-api.kakao.com/cb", False),
        ("https://evil.example\\@bot-api.kakao.com/cb", False),
        ("https://xn--bt-api-kakao-com.example/cb", False),
        ("https://kakao.com/cb", False),
        ("https://169.254.169.254/latest/meta-data", False),
        ("http://127.0.0.1:6379/", False),
        ("file:///etc/passwd", False),
        ("//bot-api.kakao.com/cb", False),
        ("bot-api.kakao.com/cb", False),
        ("https://bot-api.kakao.com:99999/cb", False),
        ("https://" + "a" * 3000, False),
        ("", False),
    ],
)
def test_callback_hosts_allow_list(url: str, allowed: bool) -> None:
    assert (callback_target(url, KakaoSettings()) is not None) is allowed


def test_callback_host_entries() -> None:
    settings = KakaoSettings(
        callback_hosts=[".kakao.com", "127.0.0.1:8080", "[::1]:9000"], callback_allow_http=True
    )
    assert callback_target("https://x.kakao.com/cb", settings) is not None
    assert callback_target("http://127.0.0.1:8080/cb", settings) is not None
    assert callback_target("http://127.0.0.1:8081/cb", settings) is None
    assert callback_target("http://127.0.0.1/cb", settings) is None
    assert callback_target("http://[::1]:9000/cb", settings) is not None
    with pytest.raises(ValueError, match="not a host"):
        KakaoSettings(callback_hosts=["https://bot-api.kakao.com/v1"])


async def test_a_callback_url_not_allowed_is_never_called(
    redis: Redis,
    receiver: tuple[TestServer, list[dict[str, Any]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, got = receiver
    caplog.set_level(logging.INFO, logger="bot.kakao")
    # Kakao's hosts only (the default), then the receiver's host but http while https is required.
    for overrides in (
        {"callback_hosts": list(KakaoSettings().callback_hosts)},
        {"callback_allow_http": False},
    ):
        client = await make_client(redis, kakao_settings(**overrides))
        try:
            url = callback_url(server, "/callback/ok")
            template = await say(client, f"가사 {KO_ARTIST} / 봄날", callback=url)
            # Answered within the reply budget instead, without useCallback.
            assert "『봄날』" in texts(template)
        finally:
            await client.close()
    await asyncio.sleep(0.2)
    assert got == []
    assert caplog.text.count("is not allowed") == 2
    assert "token=" not in caplog.text  # the one-time token stays out of the log


async def test_a_redirect_from_the_callback_is_not_followed(
    client: Client,
    receiver: tuple[TestServer, list[dict[str, Any]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, got = receiver
    caplog.set_level(logging.INFO, logger="bot.kakao")
    await say(client, f"가사 {KO_ARTIST}", callback=callback_url(server, "/callback/redirect"))
    await until(lambda: "not followed" in caplog.text)
    await asyncio.sleep(0.2)
    assert got == []  # /callback/ok, where the redirect pointed, was never posted to


# --- repeated deliveries -------------------------------------------------------------------


async def story_lines(client: Client) -> str:
    return texts(await say(client, "이야기 보기"))


async def test_the_same_line_delivered_twice_is_added_once(client: Client) -> None:
    await say(client, "이어쓰기 시작 두 번 온 줄")
    first = await say(client, "이어쓰기 한줄 종이 울렸다.")
    again = await say(client, "이어쓰기 한줄 종이 울렸다.")  # Kakao's retry of the same delivery
    assert again == first and texts(first) == ko(
        "kakao-relay-written", number=1, line="종이 울렸다."
    )
    # Delivered twice at the same moment: still once.
    both = await asyncio.gather(*(say(client, "이어쓰기 한줄 바람이 불었다.") for _ in range(2)))
    assert both[0] == both[1] and "2번째 줄" in texts(both[0])
    shown = await story_lines(client)
    assert shown.count("종이 울렸다.") == 1 and shown.count("바람이 불었다.") == 1


async def test_a_line_repeated_after_something_else_is_a_new_line(redis: Redis) -> None:
    client = await make_client(redis, kakao_settings(dedupe_window_s=1))
    try:
        await say(client, "이어쓰기 시작 일부러 두 번")
        await say(client, "이어쓰기 한줄 하나.")
        await say(client, "이어쓰기 한줄 둘.")
        # The same words again after another request: the person meant it.
        assert "3번째 줄" in texts(await say(client, "이어쓰기 한줄 하나."))
        # ...and again after the window: a new request too.
        await asyncio.sleep(1.1)
        assert "4번째 줄" in texts(await say(client, "이어쓰기 한줄 하나."))
        # Another user's same words are theirs.
        await say(client, "이어쓰기 한줄 하나.", user="otheruser01", group=None)
        assert (await story_lines(client)).count("하나.") == 3
    finally:
        await client.close()


async def test_the_same_callback_request_twice_runs_and_posts_once(
    redis: Redis, receiver: tuple[TestServer, list[dict[str, Any]]]
) -> None:
    server, got = receiver
    generator = SlowGenerator(["\n".join(NEW_LINES)], 0.3)
    client = await make_client(redis, kakao_settings(), generator)
    try:
        url = callback_url(server, "/callback/ok")
        first = await say(client, f"가사 {KO_ARTIST} / 봄날", callback=url)
        again = await say(client, f"가사 {KO_ARTIST} / 봄날", callback=url)
        assert first == again == {}  # both are the useCallback acknowledgement
        await until(lambda: len(got) == 1)
        await asyncio.sleep(0.8)
        assert len(got) == 1 and len(generator.calls) == 1
        assert "『봄날』" in texts(check_response(got[0]))
    finally:
        await client.close()


async def test_a_repeat_while_the_first_still_works_gets_the_same_answer(redis: Redis) -> None:
    generator = SlowGenerator(["\n".join(NEW_LINES)], 0.5)
    client = await make_client(redis, kakao_settings(), generator)
    try:
        first, again = await asyncio.gather(
            say(client, f"가사 {KO_ARTIST} / 여름"), say(client, f"가사 {KO_ARTIST} / 여름")
        )
        assert first == again and "『여름』" in texts(first)
        assert len(generator.calls) == 1
    finally:
        await client.close()
