"""Relay stories: the platform-neutral service behind ``/relay`` (Discord), Kakao and the web chat.

A channel (platform-prefixed id, e.g. ``"discord:123"`` or ``"web:room1"``) has at most one active
story. People add lines; ``continue_story`` asks the model for candidates and opens a vote round;
the round closes on its timer (``close_due_rounds``, called by a background task in every bot
process) or when a quorum of the channel's recent writers has voted, and the winner joins the story.
Every method returns plain dataclasses; bad input raises :class:`RelayError`, a catalog code
(``bot/locales/<lang>/relay.ftl``) that each front door shows in its reader's language.

Decisions (where the issue is silent):

- Ties go to the lowest candidate number; no votes: ``no_vote_policy`` (``keep_first`` / ``drop``).
- A continuation reserves the channel's round *before* the model writes, so a second
  ``continue`` during generation is refused at once instead of costing a second model call. The
  reservation is a lease of ``reservation_lease_s`` (10 s) that the writer renews while it works:
  when its process dies, the next ``continue`` (or ``close_due_rounds``) takes the channel back
  within the lease, instead of the room staying locked for the whole generation time.
- Fewer than 2 usable candidates: the model is asked once more and the results are merged. If
  still none is usable the round is released with an error; a single candidate still opens a
  round (with ``keep_first`` it wins unless voted down by nobody — it is the only choice).
- A model line's ``author_id`` is the user who asked for the continuation: they (or a moderator)
  may undo it. ``end`` is allowed to the story's starter or a moderator, so one passer-by cannot
  archive a channel's story; ending cancels an open round.
- Anyone may reroll an open round, at most ``max_rerolls`` times; a reroll clears its votes and
  restarts its timer.
- Bots never vote: a bot's vote is ignored without an error (a cog sees its own reactions).
- Proposals (``keyword`` / ``length``) are used by the next ``continue`` that does not name its own:
  the most voted one of each kind wins, ties go to the earliest; with no votes the earliest
  proposal still counts (it is all the channel said). The proposals it read are then cleared.
- Quorum: with a quorum q > 0, a round closes once ``ceil(q × recent writers)`` of the channel's
  recent writers (who started, wrote, continued or proposed within the window) have voted. q is
  ``platform_quorum[<the channel's platform>]``, else ``quorum``. Web rooms default to 1: a round
  closes as soon as everyone writing in the room has voted (a writer alone does not wait out the
  timer; a passer-by who never wrote can still vote until then). Discord and Kakao default to
  ``quorum`` (0, off): a channel there has readers who vote without writing, and a Kakao group
  chat sees no live count, so the timer decides.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot import texts
from bot.errors import UserError
from bot.inference import InferenceError
from bot.numbers import strict_int
from bot.relay.text import (
    build_prompt,
    clean_candidates,
    clean_keyword,
    clean_line,
    story_language,
)
from bot.tasks import stop_task
from bot.writing import generate_scored
from bot.writing_checks import line_score, pick_distinct
from contract.settings import RelaySettings
from storage.connection import Redis
from storage.stories import (
    AlreadyApplied,
    Line,
    NoActiveStory,
    NotAllowed,
    NothingToUndo,
    Story,
    StoryFull,
    StoryStore,
)
from storage.votes import (
    BadChoice,
    Proposal,
    ProposalKind,
    ProposalNotFound,
    RerollConflict,
    Round,
    RoundNotFound,
    RoundNotOpen,
    TooManyProposals,
    TooManyVoters,
    VoterCap,
    VoteStore,
)

log = logging.getLogger(__name__)

REDIS_DOWN: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)

MAX_TITLE_CHARS = 100
MAX_GENRE_CHARS = 40
LANGUAGES = ("ko", "en")
LENGTH_WORDS = ("short", "medium", "long")
PAGE_CHARS = 1800  # a Discord message is 2000 chars: room for a header and the page number
PROMPT_LINES = 200  # more than context_chars can ever hold of real lines


class RelayError(UserError):
    """Refused input or state, as a catalog code (``bot/locales/*/relay.ftl``) and its variables.

    ``round_id`` names the round the refusal is about, for a front door that shows that round; it
    is never part of the text.
    """

    def __init__(self, code: str, /, *, round_id: str | None = None, **params: object) -> None:
        super().__init__(code, **params)
        self.round_id = round_id


class VoterCapFull(RelayError):
    """The voter's address already has its cap of voters in the round (the web's limit)."""

    def __init__(self) -> None:
        super().__init__("too-many-voters")


class TextGenerator(Protocol):
    """What the service needs from :class:`bot.inference.InferenceClient`."""

    async def generate(
        self, prompts: list[str], *, timeout: float | None = None, **params: Any
    ) -> list[list[str]]: ...


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StartResult:
    story: Story
    created: bool

    def text(self, lang: str | None) -> str:
        """What the channel is told, in the reader's language: the story started, or the one
        already there (and that it must end before a new one starts)."""
        title = self.story.title or texts.text("relay-untitled", lang)
        if self.created:
            return texts.text("relay-started", lang, title=title)
        return texts.text("relay-already-started", lang, title=title, lines=self.story.line_count)

    @property
    def messages(self) -> dict[texts.Lang, str]:
        """:meth:`text` in every language, for a page that picks its reader's."""
        return texts.each(self.text)


@dataclass(frozen=True, slots=True)
class WriteResult:
    story: Story
    line: Line


@dataclass(frozen=True, slots=True)
class RoundView:
    """An open round as a platform shows it: numbered candidates and a deadline."""

    id: str
    channel: str
    story_id: str
    candidates: list[str]
    deadline: float
    keyword: str
    max_new_tokens: int
    rerolls: int

    @classmethod
    def of(cls, rnd: Round) -> RoundView:
        return cls(
            rnd.id,
            rnd.channel,
            rnd.story_id,
            rnd.candidates,
            rnd.deadline,
            rnd.keyword,
            rnd.max_new_tokens,
            rnd.rerolls,
        )


@dataclass(frozen=True, slots=True)
class RoundResult:
    """A closed round: the counts, the winner (1-based, None when nothing won) and its line.

    ``note`` says why nothing joined the story, as a catalog code (``relay-note-*``); "" when the
    winner joined it.
    """

    round_id: str
    channel: str
    story_id: str
    candidates: list[str]
    counts: list[int]
    winner: int | None
    line: Line | None
    reason: str  # "timer" | "quorum"
    note: str = ""

    def text(self, lang: str | None) -> str:
        """The closing announcement in the reader's language: the votes per candidate, then the
        winner that joined the story or why nothing did."""
        counts = ", ".join(
            texts.text("relay-round-count", lang, choice=i, votes=c)
            for i, c in enumerate(self.counts, 1)
        )
        if self.line is not None and self.winner is not None:
            return texts.text("relay-round-closed-won", lang, counts=counts, winner=self.winner)
        note = texts.text(self.note or "relay-note-nothing-added", lang)
        return texts.text("relay-round-closed-empty", lang, counts=counts, note=note)

    @property
    def messages(self) -> dict[texts.Lang, str]:
        """:meth:`text` in every language, for a front door that picks its reader's."""
        return texts.each(self.text)


@dataclass(frozen=True, slots=True)
class VoteResult:
    accepted: bool
    round_id: str
    choice: int
    previous: int | None = None
    voters: int = 0
    closed: RoundResult | None = None  # set when this vote completed the quorum
    note: str = ""  # why the vote was not counted, as a catalog code; "" when it was
    counts: list[int] = field(default_factory=list)  # votes per candidate right after this one


@dataclass(frozen=True, slots=True)
class UndoResult:
    story: Story
    line: Line


@dataclass(frozen=True, slots=True)
class Page:
    story: Story
    lines: list[Line]
    page: int  # 1-based
    pages: int

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True, slots=True)
class EndResult:
    story: Story
    archived: bool  # False: the story had no lines and was discarded
    cancelled_round: str | None = None


@dataclass(frozen=True, slots=True)
class Export:
    story: Story
    markdown: str
    text: str
    filename: str  # without extension: add ".md" / ".txt"


@dataclass(frozen=True, slots=True)
class StoriesPage:
    stories: list[Story]
    page: int
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class ProposalResult:
    proposal: Proposal
    created: bool  # False: an equal proposal existed and is returned


@dataclass(frozen=True, slots=True)
class ProposalVote:
    accepted: bool
    proposal_id: str
    previous: str | None = None
    note: str = ""  # why the vote was not counted, as a catalog code; "" when it was


# --- the service -----------------------------------------------------------------------------


class RelayService:
    def __init__(
        self,
        redis: Redis,
        inference: TextGenerator,
        settings: RelaySettings,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.stories = StoryStore(redis)
        self.votes = VoteStore(redis)
        self.inference = inference
        self.settings = settings
        self.clock = clock

    # --- stories -------------------------------------------------------------------------

    async def start(
        self,
        channel: str,
        user_id: str,
        user_name: str,
        *,
        title: str = "",
        genre: str = "",
        language: str = "ko",
    ) -> StartResult:
        """Start the channel's story, or return the active one (``created=False``)."""
        title = _short_field(title, "title", MAX_TITLE_CHARS)
        genre = _short_field(genre, "genre", MAX_GENRE_CHARS)
        language = language.strip().lower() or "ko"
        if language not in LANGUAGES:
            raise RelayError("relay-bad-language")
        now = self.clock()
        story, created = await self.stories.start(
            channel,
            title=title,
            genre=genre,
            language=language,
            user_id=user_id,
            user_name=user_name,
            now=now,
            ttl_s=self.settings.empty_story_ttl_s,
        )
        if created:
            log.info("story %s started in %s", story.id, channel)
            await self._touch(channel, user_id, now)
        return StartResult(story, created)

    async def write(self, channel: str, user_id: str, user_name: str, text: str) -> WriteResult:
        """Add a person's line to the active story."""
        line_text = clean_line(text)
        if not line_text:
            raise RelayError("relay-empty-line")
        if len(line_text) > self.settings.max_line_chars:
            raise RelayError(
                "relay-line-too-long", length=len(line_text), limit=self.settings.max_line_chars
            )
        s = self.settings
        try:  # the store's step finds the channel's active story itself
            line, story = await self.stories.write_line(
                channel,
                text=line_text,
                author_id=user_id,
                author_name=user_name,
                now=self.clock(),
                max_lines=s.max_story_lines,
                max_chars=s.max_story_chars,
                writers_window_s=s.recent_writers_window_s,
                idle_ttl_s=s.idle_story_ttl_s,
            )
        except NoActiveStory:
            raise RelayError("relay-no-story") from None
        except StoryFull as exc:
            raise RelayError(
                "relay-story-full", what=exc.what, used=exc.used, limit=exc.limit
            ) from None
        return WriteResult(story, line)

    async def undo(self, channel: str, user_id: str, *, moderator: bool = False) -> UndoResult:
        """Remove the story's last line: its author (or a moderator) only."""
        story = await self._active(channel)
        try:
            line = await self.stories.undo(
                story.id,
                channel,
                user_id=user_id,
                moderator=moderator,
                idle_ttl_s=self.settings.idle_story_ttl_s,
            )
        except NothingToUndo:
            raise RelayError("relay-nothing-to-undo") from None
        except NotAllowed as exc:
            author = str(exc)  # the last line's author, by name
            if author:
                raise RelayError("relay-undo-not-yours", author=author) from None
            raise RelayError("relay-undo-author-only") from None
        except NoActiveStory:
            raise RelayError("relay-no-story") from None
        return UndoResult(await self._active(channel), line)

    async def show(
        self,
        channel: str,
        page: int = 1,
        *,
        story_id: str | None = None,
        page_chars: int = PAGE_CHARS,
    ) -> Page:
        """One page of a story (the active one, or ``story_id``): whole lines, ≤ ``page_chars``."""
        story, lines = await self._story_lines(channel, story_id)
        pages = _paginate(lines, page_chars)
        if not 1 <= page <= len(pages):
            raise RelayError("relay-no-page", page=page, pages=len(pages))
        return Page(story, pages[page - 1], page, len(pages))

    async def end(self, channel: str, user_id: str, *, moderator: bool = False) -> EndResult:
        """Archive the active story (its starter or a moderator); cancels an open round."""
        story = await self._active(channel)
        if not moderator and story.created_by != user_id:
            if story.created_by_name:
                raise RelayError("relay-end-not-yours", starter=story.created_by_name)
            raise RelayError("relay-end-starter-only")
        cancelled = await self._cancel_round(channel)
        try:
            archived = await self.stories.end(
                story.id, channel, user_id=user_id, moderator=moderator, now=self.clock()
            )
        except NoActiveStory:
            raise RelayError("relay-no-story") from None
        except NotAllowed:
            raise RelayError("relay-end-starter-only") from None
        log.info("story %s in %s ended (archived=%s)", story.id, channel, archived)
        return EndResult(await self.stories.get(story.id) or story, archived, cancelled)

    async def export(
        self, channel: str, *, story_id: str | None = None, lang: str | None = None
    ) -> Export:
        """The story as Markdown and as plain text (the active one, or ``story_id``). The words
        around the story's lines (a missing title, the byline) are in ``lang``, by default in the
        story's own language."""
        story, lines = await self._story_lines(channel, story_id)
        lang = lang or story.language
        return Export(
            story, _markdown(story, lines, lang), _plain(story, lines, lang), _filename(story)
        )

    async def stories_page(self, channel: str, page: int = 1, per_page: int = 10) -> StoriesPage:
        """The channel's archived stories, newest first."""
        total = await self.stories.archived_count(channel)
        pages = max(1, math.ceil(total / per_page))
        if not 1 <= page <= pages:
            raise RelayError("relay-no-stories-page", page=page, pages=pages)
        found = await self.stories.archived(channel, (page - 1) * per_page, per_page)
        return StoriesPage(found, page, pages, total)

    async def read(self, story_id: str) -> tuple[Story, list[Line]]:
        """A story and its lines by id, for the web reader page ``/stories/<id>``."""
        got = await self.stories.export(story_id)
        if got is None:
            raise RelayError("relay-no-such-story")
        return got

    # --- rounds --------------------------------------------------------------------------

    async def continue_story(
        self,
        channel: str,
        user_id: str,
        user_name: str,
        *,
        keyword: str | None = None,
        length: int | str | None = None,
    ) -> RoundView:
        """Ask the model for candidates and open the channel's vote round."""
        story = await self._active(channel)
        kw = self._keyword(keyword) if keyword is not None else None
        tokens = self._length(length) if length is not None else None
        proposals = await self.votes.proposals(channel)
        if kw is None:
            kw = _winner(proposals, "keyword") or ""
        if tokens is None:
            won = _winner(proposals, "length")
            tokens = self._length(won) if won else self.settings.new_tokens_default
        now = self.clock()
        round_id, created = await self.votes.reserve(
            channel,
            story.id,
            user_id=user_id,
            user_name=user_name,
            keyword=kw,
            max_new_tokens=tokens,
            now=now,
            reserve_until=now + self.settings.reservation_lease_s,
        )
        if not created:
            raise RelayError("relay-round-already-open", round_id=round_id)
        lease = asyncio.create_task(self._keep_reserved(round_id), name=f"lease-{round_id}")
        try:
            candidates = await self._candidates(story, kw, tokens)
            if not candidates:
                raise RelayError("relay-no-continuation")
            await stop_task(lease)  # no renewal may land after the round opens
            await self.votes.publish(
                round_id, candidates, deadline=self.clock() + self.settings.round_seconds
            )
        except RoundNotOpen:
            raise RelayError("relay-writing-dropped") from None
        except BaseException as exc:
            await stop_task(lease)
            await self._release(round_id)
            if isinstance(exc, InferenceError):
                raise _model_refused(exc) from None
            raise
        finally:
            await stop_task(lease)
        await self.votes.clear_proposals(channel, [p.id for p in proposals])
        await self._touch(channel, user_id, now)
        log.info("round %s opened in %s with %d candidates", round_id, channel, len(candidates))
        return await self._view(round_id)

    async def _keep_reserved(self, round_id: str) -> None:
        """Renew a reservation every third of its lease while the model writes."""
        lease = self.settings.reservation_lease_s
        while True:
            await asyncio.sleep(lease / 3)
            try:
                if not await self.votes.renew(round_id, until=self.clock() + lease):
                    return
            except REDIS_DOWN as exc:  # a blip: the next renewal may still come in time
                log.warning("could not renew round %s: %s", round_id, exc)

    async def reroll(self, channel: str, user_id: str) -> RoundView:
        """New candidates for the open round; its votes are cleared and its timer restarts."""
        rnd = await self._open_round(channel)
        if rnd.rerolls >= self.settings.max_rerolls:
            raise RelayError("relay-reroll-limit", round_id=rnd.id, rerolls=rnd.rerolls)
        story = await self._active(channel)
        try:
            candidates = await self._candidates(story, rnd.keyword, rnd.max_new_tokens)
        except InferenceError as exc:
            raise _model_refused(exc) from None
        if not candidates:
            raise RelayError("relay-reroll-no-candidates")
        try:
            await self.votes.publish(
                rnd.id,
                candidates,
                deadline=self.clock() + self.settings.round_seconds,
                reroll_of=rnd.rerolls,
            )
        except RerollConflict:
            raise RelayError("relay-reroll-conflict", round_id=rnd.id) from None
        except (RoundNotOpen, RoundNotFound):
            raise RelayError("relay-reroll-closed") from None
        log.info("round %s rerolled by %s", rnd.id, user_id)
        return await self._view(rnd.id)

    async def open_round(self, channel: str) -> RoundView | None:
        """The channel's open round, if any (e.g. to re-post it)."""
        round_id = await self.votes.open_round_id(channel)
        rnd = await self.votes.get(round_id) if round_id else None
        return RoundView.of(rnd) if rnd is not None and rnd.state == "open" else None

    async def find_round(self, round_id: str) -> RoundView | None:
        """A round by id in any state (open, closing or closed) while it is kept, else None."""
        rnd = await self.votes.get(round_id)
        return RoundView.of(rnd) if rnd is not None else None

    async def ballots(self, round_id: str) -> dict[str, int]:
        """Each voter's choice in a round (user id -> 1-based choice)."""
        return await self.votes.votes(round_id)

    async def active_story(self, channel: str) -> Story | None:
        """The channel's story in progress, if any."""
        return await self.stories.active(channel)

    async def vote(
        self,
        round_id: str,
        user_id: str,
        choice: int,
        *,
        is_bot: bool = False,
        channel: str | None = None,
        voter_cap: VoterCap | None = None,
    ) -> VoteResult:
        """Record a user's vote (a later vote replaces the earlier one); bots never count.

        ``channel``: the channel the voter is in; a round of another one is refused as missing
        (``relay-no-round``, naming no round). ``voter_cap``: the web's cap of voters per address
        (:class:`VoterCapFull` past it)."""
        if is_bot:
            return VoteResult(False, round_id, choice, note="relay-vote-bot")
        try:
            cast = await self.votes.cast(
                round_id, user_id, choice, channel=channel, voter_cap=voter_cap
            )
        except RoundNotFound:
            if channel is not None:
                raise RelayError("relay-no-round") from None
            raise RelayError("relay-no-round", round_id=round_id) from None
        except TooManyVoters:
            raise VoterCapFull() from None
        except RoundNotOpen as exc:
            raise _not_open(round_id, exc.state) from None
        except BadChoice as exc:
            raise RelayError("relay-bad-choice", round_id=round_id, choices=exc.choices) from None
        counts = [0] * cast.candidates
        for each in cast.ballots.values():
            if 1 <= each <= cast.candidates:
                counts[each - 1] += 1
        closed = await self._close_on_quorum(round_id, cast.channel, cast.ballots)
        return VoteResult(True, round_id, choice, cast.previous, cast.voters, closed, "", counts)

    async def unvote(self, round_id: str, user_id: str, choice: int) -> bool:
        """Withdraw a vote (a removed reaction) if it is still for ``choice``."""
        try:
            return await self.votes.unvote(round_id, user_id, choice)
        except RoundNotOpen as exc:
            raise _not_open(round_id, exc.state) from None

    async def close_due_rounds(self, now: float | None = None) -> list[RoundResult]:
        """Close every round whose time is up (and finish rounds a dead process left closing).

        Safe to call from any number of processes at once: each result is returned by exactly one
        call, the one to announce it.
        """
        now = self.clock() if now is None else now
        results: list[RoundResult] = []
        for round_id in await self.votes.due(now):
            result = await self._close(round_id, now=now, force=False, reason="timer", recover=True)
            if result is not None:
                results.append(result)
        return results

    async def attach_message(self, round_id: str, message_ref: str) -> None:
        """Remember the platform message that shows a round (``"discord:<message id>"``)."""
        await self.votes.attach_message(round_id, message_ref)

    async def round_for_message(self, message_ref: str) -> str | None:
        return await self.votes.round_for_message(message_ref)

    # --- proposals -----------------------------------------------------------------------

    async def propose(
        self, channel: str, user_id: str, user_name: str, kind: str, value: str
    ) -> ProposalResult:
        """Propose a keyword or a length for the next continuation."""
        await self._active(channel)
        if kind == "keyword":
            shown = self._keyword(value)
            norm = shown.casefold()
        elif kind == "length":
            shown = value.strip().lower()
            norm = str(self._length(shown))
        else:
            raise RelayError("relay-bad-proposal-kind")
        now = self.clock()
        proposal_kind: ProposalKind = "keyword" if kind == "keyword" else "length"
        try:
            proposal_id, created = await self.votes.propose(
                channel,
                kind=proposal_kind,
                value=shown,
                norm=norm,
                user_id=user_id,
                user_name=user_name,
                now=now,
                max_per_kind=self.settings.max_proposals,
                ttl_s=self.settings.idle_story_ttl_s,
            )
        except TooManyProposals:
            raise RelayError(
                "relay-too-many-proposals", kind=kind, count=self.settings.max_proposals
            ) from None
        await self._touch(channel, user_id, now)
        found = [p for p in await self.votes.proposals(channel) if p.id == proposal_id]
        if not found:  # consumed by a continue in between
            raise RelayError("relay-proposal-used")
        return ProposalResult(found[0], created)

    async def proposals(self, channel: str) -> list[Proposal]:
        return await self.votes.proposals(channel)

    async def vote_proposal(
        self, channel: str, user_id: str, proposal_id: str, *, is_bot: bool = False
    ) -> ProposalVote:
        """Vote for a proposal: one vote per user per kind, a later vote replaces the earlier."""
        if is_bot:
            return ProposalVote(False, proposal_id, note="relay-vote-bot")
        try:
            previous = await self.votes.vote_proposal(channel, proposal_id.strip(), user_id)
        except ProposalNotFound:
            raise RelayError("relay-no-proposal") from None
        return ProposalVote(True, proposal_id, previous)

    # --- internals -----------------------------------------------------------------------

    async def _active(self, channel: str) -> Story:
        story = await self.stories.active(channel)
        if story is None:
            raise RelayError("relay-no-story")
        return story

    async def _story(self, channel: str, story_id: str | None) -> Story:
        if story_id is None:
            return await self._active(channel)
        story = await self.stories.get(story_id)
        if story is None:
            raise RelayError("relay-no-such-story")
        return story

    async def _story_lines(self, channel: str, story_id: str | None) -> tuple[Story, list[Line]]:
        """:meth:`_story` with all its lines, read together."""
        if story_id is None:
            story_id = await self.stories.active_id(channel)
            if story_id is None:
                raise RelayError("relay-no-story")
            got = await self.stories.export(story_id)
            if got is None or got[0].status != "active":  # ended in between
                raise RelayError("relay-no-story")
            return got
        got = await self.stories.export(story_id)
        if got is None:
            raise RelayError("relay-no-such-story")
        return got

    async def _open_round(self, channel: str) -> Round:
        round_id = await self.votes.open_round_id(channel)
        rnd = await self.votes.get(round_id) if round_id else None
        if rnd is None or rnd.state != "open":
            raise RelayError("relay-no-open-round")
        return rnd

    async def _view(self, round_id: str) -> RoundView:
        rnd = await self.votes.get(round_id)
        if rnd is None:
            raise RelayError("relay-round-gone")
        return RoundView.of(rnd)

    async def _touch(self, channel: str, user_id: str, now: float) -> None:
        await self.stories.touch_writer(
            channel, user_id, now=now, window_s=self.settings.recent_writers_window_s
        )

    async def _add(
        self,
        story: Story,
        text: str,
        user_id: str,
        user_name: str,
        source: Literal["human", "model"],
        now: float,
        once: str | None = None,
    ) -> Line:
        try:
            return await self.stories.add_line(
                story.id,
                story.channel,
                text=text,
                author_id=user_id,
                author_name=user_name,
                source=source,
                now=now,
                max_lines=self.settings.max_story_lines,
                max_chars=self.settings.max_story_chars,
                once=once,
                idle_ttl_s=self.settings.idle_story_ttl_s,
            )
        except NoActiveStory:
            raise RelayError("relay-no-story") from None
        except StoryFull as exc:
            raise RelayError(
                "relay-story-full", what=exc.what, used=exc.used, limit=exc.limit
            ) from None

    def _keyword(self, value: str) -> str:
        kw = clean_keyword(value)
        if not kw:
            raise RelayError("relay-empty-keyword")
        if len(kw) > self.settings.keyword_max_chars:
            raise RelayError("relay-keyword-too-long", limit=self.settings.keyword_max_chars)
        return kw

    def _length(self, value: int | str) -> int:
        """``length`` as max new tokens: a number in range, or short / medium / long."""
        s = self.settings
        named = {
            "short": s.new_tokens_min,
            "medium": s.new_tokens_default,
            "long": s.new_tokens_max,
        }
        if isinstance(value, str):
            word = value.strip().lower()
            if word in named:
                return named[word]
            number = strict_int(word)  # ASCII digits: "²" or "٣" is not a length
            if number is None:
                raise RelayError("relay-bad-length", min=s.new_tokens_min, max=s.new_tokens_max)
            value = number
        if not s.new_tokens_min <= value <= s.new_tokens_max:
            raise RelayError("relay-bad-length", min=s.new_tokens_min, max=s.new_tokens_max)
        return value

    async def _candidates(self, story: Story, keyword: str, tokens: int) -> list[str]:
        """Up to N candidates, best first; asks once more when fewer than 2 survive.

        The model writes ``overgenerate`` times as many continuations as there are places, each
        stopping at a sentence end after about ``tokens`` (models/decoding.py); they are cleaned,
        ranked by the model's own fluency and the rules of bot/writing_checks.py (keyword
        present, sentence boundary, clean start, one script, no list or web junk), and the best
        ones that differ from each other are kept.
        """
        lines = await self.stories.last_lines(story.id, PROMPT_LINES)
        line_texts = [line.text for line in lines]
        prompt = build_prompt(
            title=story.title,
            genre=story.genre,
            lines=line_texts,
            context_chars=self.settings.context_chars,
        )
        language = story_language(line_texts, story.language)
        s = self.settings
        n = s.candidates
        ranked: list[tuple[float, str]] = []
        for attempt in range(2):
            outputs = await generate_scored(
                self.inference,
                prompt,
                n=n * s.overgenerate,
                max_new_tokens=tokens + tokens // 2,
                min_new_tokens=max(1, tokens * 6 // 10),
                until="sentence",
                keyword=keyword or None,
                language=language,
                temperature=s.temperature,
                top_p=s.top_p,
                repetition_penalty=s.repetition_penalty,
                timeout=s.generate_timeout_s,
            )
            seen = [text for _, text in ranked]
            for raw, logprob in outputs:
                cleaned = clean_candidates(
                    [raw], prompt=prompt, max_chars=s.max_line_chars, language=language, keep=seen
                )
                if not cleaned:
                    continue
                text = cleaned[0]
                seen.append(text)
                score = line_score(
                    text, logprob=logprob, language=language, prompt=prompt, keyword=keyword
                )
                ranked.append((score, text))
            if len(ranked) >= 2:
                break
            log.info(
                "only %d usable candidate(s) for story %s (try %d)",
                len(ranked),
                story.id,
                attempt + 1,
            )
        ranked.sort(key=lambda pair: -pair[0])
        return pick_distinct([text for _, text in ranked], n)

    async def _release(self, round_id: str) -> None:
        rnd = await self.votes.get(round_id)
        if rnd is not None:
            await self.votes.close(
                rnd,
                now=self.clock(),
                force=True,
                policy=self.settings.no_vote_policy,
                grace_s=self.settings.close_grace_s,
                reason="released",
                cancel=True,
            )

    async def _cancel_round(self, channel: str) -> str | None:
        round_id = await self.votes.open_round_id(channel)
        if round_id is None:
            return None
        await self._release(round_id)
        return round_id

    async def _close_on_quorum(
        self, round_id: str, channel: str, ballots: dict[str, int]
    ) -> RoundResult | None:
        """Close the round of ``channel`` (open when its vote was just counted) once the
        channel's quorum of recent writers is among ``ballots``, the votes right after it."""
        quorum = self.settings.quorum_for(channel)
        if quorum <= 0:
            return None
        now = self.clock()
        writers = await self.stories.recent_writers(
            channel, now=now, window_s=self.settings.recent_writers_window_s
        )
        if not writers:
            return None
        needed = max(1, math.ceil(quorum * len(writers)))
        voted = writers & set(ballots)
        if len(voted) < needed:
            return None
        return await self._close(round_id, now=now, force=True, reason="quorum", recover=False)

    async def _close(
        self, round_id: str, *, now: float, force: bool, reason: str, recover: bool
    ) -> RoundResult | None:
        """Close one round and apply its winner; the one caller that finishes it gets the result."""
        rnd = await self.votes.get(round_id)
        if rnd is None:
            await self.votes.forget(round_id)
            return None
        status, closed = await self.votes.close(
            rnd,
            now=now,
            force=force,
            policy=self.settings.no_vote_policy,
            grace_s=self.settings.close_grace_s,
            reason=reason,
        )
        if closed is not None:
            winner, counts = closed.winner, closed.counts
        elif status == "closing" and recover:
            # Its closer died (or is slow) after counting: finish the job from what it stored.
            rnd = await self.votes.get(round_id) or rnd
            winner, counts, reason = rnd.winner, rnd.counts, rnd.reason or reason
            log.warning("finishing round %s left closed by another process", round_id)
        else:
            if status == "released":
                log.info("round %s was never published; dropped", round_id)
            return None
        line, note = await self._apply(rnd, winner)
        if not await self.votes.finish(rnd, note=note, line_number=line.number if line else None):
            return None
        log.info("round %s closed (%s): counts %s, winner %s", round_id, reason, counts, winner)
        return RoundResult(
            rnd.id, rnd.channel, rnd.story_id, rnd.candidates, counts, winner, line, reason, note
        )

    async def _apply(self, rnd: Round, winner: int | None) -> tuple[Line | None, str]:
        """The winner's line once it joined the story, or None and the note (a catalog code)
        that says why nothing did."""
        if winner is None:
            return None, "relay-note-no-votes"
        if not 1 <= winner <= len(rnd.candidates):
            return None, "relay-note-winner-missing"
        story = await self.stories.get(rnd.story_id)
        if story is None or story.status != "active":
            return None, "relay-note-story-ended"
        try:
            line = await self.stories.add_line(
                story.id,
                story.channel,
                text=rnd.candidates[winner - 1],
                author_id=rnd.opened_by,
                author_name=rnd.opened_by_name,
                source="model",
                now=self.clock(),
                max_lines=self.settings.max_story_lines,
                max_chars=self.settings.max_story_chars,
                once=rnd.id,
                idle_ttl_s=self.settings.idle_story_ttl_s,
            )
        except AlreadyApplied:
            return await self._applied_line(story.id, rnd.id), ""
        except StoryFull:
            return None, "relay-note-story-full"
        except NoActiveStory:
            return None, "relay-note-story-ended"
        return line, ""

    async def _applied_line(self, story_id: str, round_id: str) -> Line | None:
        for line in reversed(await self.stories.lines(story_id)):
            if line.round_id == round_id:
                return line
        return None


# --- helpers ---------------------------------------------------------------------------------


def _short_field(value: str, name: Literal["title", "genre"], limit: int) -> str:
    cleaned = clean_keyword(value)
    if len(cleaned) > limit:
        raise RelayError("relay-field-too-long", field=name, limit=limit)
    return cleaned


def _model_refused(exc: InferenceError) -> RelayError:
    """The model's refusal (busy, too slow, failed) told as the relay's: its code and variables.
    Raised ``from None`` inside the handler, so ``__context__`` still says it was the model."""
    error = RelayError(exc.code)
    error.params = dict(exc.params)
    return error


def _not_open(round_id: str, state: str) -> RelayError:
    """A vote for a round that is not open: still being written, or already closed."""
    if state == "pending":
        return RelayError("relay-round-pending", round_id=round_id)
    return RelayError("relay-round-closed", round_id=round_id)


def _winner(proposals: list[Proposal], kind: str) -> str | None:
    """The most voted proposal of a kind; ties go to the earliest (proposals come oldest first)."""
    best: Proposal | None = None
    for p in proposals:
        if p.kind == kind and (best is None or p.votes > best.votes):
            best = p
    return best.value if best else None


def _paginate(lines: list[Line], page_chars: int) -> list[list[Line]]:
    """Whole lines per page, each page's text (lines joined by newlines) ≤ ``page_chars``."""
    pages: list[list[Line]] = [[]]
    used = 0
    for line in lines:
        size = len(line.text) + 1
        if pages[-1] and used + size > page_chars:
            pages.append([])
            used = 0
        pages[-1].append(line)
        used += size
    return pages


def _date(ts: float | None) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d") if ts else ""


def _writers(lines: list[Line]) -> list[str]:
    names: list[str] = []
    for line in lines:
        if line.source == "human" and line.author_name and line.author_name not in names:
            names.append(line.author_name)
    return names


def _byline(story: Story, lines: list[Line], lang: str) -> str:
    model_lines = sum(1 for line in lines if line.source == "model")
    people = ", ".join(_writers(lines)) or texts.text("relay-export-nobody", lang)
    when = _date(story.created_at)
    if story.ended_at:
        when = f"{when} – {_date(story.ended_at)}"
    return texts.text(
        "relay-export-byline", lang, lines=len(lines), model=model_lines, people=people, when=when
    )


def _markdown(story: Story, lines: list[Line], lang: str) -> str:
    title = story.title or texts.text("relay-export-untitled", lang)
    parts = [f"# {title}", ""]
    if story.genre:
        parts += [f"*{story.genre}*", ""]
    parts += [line.text + "\n" for line in lines]
    parts += ["---", "", f"_{_byline(story, lines, lang)}_", ""]
    return "\n".join(parts)


def _plain(story: Story, lines: list[Line], lang: str) -> str:
    title = story.title or texts.text("relay-export-untitled", lang)
    parts = [title, "=" * max(3, len(title)), ""]
    if story.genre:
        parts += [story.genre, ""]
    parts += [line.text + "\n" for line in lines]
    parts += ["--", _byline(story, lines, lang), ""]
    return "\n".join(parts)


def _filename(story: Story) -> str:
    slug = re.sub(r"[^\w]+", "-", story.title.strip().lower()).strip("-")[:40]
    return f"{slug}-{story.id}" if slug else f"story-{story.id}"
