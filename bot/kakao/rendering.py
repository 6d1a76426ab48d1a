"""Kakao's v2.0 skill responses: text bubbles, cards and quick replies, within Kakao's limits.

``simpleText`` ≤ 1000 characters (longer text is split over up to three outputs, the rest cut
with an ellipsis), at most three outputs, at most ten quick replies with labels ≤ 14 characters.
The features' own templates (song cards, relay rounds) are drawn by their commands
(:mod:`bot.kakao.commands`) with :class:`Reply`.

**Group chats.** A request from a group chat never gets ``quickReplies``, which Kakao does not
allow there: :func:`for_group` turns them into a line of text («투표 1 / 투표 2 / 투표 3으로
투표해 주세요»), in direct answers, kept answers and callbacks alike.

**Errors.** :func:`error_reply` is the one way an error reaches a Kakao user: a
:class:`bot.errors.UserError` as its Korean text, anything else as a plain "something went
wrong" (whoever caught it logs it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot import texts
from bot.errors import INTERNAL, message_for
from bot.kakao.grammar import say

# Kakao's response limits.
MAX_OUTPUTS = 3
TEXT_CHARS = 1000
MAX_QUICK_REPLIES = 10
QUICK_LABEL_CHARS = 14


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, an ellipsis marking a cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split_text(text: str, parts: int, limit: int = TEXT_CHARS) -> list[str]:
    """At most ``parts`` chunks of ≤ ``limit`` chars, broken at lines; the rest cut with "…"."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a line longer than a bubble: hard-split it
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        joined = f"{current}\n{line}" if current else line
        if len(joined) <= limit:
            current = joined
        else:
            chunks.append(current)
            current = line
    chunks.append(current)
    chunks = [c.strip("\n") for c in chunks if c.strip()]
    if len(chunks) > parts:
        tail = "\n".join(chunks[parts - 1 :])
        chunks = [*chunks[: parts - 1], cut(tail, limit)]
    return chunks


@dataclass
class Reply:
    """A v2.0 skill response under construction; :meth:`build` enforces Kakao's limits."""

    texts: list[str] = field(default_factory=list)
    cards: list[dict[str, Any]] = field(default_factory=list)  # outputs other than simpleText
    quick: list[tuple[str, str]] = field(default_factory=list)  # (label, message text)
    text_first: bool = True

    def text(self, text: str) -> Reply:
        if text.strip():
            self.texts.append(text.strip())
        return self

    def quick_reply(self, label: str, message: str) -> Reply:
        self.quick.append((label, message))
        return self

    def build(self) -> dict[str, Any]:
        cards = self.cards[: MAX_OUTPUTS - 1] if self.texts else self.cards[:MAX_OUTPUTS]
        slots = MAX_OUTPUTS - len(cards)
        texts = self.texts if len(self.texts) <= slots else ["\n\n".join(self.texts)]
        spare = slots - len(texts)
        bubbles: list[dict[str, Any]] = []
        for text in texts:
            chunks = split_text(text, 1 + spare)
            spare -= len(chunks) - 1
            bubbles += [{"simpleText": {"text": c}} for c in chunks]
        outputs = bubbles + cards if self.text_first else cards + bubbles
        if not outputs:
            outputs = [{"simpleText": {"text": "…"}}]
        template: dict[str, Any] = {"outputs": outputs}
        quick = list(dict.fromkeys(self.quick))[:MAX_QUICK_REPLIES]
        if quick:
            template["quickReplies"] = [
                {"label": cut(label, QUICK_LABEL_CHARS), "action": "message", "messageText": msg}
                for label, msg in quick
            ]
        return {"version": "2.0", "template": template}


class Stored(Reply):
    """A response built earlier (kept in Redis), returned as it was built."""

    def __init__(self, response: dict[str, Any]) -> None:
        super().__init__()
        self.response = response

    def build(self) -> dict[str, Any]:
        return self.response


def text_reply(text: str, *quick: tuple[str, str]) -> dict[str, Any]:
    return Reply(quick=list(quick)).text(text).build()


def error_reply(error: BaseException) -> dict[str, Any]:
    """What a Kakao user reads for ``error``: a UserError's Korean text, anything else the plain
    "something went wrong" (never an internal error's own text)."""
    return text_reply(message_for(error, "ko") or texts.text(INTERNAL, "ko"))


def callback_ack() -> dict[str, Any]:
    """The at-once answer that tells Kakao the response comes through the callback (Kakao shows
    its text while the user waits)."""
    return {"version": "2.0", "useCallback": True, "data": {"text": texts.text("kakao-wait", "ko")}}


# --- group chats -----------------------------------------------------------------------------

_NUMBERED = re.compile(r"^(?P<word>\S+) (?P<n>[0-9]{1,3})$")


def group_hint(messages: Sequence[str]) -> str:
    """The quick replies' messages as a line of text: «투표 1 / 투표 2 / 투표 3으로 투표해
    주세요», the others as «이렇게 보내도 돼요: 이야기 보기 · 이어쓰기 다시» (catalog texts)."""
    numbered: dict[str, list[int]] = {}
    others: list[str] = []
    for message in messages:
        m = _NUMBERED.match(message)
        if m is not None:
            numbered.setdefault(m["word"], []).append(int(m["n"]))
        elif message not in others:
            others.append(message)
    lines = []
    for word, numbers in numbered.items():
        if len(numbers) <= 3:
            options = " / ".join(f"{word} {n}" for n in numbers)
        else:
            options = f"{word} {min(numbers)} ~ {word} {max(numbers)}"
        code = "kakao-group-vote" if word == say("relay.vote") else "kakao-group-send"
        lines.append(texts.text(code, "ko", options=options, particle=_ro(max(numbers))))
    if others:
        lines.append(texts.text("kakao-group-others", "ko", commands=" · ".join(others)))
    return "\n".join(lines)


def _ro(n: int) -> str:
    """Which particle «(으)로» follows a number read in Sino-Korean: ``euro`` for 으로 after 3
    (삼), 6, 0 (and 10, 100 …); ``ro`` for 로 after 2 (이), 1 (일) and the rest. The catalog
    texts select the particle by it."""
    return "euro" if n % 10 in (0, 3, 6) else "ro"


def for_group(response: dict[str, Any]) -> dict[str, Any]:
    """A response for a group chat, where Kakao allows no ``quickReplies``: they are removed and
    their messages offered as text (added to the last text bubble, or a bubble of their own)."""
    template = response.get("template")
    if not isinstance(template, dict) or not template.get("quickReplies"):
        return response
    template = dict(template)
    messages = [str(q.get("messageText", "")) for q in template.pop("quickReplies")]
    hint = group_hint([m for m in messages if m])
    outputs = [dict(o) for o in template.get("outputs", [])]
    if hint:
        texts = [i for i, o in enumerate(outputs) if "simpleText" in o]
        if texts and (len(outputs) >= MAX_OUTPUTS or _fits(outputs[texts[-1]], hint)):
            last = texts[-1]
            body = outputs[last]["simpleText"]["text"]
            room = TEXT_CHARS - len(hint) - 2
            outputs[last] = {"simpleText": {"text": f"{cut(body, room)}\n\n{hint}"}}
        elif len(outputs) < MAX_OUTPUTS:
            outputs.append({"simpleText": {"text": cut(hint, TEXT_CHARS)}})
        else:  # three cards and no text: the hint takes the last place
            outputs[-1] = {"simpleText": {"text": cut(hint, TEXT_CHARS)}}
    template["outputs"] = outputs
    return {**response, "template": template}


def _fits(output: dict[str, Any], hint: str) -> bool:
    return len(output["simpleText"]["text"]) + 2 + len(hint) <= TEXT_CHARS
