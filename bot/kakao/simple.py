"""The simple commands (:mod:`bot.commands`) in the Kakao room, offered without further code.

Each :class:`bot.commands.SimpleCommand` becomes a Kakao command of kind ``command.<name>``: an
utterance that starts with one of its keywords (``command.keywords()``, from the catalogs) runs
it with the rest as its text, in Korean, and the answer is one ``simpleText``. A slow one goes
through the same late-answer paths as the other slow commands (callback, or ``결과 보기``). A
command that needs a text and got none answers with a Korean prompt that says what to send; a
text over its ``max_text_chars`` with one that says how long it may be. The rate-limit action it
spends is its ``action``.
"""

from __future__ import annotations

from functools import cache

import bot.commands as simple
from bot import texts
from bot.kakao.commands import AnyCommand, Context, Help, KakaoCommand
from bot.kakao.grammar import Command, keywords_rule
from bot.kakao.rendering import Reply

PLACE = 50  # after the features' commands, before help and fetching


def kakao_commands() -> tuple[AnyCommand, ...]:
    """The simple commands declared now (looked up on every call, so tests may swap them)."""
    return _adapted(simple.simple_commands())


@cache
def _adapted(found: tuple[simple.SimpleCommand, ...]) -> tuple[AnyCommand, ...]:
    return tuple(adapt(command) for command in found)


def kind_of(command: simple.SimpleCommand) -> str:
    return f"command.{command.name}"


def adapt(command: simple.SimpleCommand) -> AnyCommand:
    words = command.keywords()  # Korean first
    keyword = words[0] if words else command.name
    english = next((word for word in words if word.isascii()), command.name)
    spelled: dict[str, str] = {"ko": keyword, "en": english}

    async def handle(ctx: Context, c: Command) -> str | Reply:
        text = c.text.strip()
        if command.text_required and not text:
            label = command.text_label("ko")
            return Reply().text(
                texts.text("kakao-command-text-required", "ko", keyword=keyword, label=label)
            )
        if len(text) > command.max_text_chars:
            limit = command.max_text_chars
            return Reply().text(texts.text("kakao-command-text-too-long", "ko", limit=limit))
        request = simple.Request(ctx.services, ctx.who.actor, ctx.who.channel, "ko", text)
        return await command.run(request)

    def render(ctx: Context, c: Command, answer: str) -> Reply:
        return Reply().text(answer)

    def usage(lang: texts.Lang) -> str:
        """``시 <무엇에 대한 시를 쓸까요?>`` in Korean; in English the keyword alone (``poem``),
        since a text label need not read well inside the list of English usages."""
        if lang != "ko" or not command.text_required:
            return spelled[lang]
        return f"{keyword} <{command.text_label('ko')}>"

    return KakaoCommand(
        kind_of(command),
        handle,
        render,
        rules=(keywords_rule(words),) if words else (),
        slow=command.slow,
        action=command.action,
        help=Help(usage, command.description),
    )
