"""The Discord front door's shared parts, through the harness: cogs found by listing ``cogs/``,
and the buttons' one error path (:class:`cogs.common.CogButton`), which discord.py does not route
through the command tree."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import discord
import pytest
from discord.ext import commands

from bot import texts
from bot.discord_bot import NoraeBot, cog_modules
from bot.errors import UserError
from cogs.common import CogButton
from tests.bot.test_relay import Clock
from tests.discord_harness import DiscordHarness, Dispatched, assert_callback
from tests.discord_harness import payloads as p
from tests.discord_harness.assertions import CHANNEL_MESSAGE
from tests.discord_harness.fixtures import CogFactory

Harness = DiscordHarness[NoraeBot]
EPHEMERAL = 1 << 6


# --- cogs are the modules of cogs/ with a setup ------------------------------------------


def test_the_cogs_are_the_modules_that_define_setup() -> None:
    assert cog_modules() == ["cogs.commands", "cogs.lyrics", "cogs.mood", "cogs.relay"]


def test_a_new_cog_file_is_found_without_an_edit_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "morecogs"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helpers.py").write_text("def shared() -> int:\n    return 1\n")
    (package / "greet.py").write_text("async def setup(bot):\n    pass\n")
    (package / "plain.py").write_text("def setup_later(bot):\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert cog_modules("morecogs") == ["morecogs.greet"]


async def test_every_cog_module_is_loaded(discord_harness: Harness) -> None:
    h = discord_harness
    assert sorted(h.bot.extensions) == cog_modules()
    assert {"Relay", "Lyrics", "Mood", "SimpleCommands", "Admin"} <= set(h.bot.cogs)


# --- buttons -----------------------------------------------------------------------------


class Press(CogButton["Presses"], template=r"test:press:(?P<what>[a-z]+)"):
    """A test button: ``what`` says how the press goes."""

    cog_name = "Presses"
    action = "vote"

    def __init__(self, what: str) -> None:
        super().__init__(f"test:press:{what}", what)
        self.what = what

    @classmethod
    async def from_match(cls, match: re.Match[str], interaction: discord.Interaction[Any]) -> Press:
        return cls(match["what"])

    async def pressed(self, interaction: discord.Interaction[Any], cog: Presses) -> None:
        cog.pressed.append(self.what)
        if self.what == "refuse":
            raise UserError("too-many-voters")
        if self.what == "crash":
            raise RuntimeError("a bug behind the button")
        if self.what == "late":  # refused after the answer was deferred
            await interaction.response.defer(thinking=True)
            raise UserError("model-failed")
        await interaction.response.send_message(f"pressed {self.what}", ephemeral=True)


class Presses(commands.Cog):
    def __init__(self, bot: NoraeBot) -> None:
        self.bot = bot
        self.pressed: list[str] = []

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(Press)


@pytest.fixture
def discord_extra_cogs() -> Sequence[CogFactory]:
    return (Presses,)


def press(h: Harness, what: str, **extra: Any) -> Dispatched:
    """A click on a message (posted before a restart, say) that carries a ``Press`` button."""
    custom_id = f"test:press:{what}"
    message = p.message_payload(
        h.ids.next(),
        h.world.channel["id"],
        h.rest.bot_user,
        content="press",
        guild_id=h.world.guild_id,
    )
    button = {"type": 2, "style": 2, "label": what, "custom_id": custom_id}
    message["components"] = [{"type": 1, "components": [button]}]
    return h.click(message, custom_id, user=h.member("ann"), **extra)


def private_text(h: Harness, interaction: Dispatched) -> str:
    """The ephemeral answer (callback type 4 or a follow-up), safe to show."""
    sent = [
        r
        for r in h.requests_for(interaction)
        if r.method == "POST" and r.status < 400 and "/callback" not in r.path
    ]
    if sent:
        body: dict[str, Any] = sent[-1].json
    else:
        body = assert_callback(h, interaction, CHANNEL_MESSAGE).json["data"]
    assert (body.get("flags") or 0) & EPHEMERAL, f"public, expected ephemeral: {body}"
    assert (body.get("allowed_mentions") or {}).get("parse") == [], body
    return str(body["content"])


def presses(h: Harness) -> list[str]:
    cog = h.bot.get_cog("Presses")
    assert isinstance(cog, Presses)
    return cog.pressed


async def test_a_button_works_after_a_restart(discord_harness: Harness) -> None:
    h = discord_harness
    click = press(h, "fine")
    await click.done()
    assert private_text(h, click) == "pressed fine"
    assert presses(h) == ["fine"]


async def test_a_buttons_refusal_is_its_text_in_the_users_language(
    discord_harness: Harness,
) -> None:
    h = discord_harness
    korean = press(h, "refuse")
    await korean.done()
    assert private_text(h, korean) == texts.text("too-many-voters", "ko")
    english = press(h, "refuse", locale="en-US")
    await english.done()
    assert private_text(h, english) == texts.text("too-many-voters", "en")
    late = press(h, "late")
    await late.done()
    assert private_text(h, late) == texts.text("model-failed", "ko")  # a follow-up


async def test_a_bug_behind_a_button_is_something_went_wrong_and_a_log_line(
    discord_harness: Harness,
) -> None:
    h = discord_harness
    with h.expect_errors():
        click = press(h, "crash")
        await click.done()
        logged = h.error_messages()
    assert private_text(h, click) == texts.text("error-unknown", "ko")
    assert any("a bug behind the button" in m for m in logged), logged


async def test_a_button_spends_its_action_first(discord_harness: Harness) -> None:
    h = discord_harness
    h.bot.limiter.clock = Clock()  # frozen: only the burst counts
    burst = int(h.bot.settings.limits.rate("vote").burst)
    for _ in range(burst):
        await press(h, "fine").done()
    refused = press(h, "fine")
    await refused.done()
    assert "천천히" in private_text(h, refused)
    assert len(presses(h)) == burst


async def test_a_button_whose_cog_is_gone_says_so(discord_harness: Harness) -> None:
    h = discord_harness
    await h.bot.remove_cog("Presses")
    click = press(h, "fine", locale="en-US")
    await click.done()
    assert private_text(h, click) == texts.text("unavailable", "en")
