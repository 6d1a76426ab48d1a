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
    title_and_genre,
)
from bot.kakao.rendering import TEXT_CHARS, Reply
from bot.relay.service import (
    EndResult,
    Page,
    RoundView,
    StartResult,
    UndoResult,
    VoteResult,
    WriteResult,
)

PLACE = 10
UNTITLED = "제목 없음"
BAD_PAGE = "쪽 번호는 1 이상의 숫자로 적어 주세요. 예: '이야기 보기 2'"
MORE = "relay.more"  # the help line that lists the smaller commands together


def _continue_writing(reply: Reply) -> Reply:
    return reply.quick_reply("계속 쓰기", "이어쓰기 계속")


def _show_story(reply: Reply) -> Reply:
    return reply.quick_reply("이야기 보기", "이야기 보기")


# --- start -----------------------------------------------------------------------------------


async def start(ctx: Context, c: Command) -> StartResult:
    return await ctx.services.relay.start(
        ctx.channel, ctx.user, ctx.who.name, title=c.title, genre=c.genre
    )


def started(ctx: Context, c: Command, result: StartResult) -> Reply:
    story = result.story
    title = story.title or UNTITLED
    if result.created:
        text = f"새 이야기를 시작했어요: {title}\n'이어쓰기 한줄 <문장>'으로 써 주세요."
    else:
        text = (
            f"이 대화방에는 이미 이야기가 있어요: {title} ({story.line_count}줄). "
            "'이어쓰기 끝'으로 마친 뒤 새로 시작하세요."
        )
    return _continue_writing(Reply().text(text))


# --- write -----------------------------------------------------------------------------------


async def write(ctx: Context, c: Command) -> WriteResult:
    return await ctx.services.relay.write(ctx.channel, ctx.user, ctx.who.name, c.text)


def written(ctx: Context, c: Command, result: WriteResult) -> Reply:
    reply = Reply().text(f"{result.line.number}번째 줄을 더했어요.\n{result.line.text}")
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
    lines = [f"{n}. {text}" for n, text in enumerate(rnd.candidates, 1)]
    reply = Reply().text(f"다음 줄 후보예요. {secs}초 안에 투표해 주세요.\n\n" + "\n".join(lines))
    for n in range(1, len(rnd.candidates) + 1):
        reply.quick_reply(f"{n}번", f"투표 {n}")
    return _show_story(reply.quick_reply("다시 쓰기", "이어쓰기 다시"))


async def vote(ctx: Context, c: Command) -> VoteResult | Reply:
    relay = ctx.services.relay
    rnd = await relay.open_round(ctx.channel)
    if rnd is None:
        return _show_story(Reply().text("지금 열린 투표가 없어요."))
    if c.choice is None:
        return Reply().text("'투표 1'처럼 번호로 골라 주세요.")
    return await relay.vote(rnd.id, ctx.user, c.choice)


def voted(ctx: Context, c: Command, result: VoteResult) -> Reply:
    text = f"{c.choice}번에 투표했어요."
    if result.previous is not None and result.previous != c.choice:
        text += f" ({result.previous}번에서 바꿨어요)"
    if result.closed is not None:
        closed = result.closed
        if closed.line is not None:
            text += f"\n투표가 끝났어요. {closed.winner}번이 이야기에 들어갔어요."
        else:
            text += f"\n투표가 끝났어요. {closed.note}"
    return _show_story(Reply().text(text))


# --- reading and ending ----------------------------------------------------------------------


async def show(ctx: Context, c: Command) -> Page | Reply:
    if c.page < 1:
        return _show_story(Reply().text(BAD_PAGE))
    return await ctx.services.relay.show(ctx.channel, c.page, page_chars=TEXT_CHARS - 100)


def shown(ctx: Context, c: Command, page: Page) -> Reply:
    reply = Reply().text(
        f"『{page.story.title or UNTITLED}』 {page.page}/{page.pages}쪽\n\n"
        + (page.text or "(아직 한 줄도 없어요)")
    )
    if page.page < page.pages:
        reply.quick_reply("다음 쪽", f"이야기 보기 {page.page + 1}")
    return _continue_writing(reply)


async def undo(ctx: Context, c: Command) -> UndoResult:
    return await ctx.services.relay.undo(ctx.channel, ctx.user)


def undone(ctx: Context, c: Command, result: UndoResult) -> Reply:
    return Reply().text(f"마지막 줄을 지웠어요: {result.line.text}")


async def end(ctx: Context, c: Command) -> EndResult:
    return await ctx.services.relay.end(ctx.channel, ctx.user)


def ended(ctx: Context, c: Command, result: EndResult) -> Reply:
    if result.archived:
        text = f"이야기를 마쳤어요: {result.story.title or UNTITLED}"
    else:
        text = "빈 이야기라서 지웠어요."
    return Reply().text(text).quick_reply("새 이야기", "이어쓰기 시작")


COMMANDS: tuple[AnyCommand, ...] = (
    KakaoCommand(
        "relay.start",
        start,
        started,
        rules=(rule(rf"^{RELAY}\s+(?:시작|start)(?:\s+(?P<rest>.*))?$", title_and_genre),),
        action="start",
        help=Help("이어쓰기 시작 [제목]", "이 대화방의 이야기 시작", english="relay start"),
    ),
    KakaoCommand(
        "relay.write",
        write,
        written,
        rules=(rule(rf"^{RELAY}\s+(?:한줄|한 줄|쓰기|write)(?:\s+(?P<rest>.*))?$"),),
        action="write",
        help=Help("이어쓰기 한줄 <문장>", "내 문장 더하기", english="relay write"),
    ),
    KakaoCommand(
        "relay.continue",
        continue_story,
        round_reply,
        rules=(rule(rf"^{RELAY}\s+(?:계속|이어|continue)(?:\s+(?P<rest>.*))?$", keyword),),
        slow=True,
        action="continue",
        help=Help("이어쓰기 계속 [키워드]", "모델이 후보를 쓰고 투표", english="relay continue"),
    ),
    KakaoCommand(
        "relay.reroll",
        reroll,
        round_reply,
        rules=(rule(rf"^{RELAY}\s+(?:다시|reroll)$"),),
        slow=True,
        action="continue",
        help=Help(english="relay reroll"),
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
        help=Help("투표 <번호>", line=MORE, english="vote N"),
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
        help=Help("이야기 보기", line=MORE, english="relay show"),
    ),
    KakaoCommand(
        "relay.undo",
        undo,
        undone,
        rules=(rule(rf"^{RELAY}\s+(?:취소|undo)$"),),
        action="write",
        help=Help("이어쓰기 취소", line=MORE, english="relay undo"),
    ),
    KakaoCommand(
        "relay.end",
        end,
        ended,
        rules=(rule(rf"^{RELAY}\s+(?:끝|끝내기|end)$"),),
        action="write",
        help=Help("이어쓰기 끝", line=MORE, english="relay end"),
    ),
)
