"""KakaoTalk's rules and habits, through aiohttp's test client on real Redis: no quick replies in
group chats, a help text for what is neither a command nor a feeling, number entities as Kakao
sends them, callbacks Kakao refuses in a 200 body, and the reply budget's margin."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.cli.embedded_redis import free_port
from bot.kakao.grammar import Command
from bot.kakao.late import FETCH
from bot.kakao.registry import apply_params, parse
from bot.kakao.rendering import for_group, group_hint
from bot.kakao.skill import KAKAO_KEY
from contract.settings import KakaoSettings
from storage.connection import Redis
from tests.bot.test_kakao import (
    CANDIDATES,
    Client,
    SlowGenerator,
    check_response,
    kakao_settings,
    kinds,
    ko,
    make_client,
    quick,
    say,
    texts,
    until,
)
from tests.bot.test_lyrics import KO_ARTIST, NEW_LINES
from tests.bot.test_mood import SAD_KO

NOT_UNDERSTOOD = ko("kakao-not-understood")
STILL_WRITING = ko("kakao-still-writing")
KAKAO_PORT = free_port()  # the stand-in for Kakao's callback API


@pytest.fixture
async def client(redis: Redis) -> AsyncIterator[Client]:
    settings = kakao_settings(callback_hosts=[f"127.0.0.1:{KAKAO_PORT}"])
    c = await make_client(redis, settings)
    yield c
    await c.close()


@pytest.fixture
async def kakao_api() -> AsyncIterator[tuple[TestServer, list[dict[str, Any]]]]:
    """Answers as Kakao's callback API does: HTTP 200 always, the verdict in the body."""
    got: list[dict[str, Any]] = []

    def answer(status: str) -> Any:
        async def handler(request: web.Request) -> web.Response:
            got.append(await request.json())
            body: dict[str, Any] = {"taskId": "t1", "status": status}
            if status != "SUCCESS":
                body["message"] = "callback already used"
            return web.json_response(body)

        return handler

    app = web.Application()
    app.router.add_post("/ok", answer("SUCCESS"))
    app.router.add_post("/fail", answer("FAIL"))
    app.router.add_post("/error", answer("ERROR"))
    server = TestServer(app, host="127.0.0.1", port=KAKAO_PORT)
    await server.start_server()
    yield server, got
    await server.close()


# --- group chats ---------------------------------------------------------------------------


def test_group_hint_offers_the_commands_as_text() -> None:
    assert group_hint(["투표 1", "투표 2", "투표 3", "이어쓰기 다시"]) == (
        "투표 1 / 투표 2 / 투표 3으로 투표해 주세요.\n이렇게 보내도 돼요: 이어쓰기 다시"
    )
    assert group_hint([f"고르기 {n}" for n in range(1, 10)]) == "고르기 1 ~ 고르기 9로 보내 주세요."
    # The particle follows the last number as it is read: 2로 (이), 3으로 (삼), 10으로 (십).
    assert group_hint(["투표 1", "투표 2"]) == "투표 1 / 투표 2로 투표해 주세요."
    assert group_hint(["고르기 3"]) == "고르기 3으로 보내 주세요."
    assert (
        group_hint([f"고르기 {n}" for n in range(1, 11)]) == "고르기 1 ~ 고르기 10으로 보내 주세요."
    )
    assert group_hint(["이야기 보기"]) == ko("kakao-group-others", commands="이야기 보기")


def test_for_group_drops_quick_replies_within_kakao_limits() -> None:
    full = {
        "version": "2.0",
        "template": {
            "outputs": [{"simpleText": {"text": "가" * 1000}}, {"listCard": {}}, {"listCard": {}}],
            "quickReplies": [{"label": "1번", "action": "message", "messageText": "고르기 1"}],
        },
    }
    out = for_group(full)
    assert "quickReplies" not in out["template"] and len(out["template"]["outputs"]) == 3
    text = out["template"]["outputs"][0]["simpleText"]["text"]
    assert len(text) <= 1000 and text.endswith("고르기 1로 보내 주세요.")
    assert "quickReplies" in full["template"]  # the original is left as it was
    plain = {"version": "2.0", "template": {"outputs": [{"simpleText": {"text": "안녕"}}]}}
    assert for_group(plain) == plain


async def test_group_mood_and_help_answers_carry_no_quick_replies(client: Client) -> None:
    template = await say(client, SAD_KO, user="member11", group="room9")
    assert "quickReplies" not in template
    assert "listCard" in kinds(template)
    assert "고르기 1 ~ 고르기" in texts(template)
    template = await say(client, "ㅎㅇ", user="member11", chat="room9")
    assert "quickReplies" not in template and NOT_UNDERSTOOD in texts(template)


async def test_a_group_callback_carries_no_quick_replies(
    client: Client, kakao_api: tuple[TestServer, list[dict[str, Any]]]
) -> None:
    server, got = kakao_api
    url = str(server.make_url("/ok").with_query(token="g1"))
    await say(client, f"가사 {KO_ARTIST} / 봄날", callback=url, group="room9")
    await until(lambda: len(got) == 1)
    template = check_response(got[0])
    assert "quickReplies" not in template and "가사 다시" in texts(template)


async def test_a_late_answer_in_a_group_is_fetched_by_text(redis: Redis) -> None:
    settings = kakao_settings(callback_enabled=False, reply_budget_s=0.3)
    client = await make_client(redis, settings, SlowGenerator(["\n".join(NEW_LINES)], 0.6))
    try:
        template = await say(client, f"가사 {KO_ARTIST} / 봄날", group="room9")
        assert "quickReplies" not in template
        assert texts(template) == f"{STILL_WRITING}\n\n{ko('kakao-group-others', commands=FETCH)}"
        assert texts(template).endswith("이렇게 보내도 돼요: 결과 보기")
        await asyncio.sleep(0.8)
        template = await say(client, FETCH, group="room9")
        assert "『봄날』" in texts(template) and "quickReplies" not in template
    finally:
        await client.close()


# --- neither a command nor a feeling ---------------------------------------------------------


@pytest.mark.parametrize(
    "utterance",
    ["!가격 btc", "오늘 날씨 어때?", "ㅎㅇ", "https://www.youtube.com/watch?v=x1", "010-1234-5678"],
)
async def test_what_is_not_a_feeling_gets_a_short_help(client: Client, utterance: str) -> None:
    template = await say(client, utterance)
    assert texts(template) == NOT_UNDERSTOOD
    assert kinds(template) == ["simpleText"]  # no emotion, no song list
    assert quick(template) == {ko("kakao-quick-help"): "도움말"}


async def test_feelings_and_crises_still_reach_the_companion(client: Client) -> None:
    template = await say(client, SAD_KO)
    assert "listCard" in kinds(template)
    # A crisis in a message that also looks like a command or a link is answered first.
    for crisis in ("!죽고 싶다", "https://x.com 나 오늘 죽을 거야"):
        assert "자살예방상담전화 109" in texts(await say(client, crisis)), crisis
    # A block that names the mood command explicitly skips the gate.
    template = await say(client, "오늘 날씨 어때?", params={"command": "mood"})
    assert texts(template) != NOT_UNDERSTOOD


# --- number entities -------------------------------------------------------------------------


def test_number_entities_are_read_from_kakaos_json_strings() -> None:
    vote = parse("두 번째 거")
    entity = '{"amount": 2, "unit": null}'
    assert apply_params(vote, {"command": "relay.vote", "choice": entity}).choice == 2
    ordinal = {"command": "relay.vote", "choice": {"amount": 3, "unit": None}}
    assert apply_params(vote, ordinal).choice == 3
    page = apply_params(parse("이야기 보기"), {"page": '{"amount": 2.0, "unit": null}'})
    assert page == Command("relay.show", page=2)
    # Bad JSON, or JSON without a whole number: the usual usage answer, never a guess.
    for bad in ('{"amount": ', '{"amount": "둘"}', '{"amount": 1.5}', "[2]", '{"unit": null}'):
        assert apply_params(vote, {"command": "relay.vote", "choice": bad}).choice is None, bad
        assert apply_params(parse("이야기 보기"), {"page": bad}).page == 0, bad


async def test_a_vote_block_with_a_number_entity(client: Client) -> None:
    await say(client, "이어쓰기 시작 숫자 이야기")
    await say(client, "이어쓰기 한줄 첫 줄.")
    assert CANDIDATES[0] in texts(await say(client, "이어쓰기 계속"))
    entity = '{"amount": 2, "unit": null}'
    template = await say(client, "2번째", params={"command": "relay.vote", "choice": entity})
    assert texts(template) == ko("kakao-relay-voted", choice=2)
    # Only in detailParams (as some blocks send it): read from its value.
    detail = {"choice": {"origin": "3번", "value": '{"amount": 3, "unit": null}', "groupName": ""}}
    template = await say(client, "3번", params={"command": "relay.vote"}, detail=detail)
    changed = ko("kakao-relay-vote-changed", previous=2)
    assert texts(template) == f"{ko('kakao-relay-voted', choice=3)} {changed}"
    assert "3번에 투표했어요" in texts(template) and "2번에서 바꿨어요" in texts(template)
    template = await say(
        client, "이야기", params={"command": "relay.show", "page": '{"amount": 1, "unit": null}'}
    )
    assert "1/1쪽" in texts(template)
    template = await say(client, "이야기", params={"command": "relay.show", "page": '{"amount"'})
    assert texts(template) == ko("kakao-relay-bad-page")
    template = await say(client, "투표", params={"command": "relay.vote", "choice": "{oops"})
    assert texts(template) == ko("kakao-relay-vote-how")


# --- callbacks Kakao refuses in its body -----------------------------------------------------


async def test_a_callback_refused_in_a_200_body_is_a_failure(
    client: Client,
    kakao_api: tuple[TestServer, list[dict[str, Any]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, got = kakao_api
    ks = client.app[KAKAO_KEY]
    caplog.set_level(logging.INFO, logger="bot.kakao")
    await say(client, f"가사 {KO_ARTIST}", callback=str(server.make_url("/ok").with_query(t="1")))
    await until(lambda: ks.callbacks["delivered"] == 1)
    for n, path in enumerate(("/fail", "/error"), 1):
        url = str(server.make_url(path).with_query(t=str(n + 1)))
        await say(client, f"가사 {KO_ARTIST}", callback=url)
        await until(lambda n=n: ks.callbacks["failed"] == n)
    assert len(got) == 3  # one POST each, none repeated
    assert ks.callbacks == {"delivered": 1, "failed": 2}
    assert "refused in its body (200): FAIL callback already used" in caplog.text
    assert "refused in its body (200): ERROR callback already used" in caplog.text
    assert caplog.text.count("callback delivered") == 1


# --- the reply budget ------------------------------------------------------------------------


def test_the_reply_budget_leaves_a_margin_for_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    assert KakaoSettings().reply_budget_s == 3.5
    assert KakaoSettings().reply_budget_s <= 5.0 - 1.0  # Kakao's 5 s, a second or more spare
    from contract.settings import Settings

    monkeypatch.setenv("NORAE_KAKAO_REPLY_BUDGET_S", "2.5")
    assert Settings().kakao.reply_budget_s == 2.5
