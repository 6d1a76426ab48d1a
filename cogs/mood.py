"""The mood companion in Discord DMs. Thin: every rule lives in bot/mood/service.py.

Any DM text goes to the service (a typed number picks from the last list). Songs come as an
embed with numbered buttons and number reactions; ``/mood policy`` and ``/mood forget`` manage
what the bot keeps. Buttons carry the choice in their ``custom_id`` so they survive a restart.
"""

from __future__ import annotations

import contextlib
import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import notices
from bot.discord_bot import REDIS_DOWN, NoraeBot
from bot.limits import SlowDown
from bot.mood.service import MoodError, MoodReply, MoodService, language_of
from cogs.common import MESSAGE_LIMIT, NO_MENTIONS, NUMBERS, shorten

log = logging.getLogger(__name__)


def user_id(user: discord.abc.User) -> str:
    return f"discord:{user.id}"


def songs_embed(reply: MoodReply) -> discord.Embed | None:
    if not reply.songs:
        return None
    if reply.picked is None:
        title = "Songs for this moment"
    elif reply.likeness == "sound":
        title = f"Songs that sound like {reply.picked.title}"
    else:  # no audio: neighbours by artist and mood (the reply text says which)
        title = f"Songs near {reply.picked.title} by artist and mood"
    embed = discord.Embed(title=shorten(title, 256))
    for i, song in enumerate(reply.songs[:9]):
        link = song.url if song.url.startswith(("http://", "https://")) else ""
        lines = [f"[{song.artist}]({link})" if link else song.artist]
        if song.snippet:
            lines.append("> " + song.snippet.replace("\n", "\n> "))
        embed.add_field(
            name=shorten(f"{NUMBERS[i]} {song.title}", 256),
            value=shorten("\n".join(lines), 1024),
            inline=False,
        )
    if reply.policy:
        embed.set_footer(text=f"{reply.emotion} · policy: {reply.policy} (/mood policy)")
    return embed


class PickButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"mood:pick:(?P<choice>[1-9])"
):
    def __init__(self, choice: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=str(choice),
                style=discord.ButtonStyle.secondary,
                custom_id=f"mood:pick:{choice}",
            )
        )
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PickButton:
        return cls(int(match["choice"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        cog = interaction.client.get_cog("Mood")
        if not isinstance(cog, Mood):
            await interaction.response.send_message("The mood companion is not available.")
            return
        if not await cog.bot.allow(interaction, "mood"):
            return
        await interaction.response.defer(thinking=True)  # the similar job may take a moment
        try:
            shown = f"discord:{interaction.message.id}" if interaction.message else None
            reply = await cog.mood.pick(user_id(interaction.user), self.choice, message_ref=shown)
        except MoodError as exc:
            await interaction.followup.send(str(exc), allowed_mentions=NO_MENTIONS)
            return
        await cog.send_reply(interaction.followup, reply, user=user_id(interaction.user))


class Mood(commands.GroupCog, group_name="mood", group_description="The mood companion"):
    def __init__(self, bot: NoraeBot, mood: MoodService) -> None:
        self.bot = bot
        self.mood = mood

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PickButton)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is not None or message.author.bot or not message.content.strip():
            return
        lang = language_of(message.content)
        try:
            if not self.mood.is_crisis(message.content):  # a crisis is never slowed down
                await self.bot.limiter.check("mood", user=user_id(message.author))
            async with message.channel.typing():
                reply = await self.mood.message(user_id(message.author), message.content)
        except SlowDown as exc:
            await message.channel.send(exc.message(lang))
            return
        except MoodError as exc:
            await message.channel.send(str(exc), allowed_mentions=NO_MENTIONS)
            return
        except REDIS_DOWN as exc:
            log.warning("mood: redis unavailable (%s)", exc)
            await message.channel.send(notices.text(notices.UNAVAILABLE, lang))
            return
        await self.send_reply(message.channel, reply, user=user_id(message.author))

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        """A number reaction on the bot's song list in a DM picks that song."""
        if payload.guild_id is not None or payload.user_id == getattr(self.bot.user, "id", None):
            return
        if str(payload.emoji) not in NUMBERS:
            return
        channel = self.bot.get_channel(payload.channel_id) or await self.bot.fetch_channel(
            payload.channel_id
        )
        if not isinstance(channel, discord.abc.Messageable):
            return
        try:
            reply = await self.mood.pick(
                f"discord:{payload.user_id}",
                NUMBERS.index(str(payload.emoji)) + 1,
                message_ref=f"discord:{payload.message_id}",
            )
        except MoodError as exc:
            await channel.send(str(exc), allowed_mentions=NO_MENTIONS)
            return
        await self.send_reply(channel, reply, user=f"discord:{payload.user_id}")

    async def send_reply(self, target: Any, reply: MoodReply, *, user: str) -> None:
        """Post a reply to a channel or a follow-up webhook, with buttons and reactions; the
        message is remembered with its list, so a pick under it picks from that list."""
        embed = songs_embed(reply)
        kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
        if embed is not None:
            kwargs["embed"] = embed
            view = discord.ui.View(timeout=None)
            for i in range(len(reply.songs[:9])):
                view.add_item(PickButton(i + 1))
            kwargs["view"] = view
        if isinstance(target, discord.Webhook):
            kwargs["wait"] = True
        sent = await target.send(shorten(reply.text, MESSAGE_LIMIT), **kwargs)
        if embed is not None and sent is not None:
            await self.mood.attach_message(user, f"discord:{sent.id}", reply)
            for emoji in NUMBERS[: len(reply.songs[:9])]:
                with contextlib.suppress(discord.HTTPException):
                    await sent.add_reaction(emoji)

    @app_commands.command(name="policy", description="Songs that match your feeling, or lift it")
    @app_commands.choices(
        policy=[
            app_commands.Choice(name="match", value="match"),
            app_commands.Choice(name="lift", value="lift"),
        ]
    )
    async def policy(self, interaction: discord.Interaction[Any], policy: str) -> None:
        try:
            reply = await self.mood.set_policy(user_id(interaction.user), policy)
        except MoodError as exc:
            await interaction.response.send_message(str(exc), ephemeral=True)
            return
        await interaction.response.send_message(reply.text, ephemeral=True)

    @app_commands.command(name="forget", description="Delete everything norae keeps about you")
    async def forget(self, interaction: discord.Interaction[Any]) -> None:
        removed = await self.mood.forget(user_id(interaction.user))
        await interaction.response.send_message(
            f"Done: everything I kept about you is deleted ({removed} record(s)).", ephemeral=True
        )


async def setup(bot: NoraeBot) -> None:
    await bot.add_cog(Mood(bot, bot.services.mood))
