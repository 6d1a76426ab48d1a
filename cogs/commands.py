"""The simple commands (bot/commands/) as slash commands: one ``/<name> text:…`` each.

A command's description and its text option's are the English catalog texts, with the Korean
ones as localizations (``locale_str`` with the catalog ``code``, translated by the tree's
:class:`bot.discord_bot.CatalogTranslator` when the commands are synced). In Korean the command is
named by its first Korean keyword (``command-<name>-keywords``, Kakao's leading word) and its
option ``text`` is ``내용``. The command spends
its own rate-limit action (``extras["action"]``, checked by the tree like every command's),
defers when it is slow, and answers in the user's language with mentions disabled; a refusal
(:class:`bot.errors.UserError`) goes to the tree's one error path.
"""

from __future__ import annotations

import inspect
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import commands as simple
from bot.discord_bot import NoraeBot
from bot.errors import UserError
from bot.services import Services
from cogs.common import MESSAGE_LIMIT, NO_MENTIONS, catalog_str, reader_language, shorten
from contract.ids import Actor, Channel


def slash_command(
    command: simple.SimpleCommand, services: Services
) -> app_commands.Command[Any, ..., None]:
    """``/<command.name>`` with one string option ``text``."""

    async def callback(interaction: discord.Interaction[Any], text: str | None = None) -> None:
        lang = reader_language(interaction)
        text = (text or "").strip()
        if command.text_required and not text:
            raise UserError("discord-text-empty", label=command.text_label(lang))
        if command.slow:
            await interaction.response.defer(thinking=True)  # a model may take longer than 3 s
        request = simple.Request(
            services,
            Actor.discord(interaction.user.id),
            Channel.discord(str(interaction.channel_id)),
            lang,
            text,
        )
        answer = shorten(await command.run(request), MESSAGE_LIMIT)
        if interaction.response.is_done():
            await interaction.followup.send(answer, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(answer, allowed_mentions=NO_MENTIONS)

    # The option's type, length limit and whether it is required, as discord.py reads them
    # from the callback's signature.
    option = app_commands.Range[str, None, command.max_text_chars]
    callback.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                "interaction",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=discord.Interaction,
            ),
            inspect.Parameter(
                "text",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=option if command.text_required else option | None,
                default=inspect.Parameter.empty if command.text_required else None,
            ),
        ]
    )
    described = app_commands.describe(text=catalog_str(f"command-{command.name}-text"))
    renamed = app_commands.rename(text=catalog_str("discord-option-text"))
    korean_name = f"command-{command.name}-keywords"  # its first word, Korean first
    return app_commands.Command(
        name=app_commands.locale_str(command.name, code=korean_name, first_word=True),
        description=catalog_str(f"command-{command.name}-description"),
        callback=renamed(described(callback)),
        extras={"action": command.action},
    )


class SimpleCommands(commands.Cog):
    """Adds a slash command per simple command while loaded."""

    def __init__(self, bot: NoraeBot) -> None:
        self.bot = bot
        self.added: list[app_commands.Command[Any, ..., None]] = []

    async def cog_load(self) -> None:
        for command in simple.simple_commands():
            slash = slash_command(command, self.bot.services)
            self.bot.tree.add_command(slash)
            self.added.append(slash)

    async def cog_unload(self) -> None:
        for slash in self.added:
            self.bot.tree.remove_command(slash.name)
        self.added.clear()


async def setup(bot: NoraeBot) -> None:
    await bot.add_cog(SimpleCommands(bot))
