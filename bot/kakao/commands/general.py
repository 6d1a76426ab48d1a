"""The help text (made from every command's :class:`~bot.kakao.commands.Help`) and ``결과 보기``,
which fetches an answer that came too late (:mod:`bot.kakao.late`)."""

from __future__ import annotations

import textwrap

from bot import texts
from bot.kakao import late, registry
from bot.kakao.commands import AnyCommand, Context, Help, KakaoCommand
from bot.kakao.grammar import Command, rule
from bot.kakao.rendering import Reply

PLACE = 90
ENGLISH_WIDTH = 92  # where the English usages wrap (a line of a chat bubble on a computer)


def help_text() -> str:
    """Korean lines (``• usage — does``, the commands of one line joined by ``·``), then every
    command's English usage (its usage's English text) on one wrapped line."""
    lines: dict[str, list[str]] = {}
    english: dict[str, list[str]] = {}
    for command in registry.commands():
        h = command.help
        if h.listed:
            part = " — ".join(x for x in (h.usage_in("ko"), h.does_in("ko")) if x)
            if part:
                lines.setdefault(h.line or command.kind, []).append(part)
        if usage := h.usage_in("en"):
            head, _, tail = usage.partition(" ")
            english.setdefault(head, []).append(tail)
    korean = [f"• {' · '.join(parts)}" for parts in lines.values()]
    usages = [
        " ".join(filter(None, (head, "|".join(filter(None, tails)))))
        for head, tails in english.items()
    ]
    summary = textwrap.fill(
        texts.text("kakao-help-english", "ko", usages=", ".join(usages)), ENGLISH_WIDTH
    )
    return "\n".join([texts.text("kakao-help-title", "ko"), *korean, summary])


async def show_help(ctx: Context, c: Command) -> Reply:
    return Reply().text(help_text())


COMMANDS: tuple[AnyCommand, ...] = (
    KakaoCommand(
        "fetch",
        late.fetch,
        rules=(rule(r"^(?:결과\s*보기|result)$"),),
        help=Help("kakao-usage-fetch", listed=False),
    ),
    KakaoCommand(
        "help",
        show_help,
        rules=(rule(r"^(?:도움말|help|\?)$"),),
        deduped=False,
        help=Help("kakao-usage-help", listed=False),
    ),
)
