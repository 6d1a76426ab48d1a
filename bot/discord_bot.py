"""The typed Discord bot. Clients are built in the entry point and injected (RoboDanny style)."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot import notices
from bot.inference import InferenceClient
from bot.limits import SlowDown
from bot.services import Services
from bot.warmup import warm_up
from contract.settings import Settings
from storage.connection import Redis

log = logging.getLogger(__name__)

REDIS_DOWN: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)

# The action each slash command spends (bot/limits.py); reading and exporting are free.
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


def discord_user(user_id: int | str) -> str:
    return f"discord:{user_id}"


async def tell(interaction: discord.Interaction[Any], text: str) -> None:
    """An ephemeral answer, whether or not the interaction was answered (or deferred) already."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as exc:
        log.warning("could not tell %s: %s", interaction.user.id, exc)


class NoraeTree(app_commands.CommandTree["NoraeBot"]):
    """Every slash command first spends its action's token; Redis down is a plain answer."""

    async def interaction_check(self, interaction: discord.Interaction[NoraeBot]) -> bool:
        if interaction.type is not discord.InteractionType.application_command:
            return True  # autocomplete is free
        command = interaction.command
        action = COMMAND_ACTIONS.get(command.qualified_name) if command is not None else None
        return action is None or await interaction.client.allow(interaction, action)

    async def on_error(
        self, interaction: discord.Interaction[NoraeBot], error: app_commands.AppCommandError
    ) -> None:
        original = getattr(error, "original", error)
        if isinstance(original, REDIS_DOWN):
            log.warning("discord: redis unavailable (%s)", original)
            await tell(interaction, notices.text(notices.UNAVAILABLE, str(interaction.locale)))
            return
        await super().on_error(interaction, error)


# Cogs are added here as features land; each is an extension with an async setup(bot).
COGS: tuple[str, ...] = ("cogs.relay", "cogs.lyrics", "cogs.mood")


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
            await self.limiter.check(action, user=discord_user(interaction.user.id))
        except SlowDown as exc:
            await tell(interaction, exc.message(str(interaction.locale)))
            return False
        except REDIS_DOWN as exc:
            log.warning("discord: redis unavailable (%s)", exc)
            await tell(interaction, notices.text(notices.UNAVAILABLE, str(interaction.locale)))
            return False
        return True

    async def setup_hook(self) -> None:
        await warm_up()  # before the gateway connects: no interaction waits on it
        for ext in COGS:
            await self.load_extension(ext)
        await self.add_cog(Admin(self))
        if self._owns_services:
            self.services.start()

    async def close(self) -> None:
        if self._owns_services:
            await self.services.close()
        await super().close()

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
            synced = await self.bot.tree.sync()
        await ctx.reply(f"synced {len(synced)} command(s) ({scope})")
