"""pytest fixtures: a logged-in, READY :class:`NoraeBot` on the stand-in, per test.

Import them into a conftest (``from tests.discord_harness.fixtures import *``). A test module adds
its own cogs by overriding ``discord_extra_cogs``; the modules of ``cogs/`` that define ``setup``
load anyway, through ``setup_hook``, as in production.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

import pytest
from discord.ext import commands

from bot.discord_bot import NoraeBot
from bot.inference import InferenceClient
from contract.settings import load_settings
from storage.connection import Redis
from tests.discord_harness.harness import DiscordHarness

CogFactory = Callable[[NoraeBot], commands.Cog]

__all__ = ["discord_extra_cogs", "discord_harness", "norae_bot_factory"]


@pytest.fixture
def discord_extra_cogs() -> Sequence[CogFactory]:
    """Cogs added after ``setup_hook``, before READY. Override in a test module."""
    return ()


@pytest.fixture
def norae_bot_factory(redis: Redis) -> Callable[[], Awaitable[NoraeBot]]:
    """Builds the bot as the entry point does, with clients injected (no token: the stand-in's)."""

    async def make() -> NoraeBot:
        inference = InferenceClient(redis, timeout_s=20)
        await inference.start()
        return NoraeBot(load_settings(), redis, inference)

    return make


@pytest.fixture
async def discord_harness(
    norae_bot_factory: Callable[[], Awaitable[NoraeBot]],
    discord_extra_cogs: Sequence[CogFactory],
) -> AsyncIterator[DiscordHarness[NoraeBot]]:
    """A READY bot on the stand-in; model jobs are recorded on the harness clock. The test fails
    if a handler logged an error (use ``harness.expect_errors()`` around an expected one)."""
    bot = await norae_bot_factory()

    async def add_cogs(bot: NoraeBot) -> None:
        for make_cog in discord_extra_cogs:
            await bot.add_cog(make_cog(bot))

    harness = DiscordHarness(bot, setup=add_cogs)
    harness.watch_jobs(bot.inference.streams)
    try:
        await harness.start()
        yield harness
        harness.assert_no_errors()
    finally:
        await harness.close()
        await bot.inference.close()
