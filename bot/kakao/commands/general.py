"""The help text (made from every command's :class:`~bot.kakao.commands.Help`) and ``결과 보기``,
which fetches an answer that came too late (:mod:`bot.kakao.late`)."""

from __future__ import annotations

import textwrap

from bot.kakao import late, registry
from bot.kakao.commands import AnyCommand, Context, Help, KakaoCommand
from bot.kakao.grammar import Command, rule
from bot.kakao.rendering import Reply

PLACE = 90
TITLE = "노래봇 사용법 (How to use)"
ENGLISH_WIDTH = 92  # where the English summary wraps (a line of a chat bubble on a computer)


def help_text() -> str:
    """Korean lines (``• usage — does``, the commands of one line joined by ``·``), then every
    English usage on one wrapped line."""
    lines: dict[str, list[str]] = {}
    english: dict[str, list[str]] = {}
    for command in registry.commands():
        h = command.help
        part = " — ".join(x for x in (h.usage, h.does) if x)
        if part:
            lines.setdefault(h.line or command.kind, []).append(part)
        if h.english:
            head, _, tail = h.english.partition(" ")
            english.setdefault(head, []).append(tail)
    korean = [f"• {' · '.join(parts)}" for parts in lines.values()]
    usages = [
        " ".join(filter(None, (head, "|".join(filter(None, tails)))))
        for head, tails in english.items()
    ]
    summary = textwrap.fill(f"English: {', '.join(usages)}.", ENGLISH_WIDTH)
    return "\n".join([TITLE, *korean, summary])


async def show_help(ctx: Context, c: Command) -> Reply:
    return Reply().text(help_text())


COMMANDS: tuple[AnyCommand, ...] = (
    KakaoCommand(
        "fetch",
        late.fetch,
        rules=(rule(r"^(?:결과\s*보기|result)$"),),
        help=Help(english="result"),
    ),
    KakaoCommand(
        "help",
        show_help,
        rules=(rule(r"^(?:도움말|help|\?)$"),),
        deduped=False,
        help=Help(english="help"),
    ),
)
