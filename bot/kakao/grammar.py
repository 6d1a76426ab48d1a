"""KakaoTalk commands: what a user's utterance (or a block's ``action.params``) asks for.

Kakao has no slash commands, so the skill reads plain text. The grammar is a leading keyword
(Korean or English, case-insensitive), then free text. Anything that is not a command is a
message to the mood companion (the skill sends it there only when :mod:`bot.mood.feeling` finds a
feeling or a crisis in it; anything else gets a short help text).

=====================================  ==================================  ======================
utterance                              English                             does
=====================================  ==================================  ======================
``이어쓰기 시작 [제목] [/ 장르]``      ``relay start [title] [/ genre]``   start the chat's story
``이어쓰기 한줄 <문장>``               ``relay write <line>``              add your line
``이어쓰기 계속 [키워드]``             ``relay continue [keyword]``        model candidates + vote
``이어쓰기 다시``                      ``relay reroll``                    new candidates (slow)
``투표 <번호>``                        ``vote <n>``                        vote in the open round
``이야기 보기 [쪽]``                   ``relay show [page]``               read the story
``이어쓰기 취소``                      ``relay undo``                      remove your last line
``이어쓰기 끝``                        ``relay end``                       archive the story
``가사 <가수> [/ 주제]``               ``lyrics <artist> [/ theme]``       a song in their style
``가사 다시``                          ``lyrics again``                    another take
``고르기 <번호>``                      ``pick <n>``                        sound-alikes of a song
``추천 방식 match|lift``               ``mood match|lift``                 how songs are chosen
``기억 지우기``                        ``forget me``                       the companion forgets
``결과 보기``                          ``result``                          fetch a late answer
``도움말``                             ``help``                            this list
a simple command's keyword             (its catalog keywords)              that command
anything else                                                              the mood companion
=====================================  ==================================  ======================

A title keeps its slashes (``AC/DC 이야기``); only a slash with a space beside it, the last one,
starts the genre. Numbers are ASCII digits (``투표 2``), never ``²`` or ``２``.

``이어쓰기`` may also be written ``릴레이``; ``한줄`` also ``쓰기``; ``계속`` also ``이어``. In
``가사`` without ``/`` the longest leading words that name an imported artist are the artist and
the rest is the theme (the skill resolves that against Redis). ``추천 방식`` also accepts ``맞추기``
(match) and ``올리기`` (lift).

``action.params`` (set on an Open Builder block) win over the utterance: ``command`` names the
command (the ``kind`` values, e.g. ``relay.continue``, ``lyrics``, ``mood.policy``) and the
other parameters fill its arguments (``title``, ``genre``, ``text``, ``keyword``, ``choice``,
``page``, ``artist``, ``theme``, ``policy``). ``choice`` and ``page`` may be number entities
(``sys.number``, ``sys.number.ordinal``), which Kakao sends as JSON strings
(``'{"amount": 2, "unit": null}'``); a parameter only ``action.detailParams`` holds is read
from its ``value``. A block that passes only arguments (``artist`` and
``theme`` on a lyrics block) keeps the command its utterance names.

This module holds the pieces: :class:`Command` (one parsed request), :class:`Rule` (a keyword
pattern and how its rest becomes arguments) and the argument rules. Each feature declares its
commands with their rules in :mod:`bot.kakao.commands`; :mod:`bot.kakao.registry` tries every
rule in order (the first match wins), then the simple commands' keywords, then the companion.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace

from bot.numbers import strict_int

POLICY_WORDS = {"match": "match", "lift": "lift", "맞추기": "match", "올리기": "lift"}

# What a quick reply sends, and what a group chat's hint tells people to send: the Korean command
# words for a command ``kind``, as the rules below read them. Command words are data, not texts
# (the labels people read are in the catalogs); each one parses back to its kind.
COMMAND_WORDS: dict[str, str] = {
    "relay.start": "이어쓰기 시작",
    "relay.continue": "이어쓰기 계속",
    "relay.reroll": "이어쓰기 다시",
    "relay.vote": "투표",
    "relay.show": "이야기 보기",
    "lyrics.again": "가사 다시",
    "mood.pick": "고르기",
    "mood.policy": "추천 방식",
    "fetch": "결과 보기",
    "help": "도움말",
}

# Pieces of patterns: the relay's keyword, and a number with its optional ``#`` and ``번``.
RELAY = r"(?:이어쓰기|릴레이|relay)"
NUMBER = r"#?\s*(?P<n>[0-9]{1,3})\s*(?:번)?"
NUMBER_SUFFIX = "번"  # «2번»: the counter a number may carry


@dataclass(frozen=True)
class Command:
    """One parsed request. ``text`` is the free text after the keyword (or the whole message);
    ``kind`` names the command (:mod:`bot.kakao.commands`)."""

    kind: str
    text: str = ""
    title: str = ""
    genre: str = ""
    keyword: str = ""
    choice: int | None = None
    page: int = 1
    artist: str = ""
    theme: str = ""
    policy: str = ""


# An argument rule: the command's kind, the text after the keyword, and the number the pattern
# read (its ``n`` group), to the parsed command.
Arguments = Callable[[str, str, int | None], Command]


def whole(kind: str, rest: str, number: int | None) -> Command:
    """The rest is the command's text (a story line, or nothing at all)."""
    return Command(kind, text=rest)


def title_and_genre(kind: str, rest: str, number: int | None) -> Command:
    title, genre = split_title(rest)
    return Command(kind, text=rest, title=title, genre=genre)


def keyword(kind: str, rest: str, number: int | None) -> Command:
    return Command(kind, text=rest, keyword=rest)


def page(kind: str, rest: str, number: int | None) -> Command:
    # 0 marks a page that is not a number; the skill answers it with a plain text.
    return Command(kind, text=rest, page=(read_number(rest) or 0) if rest else 1)


def choice(kind: str, rest: str, number: int | None) -> Command:
    """The number the pattern read; without one the rest is kept (the skill asks for a number)."""
    return Command(kind, text=rest if number is None else "", choice=number)


def artist_and_theme(kind: str, rest: str, number: int | None) -> Command:
    artist, theme = split_lyrics(rest)
    return Command(kind, text=rest, artist=artist, theme=theme)


def policy(kind: str, rest: str, number: int | None) -> Command:
    return Command(kind, text=rest, policy=POLICY_WORDS.get(rest.lower(), rest.lower()))


@dataclass(frozen=True)
class Rule:
    """A pattern over the whole (space-squashed) utterance, case-insensitive; its ``rest`` group
    is the text after the keyword and its ``n`` group a number (see :data:`NUMBER`)."""

    pattern: re.Pattern[str]
    arguments: Arguments = whole

    def read(self, kind: str, text: str) -> Command | None:
        m = self.pattern.match(text)
        if m is None:
            return None
        rest = (m.groupdict().get("rest") or "").strip()
        number = m.groupdict().get("n")
        return self.arguments(kind, rest, int(number) if number is not None else None)


def rule(pattern: str, arguments: Arguments = whole) -> Rule:
    return Rule(re.compile(pattern, re.I), arguments)


def keywords_rule(words: Collection[str], arguments: Arguments = whole) -> Rule:
    """A leading keyword (one of ``words``), then free text."""
    spelled = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return rule(rf"^(?:{spelled})(?:\s+(?P<rest>.*))?$", arguments)


def say(kind: str, *arguments: object) -> str:
    """The message that sends command ``kind`` with ``arguments``: ``say("relay.vote", 2)`` is
    ``"투표 2"`` (see :data:`COMMAND_WORDS`)."""
    return " ".join([COMMAND_WORDS[kind], *(str(a) for a in arguments)])


def squash(utterance: str) -> str:
    """An utterance as the rules read it: spaces squashed, none at either end."""
    return " ".join(utterance.split())


# A separating slash has a space on at least one side; one inside a word ("AC/DC", "1/2") is text.
_SPACED_SLASH = re.compile(r"\s+/\s*|\s*/\s+")


def split_title(rest: str) -> tuple[str, str]:
    """``"비 오는 밤 / 미스터리"`` -> title and genre, split at the last spaced ``/``; a slash
    inside a word stays in the title (``"AC/DC 이야기"``, ``"1/2의 확률"``)."""
    seps = list(_SPACED_SLASH.finditer(rest))
    if not seps:
        return rest.strip(), ""
    last = seps[-1]
    return rest[: last.start()].strip(), rest[last.end() :].strip()


def split_lyrics(rest: str) -> tuple[str, str]:
    """``"김소월 / 봄"`` -> artist and theme at the first spaced ``/`` (so ``"AC/DC / 밤"``
    keeps the band's name); without one, at the first ``/`` (``"김소월/봄"``)."""
    m = _SPACED_SLASH.search(rest)
    if m is not None:
        return rest[: m.start()].strip(), rest[m.end() :].strip()
    head, sep, tail = rest.partition("/")
    return (head.strip(), tail.strip()) if sep else (rest.strip(), "")


def read_number(value: object) -> int | None:
    """A block parameter's number (``"2"``, ``"#2"``, ``"2번"``), or a number entity as Kakao
    sends it (``sys.number`` / ``sys.number.ordinal``: the JSON string
    ``'{"amount": 2, "unit": null}'``, or that object); None for anything else, bad JSON too."""
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if isinstance(value, dict):
        value = value.get("amount", value.get("value"))
        if isinstance(value, float) and value.is_integer():
            value = int(value)
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return strict_int(str(value).strip().lstrip("#").removesuffix(NUMBER_SUFFIX))


def overlay(command: Command, params: Mapping[str, object], kinds: Collection[str]) -> Command:
    """A block's ``action.params`` (strings, as Kakao sends them) over a parsed command; a
    ``command`` parameter names one of ``kinds``."""
    kind = str(params.get("command", "")).strip()
    if kind in kinds and kind != command.kind:
        command = Command(kind)
    updates: dict[str, object] = {}
    for name in ("text", "title", "genre", "keyword", "artist", "theme"):
        value = params.get(name)
        if isinstance(value, str) and value.strip():
            updates[name] = " ".join(value.split())
    if "policy" in params:
        word = str(params["policy"]).strip().lower()
        updates["policy"] = POLICY_WORDS.get(word, word)
    for name in ("choice", "page"):
        if params.get(name) in (None, ""):
            continue
        number = read_number(params[name])
        if number is not None:
            updates[name] = number
        else:  # not a number: the skill answers with the usage, never guesses
            updates[name] = None if name == "choice" else 0
    if command.kind == "relay.continue" and "keyword" not in updates and "text" in updates:
        updates["keyword"] = updates["text"]
    return replace(command, **updates) if updates else command  # type: ignore[arg-type]
