"""``/relay``: relay stories in a Discord channel. Thin: every rule lives in bot/relay/service.py.

Votes come from number reactions (raw events, cache-independent) and from buttons that survive a
restart (``DynamicItem`` with the round id in their ``custom_id``). Rounds close in the service's
ticker; this cog posts the closing message it hears about on the ``discord`` event channel.
Everything that echoes user or model text is sent with mentions disabled.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_bot import NoraeBot
from bot.errors import UserError
from bot.relay.service import RelayError, RelayService, RoundView
from bot.tasks import stop_task
from cogs.common import (
    LANGUAGE_CHOICES,
    MESSAGE_LIMIT,
    NO_MENTIONS,
    NUMBERS,
    CogButton,
    message_ref,
    shorten,
)
from contract.ids import Actor, Channel

log = logging.getLogger(__name__)

CANDIDATE_CHARS = 550  # three candidates and a header fit one message


def channel_of(interaction: discord.Interaction[Any]) -> str:
    """The stored spelling of the interaction's channel (``discord:<id>``)."""
    return Channel.discord(str(interaction.channel_id)).key


def relay_user(user_id: int) -> str:
    """A Discord writer or voter as relay stories and votes store them: the bare user id (the
    spelling older stories hold, so their authors can still undo and end them)."""
    return Actor.discord(user_id).id


def is_moderator(interaction: discord.Interaction[Any]) -> bool:
    perms = interaction.permissions
    return bool(perms.manage_messages or perms.administrator)


def round_text(view: RoundView) -> str:
    lines = [
        f"**Round {view.id}**: vote with the buttons or reactions (closes <t:{int(view.deadline)}:R>)"
    ]
    if view.keyword:
        lines[0] += f" · keyword: {view.keyword}"
    for i, cand in enumerate(view.candidates):
        lines.append(f"{NUMBERS[i]} {shorten(cand, CANDIDATE_CHARS)}")
    return shorten("\n".join(lines), MESSAGE_LIMIT)


class VoteButton(
    CogButton["Relay"], template=r"relay:vote:(?P<round>[0-9a-f]{1,32}):(?P<choice>[1-9])"
):
    """A vote for one candidate of a round: the round and choice are in its custom_id."""

    cog_name = "Relay"
    action = "vote"

    def __init__(self, round_id: str, choice: int) -> None:
        super().__init__(
            f"relay:vote:{round_id}:{choice}", str(choice), style=discord.ButtonStyle.primary
        )
        self.round_id = round_id
        self.choice = choice

    @classmethod
    async def from_match(
        cls, match: re.Match[str], interaction: discord.Interaction[Any]
    ) -> VoteButton:
        return cls(match["round"], int(match["choice"]))

    async def pressed(self, interaction: discord.Interaction[Any], cog: Relay) -> None:
        result = await cog.relay.vote(
            self.round_id, relay_user(interaction.user.id), self.choice, is_bot=interaction.user.bot
        )
        note = f"Your vote: {self.choice}." if result.accepted else result.note
        await interaction.response.send_message(note, ephemeral=True)
        if result.closed is not None:
            await cog.announce_closed(interaction.channel_id, result.closed.message)


def vote_view(view: RoundView) -> discord.ui.View:
    ui = discord.ui.View(timeout=None)
    for i in range(len(view.candidates)):
        ui.add_item(VoteButton(view.id, i + 1))
    return ui


@app_commands.guild_only()
class Relay(commands.GroupCog, group_name="relay", group_description="Write a story together"):
    def __init__(self, bot: NoraeBot, relay: RelayService) -> None:
        self.bot = bot
        self.relay = relay
        self.bus = bot.services.events
        self._tasks: list[asyncio.Task[None]] = []

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(VoteButton)
        # rounds are closed by the process's one ticker (bot/services.py); this hears them
        self._tasks = [asyncio.create_task(self._listen(), name="relay-events")]

    async def cog_unload(self) -> None:
        for task in self._tasks:
            await stop_task(task)

    async def _listen(self) -> None:
        async for event in self.bus.listen("discord"):
            if event.get("type") != "round_closed":
                continue
            try:
                await self.announce_closed(
                    int(Channel.parse(str(event["channel"])).id),
                    str(event["message"]),
                    local_only=True,
                )
            except Exception:  # one failed announcement must not silence the later ones
                log.exception("could not announce a closed round in %s", event.get("channel"))

    async def announce_closed(
        self, raw_channel_id: int | None, message: str, *, local_only: bool = False
    ) -> None:
        """Post a round's closing message. ``local_only``: only in a channel this process holds
        (with shards split across processes, the process that has the channel announces)."""
        if raw_channel_id is None:
            return
        channel = self.bot.get_channel(raw_channel_id)
        if channel is None and not local_only:
            try:
                channel = await self.bot.fetch_channel(raw_channel_id)
            except discord.HTTPException:
                log.warning("cannot announce in channel %s", raw_channel_id)
                return
        if isinstance(channel, discord.abc.Messageable):
            try:
                await channel.send(shorten(message, MESSAGE_LIMIT), allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as exc:
                log.warning("cannot announce in channel %s: %s", raw_channel_id, exc)

    # --- commands --------------------------------------------------------------------------

    @app_commands.command(name="start", description="Start this channel's story")
    @app_commands.describe(title="Title", genre="Genre", language="ko or en")
    @app_commands.choices(language=LANGUAGE_CHOICES)
    async def start(
        self,
        interaction: discord.Interaction[Any],
        title: str = "",
        genre: str = "",
        language: str = "ko",
    ) -> None:
        user = interaction.user
        await self._run(
            interaction,
            lambda: self.relay.start(
                channel_of(interaction),
                relay_user(user.id),
                user.display_name,
                title=title,
                genre=genre,
                language=language,
            ),
            lambda r: r.message,
        )

    @app_commands.command(name="write", description="Add your line to the story")
    @app_commands.describe(text="Your line")
    async def write(self, interaction: discord.Interaction[Any], text: str) -> None:
        user = interaction.user
        await self._run(
            interaction,
            lambda: self.relay.write(
                channel_of(interaction), relay_user(user.id), user.display_name, text
            ),
            lambda r: f"**{user.display_name}**: {r.line.text}",
        )

    @app_commands.command(name="continue", description="Ask the model for continuations to vote on")
    @app_commands.describe(
        keyword="A word to steer the story", length="short, medium, long or a token count"
    )
    async def continue_(
        self,
        interaction: discord.Interaction[Any],
        keyword: str | None = None,
        length: str | None = None,
    ) -> None:
        await interaction.response.defer(thinking=True)  # the model may take longer than 3 s
        user = interaction.user
        # the service parses and checks `length` ("short", "40", …) with a clear error
        view = await self.relay.continue_story(
            channel_of(interaction),
            relay_user(user.id),
            user.display_name,
            keyword=keyword,
            length=length,
        )
        await self._post_round(interaction, view)

    @app_commands.command(name="reroll", description="New candidates for the open round")
    async def reroll(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(thinking=True)
        view = await self.relay.reroll(channel_of(interaction), relay_user(interaction.user.id))
        await self._post_round(interaction, view)

    @app_commands.command(
        name="propose", description="Propose a keyword or length for the next continuation"
    )
    @app_commands.choices(
        kind=[
            app_commands.Choice(name="keyword", value="keyword"),
            app_commands.Choice(name="length", value="length"),
        ]
    )
    async def propose(self, interaction: discord.Interaction[Any], kind: str, value: str) -> None:
        user = interaction.user
        await self._run(
            interaction,
            lambda: self.relay.propose(
                channel_of(interaction), relay_user(user.id), user.display_name, kind, value
            ),
            lambda r: (
                f"Proposal {r.proposal.id}: {r.proposal.kind} = {r.proposal.value}"
                + ("" if r.created else " (already proposed)")
            ),
        )

    @app_commands.command(name="support", description="Vote for a proposed keyword or length")
    @app_commands.describe(proposal="The proposal to back (one vote per kind)")
    async def support(self, interaction: discord.Interaction[Any], proposal: str) -> None:
        await self._run(
            interaction,
            lambda: self.relay.vote_proposal(
                channel_of(interaction),
                relay_user(interaction.user.id),
                proposal,
                is_bot=interaction.user.bot,
            ),
            lambda r: (
                f"You back proposal {r.proposal_id}."
                + (
                    f" (instead of {r.previous})"
                    if r.previous and r.previous != r.proposal_id
                    else ""
                )
            ),
        )

    @support.autocomplete("proposal")
    async def proposal_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        found = await self.relay.proposals(channel_of(interaction))
        choices = [
            app_commands.Choice(
                name=shorten(f"{p.kind}: {p.value} ({p.votes} votes)", 100), value=p.id
            )
            for p in found
            if current.casefold() in f"{p.id} {p.value}".casefold()
        ]
        return choices[:25]

    @app_commands.command(
        name="undo", description="Remove the last line (its author or a moderator)"
    )
    async def undo(self, interaction: discord.Interaction[Any]) -> None:
        await self._run(
            interaction,
            lambda: self.relay.undo(
                channel_of(interaction),
                relay_user(interaction.user.id),
                moderator=is_moderator(interaction),
            ),
            lambda r: f"Removed line {r.line.number}: {shorten(r.line.text, 300)}",
        )

    @app_commands.command(name="show", description="Show the story")
    async def show(self, interaction: discord.Interaction[Any], page: int = 1) -> None:
        await self._run(
            interaction,
            lambda: self.relay.show(channel_of(interaction), page),
            lambda r: shorten(
                f"**{r.story.title or 'untitled'}** (page {r.page}/{r.pages})\n{r.text}",
                MESSAGE_LIMIT,
            ),
        )

    @app_commands.command(name="end", description="Finish and archive the story")
    async def end(self, interaction: discord.Interaction[Any]) -> None:
        await self._run(
            interaction,
            lambda: self.relay.end(
                channel_of(interaction),
                relay_user(interaction.user.id),
                moderator=is_moderator(interaction),
            ),
            lambda r: (
                f"The story {r.story.title or r.story.id} is archived ({r.story.line_count} lines)."
                if r.archived
                else "The empty story was discarded."
            ),
        )

    @app_commands.command(name="export", description="Download the story as Markdown and text")
    async def export(self, interaction: discord.Interaction[Any]) -> None:
        exp = await self.relay.export(channel_of(interaction))
        files = [
            discord.File(io.BytesIO(exp.markdown.encode()), filename=f"{exp.filename}.md"),
            discord.File(io.BytesIO(exp.text.encode()), filename=f"{exp.filename}.txt"),
        ]
        await interaction.response.send_message(
            f"{exp.story.title or 'untitled'}", files=files, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="stories", description="Archived stories of this channel")
    async def stories(self, interaction: discord.Interaction[Any], page: int = 1) -> None:
        await self._run(
            interaction,
            lambda: self.relay.stories_page(channel_of(interaction), page),
            lambda r: (
                "\n".join(
                    [f"Archived stories (page {r.page}/{r.pages}, {r.total} in all):"]
                    + [
                        f"• {s.title or 'untitled'} ({s.line_count} lines) · id {s.id}"
                        for s in r.stories
                    ]
                )
                if r.stories
                else "No archived stories yet."
            ),
        )

    # --- reactions --------------------------------------------------------------------------

    async def _reaction_vote(
        self, payload: discord.RawReactionActionEvent
    ) -> tuple[str, int] | None:
        """(round id, choice) for a number reaction on a round's message, else None."""
        if (
            payload.user_id == getattr(self.bot.user, "id", None)
            or str(payload.emoji) not in NUMBERS
        ):
            return None
        round_id = await self.relay.round_for_message(message_ref(payload.message_id))
        if round_id is None:
            return None
        return round_id, NUMBERS.index(str(payload.emoji)) + 1

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        found = await self._reaction_vote(payload)
        if found is None:
            return
        is_bot = bool(payload.member and payload.member.bot)
        try:
            await self.bot.limiter.check("vote", user=Actor.discord(payload.user_id).key)
            result = await self.relay.vote(
                found[0], relay_user(payload.user_id), found[1], is_bot=is_bot
            )
        except UserError as exc:  # a refused vote or SlowDown: a reaction has no one to answer
            log.info("reaction vote refused: %s", exc)
            return
        if result.closed is not None:
            await self.announce_closed(payload.channel_id, result.closed.message)

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        """Taking a number reaction back withdraws that vote (not a later vote for another)."""
        found = await self._reaction_vote(payload)
        if found is None:
            return
        with contextlib.suppress(RelayError):  # the round closed meanwhile: nothing to take back
            await self.relay.unvote(found[0], relay_user(payload.user_id), found[1])

    # --- helpers ----------------------------------------------------------------------------

    async def _post_round(self, interaction: discord.Interaction[Any], view: RoundView) -> None:
        message = await interaction.followup.send(
            round_text(view), view=vote_view(view), allowed_mentions=NO_MENTIONS, wait=True
        )
        await self.relay.attach_message(view.id, message_ref(message.id))
        for emoji in NUMBERS[: len(view.candidates)]:
            with contextlib.suppress(discord.HTTPException):
                await message.add_reaction(emoji)

    async def _run(self, interaction: discord.Interaction[Any], call: Any, render: Any) -> None:
        """Answer publicly with ``render(await call())``; a refusal goes to the tree's on_error."""
        result = await call()
        await interaction.response.send_message(
            shorten(render(result), MESSAGE_LIMIT), allowed_mentions=NO_MENTIONS
        )


async def setup(bot: NoraeBot) -> None:
    await bot.add_cog(Relay(bot, bot.services.relay))
