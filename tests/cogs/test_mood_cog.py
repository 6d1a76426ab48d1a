"""The mood cog with spec'd DM Message / Interaction mocks, on real Redis with a similar worker."""

from __future__ import annotations

import functools
from typing import Any, cast
from unittest.mock import AsyncMock, MagicMock

import discord

from bot import texts as catalog
from bot.discord_bot import NoraeBot
from bot.inference import InferenceClient
from bot.limits import Limiter
from cogs.common import NUMBERS
from cogs.mood import Mood, PickButton
from contract.settings import LimitSettings
from storage.connection import Redis
from tests.bot.test_mood import FakeInference, service
from tests.bot.test_mood import similar_client as similar_client  # the fixture
from tests.cogs.mocks import answerable

USER = 31


def dm_message(text: str) -> Any:
    message = MagicMock(spec=discord.Message)
    message.guild = None
    message.content = text
    message.author = MagicMock(spec=discord.User, id=USER, bot=False)
    sent = MagicMock(spec=discord.Message)
    sent.add_reaction = AsyncMock()
    message.channel = MagicMock(spec=discord.DMChannel)
    message.channel.send = AsyncMock(return_value=sent)
    message.channel.typing = MagicMock(return_value=AsyncMock())
    return message


def slash(user_id: int = USER) -> Any:
    inter = MagicMock(spec=discord.Interaction)
    inter.user = MagicMock(spec=discord.User, id=user_id, bot=False)
    inter.response = MagicMock(spec=discord.InteractionResponse)
    inter.response.send_message = AsyncMock()
    inter.response.defer = AsyncMock()
    followup_message = MagicMock(spec=discord.WebhookMessage)
    followup_message.add_reaction = AsyncMock()
    inter.followup = MagicMock(spec=discord.Webhook)
    inter.followup.send = AsyncMock(return_value=followup_message)
    return answerable(inter)


def make_cog(redis: Redis, client: InferenceClient | None) -> Mood:
    bot = MagicMock()
    bot.user = MagicMock(id=1)
    bot.limiter = Limiter(redis, LimitSettings())  # as NoraeBot builds it
    bot.allow = functools.partial(NoraeBot.allow, bot)
    return Mood(bot, service(redis, FakeInference(client)))


async def test_a_dm_gets_empathy_songs_buttons_and_reactions(
    redis: Redis, similar_client: InferenceClient
) -> None:
    cog = make_cog(redis, similar_client)
    message = dm_message("I feel so sad today")
    await cog.on_message(message)
    args, kwargs = message.channel.send.await_args
    assert args[0] and len(args[0]) <= 2000
    assert kwargs["allowed_mentions"].to_dict() == {"parse": []}
    embed: discord.Embed = kwargs["embed"]
    assert len(embed.fields) == 5 and all(
        (f.name or "").startswith(NUMBERS[i]) for i, f in enumerate(embed.fields)
    )
    ids = [getattr(item, "custom_id", None) for item in kwargs["view"].children]
    assert ids == [f"mood:pick:{n}" for n in range(1, 6)]
    sent = message.channel.send.return_value
    assert [c.args[0] for c in sent.add_reaction.await_args_list] == list(NUMBERS[:5])

    # picking with the button: five sound-alikes, never the picked song
    first = embed.fields[0].name
    click = slash()
    click.client = bot = cast(Any, cog.bot)  # the mock bot, with NoraeBot.allow
    bot.get_cog.return_value = cog
    await PickButton(1).callback(click)
    click.response.defer.assert_awaited_once()
    pick_embed: discord.Embed = click.followup.send.await_args.kwargs["embed"]
    assert (pick_embed.title or "").startswith("Songs that sound like ")  # the DM's language
    assert len(pick_embed.fields) == 5
    assert all(f.name != first for f in pick_embed.fields)


async def test_typing_a_number_picks_and_guild_messages_are_ignored(
    redis: Redis, similar_client: InferenceClient
) -> None:
    cog = make_cog(redis, similar_client)
    await cog.on_message(dm_message("오늘 너무 슬퍼"))
    reply = dm_message("2번")
    await cog.on_message(reply)
    title = reply.channel.send.await_args.kwargs["embed"].title or ""
    assert title.endswith("’처럼 들리는 노래")  # the conversation is in Korean
    guild_message = dm_message("hello")
    guild_message.guild = MagicMock(spec=discord.Guild)
    await cog.on_message(guild_message)
    guild_message.channel.send.assert_not_awaited()


async def test_crisis_message_gets_the_crisis_line_first(redis: Redis) -> None:
    cog = make_cog(redis, None)
    message = dm_message("I want to die")
    await cog.on_message(message)
    args, kwargs = message.channel.send.await_args
    assert "109" in args[0] and "embed" not in kwargs


async def test_policy_and_forget_commands(redis: Redis) -> None:
    cog = make_cog(redis, None)
    await cog.on_message(dm_message("so happy"))
    inter = slash()
    await cast(Any, Mood.policy).callback(cog, inter, "lift")
    args, kwargs = inter.response.send_message.await_args
    assert kwargs == {"ephemeral": True}
    assert args[0] == catalog.text("discord-mood-policy-set-lift", "en")  # the client's language
    forget = slash()
    await cast(Any, Mood.forget).callback(cog, forget)
    assert forget.response.send_message.await_args.args[0].startswith(
        "Done: everything I kept about you is deleted ("
    )
    assert [k async for k in redis.scan_iter(match=f"*discord:{USER}*")] == []


def test_the_song_embed_links_each_song_and_names_the_likeness() -> None:
    from bot.mood.service import MoodReply, SongCard
    from cogs.mood import songs_embed

    link = "https://www.youtube.com/results?search_query=%EC%95%84%EC%9D%B4%EC%9C%A0+Blueming"
    card = SongCard("a", "Blueming", "아이유", link, "", "happy")
    near = songs_embed(MoodReply("…", songs=[card], picked=card, likeness="artist+mood"))
    assert near is not None and near.title == "Songs near Blueming by artist and mood"
    assert near.fields[0].name == f"{NUMBERS[0]} Blueming"
    assert near.fields[0].value == f"[아이유]({link})"
    alike = songs_embed(MoodReply("…", songs=[card], picked=card, likeness="sound"))
    assert alike is not None and alike.title == "Songs that sound like Blueming"
    korean = MoodReply("…", songs=[card], language="ko", emotion="joy", policy="lift")
    listed = songs_embed(korean)
    assert listed is not None and listed.title == catalog.text("discord-mood-songs", "ko")
    assert listed.footer.text == "기쁨 · 추천 방식: 기분 끌어올리기 (/기분 추천방식)"
