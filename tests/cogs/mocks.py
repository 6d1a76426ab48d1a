"""For the cog tests on spec'd Interaction mocks: what the command tree does around a callback.

(Tests through discord.py itself use tests/discord_harness, where the real tree does this.)
"""

from __future__ import annotations

from typing import Any
from unittest.mock import MagicMock

import discord

from bot.discord_bot import answer_error
from bot.errors import UserError


def answerable(inter: Any, locale: discord.Locale = discord.Locale.american_english) -> Any:
    """Give a mock interaction a locale and a ``response.is_done()`` that turns true once it was
    deferred or answered, as a real one's does (``response.defer``/``send_message`` must be set)."""
    inter.locale = locale
    response = inter.response
    response.is_done = MagicMock(
        side_effect=lambda: bool(response.defer.await_count or response.send_message.await_count)
    )
    return inter


async def invoke(callback: Any, cog: Any, inter: Any, *args: Any, **kwargs: Any) -> None:
    """Call a slash command's callback as the tree does after parsing the options: a refusal
    (:class:`UserError`) is answered through the one error path. Anything else propagates."""
    try:
        await callback(cog, inter, *args, **kwargs)
    except UserError as exc:
        await answer_error(inter, exc)
