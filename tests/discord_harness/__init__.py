"""End-to-end Discord tests without Discord: real discord.py, gateway payloads in, REST out.

See README.md in this folder. The pieces:

- :class:`FakeDiscordREST` (rest.py): the stand-in REST API that records every request.
- :class:`DiscordHarness` (harness.py): logs a bot in against it and feeds it gateway events.
- payloads.py: gateway/REST payload builders in Discord's documented shapes.
- assertions.py: "deferred before any model call", "safe follow-up", components, files.
- fixtures.py: pytest fixtures for a READY :class:`bot.discord_bot.NoraeBot`.
"""

from tests.discord_harness.assertions import (
    assert_callback,
    assert_component_sent,
    assert_deferred_before_model_call,
    assert_file_attached,
    assert_safe_followup,
    assert_safe_message,
    callback_of,
    followups_of,
)
from tests.discord_harness.harness import DiscordHarness, Dispatched, Member
from tests.discord_harness.rest import FakeDiscordREST, RecordedRequest

__all__ = [
    "DiscordHarness",
    "Dispatched",
    "FakeDiscordREST",
    "Member",
    "RecordedRequest",
    "assert_callback",
    "assert_component_sent",
    "assert_deferred_before_model_call",
    "assert_file_attached",
    "assert_safe_followup",
    "assert_safe_message",
    "callback_of",
    "followups_of",
]
