"""Relay stories from KakaoTalk: the chat (or, in a 1:1 chat, the user) is the channel.

Candidates are numbered text (people vote on the whole line) with ``1번``… quick replies.
"""

from __future__ import annotations

from bot.kakao.commands import AnyCommand, Context, Help, KakaoCommand
from bot.kakao.grammar import (
    NUMBER,
    RELAY,
    Command,
    choice,
    keyword,
    page,
    rule,
    say,
    title_and_genre,
)
from bot.kakao.rendering import TEXT_CHARS, Reply
from bot.relay.service import (
    EndResult,
    Page,
    RoundResult,
    RoundView,
    StartResult,
    UndoResult,
    VoteResult,
    WriteResult,
)
from bot.texts import text
from storage.stories import Story

PLACE = 10
MORE = "relay.more"  # the help line that lists the smaller commands together


def _title(story: Story) -> str:
    return story.title or text("kakao-untitled", "ko")


def _continue_writing(reply: Reply) -> Reply:
    return reply.quick_reply(text("kakao-quick-continue", "ko"), say("relay.continue"))


def _show_story(reply: Reply) -> Reply:
    return reply.quick_reply(text("kakao-quick-show", "ko"), say("relay.show"))


# --- start -----------------------------------------------------------------------------------


async def start(ctx: Context, c: Command) -> StartResult:
    return await ctx.services.relay.start(
        ctx.channel, ctx.user, ctx.who.name, title=c.title, genre=c.genre
    )


def started(ctx: Context, c: Command, result: StartResult) -> Reply:
    story = result.story
    if result.created:
        said = text("kakao-relay-started", "ko", title=_title(story))
    else:
        said = text(
            "kakao-relay-already-started", "ko", title=_title(story), lines=story.line_count
        )
    return _continue_writing(Reply().text(said))


# --- write -----------------------------------------------------------------------------------


async def write(ctx: Context, c: Command) -> WriteResult:
    return await ctx.services.relay.write(ctx.channel, ctx.user, ctx.who.name, c.text)


def written(ctx: Context, c: Command, result: WriteResult) -> Reply:
    line = result.line
    reply = Reply().text(text("kakao-relay-written", "ko", number=line.number, line=line.text))
    return _show_story(_continue_writing(reply))


# --- rounds ----------------------------------------------------------------------------------


async def continue_story(ctx: Context, c: Command) -> RoundView:
    return await ctx.services.relay.continue_story(
        ctx.channel, ctx.user, ctx.who.name, keyword=c.keyword or None
    )


async def reroll(ctx: Context, c: Command) -> RoundView:
    return await ctx.services.relay.reroll(ctx.channel, ctx.user)


def round_reply(ctx: Context, c: Command, rnd: RoundView) -> Reply:
    secs = max(0, round(rnd.deadline - ctx.services.relay.clock()))
    lines = [f"{n}. {candidate}" for n, candidate in enumerate(rnd.candidates, 1)]
    head = text("kakao-relay-candidates", "ko", seconds=secs)
    reply = Reply().text(head + "\n\n" + "\n".join(lines))
    for n in range(1, len(rnd.candidates) + 1):
        reply.quick_reply(text("kakao-quick-vote", "ko", number=n), say("relay.vote", n))
    return _show_story(reply.quick_reply(text("kakao-quick-reroll", "ko"), say("relay.reroll")))


async def vote(ctx: Context, c: Command) -> VoteResult | Reply:
    relay = ctx.services.relay
    rnd = await relay.open_round(ctx.channel)
    if rnd is None:
        return _show_story(Reply().text(text("kakao-relay-no-open-round", "ko")))
    if c.choice is None:
        return Reply().text(text("kakao-relay-vote-how", "ko"))
    return await relay.vote(rnd.id, ctx.user, c.choice)


def voted(ctx: Context, c: Command, result: VoteResult) -> Reply:
    said = text("kakao-relay-voted", "ko", choice=result.choice)
    if result.previous is not None and result.previous != result.choice:
        said += " " + text("kakao-relay-vote-changed", "ko", previous=result.previous)
    if result.closed is not None:
        said += "\n" + round_closed(result.closed)
    return _show_story(Reply().text(said))


def round_closed(closed: RoundResult) -> str:
    """A closed round, from its fields: the winner joined the story, nobody voted, or the winner
    could not be added (the story ended or is full)."""
    if closed.line is not None and closed.winner is not None:
        return text("kakao-relay-round-won", "ko", winner=closed.winner)
    if closed.winner is None:
        return text("kakao-relay-round-no-votes", "ko")
    return text("kakao-relay-round-not-added", "ko", winner=closed.winner)


# --- reading and ending ----------------------------------------------------------------------


async def show(ctx: Context, c: Command) -> Page | Reply:
    if c.page < 1:
        return _show_story(Reply().text(text("kakao-relay-bad-page", "ko")))
    return await ctx.services.relay.show(ctx.channel, c.page, page_chars=TEXT_CHARS - 100)


def shown(ctx: Context, c: Command, page: Page) -> Reply:
    head = text(
        "kakao-relay-page", "ko", title=_title(page.story), page=page.page, pages=page.pages
    )
    reply = Reply().text(head + "\n\n" + (page.text or text("kakao-relay-page-empty", "ko")))
    if page.page < page.pages:
        reply.quick_reply(text("kakao-quick-next-page", "ko"), say("relay.show", page.page + 1))
    return _continue_writing(reply)


async def undo(ctx: Context, c: Command) -> UndoResult:
    return await ctx.services.relay.undo(ctx.channel, ctx.user)


def undone(ctx: Context, c: Command, result: UndoResult) -> Reply:
    return Reply().text(text("kakao-relay-undone", "ko", line=result.line.text))


async def end(ctx: Context, c: Command) -> EndResult:
    return await ctx.services.relay.end(ctx.channel, ctx.user)


def ended(ctx: Context, c: Command, result: EndResult) -> Reply:
    if result.archived:
        said = text("kakao-relay-ended", "ko", title=_title(result.story))
    else:
        said = text("kakao-relay-discarded", "ko")
    return Reply().text(said).quick_reply(text("kakao-quick-new-story", "ko"), say("relay.start"))


COMMANDS: tuple[AnyCommand, ...] = (
    KakaoCommand(
        "relay.start",
        start,
        started,
        rules=(rule(rf"^{RELAY}\s+(?:시작|start)(?:\s+(?P<rest>.*))?$", title_and_genre),),
        action="start",
        help=Help("kakao-usage-relay-start", "kakao-does-relay-start"),
    ),
    KakaoCommand(
        "relay.write",
        write,
        written,
        rules=(rule(rf"^{RELAY}\s+(?:한줄|한 줄|쓰기|write)(?:\s+(?P<rest>.*))?$"),),
        action="write",
        help=Help("kakao-usage-relay-write", "kakao-does-relay-write"),
    ),
    KakaoCommand(
        "relay.continue",
        continue_story,
        round_reply,
        rules=(rule(rf"^{RELAY}\s+(?:계속|이어|continue)(?:\s+(?P<rest>.*))?$", keyword),),
        slow=True,
        action="continue",
        help=Help("kakao-usage-relay-continue", "kakao-does-relay-continue"),
    ),
    KakaoCommand(
        "relay.reroll",
        reroll,
        round_reply,
        rules=(rule(rf"^{RELAY}\s+(?:다시|reroll)$"),),
        slow=True,
        action="continue",
        help=Help("kakao-usage-relay-reroll", listed=False),
    ),
    KakaoCommand(
        "relay.vote",
        vote,
        voted,
        rules=(
            rule(rf"^(?:투표|vote)\s*{NUMBER}$", choice),
            rule(r"^(?:투표|vote)(?:\s+(?P<rest>.*))?$", choice),  # no number
        ),
        action="vote",
        help=Help("kakao-usage-relay-vote", line=MORE),
    ),
    KakaoCommand(
        "relay.show",
        show,
        shown,
        rules=(
            rule(rf"^{RELAY}\s+(?:보기|show)(?:\s+(?P<rest>.*))?$", page),
            rule(r"^(?:이야기|story)\s*(?:보기|show)?(?:\s+(?P<rest>[0-9]{1,4}))?$", page),
            # "이야기 보기 ²": a page that is not a number gets its own answer, not the companion.
            rule(r"^(?:이야기|story)\s*(?:보기|show)\s+(?P<rest>.+)$", page),
        ),
        deduped=False,
        help=Help("kakao-usage-relay-show", line=MORE),
    ),
    KakaoCommand(
        "relay.undo",
        undo,
        undone,
        rules=(rule(rf"^{RELAY}\s+(?:취소|undo)$"),),
        action="write",
        help=Help("kakao-usage-relay-undo", line=MORE),
    ),
    KakaoCommand(
        "relay.end",
        end,
        ended,
        rules=(rule(rf"^{RELAY}\s+(?:끝|끝내기|end)$"),),
        action="write",
        help=Help("kakao-usage-relay-end", line=MORE),
    ),
)
