"""The typed Discord bot. Clients are built in the entry point and injected (RoboDanny style).

Every text a person reads comes from the catalogs (``bot/locales/*/discord.ftl`` and the
services' codes), in the reader's language: an interaction's locale (:func:`reader_language`),
else a guild's preferred locale (:func:`guild_language`), Korean by default. Slash commands carry
their catalog codes (:func:`catalog_str`); Korean clients see them in Korean
(:class:`CatalogTranslator`).

One error path: a slash command's error reaches :meth:`NoraeTree.on_error`, a button's (which
discord.py does not route through the tree) :func:`answer_error` through
:class:`cogs.common.CogButton`; both answer the user privately in their language. The cogs are
the modules of ``cogs/`` that define ``setup`` (:func:`cog_modules`): a new cog file needs no
edit here.
"""

from __future__ import annotations

import ast
import importlib
import importlib.abc
import importlib.util
import logging
import pkgutil
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot import texts
from bot.errors import UserError, message_for
from bot.inference import InferenceClient
from bot.services import Services
from bot.warmup import warm_up
from contract.ids import Actor
from contract.settings import Settings
from storage.connection import Redis

log = logging.getLogger(__name__)

REDIS_DOWN: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)
# What a person is told about plainly, with no traceback in the log: a refusal, or Redis down.
EXPECTED: tuple[type[Exception], ...] = (UserError, *REDIS_DOWN)

# The action each slash command spends (bot/limits.py); reading and exporting are free. A command
# may name its own in its ``extras["action"]`` instead (the simple commands do).
COMMAND_ACTIONS: dict[str, str] = {
    "relay start": "start",
    "relay write": "write",
    "relay undo": "write",
    "relay end": "write",
    "relay continue": "continue",
    "relay reroll": "continue",
    "relay propose": "propose",
    "relay support": "vote",
    "lyrics": "lyrics",
}
NO_MENTIONS = discord.AllowedMentions.none()
# Discord's error codes for an interaction token it no longer knows (the 3 s, or 15 min, passed).
EXPIRED = (10062, 10015)  # Unknown interaction, Unknown webhook


def reader_language(interaction: discord.Interaction[Any]) -> texts.Lang:
    """The language an interaction is answered in: Korean for a Korean client, else English."""
    return texts.language(str(interaction.locale))


def guild_language(guild: discord.Guild | None) -> texts.Lang:
    """The language of a post with no one to answer (a channel announcement): the guild's
    preferred locale, Korean without one."""
    return texts.language(str(guild.preferred_locale) if guild is not None else None)


def catalog_str(code: str, **extras: Any) -> app_commands.locale_str:
    """A slash command's name, description or choice: the English catalog text (Discord's
    default), carrying ``code`` for :class:`CatalogTranslator`."""
    return app_commands.locale_str(texts.text(code, "en"), code=code, **extras)


def slash_name(lang: str, *codes: str) -> str:
    """A command as a reader types it in their client: ``/relay end``, ``/릴레이 끝내기``."""
    return "/" + " ".join(texts.text(code, lang) for code in codes)


async def tell(interaction: discord.Interaction[Any], text: str) -> None:
    """An ephemeral answer, whether or not the interaction was answered (or deferred) already."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException as exc:
        log.warning("could not tell %s: %s", interaction.user.id, exc)


def error_text(error: BaseException, locale: str | None) -> str:
    """What a person is shown for ``error`` in their language: a :class:`UserError`'s text,
    "briefly unavailable" when Redis is down, else a plain "something went wrong" (and the error
    goes to the log, never to the person)."""
    if isinstance(error, UserError):
        return error.message(locale)
    if isinstance(error, REDIS_DOWN):
        log.warning("discord: redis unavailable (%s)", error)
        return texts.text("unavailable", locale)
    log.error("discord: unexpected error", exc_info=error)
    return message_for(error, locale)


async def answer_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """The one answer to a slash command or a button press that failed: private, in the user's
    language (see :func:`error_text`). An interaction Discord no longer knows (answered too late)
    cannot be answered at all: that is only logged."""
    if isinstance(error, discord.NotFound) and error.code in EXPIRED:
        log.error("discord: the interaction expired before it was answered", exc_info=error)
        return
    await tell(interaction, error_text(error, str(interaction.locale)))


class CatalogTranslator(app_commands.Translator):
    """Korean command texts from the catalogs. A ``locale_str`` whose extras name a catalog
    ``code`` holds the English text (Discord's default); Korean clients get the Korean one
    (with ``first_word``, its first word: a simple command's name is its first Korean keyword)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        code = string.extras.get("code")
        if not isinstance(code, str) or texts.language(locale.value) != "ko":
            return None
        found = texts.text(code, "ko")
        if string.extras.get("first_word"):
            words = found.split()
            return words[0].lower() if words else None
        return found


class NoraeTree(app_commands.CommandTree["NoraeBot"]):
    """Every slash command first spends its action's token; every error is a plain answer."""

    async def interaction_check(self, interaction: discord.Interaction[NoraeBot]) -> bool:
        if interaction.type is not discord.InteractionType.application_command:
            return True  # autocomplete is free
        command = interaction.command
        if command is None:
            return True
        action = command.extras.get("action") or COMMAND_ACTIONS.get(command.qualified_name)
        return action is None or await interaction.client.allow(interaction, action)

    async def on_error(
        self, interaction: discord.Interaction[NoraeBot], error: app_commands.AppCommandError
    ) -> None:
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        await answer_error(interaction, original)


def cog_modules(package: str = "cogs") -> list[str]:
    """The modules of ``package`` that define ``setup`` (discord.py's extension entry point).

    Read, not imported: ``load_extension`` runs each module itself, once; a module without
    ``setup`` (shared helpers) is no cog.
    """
    found = []
    for info in pkgutil.iter_modules(importlib.import_module(package).__path__, f"{package}."):
        spec = importlib.util.find_spec(info.name)
        loader = spec.loader if spec is not None else None
        if isinstance(loader, importlib.abc.InspectLoader):
            source = loader.get_source(info.name)
            if source is not None and _defines_setup(source):
                found.append(info.name)
    return sorted(found)


def _defines_setup(source: str) -> bool:
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "setup"
        for node in ast.parse(source).body
    )


class NoraeBot(commands.AutoShardedBot):
    def __init__(
        self,
        settings: Settings,
        redis: Redis,
        inference: InferenceClient,
        *,
        services: Services | None = None,
    ) -> None:
        """``services``: the process's (``norae up`` hands them over); without them the bot builds
        its own and runs their relay ticker while it is connected."""
        intents = discord.Intents.default()
        intents.message_content = True  # DMs to the mood companion are read as text
        ds = settings.discord
        sharding: dict[str, object] = {}
        if ds.shard_count is not None:
            sharding["shard_count"] = ds.shard_count
        if ds.shard_ids is not None:
            sharding["shard_ids"] = ds.shard_ids
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            owner_ids=set(ds.owner_ids) or None,
            **sharding,  # type: ignore[arg-type]
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=NoraeTree,
            help_command=None,  # discord.py's help is English only; the slash commands explain
        )
        self._owns_services = services is None
        self.services = services or Services.build(settings, redis, inference)
        self.settings = self.services.settings
        self.redis = redis
        self.inference = inference
        self.limiter = self.services.limiter

    async def allow(self, interaction: discord.Interaction[Any], action: str) -> bool:
        """Spend the user's ``action`` token; when refused (or Redis is down) the user is told
        in their language and the interaction goes no further."""
        try:
            await self.limiter.check(action, user=Actor.discord(interaction.user.id).key)
        except EXPECTED as exc:  # SlowDown, or Redis down
            await answer_error(interaction, exc)
            return False
        return True

    async def setup_hook(self) -> None:
        await warm_up()  # before the gateway connects: no interaction waits on it
        await self.tree.set_translator(CatalogTranslator())
        for ext in cog_modules():
            await self.load_extension(ext)
        await self.add_cog(Admin(self))
        if self._owns_services:
            self.services.start()

    async def close(self) -> None:
        if self._owns_services:
            await self.services.close()
        await super().close()

    async def on_command_error(
        self, context: commands.Context[Any], exception: commands.CommandError, /
    ) -> None:
        """A mention that names no command (or the owner's, by someone else) gets no answer: the
        slash commands are the way in."""
        if isinstance(exception, commands.CommandNotFound | commands.CheckFailure):
            log.debug("discord: ignored %r: %s", context.message.content[:100], exception)
            return
        await super().on_command_error(context, exception)

    async def on_ready(self) -> None:
        log.info("discord: logged in as %s (%s)", self.user, getattr(self.user, "id", "?"))


class Admin(commands.Cog):
    """Owner-only maintenance. The command tree is synced on request, never on every start."""

    def __init__(self, bot: NoraeBot) -> None:
        self.bot = bot

    @commands.command(name="sync")
    @commands.is_owner()
    async def sync(self, ctx: commands.Context[NoraeBot], scope: str = "global") -> None:
        """@norae sync [global|guild] — publish slash commands."""
        if scope == "guild" and ctx.guild is not None:
            self.bot.tree.copy_global_to(guild=ctx.guild)
            synced = await self.bot.tree.sync(guild=ctx.guild)
        else:
            scope = "global"
            synced = await self.bot.tree.sync()
        text = texts.text(
            "discord-synced", guild_language(ctx.guild), count=len(synced), scope=scope
        )
        await ctx.reply(text)
