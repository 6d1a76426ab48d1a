"""The mood companion in Discord DMs. Thin: every rule lives in bot/mood/service.py.

Any DM text goes to the service (a typed number picks from the last list). Songs come as an
embed with numbered buttons and number reactions; ``/mood policy`` and ``/mood forget`` manage
what the bot keeps. Buttons carry the choice in their ``custom_id`` so they survive a restart.

The service's reply text is in the conversation's language (the language the person writes in);
the song list's embed, under it, speaks the same. A slash command answers in the client's
language; a refusal in a DM in the message's language, and under a reaction in the conversation's.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import texts
from bot.discord_bot import EXPECTED, NoraeBot, error_text
from bot.errors import UserError
from bot.mood.service import MoodReply, MoodService, language_of
from cogs.common import (
    MESSAGE_LIMIT,
    NO_MENTIONS,
    NUMBERS,
    CogButton,
    catalog_str,
    message_ref,
    reader_language,
    shorten,
    slash_name,
)
from contract.ids import Actor


def user_key(user_id: int) -> str:
    """The stored spelling of a Discord user for the mood service (``discord:<id>``)."""
    return Actor.discord(user_id).key


def named(prefix: str, value: str, lang: str) -> str:
    """A word the service names by its English id (an emotion, a policy) in ``lang``."""
    code = f"{prefix}-{value}"
    return texts.text(code, lang) if texts.has(code) else value


def songs_embed(reply: MoodReply) -> discord.Embed | None:
    """The songs of ``reply``, in the reply's language (that of its text above the embed)."""
    if not reply.songs:
        return None
    lang = reply.language
    if reply.picked is None:
        title = texts.text("discord-mood-songs", lang)
    elif reply.likeness == "sound":
        title = texts.text("discord-mood-sound-alike", lang, title=reply.picked.title)
    else:  # no audio: neighbours by artist and mood (the reply text says which)
        title = texts.text("discord-mood-near", lang, title=reply.picked.title)
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
        footer = texts.text(
            "discord-mood-footer",
            lang,
            emotion=named("discord-emotion", reply.emotion, lang),
            policy=named("discord-policy", reply.policy, lang),
            command=slash_name(lang, "discord-mood", "discord-mood-policy"),
        )
        embed.set_footer(text=footer)
    return embed


class PickButton(CogButton["Mood"], template=r"mood:pick:(?P<choice>[1-9])"):
    """Picks a song from the list it is under; the message says which list."""

    cog_name = "Mood"
    action = "mood"

    def __init__(self, choice: int) -> None:
        super().__init__(f"mood:pick:{choice}", str(choice))
        self.choice = choice

    @classmethod
    async def from_match(
        cls, match: re.Match[str], interaction: discord.Interaction[Any]
    ) -> PickButton:
        return cls(int(match["choice"]))

    async def pressed(self, interaction: discord.Interaction[Any], cog: Mood) -> None:
        await interaction.response.defer(thinking=True)  # the similar job may take a moment
        user = user_key(interaction.user.id)
        shown = message_ref(interaction.message.id) if interaction.message else None
        reply = await cog.mood.pick(user, self.choice, message_ref=shown)
        await cog.send_reply(interaction.followup, reply, user=user)


class Mood(
    commands.GroupCog,
    group_name=catalog_str("discord-mood"),
    group_description=catalog_str("discord-mood-description"),
):
    def __init__(self, bot: NoraeBot, mood: MoodService) -> None:
        self.bot = bot
        self.mood = mood

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PickButton)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is not None or message.author.bot or not message.content.strip():
            return
        user = user_key(message.author.id)
        try:
            if not self.mood.is_crisis(message.content):  # a crisis is never slowed down
                await self.bot.limiter.check("mood", user=user)
            async with message.channel.typing():
                reply = await self.mood.message(user, message.content)
        except EXPECTED as exc:  # a DM is no interaction: answered here
            text = error_text(exc, language_of(message.content))
            await message.channel.send(text, allowed_mentions=NO_MENTIONS)
            return
        await self.send_reply(message.channel, reply, user=user)

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
        user = user_key(payload.user_id)
        try:
            reply = await self.mood.pick(
                user,
                NUMBERS.index(str(payload.emoji)) + 1,
                message_ref=message_ref(payload.message_id),
            )
        except UserError as exc:  # a reaction is no interaction: answered here
            lang = (await self.mood.store.state(user)).language  # the conversation's, if any
            await channel.send(error_text(exc, lang), allowed_mentions=NO_MENTIONS)
            return
        await self.send_reply(channel, reply, user=user)

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
            await self.mood.attach_message(user, message_ref(sent.id), reply)
            for emoji in NUMBERS[: len(reply.songs[:9])]:
                with contextlib.suppress(discord.HTTPException):
                    await sent.add_reaction(emoji)

    @app_commands.command(
        name=catalog_str("discord-mood-policy"),
        description=catalog_str("discord-mood-policy-description"),
    )
    @app_commands.rename(policy=catalog_str("discord-mood-policy-option"))
    @app_commands.describe(policy=catalog_str("discord-mood-policy-option-description"))
    @app_commands.choices(
        policy=[
            app_commands.Choice(name=catalog_str(f"discord-policy-{policy}"), value=policy)
            for policy in ("match", "lift")
        ]
    )
    async def policy(self, interaction: discord.Interaction[Any], policy: str) -> None:
        reply = await self.mood.set_policy(user_key(interaction.user.id), policy)
        text = texts.text(f"discord-mood-policy-set-{reply.policy}", reader_language(interaction))
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(
        name=catalog_str("discord-mood-forget"),
        description=catalog_str("discord-mood-forget-description"),
    )
    async def forget(self, interaction: discord.Interaction[Any]) -> None:
        removed = await self.mood.forget(user_key(interaction.user.id))
        text = texts.text("discord-mood-forgotten", reader_language(interaction), removed=removed)
        await interaction.response.send_message(text, ephemeral=True)


async def setup(bot: NoraeBot) -> None:
    await bot.add_cog(Mood(bot, bot.services.mood))
