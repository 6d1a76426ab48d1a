"""Rate limits on Discord, end to end through the harness: real discord.py, real Redis.

The limiter's clock is frozen, so only the burst counts (no refill while the test runs).
"""

from __future__ import annotations

from bot.discord_bot import NoraeBot
from storage.stories import StoryStore
from tests.bot.test_relay import Clock
from tests.cogs.test_relay_e2e import channel_of, private_reply, public_reply, relay
from tests.discord_harness import DiscordHarness

Harness = DiscordHarness[NoraeBot]


async def test_fast_lines_get_an_ephemeral_slow_down_in_the_users_language(
    discord_harness: Harness,
) -> None:
    h = discord_harness
    h.bot.limiter.clock = Clock()
    ann = h.member("ann")
    await relay(h, "start", {"title": "비"}, user=ann)
    answers = []
    for i in range(12):
        answers.append(await relay(h, "write", {"text": f"줄 {i}"}, user=ann))
    for interaction in answers[:10]:
        assert "줄" in public_reply(h, interaction)
    for interaction in answers[10:]:
        text = private_reply(h, interaction)  # ephemeral: only the writer sees it
        assert "천천히" in text  # the harness speaks Korean (locale "ko")
    story = await StoryStore(h.bot.redis).active(channel_of(h))
    assert story is not None and story.line_count == 10
    # Reading is never limited.
    assert public_reply(h, await relay(h, "show", user=ann))
