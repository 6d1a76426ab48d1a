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
anything else                                                              the mood companion
=====================================  ==================================  ======================

A title keeps its slashes (``AC/DC 이야기``); only a slash with a space beside it, the last one,
starts the genre. Numbers are ASCII digits (``투표 2``), never ``²`` or ``２``.

``이어쓰기`` may also be written ``릴레이``; ``한줄`` also ``쓰기``; ``계속`` also ``이어``. In
``가사`` without ``/`` the longest leading words that name an imported artist are the artist and
the rest is the theme (the skill resolves that against Redis). ``추천 방식`` also accepts ``맞추기``
(match) and ``올리기`` (lift).

``action.params`` (set on an Open Builder block) win over the utterance: ``command`` names the
command (the ``kind`` values below, e.g. ``relay.continue``, ``lyrics``, ``mood.policy``) and the
other parameters fill its arguments (``title``, ``genre``, ``text``, ``keyword``, ``choice``,
``page``, ``artist``, ``theme``, ``policy``). ``choice`` and ``page`` may be number entities
(``sys.number``, ``sys.number.ordinal``), which Kakao sends as JSON strings
(``'{"amount": 2, "unit": null}'``); a parameter only ``action.detailParams`` holds is read
from its ``value``. A block that passes only arguments (``artist`` and
``theme`` on a lyrics block) keeps the command its utterance names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from bot.numbers import strict_int

Kind = Literal[
    "relay.start",
    "relay.write",
    "relay.continue",
    "relay.reroll",
    "relay.vote",
    "relay.show",
    "relay.undo",
    "relay.end",
    "lyrics",
    "lyrics.again",
    "mood",
    "mood.pick",
    "mood.policy",
    "mood.forget",
    "fetch",
    "help",
]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]

# Commands that call a model and may outlast Kakao's 5-second limit.
SLOW: frozenset[str] = frozenset(
    {"relay.continue", "relay.reroll", "lyrics", "lyrics.again", "mood", "mood.pick"}
)

POLICY_WORDS = {"match": "match", "lift": "lift", "맞추기": "match", "올리기": "lift"}

_RELAY = r"(?:이어쓰기|릴레이|relay)"
_NUMBER = r"#?\s*(?P<n>[0-9]{1,3})\s*(?:번)?"
# (pattern, kind); the first match wins, so longer keywords come before their prefixes.
_RULES: list[tuple[re.Pattern[str], Kind]] = [
    (re.compile(rf"^{_RELAY}\s+(?:시작|start)(?:\s+(?P<rest>.*))?$", re.I), "relay.start"),
    (
        re.compile(rf"^{_RELAY}\s+(?:한줄|한 줄|쓰기|write)(?:\s+(?P<rest>.*))?$", re.I),
        "relay.write",
    ),
    (
        re.compile(rf"^{_RELAY}\s+(?:계속|이어|continue)(?:\s+(?P<rest>.*))?$", re.I),
        "relay.continue",
    ),
    (re.compile(rf"^{_RELAY}\s+(?:다시|reroll)$", re.I), "relay.reroll"),
    (re.compile(rf"^{_RELAY}\s+(?:보기|show)(?:\s+(?P<rest>.*))?$", re.I), "relay.show"),
    (
        re.compile(r"^(?:이야기|story)\s*(?:보기|show)?(?:\s+(?P<rest>[0-9]{1,4}))?$", re.I),
        "relay.show",
    ),
    # "이야기 보기 ²": a page that is not a number gets its own answer, not the mood companion.
    (re.compile(r"^(?:이야기|story)\s*(?:보기|show)\s+(?P<rest>.+)$", re.I), "relay.show"),
    (re.compile(rf"^{_RELAY}\s+(?:취소|undo)$", re.I), "relay.undo"),
    (re.compile(rf"^{_RELAY}\s+(?:끝|끝내기|end)$", re.I), "relay.end"),
    (re.compile(rf"^(?:투표|vote)\s*{_NUMBER}$", re.I), "relay.vote"),
    (re.compile(r"^(?:투표|vote)(?:\s+(?P<rest>.*))?$", re.I), "relay.vote"),  # no number
    (re.compile(r"^(?:가사|lyrics)\s+(?:다시|again)$", re.I), "lyrics.again"),
    (re.compile(r"^(?:가사|lyrics)(?:\s+(?P<rest>.*))?$", re.I), "lyrics"),
    (re.compile(rf"^(?:고르기|pick)\s*{_NUMBER}$", re.I), "mood.pick"),
    (re.compile(r"^(?:고르기|pick)(?:\s+(?P<rest>.*))?$", re.I), "mood.pick"),  # no number
    (re.compile(r"^(?:추천\s*방식|mood)\s+(?P<rest>\S+)$", re.I), "mood.policy"),
    (re.compile(r"^(?:기억\s*지우기|forget me)$", re.I), "mood.forget"),
    (re.compile(r"^(?:결과\s*보기|result)$", re.I), "fetch"),
    (re.compile(r"^(?:도움말|help|\?)$", re.I), "help"),
]


@dataclass(frozen=True)
class Command:
    """One parsed request. ``text`` is the free text after the keyword (or the whole message)."""

    kind: Kind
    text: str = ""
    title: str = ""
    genre: str = ""
    keyword: str = ""
    choice: int | None = None
    page: int = 1
    artist: str = ""
    theme: str = ""
    policy: str = ""

    @property
    def slow(self) -> bool:
        return self.kind in SLOW


# A separating slash has a space on at least one side; one inside a word ("AC/DC", "1/2") is text.
_SPACED_SLASH = re.compile(r"\s+/\s*|\s*/\s+")


def _split_title(rest: str) -> tuple[str, str]:
    """``"비 오는 밤 / 미스터리"`` -> title and genre, split at the last spaced ``/``; a slash
    inside a word stays in the title (``"AC/DC 이야기"``, ``"1/2의 확률"``)."""
    seps = list(_SPACED_SLASH.finditer(rest))
    if not seps:
        return rest.strip(), ""
    last = seps[-1]
    return rest[: last.start()].strip(), rest[last.end() :].strip()


def _split_lyrics(rest: str) -> tuple[str, str]:
    """``"김소월 / 봄"`` -> artist and theme at the first spaced ``/`` (so ``"AC/DC / 밤"``
    keeps the band's name); without one, at the first ``/`` (``"김소월/봄"``)."""
    m = _SPACED_SLASH.search(rest)
    if m is not None:
        return rest[: m.start()].strip(), rest[m.end() :].strip()
    head, sep, tail = rest.partition("/")
    return (head.strip(), tail.strip()) if sep else (rest.strip(), "")


def _int(value: object) -> int | None:
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
    return strict_int(str(value).strip().lstrip("#").removesuffix("번"))


def parse(utterance: str) -> Command:
    """The command an utterance names; anything else is a message for the mood companion."""
    text = " ".join(utterance.split())
    for pattern, kind in _RULES:
        m = pattern.match(text)
        if m is None:
            continue
        rest = (m.groupdict().get("rest") or "").strip()
        number = m.groupdict().get("n")
        return _build(kind, rest, int(number) if number is not None else None)
    return Command("mood", text=text)


def _build(kind: Kind, rest: str, number: int | None) -> Command:
    if kind == "relay.start":
        title, genre = _split_title(rest)
        return Command(kind, text=rest, title=title, genre=genre)
    if kind == "relay.write":
        return Command(kind, text=rest)
    if kind == "relay.continue":
        return Command(kind, text=rest, keyword=rest)
    if kind == "relay.show":
        # 0 marks a page that is not a number; the skill answers it with a plain text.
        return Command(kind, text=rest, page=(_int(rest) or 0) if rest else 1)
    if kind in ("relay.vote", "mood.pick"):
        return Command(kind, text=rest if number is None else "", choice=number)
    if kind == "lyrics":
        artist, theme = _split_lyrics(rest)
        return Command(kind, text=rest, artist=artist, theme=theme)
    if kind == "mood.policy":
        return Command(kind, text=rest, policy=POLICY_WORDS.get(rest.lower(), rest.lower()))
    return Command(kind, text=rest)


def apply_params(command: Command, params: Mapping[str, object]) -> Command:
    """Overlay a block's ``action.params`` (strings, as Kakao sends them) on a parsed command."""
    kind = str(params.get("command", "")).strip()
    if kind in KINDS and kind != command.kind:
        command = Command(kind)  # type: ignore[arg-type]
    updates: dict[str, object] = {}
    for name in ("text", "title", "genre", "keyword", "artist", "theme"):
        value = params.get(name)
        if isinstance(value, str) and value.strip():
            updates[name] = " ".join(value.split())
    if "policy" in params:
        policy = str(params["policy"]).strip().lower()
        updates["policy"] = POLICY_WORDS.get(policy, policy)
    for name in ("choice", "page"):
        if params.get(name) in (None, ""):
            continue
        number = _int(params[name])
        if number is not None:
            updates[name] = number
        else:  # not a number: the skill answers with the usage, never guesses
            updates[name] = None if name == "choice" else 0
    if command.kind == "relay.continue" and "keyword" not in updates and "text" in updates:
        updates["keyword"] = updates["text"]
    return replace(command, **updates) if updates else command  # type: ignore[arg-type]


HELP = """노래봇 사용법 (How to use)
• 이어쓰기 시작 [제목] — 이 대화방의 이야기 시작
• 이어쓰기 한줄 <문장> — 내 문장 더하기
• 이어쓰기 계속 [키워드] — 모델이 후보를 쓰고 투표
• 투표 <번호> · 이야기 보기 · 이어쓰기 취소 · 이어쓰기 끝
• 가사 <가수> [/ 주제] — 그 가수 풍의 새 가사 (가사 다시: 다른 버전)
• 그 밖의 말은 마음 친구에게: 기분을 말하면 답하고 노래를 추천해요
• 고르기 <번호> — 비슷한 노래 · 추천 방식 match|lift · 기억 지우기
English: relay start|write|continue|reroll|show|undo|end, vote N, lyrics <artist> [/ theme],
pick N, mood match|lift, forget me, result, help."""
