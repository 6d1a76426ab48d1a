"""``/relay``: relay stories in a Discord channel. Thin: every rule lives in bot/relay/service.py.

Votes come from number reactions (raw events, cache-independent) and from buttons that survive a
restart (``DynamicItem`` with the round id in their ``custom_id``). Rounds close in the service's
ticker; this cog posts the closing message it hears about on the ``discord`` event channel.
Everything that echoes user or model text is sent with mentions disabled.

Every text is rendered here from the service's results with the ``discord-*`` catalog codes, in
the reader's language: an interaction's locale, or the guild's preferred locale for a post in the
channel (a closed round). No round, story or proposal id is shown: people see titles and values.
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

from bot import texts
from bot.discord_bot import NoraeBot
from bot.errors import UserError
from bot.relay.service import (
    EndResult,
    Page,
    ProposalResult,
    RelayError,
    RelayService,
    RoundView,
    StartResult,
    StoriesPage,
    UndoResult,
)
from bot.relay.ticker import round_closed_event
from bot.tasks import stop_task
from cogs.common import (
    LANGUAGE_CHOICES,
    MESSAGE_LIMIT,
    NO_MENTIONS,
    NUMBERS,
    CogButton,
    catalog_str,
    guild_language,
    message_ref,
    reader_language,
    shorten,
    slash_name,
    untitled,
)
from contract.ids import Actor, Channel
from storage.votes import Proposal

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


# --- what people read ---------------------------------------------------------------------


def round_text(view: RoundView, lang: str) -> str:
    """An open round: how to vote and until when (Discord shows the deadline in the reader's
    own words and time zone), the keyword, and the numbered candidates."""
    header = texts.text("discord-round", lang, closes=f"<t:{int(view.deadline)}:R>")
    if view.keyword:
        header += " · " + texts.text("discord-round-keyword", lang, keyword=view.keyword)
    lines = [header]
    for i, cand in enumerate(view.candidates):
        lines.append(f"{NUMBERS[i]} {shorten(cand, CANDIDATE_CHARS)}")
    return shorten("\n".join(lines), MESSAGE_LIMIT)


def joined(event: dict[str, Any]) -> bool:
    """Whether a closed round's winner joined the story."""
    return event.get("winner") is not None and event.get("line") is not None


def closed_text(event: dict[str, Any], why_not: str, lang: str) -> str:
    """A closed round (a ``round_closed`` event, see bot/relay/ticker.py): its counts and what
    joined the story; ``why_not``: the catalog code said when nothing did."""
    counts = ", ".join(
        texts.text("discord-round-count", lang, number=number, votes=votes)
        for number, votes in enumerate(event["counts"], 1)
    )
    if joined(event):
        return texts.text("discord-round-added", lang, counts=counts, winner=event["winner"])
    return texts.text(why_not, lang, counts=counts)


def start_text(result: StartResult, lang: str) -> str:
    title = untitled(result.story.title, lang)
    if result.created:
        return texts.text("discord-relay-started", lang, title=title)
    end = slash_name(lang, "discord-relay", "discord-relay-end")
    return texts.text(
        "discord-relay-already-started",
        lang,
        title=title,
        lines=result.story.line_count,
        command=end,
    )


def proposed_text(result: ProposalResult, lang: str) -> str:
    code = "discord-relay-proposed" if result.created else "discord-relay-proposed-before"
    return texts.text(code, lang, kind=result.proposal.kind, value=result.proposal.value)


def supported_text(proposal: Proposal | None, previous: Proposal | None, lang: str) -> str:
    """The proposal a vote went to (and the one it left), by kind and value."""
    if proposal is None:  # used by a continuation in between
        return texts.text("discord-relay-supported-plain", lang)
    if previous is not None and previous.id != proposal.id:
        return texts.text(
            "discord-relay-supported-instead",
            lang,
            kind=proposal.kind,
            value=proposal.value,
            previous=previous.value,
        )
    return texts.text("discord-relay-supported", lang, kind=proposal.kind, value=proposal.value)


def undo_text(result: UndoResult, lang: str) -> str:
    return texts.text(
        "discord-relay-removed",
        lang,
        number=result.line.number,
        text=shorten(result.line.text, 300),
    )


def page_text(result: Page, lang: str) -> str:
    header = texts.text(
        "discord-relay-page",
        lang,
        title=untitled(result.story.title, lang),
        page=result.page,
        pages=result.pages,
    )
    return shorten(f"{header}\n{result.text}", MESSAGE_LIMIT)


def end_text(result: EndResult, lang: str) -> str:
    if not result.archived:
        return texts.text("discord-relay-discarded", lang)
    return texts.text(
        "discord-relay-archived",
        lang,
        title=untitled(result.story.title, lang),
        lines=result.story.line_count,
    )


def stories_text(result: StoriesPage, lang: str) -> str:
    if not result.stories:
        return texts.text("discord-relay-no-stories", lang)
    header = texts.text(
        "discord-relay-stories-header",
        lang,
        page=result.page,
        pages=result.pages,
        total=result.total,
    )
    items = [
        texts.text(
            "discord-relay-story-item", lang, title=untitled(s.title, lang), lines=s.line_count
        )
        for s in result.stories
    ]
    return "\n".join([header, *items])


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
        lang = reader_language(interaction)
        if result.accepted:
            note = texts.text("discord-vote-counted", lang, choice=self.choice)
        else:  # only a bot's vote is not taken
            note = texts.text("discord-vote-bot", lang)
        await interaction.response.send_message(note, ephemeral=True)
        if result.closed is not None:
            await cog.announce_closed(interaction.channel_id, round_closed_event(result.closed))


def vote_view(view: RoundView) -> discord.ui.View:
    ui = discord.ui.View(timeout=None)
    for i in range(len(view.candidates)):
        ui.add_item(VoteButton(view.id, i + 1))
    return ui


@app_commands.guild_only()
class Relay(
    commands.GroupCog,
    group_name=catalog_str("discord-relay"),
    group_description=catalog_str("discord-relay-description"),
):
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
                    int(Channel.parse(str(event["channel"])).id), event, local_only=True
                )
            except Exception:  # one failed announcement must not silence the later ones
                log.exception("could not announce a closed round in %s", event.get("channel"))

    async def announce_closed(
        self, raw_channel_id: int | None, event: dict[str, Any], *, local_only: bool = False
    ) -> None:
        """Post a closed round (its ``round_closed`` event) in the guild's language.
        ``local_only``: only in a channel this process holds (with shards split across processes,
        the process that has the channel announces)."""
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
            lang = guild_language(getattr(channel, "guild", None))
            why_not = "" if joined(event) else await self._why_nothing_joined(event)
            message = closed_text(event, why_not, lang)
            try:
                await channel.send(shorten(message, MESSAGE_LIMIT), allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as exc:
                log.warning("cannot announce in channel %s: %s", raw_channel_id, exc)

    async def _why_nothing_joined(self, event: dict[str, Any]) -> str:
        """The catalog code for a round whose winner did not join the story: no votes, or the
        story ended (or filled up) before the round closed."""
        if event.get("winner") is None:
            return "discord-round-no-votes"
        story = await self.relay.stories.get(str(event.get("story_id", "")))
        if story is None or story.status != "active":
            return "discord-round-story-ended"
        return "discord-round-story-full"

    # --- commands --------------------------------------------------------------------------

    @app_commands.command(
        name=catalog_str("discord-relay-start"),
        description=catalog_str("discord-relay-start-description"),
    )
    @app_commands.rename(
        title=catalog_str("discord-relay-start-title"),
        genre=catalog_str("discord-relay-start-genre"),
        language=catalog_str("discord-option-language"),
    )
    @app_commands.describe(
        title=catalog_str("discord-relay-start-title-description"),
        genre=catalog_str("discord-relay-start-genre-description"),
        language=catalog_str("discord-relay-start-language-description"),
    )
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
            lambda r: start_text(r, reader_language(interaction)),
        )

    @app_commands.command(
        name=catalog_str("discord-relay-write"),
        description=catalog_str("discord-relay-write-description"),
    )
    @app_commands.rename(text=catalog_str("discord-option-text"))
    @app_commands.describe(text=catalog_str("discord-relay-write-text-description"))
    async def write(self, interaction: discord.Interaction[Any], text: str) -> None:
        user = interaction.user
        await self._run(
            interaction,
            lambda: self.relay.write(
                channel_of(interaction), relay_user(user.id), user.display_name, text
            ),
            lambda r: f"**{user.display_name}**: {r.line.text}",
        )

    @app_commands.command(
        name=catalog_str("discord-relay-continue"),
        description=catalog_str("discord-relay-continue-description"),
    )
    @app_commands.rename(
        keyword=catalog_str("discord-relay-continue-keyword"),
        length=catalog_str("discord-relay-continue-length"),
    )
    @app_commands.describe(
        keyword=catalog_str("discord-relay-continue-keyword-description"),
        length=catalog_str("discord-relay-continue-length-description"),
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

    @app_commands.command(
        name=catalog_str("discord-relay-reroll"),
        description=catalog_str("discord-relay-reroll-description"),
    )
    async def reroll(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(thinking=True)
        view = await self.relay.reroll(channel_of(interaction), relay_user(interaction.user.id))
        await self._post_round(interaction, view)

    @app_commands.command(
        name=catalog_str("discord-relay-propose"),
        description=catalog_str("discord-relay-propose-description"),
    )
    @app_commands.rename(
        kind=catalog_str("discord-relay-propose-kind"),
        value=catalog_str("discord-relay-propose-value"),
    )
    @app_commands.describe(
        kind=catalog_str("discord-relay-propose-kind-description"),
        value=catalog_str("discord-relay-propose-value-description"),
    )
    @app_commands.choices(
        kind=[
            app_commands.Choice(name=catalog_str(f"discord-proposal-kind-{kind}"), value=kind)
            for kind in ("keyword", "length")
        ]
    )
    async def propose(self, interaction: discord.Interaction[Any], kind: str, value: str) -> None:
        user = interaction.user
        await self._run(
            interaction,
            lambda: self.relay.propose(
                channel_of(interaction), relay_user(user.id), user.display_name, kind, value
            ),
            lambda r: proposed_text(r, reader_language(interaction)),
        )

    @app_commands.command(
        name=catalog_str("discord-relay-support"),
        description=catalog_str("discord-relay-support-description"),
    )
    @app_commands.rename(proposal=catalog_str("discord-relay-support-proposal"))
    @app_commands.describe(proposal=catalog_str("discord-relay-support-proposal-description"))
    async def support(self, interaction: discord.Interaction[Any], proposal: str) -> None:
        lang = reader_language(interaction)
        channel = channel_of(interaction)
        known = {p.id: p for p in await self.relay.proposals(channel)}
        vote = await self.relay.vote_proposal(
            channel, relay_user(interaction.user.id), proposal, is_bot=interaction.user.bot
        )
        if not vote.accepted:  # only a bot's vote is not taken
            text = texts.text("discord-vote-bot", lang)
        else:
            previous = known.get(vote.previous) if vote.previous else None
            text = supported_text(known.get(vote.proposal_id.strip()), previous, lang)
        await interaction.response.send_message(
            shorten(text, MESSAGE_LIMIT), allowed_mentions=NO_MENTIONS
        )

    @support.autocomplete("proposal")
    async def proposal_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        lang = reader_language(interaction)
        found = await self.relay.proposals(channel_of(interaction))
        choices = [
            app_commands.Choice(
                name=shorten(
                    texts.text(
                        "discord-relay-proposal-choice",
                        lang,
                        kind=p.kind,
                        value=p.value,
                        votes=p.votes,
                    ),
                    100,
                ),
                value=p.id,
            )
            for p in found
            if current.casefold() in f"{p.id} {p.value}".casefold()
        ]
        return choices[:25]

    @app_commands.command(
        name=catalog_str("discord-relay-undo"),
        description=catalog_str("discord-relay-undo-description"),
    )
    async def undo(self, interaction: discord.Interaction[Any]) -> None:
        await self._run(
            interaction,
            lambda: self.relay.undo(
                channel_of(interaction),
                relay_user(interaction.user.id),
                moderator=is_moderator(interaction),
            ),
            lambda r: undo_text(r, reader_language(interaction)),
        )

    @app_commands.command(
        name=catalog_str("discord-relay-show"),
        description=catalog_str("discord-relay-show-description"),
    )
    @app_commands.rename(page=catalog_str("discord-option-page"))
    @app_commands.describe(page=catalog_str("discord-relay-show-page-description"))
    async def show(self, interaction: discord.Interaction[Any], page: int = 1) -> None:
        await self._run(
            interaction,
            lambda: self.relay.show(channel_of(interaction), page),
            lambda r: page_text(r, reader_language(interaction)),
        )

    @app_commands.command(
        name=catalog_str("discord-relay-end"),
        description=catalog_str("discord-relay-end-description"),
    )
    async def end(self, interaction: discord.Interaction[Any]) -> None:
        await self._run(
            interaction,
            lambda: self.relay.end(
                channel_of(interaction),
                relay_user(interaction.user.id),
                moderator=is_moderator(interaction),
            ),
            lambda r: end_text(r, reader_language(interaction)),
        )

    @app_commands.command(
        name=catalog_str("discord-relay-export"),
        description=catalog_str("discord-relay-export-description"),
    )
    async def export(self, interaction: discord.Interaction[Any]) -> None:
        exp = await self.relay.export(channel_of(interaction))
        files = [
            discord.File(io.BytesIO(exp.markdown.encode()), filename=f"{exp.filename}.md"),
            discord.File(io.BytesIO(exp.text.encode()), filename=f"{exp.filename}.txt"),
        ]
        await interaction.response.send_message(
            untitled(exp.story.title, reader_language(interaction)),
            files=files,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(
        name=catalog_str("discord-relay-stories"),
        description=catalog_str("discord-relay-stories-description"),
    )
    @app_commands.rename(page=catalog_str("discord-option-page"))
    @app_commands.describe(page=catalog_str("discord-relay-stories-page-description"))
    async def stories(self, interaction: discord.Interaction[Any], page: int = 1) -> None:
        await self._run(
            interaction,
            lambda: self.relay.stories_page(channel_of(interaction), page),
            lambda r: stories_text(r, reader_language(interaction)),
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
            await self.announce_closed(payload.channel_id, round_closed_event(result.closed))

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
            round_text(view, reader_language(interaction)),
            view=vote_view(view),
            allowed_mentions=NO_MENTIONS,
            wait=True,
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
