"""The typed Discord bot. Clients are built in the entry point and injected (RoboDanny style)."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.inference import InferenceClient
from bot.settings import Settings
from storage.connection import Redis

log = logging.getLogger(__name__)

# Cogs are added here as features land; each is an extension with an async setup(bot).
COGS: tuple[str, ...] = ("cogs.relay", "cogs.lyrics", "cogs.mood")


class NoraeBot(commands.AutoShardedBot):
    def __init__(self, settings: Settings, redis: Redis, inference: InferenceClient) -> None:
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
        )
        self.settings = settings
        self.redis = redis
        self.inference = inference

    async def setup_hook(self) -> None:
        for ext in COGS:
            await self.load_extension(ext)
        await self.add_cog(Admin(self))

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
