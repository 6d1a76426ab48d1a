"""Simple commands as slash commands (cogs/commands.py), end to end through the harness: real
discord.py, the REST stand-in, real Redis. No simple command exists yet, so this module declares
two (with their catalog texts) and hands them to the bot in place of ``simple_commands()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import pytest
from fluent.runtime import FluentBundle, FluentResource
from redis.exceptions import ConnectionError as RedisConnectionError

import bot.commands
from bot import texts
from bot.commands import Request, SimpleCommand
from bot.discord_bot import NoraeBot
from bot.errors import UserError
from contract.ids import Actor, Channel
from tests.bot.test_relay import Clock
from tests.discord_harness import (
    DiscordHarness,
    Dispatched,
    assert_callback,
    assert_safe_followup,
    assert_safe_message,
    followups_of,
)
from tests.discord_harness.assertions import CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE
from tests.discord_harness.fixtures import CogFactory

Harness = DiscordHarness[NoraeBot]
EPHEMERAL = 1 << 6

CATALOG = {
    "ko": """
command-echo-description = 보낸 글을 그대로 돌려줘요
command-echo-keywords = 따라
command-echo-text = 돌려받을 글
command-quiet-description = 조용히 답해요
command-quiet-keywords = 조용
command-quiet-text = 덧붙일 말
""",
    "en": """
command-echo-description = Says your text back
command-echo-keywords = echo
command-echo-text = What to say back
command-quiet-description = Answers at once
command-quiet-keywords = quiet
command-quiet-text = Anything to add
""",
}

seen: list[Request] = []


async def echo(request: Request) -> str:
    """Says the request back; some texts stand for a failure."""
    seen.append(request)
    if request.text == "refuse":
        raise UserError("model-failed")
    if request.text == "crash":
        raise RuntimeError("a bug in the command")
    if request.text == "redis":
        raise RedisConnectionError("connection refused")
    return f"{request.lang}: {request.text}"


async def quiet(request: Request) -> str:
    seen.append(request)
    return f"quiet ({request.text or 'nothing'})"


ECHO = SimpleCommand("echo", echo, max_text_chars=50, action="lyrics", slow=True)
QUIET = SimpleCommand("quiet", quiet, text_required=False, action="write", slow=False)


@pytest.fixture
def declared(monkeypatch: pytest.MonkeyPatch) -> None:
    """ECHO and QUIET are the simple commands, their texts in (copies of) the catalogs."""

    @cache
    def bundle(lang: texts.Lang) -> FluentBundle:
        found = FluentBundle([lang], use_isolating=False)
        for path in sorted((texts.LOCALES_DIR / lang).glob("*.ftl")):
            found.add_resource(FluentResource(path.read_text(encoding="utf-8")))
        found.add_resource(FluentResource(CATALOG[lang]))
        return found

    monkeypatch.setattr(texts, "bundle", bundle)
    monkeypatch.setattr(bot.commands, "simple_commands", lambda: (ECHO, QUIET))
    seen.clear()


@pytest.fixture
def discord_extra_cogs(declared: None) -> Sequence[CogFactory]:
    """None: only makes sure the commands are declared before the bot loads its cogs."""
    return ()


async def run(
    h: Harness, command: str, options: dict[str, Any] | None = None, **extra: Any
) -> Dispatched:
    interaction = h.slash(command, options, user=h.member("ann"), **extra)
    await interaction.done()
    return interaction


def private_reply(h: Harness, interaction: Dispatched) -> str:
    """The ephemeral answer: a type 4 callback, or a follow-up after a defer."""
    sent = followups_of(h, interaction)
    if sent:
        body = assert_safe_message(sent[-1])
    else:
        body = assert_callback(h, interaction, CHANNEL_MESSAGE).json["data"]
        assert_safe_message_data(body)
    assert (body.get("flags") or 0) & EPHEMERAL, f"public, expected ephemeral: {body}"
    return str(body["content"])


def assert_safe_message_data(data: dict[str, Any]) -> None:
    mentions = data.get("allowed_mentions")
    assert mentions is not None and mentions.get("parse") == [], mentions


# --- registration ------------------------------------------------------------------------


async def test_each_simple_command_is_a_slash_command_with_korean_texts(
    discord_harness: Harness,
) -> None:
    h = discord_harness
    await h.say(f"<@{h.bot_user_id}> sync", user=h.world.owner).done()
    (put,) = h.rest.find("PUT", "/applications/{application_id}/commands")
    synced = {c["name"]: c for c in put.json}
    assert {"echo", "quiet", "relay", "lyrics", "mood"} <= set(synced)

    echo_cmd = synced["echo"]
    assert echo_cmd["name_localizations"] == {"ko": "따라"}  # its first Korean keyword
    assert echo_cmd["description"] == "Says your text back"
    assert echo_cmd["description_localizations"] == {"ko": "보낸 글을 그대로 돌려줘요"}
    (text,) = echo_cmd["options"]
    assert text["name"] == "text" and text["type"] == 3  # a string
    assert text["name_localizations"] == {"ko": "내용"}
    assert text["required"] is True and text["max_length"] == 50
    assert text["description"] == "What to say back"
    assert text["description_localizations"] == {"ko": "돌려받을 글"}

    (optional,) = synced["quiet"]["options"]
    assert optional["required"] is False and optional["max_length"] == 200
    assert synced["quiet"]["name_localizations"] == {"ko": "조용"}
    assert synced["quiet"]["description_localizations"] == {"ko": "조용히 답해요"}
    # the features' own commands are translated from their catalog codes too
    assert synced["lyrics"]["name_localizations"] == {"ko": "가사"}
    assert synced["lyrics"]["description_localizations"] == {
        "ko": texts.text("discord-lyrics-description", "ko")
    }


# --- answers -----------------------------------------------------------------------------


async def test_a_slow_command_defers_then_answers_in_the_users_language(
    discord_harness: Harness,
) -> None:
    h = discord_harness
    korean = await run(h, "echo", {"text": "  @everyone 안녕  "})
    assert_callback(h, korean, DEFERRED_CHANNEL_MESSAGE)
    body = assert_safe_followup(h, korean)  # pings nobody
    assert body["content"] == "ko: @everyone 안녕"
    assert not (body.get("flags") or 0) & EPHEMERAL

    english = await run(h, "echo", {"text": "hello"}, locale="en-US")
    assert assert_safe_followup(h, english)["content"] == "en: hello"

    first, second = seen
    assert first.services is h.bot.services
    assert first.actor == Actor.discord(h.member("ann").id)
    assert first.actor.key == f"discord:{h.member('ann').id}"
    assert first.channel == Channel.discord(h.world.channel["id"])
    assert (first.lang, first.text) == ("ko", "@everyone 안녕")
    assert (second.lang, second.text) == ("en", "hello")


async def test_a_quick_command_answers_at_once_and_its_text_may_be_left_out(
    discord_harness: Harness,
) -> None:
    h = discord_harness
    interaction = await run(h, "quiet")
    data = assert_callback(h, interaction, CHANNEL_MESSAGE).json["data"]
    assert data["content"] == "quiet (nothing)"
    assert_safe_message_data(data)
    assert followups_of(h, interaction) == []
    assert seen[0].text == ""


async def test_a_required_text_of_blanks_is_refused_in_the_users_language(
    discord_harness: Harness,
) -> None:
    h = discord_harness
    korean = await run(h, "echo", {"text": "   "})
    assert private_reply(h, korean) == "“돌려받을 글”에 내용을 써 주세요."
    english = await run(h, "echo", {"text": "   "}, locale="en-GB")
    assert private_reply(h, english) == "Write something in “What to say back”."
    assert seen == [] and h.jobs == []


async def test_the_commands_action_is_spent(discord_harness: Harness) -> None:
    h = discord_harness
    h.bot.limiter.clock = Clock()  # frozen: only the burst counts
    burst = int(h.bot.settings.limits.rate("lyrics").burst)
    for i in range(burst):
        assert assert_safe_followup(h, await run(h, "echo", {"text": f"{i}"}))
    refused = await run(h, "echo", {"text": "one more"})
    assert "천천히" in private_reply(h, refused)
    assert len(seen) == burst
    # another action's bucket is untouched
    assert assert_callback(h, await run(h, "quiet"), CHANNEL_MESSAGE)


# --- the one error path (the command tree's on_error) ------------------------------------


async def test_a_refusal_is_its_catalog_text_privately(discord_harness: Harness) -> None:
    h = discord_harness
    korean = await run(h, "echo", {"text": "refuse"})
    assert private_reply(h, korean) == texts.text("model-failed", "ko")
    english = await run(h, "echo", {"text": "refuse"}, locale="en-US")
    assert private_reply(h, english) == texts.text("model-failed", "en")


async def test_a_bug_is_something_went_wrong_and_a_log_line(discord_harness: Harness) -> None:
    h = discord_harness
    with h.expect_errors():
        interaction = await run(h, "echo", {"text": "crash"})
        logged = h.error_messages()
    assert private_reply(h, interaction) == texts.text("error-unknown", "ko")
    assert any("a bug in the command" in m for m in logged), logged


async def test_redis_down_is_briefly_unavailable(discord_harness: Harness) -> None:
    h = discord_harness
    interaction = await run(h, "echo", {"text": "redis"}, locale="en-US")
    assert private_reply(h, interaction) == texts.text("unavailable", "en")
