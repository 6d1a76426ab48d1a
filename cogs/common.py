"""What every cog renders and answers with: Discord's limits, number emoji, no pings, shortening,
the reader's language and the catalog texts of commands, and :class:`CogButton`, the one kind of
button the cogs put under their messages."""

from __future__ import annotations

import re
from typing import Any, ClassVar, Generic, Self, TypeVar, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import texts
from bot.discord_bot import (
    NO_MENTIONS,
    answer_error,
    catalog_str,
    guild_language,
    reader_language,
    slash_name,
    tell,
)

__all__ = [
    "LANGUAGE_CHOICES",
    "MESSAGE_LIMIT",
    "NO_MENTIONS",
    "NUMBERS",
    "CogButton",
    "catalog_str",
    "guild_language",
    "message_ref",
    "reader_language",
    "shorten",
    "slash_name",
    "untitled",
]

MESSAGE_LIMIT = 2000
NUMBERS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣")
# Everything that echoes user or model text is sent with NO_MENTIONS: nobody is pinged.


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def message_ref(message_id: int) -> str:
    """How the services remember a Discord message (a round's post, a song list)."""
    return f"discord:{message_id}"


LANGUAGE_CHOICES = [
    app_commands.Choice(name=catalog_str(f"discord-language-{lang}"), value=lang)
    for lang in texts.LANGUAGES
]


def untitled(title: str, lang: str) -> str:
    """A story's or a song's title, or "untitled" in the reader's language."""
    return title or texts.text("discord-untitled", lang)


CogT = TypeVar("CogT", bound=commands.Cog)


class CogButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    Generic[CogT],
    template=r"(?!)",  # matches nothing: only the subclasses are registered
):
    """A button that keeps working after a restart, pressed on behalf of the cog ``cog_name``.

    What a press means is in the button's ``custom_id``, which the subclass's ``template``
    matches (``class VoteButton(CogButton["Relay"], template=r"relay:vote:(?P<round>…)")``).
    The subclass says how it is rebuilt from that match (:meth:`from_match`) and what a press
    does (:meth:`pressed`, handed the cog). A press first spends ``action`` (bot/limits.py);
    whatever :meth:`pressed` raises is answered like a slash command's error
    (:func:`bot.discord_bot.answer_error`): discord.py only logs a button's exceptions.
    """

    cog_name: ClassVar[str]
    action: ClassVar[str | None] = None

    def __init__(
        self,
        custom_id: str,
        label: str,
        *,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    ) -> None:
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=custom_id))

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        return await cls.from_match(match, interaction)

    @classmethod
    async def from_match(cls, match: re.Match[str], interaction: discord.Interaction[Any]) -> Self:
        """The button a pressed ``custom_id`` stands for (after a restart, too)."""
        raise NotImplementedError

    @classmethod
    def cog(cls, interaction: discord.Interaction[Any]) -> CogT | None:
        return cast("CogT | None", interaction.client.get_cog(cls.cog_name))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        cog = self.cog(interaction)
        if cog is None:  # the cog was unloaded; its buttons outlive it
            await tell(interaction, texts.text("unavailable", reader_language(interaction)))
            return
        if self.action is not None and not await interaction.client.allow(interaction, self.action):
            return
        try:
            await self.pressed(interaction, cog)
        except Exception as exc:  # answered; logged unless a UserError
            await answer_error(interaction, exc)

    async def pressed(self, interaction: discord.Interaction[Any], cog: CogT) -> None:
        raise NotImplementedError
