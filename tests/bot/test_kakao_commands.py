"""The Kakao commands as declared per feature, and the simple commands in the Kakao room.

The declarations are checked against what the skill did before they were data (the help text,
which commands are slow, which rate-limit action each spends, which are reads). Simple commands
run through the skill on real Redis with a command this module declares (its catalog texts added
to the real catalogs for the test).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from fluent.runtime import FluentBundle, FluentResource

import bot.commands
from bot import texts
from bot.commands import Request, SimpleCommand
from bot.errors import UserError
from bot.kakao import registry
from bot.kakao.commands.general import help_text
from bot.kakao.late import FETCH
from bot.kakao.skill import KAKAO_KEY
from bot.web.keys import SERVICES_KEY
from contract.ids import Actor, Channel
from contract.settings import LimitSettings, Rate
from storage.connection import Redis
from tests.bot.test_kakao import (
    LOCAL_CALLBACKS,
    RECEIVER_PORT,
    USER_ID,
    Client,
    check_response,
    kakao_settings,
    ko,
    make_client,
    quick,
    say,
    until,
)
from tests.bot.test_kakao import texts as shown
from tests.bot.test_relay import Clock

# --- the declarations ------------------------------------------------------------------------

# The help text as it was written by hand before it was made from the declarations, its lines now
# catalog texts: the Korean lines, then the English usages.
HELP = "\n".join(
    [
        ko("kakao-help-title"),
        f"• {ko('kakao-usage-relay-start')} — {ko('kakao-does-relay-start')}",
        f"• {ko('kakao-usage-relay-write')} — {ko('kakao-does-relay-write')}",
        f"• {ko('kakao-usage-relay-continue')} — {ko('kakao-does-relay-continue')}",
        " · ".join(
            [
                f"• {ko('kakao-usage-relay-vote')}",
                ko("kakao-usage-relay-show"),
                ko("kakao-usage-relay-undo"),
                ko("kakao-usage-relay-end"),
            ]
        ),
        f"• {ko('kakao-usage-lyrics')} — {ko('kakao-does-lyrics')}",
        f"• {ko('kakao-does-mood')}",
        f"• {ko('kakao-usage-mood-pick')} — {ko('kakao-does-mood-pick')} · "
        f"{ko('kakao-usage-mood-policy')} · {ko('kakao-usage-mood-forget')}",
    ]
)
ENGLISH = (
    "relay start [title]|write <line>|continue [keyword]|reroll|show|undo|end, vote <number>, "
    "lyrics <artist> [/ theme], pick <number>, mood match|lift, forget me, result, help"
)

FEATURE_KINDS = {
    "relay.start",
    "relay.write",
    "relay.continue",
    "relay.reroll",
    "relay.vote",
    "relay.show",
    "relay.undo",
    "relay.end",
    "lyrics",
    "lyrics.again",
    "mood",
    "mood.pick",
    "mood.policy",
    "mood.forget",
    "fetch",
    "help",
}


def help_parts() -> tuple[str, str]:
    """The help text's title and Korean lines, and its closing line of English usages (its
    wrapped lines joined)."""
    title, *rest = help_text().split("\n")
    bullets = [line for line in rest if line.startswith("• ")]
    assert rest[: len(bullets)] == bullets, "the Korean lines come first"
    return "\n".join([title, *bullets]), " ".join(rest[len(bullets) :])


@pytest.fixture
def features_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The features' own commands, without the simple commands (bot/commands/) declared now."""
    monkeypatch.setattr(bot.commands, "simple_commands", lambda: ())


def test_the_help_text_is_made_from_the_declarations(features_only: None) -> None:
    korean, english = help_parts()
    assert korean == HELP
    assert korean.splitlines()[:2] == [
        "노래봇 사용법",
        "• 이어쓰기 시작 [제목] — 이 대화방의 이야기 시작",
    ]
    # The English usages (the English catalog's texts of the same usage codes) close it.
    assert english == ko("kakao-help-english", usages=ENGLISH)
    assert english.startswith("영어로도 보낼 수 있어요: relay start [title]|write <line>|")


def test_every_declared_simple_command_is_offered_and_listed() -> None:
    """The simple commands declared now (such as ``시``) are Kakao commands too, each with its
    Korean usage and description in the help and its English usage on the closing line."""
    kinds = [c.kind for c in registry.commands()]
    korean, english = help_parts()
    for command in bot.commands.simple_commands():
        assert f"command.{command.name}" in kinds
        words = command.keywords()
        usage = f"{words[0]} <{command.text_label('ko')}>" if command.text_required else words[0]
        assert f"• {usage} — {command.description('ko')}" in korean.splitlines()
        english_word = next(word for word in words if word.isascii())
        assert f" {english_word}" in english


def test_every_feature_command_is_declared_once_with_its_old_traits(features_only: None) -> None:
    declared = {c.kind: c for c in registry.commands()}
    assert set(declared) == FEATURE_KINDS
    assert {k for k, c in declared.items() if c.slow} == {
        "relay.continue",
        "relay.reroll",
        "lyrics",
        "lyrics.again",
        "mood",
        "mood.pick",
    }
    assert {k: c.action for k, c in declared.items() if c.action} == {
        "relay.start": "start",
        "relay.write": "write",
        "relay.undo": "write",
        "relay.end": "write",
        "relay.continue": "continue",
        "relay.reroll": "continue",
        "relay.vote": "vote",
        "lyrics": "lyrics",
        "lyrics.again": "lyrics",
        "mood": "mood",
        "mood.pick": "mood",
    }
    assert {k for k, c in declared.items() if not c.deduped} == {"help", "relay.show"}
    # Only the companion has no keyword: it is what is left.
    assert [k for k, c in declared.items() if not c.rules] == ["mood"]


# --- a simple command ------------------------------------------------------------------------

CATALOG = {
    "ko": """
command-echo-description = 받은 말을 그대로 돌려줘요
command-echo-keywords = 따라 echo
command-echo-text = 따라 할 말
command-fail-description = 늘 실패해요
command-fail-keywords = 실패 fail
command-fail-text = 아무 말
command-crash-description = 늘 고장 나요
command-crash-keywords = 고장 crash
command-crash-text = 아무 말
command-slow-description = 천천히 돌려줘요
command-slow-keywords = 느리게 slowly
command-slow-text = 느리게 할 말
command-lyr-description = 가사와 겹치는 말
command-lyr-keywords = 가사 lyr
command-lyr-text = 아무 말
test-refused = 그건 할 수 없어요: { $why }
""",
    "en": """
command-echo-description = Says back what it got
command-echo-keywords = echo
command-echo-text = What to say back
command-fail-description = Always fails
command-fail-keywords = fail
command-fail-text = Anything
command-crash-description = Always breaks
command-crash-keywords = crash
command-crash-text = Anything
command-slow-description = Says it back slowly
command-slow-keywords = slowly
command-slow-text = What to say back slowly
command-lyr-description = Shares a keyword with lyrics
command-lyr-keywords = lyr
command-lyr-text = Anything
test-refused = I can't do that: { $why }
""",
}

SEEN: list[Request] = []
DELAY = {"slow": 0.0}  # how long the slow command takes


async def echo(request: Request) -> str:
    SEEN.append(request)
    return f"{request.text} ({request.actor} @ {request.channel}, {request.lang})"


async def fail(request: Request) -> str:
    raise UserError("test-refused", why=request.text or "nothing")


async def crash(request: Request) -> str:
    raise RuntimeError("internal detail nobody should read")


async def slowly(request: Request) -> str:
    await asyncio.sleep(DELAY["slow"])
    return f"천천히: {request.text}"


ECHO = SimpleCommand("echo", echo, max_text_chars=20, action="vote", slow=False)
FAIL = SimpleCommand("fail", fail, text_required=False, action="vote", slow=False)
CRASH = SimpleCommand("crash", crash, action="vote", slow=False)
SLOW = SimpleCommand("slow", slowly, action="vote", slow=True)
LYR = SimpleCommand("lyr", echo, slow=False)


@pytest.fixture
def simple_commands(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This module's commands, with their catalog texts added to the real catalogs."""
    bundles: dict[str, FluentBundle] = {}
    for lang in texts.LANGUAGES:
        bundle = FluentBundle([lang], use_isolating=False)
        for path in sorted((texts.LOCALES_DIR / lang).glob("*.ftl")):
            bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))
        bundle.add_resource(FluentResource(CATALOG[lang]))
        bundles[lang] = bundle
    monkeypatch.setattr(texts, "bundle", bundles.__getitem__)
    monkeypatch.setattr(bot.commands, "simple_commands", lambda: (CRASH, ECHO, FAIL, LYR, SLOW))
    SEEN.clear()
    yield
    SEEN.clear()


@pytest.fixture
async def client(redis: Redis, simple_commands: None) -> AsyncIterator[Client]:
    c = await make_client(redis, kakao_settings())
    yield c
    await c.close()


def test_simple_commands_are_parsed_by_their_keywords(simple_commands: None) -> None:
    got = registry.parse("따라   안녕  하세요")
    assert (got.kind, got.text) == ("command.echo", "안녕 하세요")
    assert registry.parse("ECHO hi").kind == "command.echo"  # any case, either language
    assert registry.parse("따라").kind == "command.echo"
    # A keyword is a whole word; the companion gets the rest.
    assert registry.parse("따라해 봐").kind == "mood"
    # The features' commands come first: "가사" stays the lyrics command.
    assert registry.parse("가사 아이유").kind == "lyrics"
    assert registry.parse("lyr 아이유").kind == "command.lyr"
    # A block may name one.
    params = {"command": "command.echo", "text": "블록에서"}
    assert registry.apply_params(registry.parse("아무 말"), params).text == "블록에서"
    # The help lists them (Korean usage and description; English usage on the closing line).
    assert "• 따라 <따라 할 말> — 받은 말을 그대로 돌려줘요" in help_text()
    english = ENGLISH.replace("result", "crash, echo, fail, lyr, slowly, result")
    assert help_parts()[1] == ko("kakao-help-english", usages=english)


async def test_a_simple_command_answers_in_korean_with_who_asked(client: Client) -> None:
    template = await say(client, "따라 안녕")
    assert shown(template) == f"안녕 (kakao:{USER_ID} @ kakao:{USER_ID}, ko)"
    (request,) = SEEN
    assert request.services is client.app[SERVICES_KEY]  # the process's services, not its own
    assert (request.actor, request.channel) == (Actor.kakao(USER_ID), Channel.kakao(USER_ID))
    # In a group chat the chat is the channel; the user stays the actor.
    template = await say(client, "echo 모두에게", user="member21", group="room5")
    assert shown(template) == "모두에게 (kakao:member21 @ kakao:room5, ko)"
    assert SEEN[-1].channel == Channel.kakao("room5")


async def test_a_simple_command_without_its_text_asks_for_it(client: Client) -> None:
    template = await say(client, "따라")
    assert shown(template) == texts.text(
        "kakao-command-text-required", "ko", keyword="따라", label="따라 할 말"
    )
    assert "따라 할 말" in shown(template) and "command-" not in shown(template)
    too_long = await say(client, "따라 " + "가" * 21)
    assert shown(too_long) == texts.text("kakao-command-text-too-long", "ko", limit=20)
    assert SEEN == []  # neither ran the command
    # A command that takes no text runs without one.
    assert shown(await say(client, "실패")) == "그건 할 수 없어요: nothing"


async def test_errors_are_korean_texts_and_internals_are_logged(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    assert shown(await say(client, "fail 지금")) == "그건 할 수 없어요: 지금"
    with caplog.at_level(logging.ERROR, logger="bot.kakao"):
        template = await say(client, "고장 아무거나")
    assert shown(template) == texts.text("error-unknown", "ko")
    assert "internal detail" not in str(template)
    assert "kakao: command.crash failed" in caplog.text and "internal detail" in caplog.text


async def test_a_refused_simple_command_costs_no_token(redis: Redis, simple_commands: None) -> None:
    settings = kakao_settings()
    settings.limits = LimitSettings(vote=Rate(burst=2, per_minute=1))
    client = await make_client(redis, settings)
    try:
        client.app[SERVICES_KEY].limiter.clock = Clock()  # frozen: no refill during the test
        for n in range(4):  # refused (a UserError): each token comes back
            assert "할 수 없어요" in shown(await say(client, f"fail {n}"))
        assert "안녕" in shown(await say(client, "따라 안녕"))
        assert "둘" in shown(await say(client, "따라 둘"))
        assert "천천히 해 주세요" in shown(await say(client, "따라 셋"))  # the burst is spent
    finally:
        await client.close()


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[TestServer, list[dict[str, Any]]]]:
    """A stand-in for Kakao's callback API on the port the test settings allow."""
    got: list[dict[str, Any]] = []

    async def ok(request: web.Request) -> web.Response:
        got.append(await request.json())
        return web.json_response({"status": "SUCCESS"})

    app = web.Application()
    app.router.add_post("/callback", ok)
    server = TestServer(app, host="127.0.0.1", port=RECEIVER_PORT)
    await server.start_server()
    yield server, got
    await server.close()


async def test_a_slow_simple_command_answers_by_callback(
    client: Client, receiver: tuple[TestServer, list[dict[str, Any]]]
) -> None:
    assert LOCAL_CALLBACKS["callback_allow_http"]
    server, got = receiver
    url = str(server.make_url("/callback").with_query(token="s1"))
    assert await say(client, "느리게 안녕", callback=url) == {}  # the useCallback ack
    await until(lambda: len(got) == 1)
    assert shown(check_response(got[0])) == "천천히: 안녕"
    assert client.app[KAKAO_KEY].callbacks["delivered"] == 1


async def test_a_slow_simple_command_answers_late_without_callback(
    redis: Redis, simple_commands: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(DELAY, "slow", 0.6)
    settings = kakao_settings(callback_enabled=False, reply_budget_s=0.3)
    client = await make_client(redis, settings)
    try:
        template = await say(client, "느리게 늦게")
        assert shown(template) == ko("kakao-still-writing")
        assert quick(template) == {ko("kakao-quick-fetch"): FETCH}
        await asyncio.sleep(0.8)
        assert shown(await say(client, FETCH)) == "천천히: 늦게"
    finally:
        await client.close()
