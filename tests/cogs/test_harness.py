"""The Discord harness end to end: real discord.py, real Redis, the real worker on a tiny model.

The cog below exists only for these tests; it has the shapes real cogs have (a slash command
group that defers and calls the model, autocomplete, a persistent button, a raw reaction
listener that stores votes by (message, user) in Redis, a DM reply).
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable, Sequence

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot import texts
from bot.discord_bot import NoraeBot
from models.worker import Worker
from storage.connection import Redis
from tests.discord_harness import (
    DiscordHarness,
    assert_callback,
    assert_component_sent,
    assert_deferred_before_model_call,
    assert_file_attached,
    assert_safe_followup,
    assert_safe_message,
    followups_of,
)
from tests.discord_harness.assertions import (
    AUTOCOMPLETE_RESULT,
    CALLBACK_ROUTE,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    FOLLOWUP_ROUTE,
)
from tests.discord_harness.fixtures import CogFactory

VOTE_BUTTON = "test:vote:up"
VOTE_EMOJI = "👍"
GENRES = ("fairy tale", "fantasy", "horror", "romance")
REACTION_ROUTE = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"


# --- a tiny vote store (real features keep theirs in storage/) ---------------------------


def _votes_key(message_id: int) -> str:
    return f"test:votes:{message_id}"


async def set_vote(redis: Redis, message_id: int, user_id: int, *, on: bool) -> None:
    if on:
        await redis.sadd(_votes_key(message_id), str(user_id))
    else:
        await redis.srem(_votes_key(message_id), str(user_id))


async def count_votes(redis: Redis, message_id: int | str) -> int:
    return int(await redis.scard(_votes_key(int(message_id))))


# --- the test-only cog -------------------------------------------------------------------


class VoteView(discord.ui.View):
    def __init__(self, redis: Redis) -> None:
        super().__init__(timeout=None)
        self.redis = redis

    @discord.ui.button(label="vote", emoji=VOTE_EMOJI, custom_id=VOTE_BUTTON)
    async def vote(
        self, interaction: discord.Interaction, button: discord.ui.Button[VoteView]
    ) -> None:
        assert interaction.message is not None
        await set_vote(self.redis, interaction.message.id, interaction.user.id, on=True)
        count = await count_votes(self.redis, interaction.message.id)
        await interaction.response.send_message(f"{count} vote(s)", ephemeral=True)


class StoryCog(commands.Cog):
    story = app_commands.Group(name="story", description="Write a story together")

    def __init__(self, bot: NoraeBot) -> None:
        self.bot = bot

    @story.command(name="continue", description="The model continues your line")
    @app_commands.describe(prompt="the story so far", genre="what kind of story")
    async def continue_(
        self, interaction: discord.Interaction, prompt: str, genre: str = "fairy tale"
    ) -> None:
        await interaction.response.defer(thinking=True)
        [[text]] = await self.bot.inference.generate([prompt], n=1, max_new_tokens=12, seed=7)
        story = f"{prompt}{text}"
        message = await interaction.followup.send(
            story[:2000],
            view=VoteView(self.bot.redis),
            file=discord.File(io.BytesIO(story.encode()), filename="story.md"),
            wait=True,
        )
        await message.add_reaction(VOTE_EMOJI)

    @continue_.autocomplete("genre")
    async def genre_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=g, value=g) for g in GENRES if current in g]

    @story.command(name="ponder", description="Model work that takes a while")
    async def ponder(self, interaction: discord.Interaction, delay_ms: int = 3500) -> None:
        await interaction.response.defer()
        result = await self.bot.inference.noop("done", delay_ms=delay_ms)
        await interaction.followup.send(f"pondered: {result}")

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, event: discord.RawReactionActionEvent) -> None:
        if self.bot.user is not None and event.user_id != self.bot.user.id:
            await set_vote(self.bot.redis, event.message_id, event.user_id, on=True)

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, event: discord.RawReactionActionEvent) -> None:
        if self.bot.user is not None and event.user_id != self.bot.user.id:
            await set_vote(self.bot.redis, event.message_id, event.user_id, on=False)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None and not message.author.bot:
            await message.channel.send(f"you said {len(message.content)} chars: {message.content}")


@pytest.fixture
def discord_extra_cogs() -> Sequence[CogFactory]:
    return [StoryCog]


# --- the tests ---------------------------------------------------------------------------


async def test_login_ready_and_command_tree(discord_harness: DiscordHarness[NoraeBot]) -> None:
    h = discord_harness
    assert h.bot.is_ready() and h.bot.user is not None
    assert str(h.bot.user.id) == h.bot_user_id
    routes = [r.route for r in h.rest.requests]
    assert routes[:3] == ["/users/@me", "/oauth2/applications/@me", "/gateway/bot"]
    assert h.bot.get_guild(int(h.world.guild_id)) is not None
    assert h.bot.tree.get_command("story") is not None  # the test cog is in
    assert h.bot.get_cog("Admin") is not None  # and setup_hook ran


async def test_slash_command_defers_then_follows_up_safely(
    model_worker: Worker, discord_harness: DiscordHarness[NoraeBot]
) -> None:
    h = discord_harness
    prompt = "@everyone 옛날 옛적에 " + "가" * 2100  # long, and it tries to ping
    interaction = h.slash("story continue", {"prompt": prompt, "genre": "fantasy"})
    await interaction.done(timeout=30)

    callback = assert_deferred_before_model_call(h, interaction)
    assert callback.query.get("with_response") == "1"
    body = assert_safe_followup(h, interaction)
    assert body["content"] == prompt[:2000]
    sent = followups_of(h, interaction)
    assert_component_sent(sent, VOTE_BUTTON)
    _, story = assert_file_attached(sent, "story.md")
    assert story.decode().startswith(prompt) and len(story.decode()) > len(prompt)
    message_id = sent[-1].response["id"]
    await h.wait_for_request("PUT", REACTION_ROUTE, message_id=message_id)


async def test_autocomplete_is_answered_with_choices(
    discord_harness: DiscordHarness[NoraeBot],
) -> None:
    h = discord_harness
    interaction = h.autocomplete(
        "story continue", {"prompt": "옛날", "genre": "fa"}, focused="genre", dm=True
    )
    await interaction.done()
    call = assert_callback(h, interaction, AUTOCOMPLETE_RESULT)
    assert call.json["data"]["choices"] == [
        {"name": "fairy tale", "value": "fairy tale"},
        {"name": "fantasy", "value": "fantasy"},
    ]
    assert "user" in interaction.payload and "member" not in interaction.payload
    assert h.jobs == []  # autocomplete never calls the model


async def test_button_votes_count_each_user_once(
    model_worker: Worker, discord_harness: DiscordHarness[NoraeBot]
) -> None:
    h = discord_harness
    command = h.slash("story continue", {"prompt": "옛날 옛적에"})
    await command.done(timeout=30)
    message = followups_of(h, command)[-1].response
    alice, bob = h.member("alice"), h.member("bob")

    clicks = [h.click(message, VOTE_BUTTON, user=u) for u in (alice, alice, bob)]
    for click in clicks:
        await click.done()
    replies = [assert_callback(h, c, CHANNEL_MESSAGE).json["data"] for c in clicks]
    assert all(r["flags"] == 64 for r in replies)  # ephemeral
    assert replies[-1]["content"] == "2 vote(s)"
    assert await count_votes(h.bot.redis, message["id"]) == 2


async def test_reaction_votes_are_exact(
    model_worker: Worker, discord_harness: DiscordHarness[NoraeBot]
) -> None:
    h = discord_harness
    command = h.slash("story continue", {"prompt": "어느 날"})
    await command.done(timeout=30)
    message = followups_of(h, command)[-1].response
    redis = h.bot.redis
    alice, bob = h.member("alice"), h.member("bob")

    await h.react(message, VOTE_EMOJI, user_id=h.bot_user_id).done()  # the bot's own reaction
    for added in (True, False, True):  # alice: add → remove → add
        await h.react(message, VOTE_EMOJI, user_id=alice.id, added=added).done()
    assert await count_votes(redis, message["id"]) == 1
    await h.react(message, VOTE_EMOJI, user_id=bob.id).done()
    await h.react(message, VOTE_EMOJI, user_id=bob.id).done()  # a duplicate event
    assert await count_votes(redis, message["id"]) == 2
    await h.react(message, VOTE_EMOJI, user_id=h.bot_user_id, added=False).done()
    assert await count_votes(redis, message["id"]) == 2


async def test_rate_limited_followup_is_retried(
    model_worker: Worker, discord_harness: DiscordHarness[NoraeBot]
) -> None:
    h = discord_harness
    h.rest.rate_limit_once("POST", FOLLOWUP_ROUTE, retry_after=0.4)
    interaction = h.slash("story continue", {"prompt": "비가 내리던 밤"})
    await interaction.done(timeout=30)

    posts = h.rest.find("POST", FOLLOWUP_ROUTE, token=interaction.token)
    assert [r.status for r in posts] == [429, 200]
    assert posts[1].at - posts[0].at >= 0.4  # discord.py waited retry_after
    assert posts[1].json == posts[0].json
    assert_safe_followup(h, interaction)


async def test_model_work_beyond_three_seconds_is_still_answered(
    model_worker: Worker, discord_harness: DiscordHarness[NoraeBot]
) -> None:
    h = discord_harness
    interaction = h.slash("story ponder", {"delay_ms": 3500})
    await interaction.done(timeout=30)

    callback = assert_deferred_before_model_call(h, interaction)
    assert callback.json == {"type": DEFERRED_CHANNEL_MESSAGE}
    (followup,) = followups_of(h, interaction)
    assert followup.at - callback.at >= 3.5  # answered long after Discord's 3 s window
    assert followup.json["content"] == "pondered: done"
    assert_safe_message(followup)


async def test_an_answer_after_three_seconds_is_refused(
    discord_harness: DiscordHarness[NoraeBot],
) -> None:
    h = discord_harness
    interaction = h.slash("story ponder", {"delay_ms": 0})
    h.rest.interactions[interaction.id].sent_at -= 3.5  # as if the bot had dawdled
    with h.expect_errors():
        await interaction.done()
        assert any("Unknown interaction" in m for m in h.error_messages())
    (call,) = h.rest.find("POST", CALLBACK_ROUTE, interaction_id=interaction.id)
    assert call.status == 404 and h.jobs == []


async def test_dm_message_gets_a_reply_that_pings_nobody(
    discord_harness: DiscordHarness[NoraeBot],
) -> None:
    h = discord_harness
    await h.bot.remove_cog("Mood")  # this test's own cog answers DMs here, not the companion
    alice = h.member("alice")
    await h.say("@everyone 안녕", user=alice, dm=True).done()
    reply = await h.wait_for_request("POST", "/channels/{channel_id}/messages")
    assert reply.params["channel_id"] == h.ids.for_key(f"dm:{alice.id}")
    assert assert_safe_message(reply)["content"] == "you said 12 chars: @everyone 안녕"


async def test_owner_sync_publishes_the_command_tree(
    discord_harness: DiscordHarness[NoraeBot],
) -> None:
    h = discord_harness
    await h.say(f"<@{h.bot_user_id}> sync", user=h.world.owner).done()
    (put,) = h.rest.find("PUT", "/applications/{application_id}/commands")
    (story,) = [c for c in put.json if c["name"] == "story"]
    assert {o["name"] for o in story["options"]} == {"continue", "ponder"}
    reply = await h.wait_for_request("POST", "/channels/{channel_id}/messages")
    # in the guild's language (its preferred locale is ko)
    assert reply.json["content"] == texts.text(
        "discord-synced", "ko", count=len(put.json), scope="global"
    )
    assert_safe_message(reply)


async def test_a_mention_that_names_no_command_gets_no_english_help(
    discord_harness: DiscordHarness[NoraeBot],
) -> None:
    """discord.py's help command is English only; the slash commands explain themselves."""
    h = discord_harness
    await h.say(f"<@{h.bot_user_id}> help", user=h.member("ann")).done()
    await h.say(f"<@{h.bot_user_id}> sync", user=h.member("ann")).done()  # the owner's only
    assert h.rest.find("POST", "/channels/{channel_id}/messages") == []
    assert h.rest.find("PUT", "/applications/{application_id}/commands") == []
    assert h.bot.help_command is None


async def test_each_shard_gets_its_ready(
    norae_bot_factory: Callable[[], Awaitable[NoraeBot]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NORAE_DISCORD_SHARD_COUNT", "2")
    bot = await norae_bot_factory()
    async with DiscordHarness(bot) as h:
        readies = [e.payload["shard"] for e in h.events if e.event == "READY"]
        assert readies == [[0, 2], [1, 2]]
        assert h.rest.find("GET", "/gateway/bot") == []  # the shard count came from settings
        assert bot.is_ready()
    await bot.inference.close()
