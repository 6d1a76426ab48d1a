"""The relay cog with spec'd Interaction mocks: the exact service calls and replies.

(End-to-end tests through discord.py itself use the harness in tests/discord_harness.)
"""

from __future__ import annotations

import functools
from typing import Any, cast
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from bot import texts as catalog
from bot.discord_bot import NoraeBot
from bot.limits import Limiter
from bot.relay.service import RelayService
from cogs.common import NUMBERS
from cogs.relay import Relay, VoteButton
from contract.settings import LimitSettings, RelaySettings
from storage.connection import Redis
from tests.bot.test_relay import Scripted
from tests.cogs.mocks import answerable
from tests.cogs.mocks import invoke as invoke_callback

CHANNEL = 4242


def interaction(order: list[str], user_id: int = 7, name: str = "하나") -> Any:
    inter = MagicMock(spec=discord.Interaction)
    inter.channel_id = CHANNEL
    inter.user = MagicMock(spec=discord.Member, id=user_id, display_name=name, bot=False)
    inter.permissions = discord.Permissions.none()
    inter.response = MagicMock(spec=discord.InteractionResponse)
    inter.response.defer = AsyncMock(side_effect=lambda **_: order.append("defer"))
    inter.response.send_message = AsyncMock()
    message = MagicMock(spec=discord.WebhookMessage, id=999)
    message.add_reaction = AsyncMock()
    inter.followup = MagicMock(spec=discord.Webhook)
    inter.followup.send = AsyncMock(return_value=message)
    return answerable(inter)


def reaction(
    user_id: int, emoji: str, kind: str = "REACTION_ADD", *, bot: bool = False
) -> discord.RawReactionActionEvent:
    """A raw reaction event on the round message (id 999), as the gateway delivers it."""
    data: Any = {
        "message_id": "999",
        "channel_id": str(CHANNEL),
        "user_id": str(user_id),
        "guild_id": "77",
        "type": 0,
        "burst": False,
    }
    event = discord.RawReactionActionEvent(data, discord.PartialEmoji(name=emoji), kind)  # type: ignore[arg-type]
    event.member = MagicMock(spec=discord.Member, bot=bot)
    return event


async def invoke(command: Any, cog: Relay, inter: Any, **kwargs: Any) -> None:
    """Call a slash command's callback as discord.py does after parsing the options."""
    await invoke_callback(command.callback, cog, inter, **kwargs)


class OrderedScript(Scripted):
    def __init__(self, order: list[str], *answers: list[str]) -> None:
        super().__init__(*answers)
        self.order = order

    async def generate(self, prompts: list[str], **params: Any) -> list[list[str]]:
        self.order.append("generate")
        return await super().generate(prompts, **params)


@pytest.fixture
def cog_and_order(redis: Redis) -> tuple[Relay, list[str]]:
    order: list[str] = []
    gen = OrderedScript(order, ["하늘이 맑았다.", "비가 내렸다.", "바람이 불었다."])
    bot = MagicMock()
    bot.redis = redis
    bot.user = MagicMock(id=1)
    bot.limiter = Limiter(redis, LimitSettings())  # as NoraeBot builds it
    bot.allow = functools.partial(NoraeBot.allow, bot)
    return Relay(bot, RelayService(redis, gen, RelaySettings())), order


async def test_continue_defers_before_the_model_and_posts_a_round(
    cog_and_order: tuple[Relay, list[str]],
) -> None:
    cog, order = cog_and_order
    inter = interaction(order)
    await invoke(Relay.start, cog, inter, title="비 오는 날")
    inter.response.send_message.assert_awaited_once()
    assert inter.response.send_message.await_args.args[0] == catalog.text(
        "discord-relay-started", "en", title="비 오는 날"
    )

    await invoke(Relay.continue_, cog, inter, keyword="비", length="short")
    assert order == ["defer", "generate"]  # deferred before any model call
    inter.response.defer.assert_awaited_once_with(thinking=True)
    kwargs = inter.followup.send.await_args.kwargs
    text = inter.followup.send.await_args.args[0]
    # the candidate with the keyword ranks first; the others keep the model's order
    assert "1️⃣ 비가 내렸다." in text and "2️⃣ 하늘이 맑았다." in text and len(text) <= 2000
    assert "3️⃣ 바람이 불었다." in text
    assert kwargs["allowed_mentions"].to_dict() == {"parse": []}
    rnd = await cog.relay.open_round(f"discord:{CHANNEL}")
    assert rnd is not None
    ids = [getattr(item, "custom_id", None) for item in kwargs["view"].children]
    assert ids == [f"relay:vote:{rnd.id}:{n}" for n in (1, 2, 3)]  # persistent: id in custom_id
    message = inter.followup.send.return_value
    assert [c.args[0] for c in message.add_reaction.await_args_list] == list(NUMBERS[:3])
    assert await cog.relay.round_for_message("discord:999") is not None


async def test_second_continue_points_to_the_open_round(
    cog_and_order: tuple[Relay, list[str]],
) -> None:
    cog, order = cog_and_order
    inter = interaction(order)
    await invoke(Relay.start, cog, inter)
    await invoke(Relay.continue_, cog, inter)
    rnd = await cog.relay.open_round(f"discord:{CHANNEL}")
    assert rnd is not None
    await invoke(Relay.continue_, cog, inter)  # refused, after the defer: a private follow-up
    args, kwargs = inter.followup.send.await_args
    assert args[0] == catalog.text("relay-round-already-open", "en")
    assert kwargs["ephemeral"] is True
    assert await cog.relay.open_round(f"discord:{CHANNEL}") == rnd  # the open round stays


async def test_reaction_and_button_votes_count_once_per_user(
    cog_and_order: tuple[Relay, list[str]],
) -> None:
    cog, order = cog_and_order
    inter = interaction(order)
    await invoke(Relay.start, cog, inter)
    await invoke(Relay.continue_, cog, inter)
    rnd = await cog.relay.open_round(f"discord:{CHANNEL}")
    assert rnd is not None

    await cog.on_raw_reaction_add(reaction(1, NUMBERS[0]))  # the bot's own reaction
    await cog.on_raw_reaction_add(reaction(50, NUMBERS[1], bot=True))  # another bot
    for _ in range(2):  # a double tap
        await cog.on_raw_reaction_add(reaction(10, NUMBERS[1]))
    await cog.on_raw_reaction_add(reaction(11, NUMBERS[2]))
    click = interaction(order, user_id=11)
    click.client = bot = cast(Any, cog.bot)  # the mock bot, with NoraeBot.allow
    bot.get_cog.return_value = cog
    await VoteButton(rnd.id, 1).callback(click)  # a later vote replaces the earlier
    assert click.response.send_message.await_args.args[0] == "Your vote: 1."
    results = await cog.relay.close_due_rounds(now=rnd.deadline + 1)
    assert [r.counts for r in results] == [[1, 1, 0]]


async def test_bad_input_is_answered_privately(cog_and_order: tuple[Relay, list[str]]) -> None:
    cog, order = cog_and_order
    inter = interaction(order)
    await invoke(Relay.write, cog, inter, text="   ")
    args, kwargs = inter.response.send_message.await_args
    assert kwargs["ephemeral"] is True and "empty" in args[0]
    assert kwargs["allowed_mentions"].to_dict() == {"parse": []}
    await invoke(Relay.start, cog, inter)
    await invoke(Relay.write, cog, inter, text="@everyone 안녕")
    kwargs = inter.response.send_message.await_args.kwargs
    assert kwargs["allowed_mentions"].to_dict() == {"parse": []}


async def test_removing_a_reaction_withdraws_only_that_vote(
    cog_and_order: tuple[Relay, list[str]],
) -> None:
    cog, order = cog_and_order
    inter = interaction(order)
    await invoke(Relay.start, cog, inter)
    await invoke(Relay.continue_, cog, inter)
    rnd = await cog.relay.open_round(f"discord:{CHANNEL}")
    assert rnd is not None

    await cog.on_raw_reaction_add(reaction(10, NUMBERS[0], "REACTION_ADD"))
    await cog.on_raw_reaction_add(reaction(10, NUMBERS[1], "REACTION_ADD"))  # replaces 1 with 2
    await cog.on_raw_reaction_remove(
        reaction(10, NUMBERS[0], "REACTION_REMOVE")
    )  # not the live vote
    assert (await cog.relay.close_due_rounds(now=rnd.deadline + 1))[0].counts == [0, 1, 0]

    await invoke(Relay.continue_, cog, inter)
    rnd2 = await cog.relay.open_round(f"discord:{CHANNEL}")
    assert rnd2 is not None
    await cog.relay.attach_message(rnd2.id, "discord:999")
    await cog.on_raw_reaction_add(reaction(10, NUMBERS[2], "REACTION_ADD"))
    await cog.on_raw_reaction_remove(reaction(10, NUMBERS[2], "REACTION_REMOVE"))  # taken back
    result = (await cog.relay.close_due_rounds(now=rnd2.deadline + 1))[0]
    assert result.counts == [0, 0, 0]


async def test_proposals_can_be_backed_from_discord(cog_and_order: tuple[Relay, list[str]]) -> None:
    cog, order = cog_and_order
    inter = interaction(order)
    await invoke(Relay.start, cog, inter)
    await invoke(Relay.propose, cog, inter, kind="keyword", value="바다")
    await invoke(Relay.propose, cog, inter, kind="keyword", value="숲")
    complete: Any = cast(Any, cog).proposal_autocomplete
    choices = await complete(inter, "숲")
    assert [c.name for c in choices] == ["keyword: 숲 (0 votes)"]
    other = interaction(order, user_id=8)
    await invoke(Relay.support, cog, other, proposal=choices[0].value)
    assert other.response.send_message.await_args.args[0] == "You back the keyword “숲”."
    first = [c.value for c in await complete(inter, "바다")]
    await invoke(Relay.support, cog, other, proposal=first[0])  # one vote per kind: it moves
    assert other.response.send_message.await_args.args[0] == (
        "You back the keyword “바다” instead of “숲”."
    )
    await invoke(Relay.support, cog, other, proposal=choices[0].value)
    await invoke(Relay.continue_, cog, inter)  # the backed keyword steers the continuation
    rnd = await cog.relay.open_round(f"discord:{CHANNEL}")
    assert rnd is not None and rnd.keyword == "숲"


async def test_a_closed_round_is_told_in_the_guilds_language_and_says_why(
    cog_and_order: tuple[Relay, list[str]],
) -> None:
    cog, order = cog_and_order
    await invoke(Relay.start, cog, interaction(order), title="비")
    story = await cog.relay.stories.active(f"discord:{CHANNEL}")
    assert story is not None
    channel = MagicMock(spec=discord.TextChannel)
    channel.guild = MagicMock(spec=discord.Guild, preferred_locale=discord.Locale.british_english)
    channel.send = AsyncMock()
    cast(Any, cog.bot).get_channel.return_value = channel

    async def announced(**event: Any) -> str:
        await cog.announce_closed(CHANNEL, {"story_id": story.id, "line": None, **event})
        args, kwargs = channel.send.await_args
        assert kwargs["allowed_mentions"].to_dict() == {"parse": []}
        return str(args[0])

    assert await announced(counts=[0, 0], winner=None) == (
        "Voting closed (1: 0, 2: 0). No votes, so nothing was added."
    )
    # the story is still going, yet the winner did not join it: it is full
    assert await announced(counts=[0, 1], winner=2) == catalog.text(
        "discord-round-story-full", "en", counts="1: 0, 2: 1"
    )
    assert await announced(counts=[0, 1], winner=2, line={"number": 1}) == (
        "Voting closed (1: 0, 2: 1). Candidate 2 joins the story."
    )
    await invoke(Relay.end, cog, interaction(order))
    channel.guild = MagicMock(spec=discord.Guild, preferred_locale=discord.Locale.korean)
    assert await announced(counts=[1, 0], winner=1) == (
        "투표가 끝났어요(1번 1표, 2번 0표). 이야기가 이미 끝나서 아무것도 더하지 않았어요."
    )
    channel.guild = None  # no guild to ask: Korean
    assert (await announced(counts=[0], winner=None)).startswith("투표가 끝났어요(1번 0표).")
