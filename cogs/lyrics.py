"""``/lyrics``: a new song in the style of an imported artist. Thin: the rules live in bot/lyrics/service.py.

The answer is an embed (title, artist, sections as fields within Discord's limits) with an
"another take" button whose ``custom_id`` carries the request, so it keeps working after a restart.
Its words (author line, footer, button) are the ``discord-lyrics-*`` catalog texts in the reader's
language.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import texts
from bot.discord_bot import NoraeBot
from bot.lyrics.service import LyricsService, WrittenSong
from cogs.common import (
    LANGUAGE_CHOICES,
    NO_MENTIONS,
    CogButton,
    catalog_str,
    reader_language,
    shorten,
    untitled,
)

FIELD_CHARS = 1024  # an embed field value
EMBED_TOTAL = 5500  # under the 6000 per message, with room for the title and footer
CUSTOM_ID_CHARS = 100


def song_embed(song: WrittenSong, lang: str) -> discord.Embed:
    """The song for a reader of ``lang``; the lyrics stay in the song's own language."""
    embed = discord.Embed(title=shorten(untitled(song.title, lang), 256))
    embed.set_author(
        name=shorten(texts.text("discord-lyrics-style", lang, artist=song.artist), 256)
    )
    used = len(embed.title or "") + len(song.artist) + 40
    for section in song.sections[:25]:
        value = shorten("\n".join(section.lines) or "…", FIELD_CHARS)
        if used + len(value) + len(section.name) > EMBED_TOTAL:
            break
        embed.add_field(name=shorten(section.name, 256), value=value, inline=False)
        used += len(value) + len(section.name)
    language = f"discord-language-{song.language}"
    footer = [
        texts.text(language, lang) if texts.has(language) else song.language,
        texts.text("discord-lyrics-calls", lang, attempts=song.attempts),
    ]
    if song.rejected:
        footer.append(texts.text("discord-lyrics-rejected", lang, rejected=song.rejected))
    embed.set_footer(text=" · ".join(footer))
    return embed


def artist_ref(artist: str) -> str:
    """A short stable reference to an artist, for names too long for a custom_id."""
    return hashlib.sha1(artist.casefold().encode()).hexdigest()[:12]


def take_custom_id(artist: str, theme: str | None, lines: int | None, language: str | None) -> str:
    """The request packed into the button, always a whole JSON object within 100 characters:
    a theme that does not fit is dropped, and a long artist name becomes a short reference."""
    data: dict[str, Any] = {"a": artist, "t": theme or "", "n": lines or 0, "l": language or ""}
    for attempt in range(3):
        cid = "lyrics:again:" + json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        if len(cid) <= CUSTOM_ID_CHARS:
            return cid
        if attempt == 0:
            data["t"] = ""
        else:
            data.pop("a", None)
            data["h"] = artist_ref(artist)
    raise AssertionError("unreachable: the reference form always fits")


class AnotherTake(CogButton["Lyrics"], template=r"lyrics:again:(?P<data>\{.*\})"):
    """Another song for the same request, which the custom_id carries (see take_custom_id)."""

    cog_name = "Lyrics"
    action = "lyrics"

    def __init__(
        self,
        artist: str,
        theme: str | None,
        lines: int | None,
        language: str | None,
        *,
        lang: str = "ko",
    ) -> None:
        """``lang``: the reader's language, for the button's label."""
        label = texts.text("discord-lyrics-again", lang)
        super().__init__(take_custom_id(artist, theme, lines, language), label)
        self.request = (artist, theme, lines, language)

    @classmethod
    async def from_match(
        cls, match: re.Match[str], interaction: discord.Interaction[Any]
    ) -> AnotherTake:
        data = json.loads(match["data"])
        artist = data.get("a")
        if artist is None:  # a long name travels as a reference: look it up again
            cog = cls.cog(interaction)
            artist = await cog.artist_by_ref(data["h"]) if cog is not None else None
        return cls(
            artist or "",
            data["t"] or None,
            data["n"] or None,
            data["l"] or None,
            lang=reader_language(interaction),
        )

    async def pressed(self, interaction: discord.Interaction[Any], cog: Lyrics) -> None:
        await interaction.response.defer(thinking=True)
        await cog.write_and_reply(interaction, *self.request)


class Lyrics(commands.Cog):
    def __init__(self, bot: NoraeBot, lyrics: LyricsService) -> None:
        self.bot = bot
        self.lyrics = lyrics

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(AnotherTake)

    async def artist_by_ref(self, ref: str) -> str | None:
        for name in await self.lyrics.artists():
            if artist_ref(name) == ref:
                return name
        return None

    @app_commands.command(
        name=catalog_str("discord-lyrics"), description=catalog_str("discord-lyrics-description")
    )
    @app_commands.rename(
        artist=catalog_str("discord-lyrics-artist"),
        theme=catalog_str("discord-lyrics-theme"),
        lines=catalog_str("discord-lyrics-lines"),
        language=catalog_str("discord-option-language"),
    )
    @app_commands.describe(
        artist=catalog_str("discord-lyrics-artist-description"),
        theme=catalog_str("discord-lyrics-theme-description"),
        lines=catalog_str("discord-lyrics-lines-description"),
        language=catalog_str("discord-lyrics-language-description"),
    )
    @app_commands.choices(language=LANGUAGE_CHOICES)
    async def lyrics_command(
        self,
        interaction: discord.Interaction[Any],
        artist: str,
        theme: str | None = None,
        lines: app_commands.Range[int, 1, 80] | None = None,
        language: str | None = None,
    ) -> None:
        await interaction.response.defer(thinking=True)  # generation takes longer than 3 s
        await self.write_and_reply(interaction, artist, theme, lines, language)

    @lyrics_command.autocomplete("artist")
    async def artist_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        names = await self.lyrics.autocomplete(current)
        return [app_commands.Choice(name=shorten(n, 100), value=n[:100]) for n in names[:25]]

    async def write_and_reply(
        self,
        interaction: discord.Interaction[Any],
        artist: str,
        theme: str | None,
        lines: int | None,
        language: str | None,
    ) -> None:
        song = await self.lyrics.write(artist, theme=theme, lines=lines, language=language)
        lang = reader_language(interaction)
        view = discord.ui.View(timeout=None)
        view.add_item(AnotherTake(song.artist, theme, lines, language, lang=lang))
        await interaction.followup.send(
            embed=song_embed(song, lang), view=view, allowed_mentions=NO_MENTIONS
        )


async def setup(bot: NoraeBot) -> None:
    await bot.add_cog(Lyrics(bot, bot.services.lyrics))
