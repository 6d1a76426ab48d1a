"""The KakaoTalk skill server (Kakao i Open Builder): ``POST /kakao/skill`` on the web app.

Open Builder POSTs a skill request for each utterance (``userRequest.utterance``,
``userRequest.user.id``, ``userRequest.callbackUrl``, ``userRequest.chat``, ``action.params``,
``action.detailParams``, ``bot.id``; every other field is ignored) and shows the v2.0 response
it gets back within 5 seconds. The utterance is read by :mod:`bot.kakao.grammar` (the command
grammar lives there) and served by the platform-neutral services: relay stories (the Kakao chat, or the user in a 1:1 chat, is the channel
``"kakao:<id>"``), lyrics, and the mood companion (user ``"kakao:<user id>"``).

**Protection.** Kakao signs nothing, so the endpoint wants a shared secret (``NORAE_KAKAO_SECRET``)
in the ``X-Norae-Kakao-Secret`` header (set it in the skill's header settings) or as the last path
segment, ``/kakao/skill/<secret>``, for setups that cannot send headers; prefer the header, since a
path may end up in access logs. It is compared in constant time. With no secret configured the
endpoint is disabled and answers 403 saying so. ``NORAE_KAKAO_BOT_IDS`` (JSON list) limits which
bots may call (empty: any). The secret is compared as bytes, so a header that is not ASCII (or
not even UTF-8) is a 403 like any wrong secret. A body over :data:`MAX_BODY_BYTES` is a 413;
malformed JSON, JSON nested deeper than :data:`MAX_DEPTH` levels, or a request with bad ids is a
400: all as ``{"error": ...}`` JSON, never a stack trace.

**Outbound.** The skill POSTs only to a ``callbackUrl`` that :func:`callback_target` allows:
``https`` (``http`` only with ``NORAE_KAKAO_CALLBACK_ALLOW_HTTP``, for local tests), no user
info, and a host on ``NORAE_KAKAO_CALLBACK_HOSTS`` (default ``bot-api.kakao.com``, where Open
Builder's one-time URLs point: ``https://bot-api.kakao.com/v1/bots/<bot>/callback/<token>``), on
the default port unless the entry names one. Redirects are not followed. Any other URL is never
called: it is logged (by host; its path holds a token) and the answer comes within the reply
budget as if there were no callback.

**Once per delivery.** Kakao may deliver one request twice (a retry when the answer was slow,
a second tap). Each delivery is claimed in Redis with ``SET NX`` before it runs, and its answer is
kept for repeats (:class:`storage.kakao.KakaoStateStore`):

- with a ``callbackUrl``, the delivery is named by a digest of that URL: Kakao issues one per
  request, so the name is exact, and a repeat within two minutes gets the same acknowledgement
  while the work runs and is POSTed once;
- without one, Kakao's payload has no request id, so the name is a digest of what makes the
  request what it is (bot, user, chat, block and intent ids, utterance, block parameters). The
  same words may also be meant twice, so a repeat counts only while it is still the user's
  latest request (nothing else from them but a read came in between) and within
  ``NORAE_KAKAO_DEDUPE_WINDOW_S`` (10 s): a retry arrives within seconds, a person who writes
  the same line again after anything else, or after the window, gets a new line.

A repeat that arrives while the first is still working waits for its answer (within the reply
budget). Reads (``도움말``, ``이야기 보기``) are not claimed: a repeat changes nothing and should see
the story as it is now; a ``결과 보기`` that found nothing ready yet is not kept either.

**Time.** Commands that call a model (``bot.kakao.grammar.SLOW``) may take longer than Kakao's
5 seconds:

- when the request carries a ``callbackUrl`` (callbacks enabled on the block) and
  ``NORAE_KAKAO_CALLBACK_ENABLED`` is on, the answer is ``{"version": "2.0", "useCallback": true,
  "data": {"text": "…잠시만요"}}`` at once, and the real response is POSTed once to the one-time
  callback URL, which is valid for a minute (work is cut off before that). A callback the
  receiver refuses (an HTTP error, or HTTP 200 with ``"status": "FAIL"`` / ``"ERROR"`` in its
  JSON body, as Kakao's callback API answers) or that cannot be delivered is logged and counted
  in ``KakaoSkill.callbacks``, never raised; the one-time URL cannot be used twice, so it is not
  retried;
- otherwise the answer waits up to ``NORAE_KAKAO_REPLY_BUDGET_S`` (3.5 s, counted from the
  first line of the handler: Kakao's 5 s also hold the network both ways and any proxy in
  front, which this clock cannot see). What is not ready by then keeps running; the user gets
  a "still writing" text and a ``결과 보기`` quick reply, and the result is kept in Redis (per user, ``NORAE_KAKAO_PENDING_TTL_S``) for that fetch. While one is
  pending, a second slow command from the same user is refused.

**Rendering.** ``simpleText`` ≤ 1000 characters (longer text is split over up to three outputs, the
rest cut with an ellipsis), at most three outputs, at most ten quick replies with labels ≤ 14
characters. Songs are ``listCard`` items (≤ 5 per card, linked when the song has a web URL); a
picked song is a ``basicCard`` when ``NORAE_KAKAO_THUMBNAIL_URL`` gives it an image (Kakao requires
one) and a ``textCard`` otherwise. Relay candidates are numbered text (people vote on the whole
line) with ``1번``… quick replies.

**Group chats.** A request from a group chat (``userRequest.chat.id``, or ``botGroupKey`` in the
user's properties in older payloads) never gets ``quickReplies``, which Kakao does not allow
there: :func:`for_group` turns them into a line of text («투표 1 / 투표 2 / 투표 3으로 투표해
주세요»), in direct answers, kept answers and callbacks alike.

**Not every message is for the companion.** A fallback block sends the skill everything nobody
else understood. An utterance that is not a command goes to the mood companion only when
:mod:`bot.mood.feeling` says it is about how the writer feels (a crisis always is, and is answered
first); «!가격 btc», «오늘 날씨 어때?», «ㅎㅇ» or a bare link get a short Korean help text.
A block that names ``command: mood`` in its parameters skips that gate.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import aiohttp
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from yarl import URL

from bot import notices
from bot.inference import InferenceError
from bot.kakao.grammar import HELP, Command, apply_params, parse
from bot.limits import Limiter, SlowDown
from bot.lyrics.service import LyricsError, LyricsService, WrittenSong
from bot.mood.feeling import classify as classify_feeling
from bot.mood.service import MoodError, MoodReply, MoodService, SongCard
from bot.relay.service import RelayError, RelayService, RoundView
from bot.relay.text import clean_name
from bot.web.app import (
    LIMITER_KEY,
    REDIS_DOWN,
    REDIS_KEY,
    RELAY_KEY,
    SERVICES_KEY,
    SETTINGS_KEY,
)
from contract.settings import KakaoSettings, Settings
from storage.connection import Redis
from storage.kakao import KakaoStateStore

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Norae-Kakao-Secret"
MAX_BODY_BYTES = 32 * 1024
MAX_UTTERANCE_CHARS = 2000
ID_RE = re.compile(r"^[A-Za-z0-9_.:=+/-]{1,128}$")

# Kakao's response limits.
MAX_OUTPUTS = 3
TEXT_CHARS = 1000
MAX_QUICK_REPLIES = 10
QUICK_LABEL_CHARS = 14
LIST_ITEMS = 5
CARD_TITLE_CHARS = 50
BASIC_DESCRIPTION_CHARS = 230
TEXT_CARD_DESCRIPTION_CHARS = 400
ITEM_DESCRIPTION_CHARS = 80
CARD_BUTTONS = 3

CALLBACK_VALID_S = 60.0
CALLBACK_WORK_S = 50.0  # leaves time to deliver before the callback URL expires
CALLBACK_POST_S = 8.0
CALLBACK_DEDUPE_S = 120  # a callback URL is valid for a minute: its repeats come before this
MAX_CALLBACK_URL_CHARS = 2000
MAX_DEPTH = 32  # Kakao's payload nests about 5 deep
# Reads: running them twice changes nothing, and a repeat should see the story as it is now.
NOT_DEDUPED = frozenset({"help", "relay.show"})
DEFERRED_WORK_S = 240.0  # a no-callback answer nobody fetches stops being written after this
PENDING_MARKER_S = 300  # a "still writing" marker outlives the work, not a dead process

WAIT_TEXT = "…잠시만요"
# Sent in group chats too, where there is no button to press: «보내», not «눌러».
STILL_WRITING = "아직 쓰고 있어요. 조금 뒤에 '결과 보기'를 보내 주세요."
FETCH = "결과 보기"
TOO_SLOW = "시간이 너무 오래 걸렸어요. 잠시 후 다시 해 주세요."
OOPS = "문제가 생겼어요. 잠시 후 다시 해 주세요."
SAME_REQUEST = "같은 요청을 아직 처리하고 있어요. 잠시 후 다시 확인해 주세요."
NOT_UNDERSTOOD = (
    "무슨 말인지 잘 모르겠어요. 저는 이야기 이어쓰기, 가사 쓰기, 기분에 맞는 노래 추천을 해요. "
    "지금 기분을 말해 주시거나 '도움말'을 보내 주세요."
)
BAD_PAGE = "쪽 번호는 1 이상의 숫자로 적어 주세요. 예: '이야기 보기 2'"

# The action each command spends (bot/limits.py); reading, help and forgetting are free.
ACTIONS: dict[str, str] = {
    "relay.start": "start",
    "relay.write": "write",
    "relay.undo": "write",
    "relay.end": "write",
    "relay.continue": "continue",
    "relay.reroll": "continue",
    "relay.vote": "vote",
    "lyrics": "lyrics",
    "lyrics.again": "lyrics",
    "mood": "mood",
    "mood.pick": "mood",
}


# --- Redis keys ------------------------------------------------------------------------------
# Kakao-only keys (storage/keys.py spells the shared ones); same ``norae:`` prefix.


LAST_LYRICS_TTL_S = 86400


# --- the request -----------------------------------------------------------------------------


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class KakaoUser(_Loose):
    id: str = Field(min_length=1, max_length=128)
    properties: dict[str, Any] = Field(default_factory=dict)


class KakaoChat(_Loose):
    id: str = Field(min_length=1, max_length=128)


class UserRequest(_Loose):
    utterance: str = ""
    user: KakaoUser
    callbackUrl: str | None = None  # Kakao's field names
    chat: KakaoChat | None = None


class KakaoBot(_Loose):
    id: str = ""


class Action(_Loose):
    params: dict[str, Any] = Field(default_factory=dict)
    detailParams: dict[str, Any] = Field(default_factory=dict)  # Kakao's field name

    def merged(self) -> dict[str, Any]:
        """``params``, with a parameter only ``detailParams`` has taken from its ``value``
        (entities such as ``sys.number`` arrive there too, as JSON strings)."""
        merged = dict(self.params)
        for name, detail in self.detailParams.items():
            if name not in merged and isinstance(detail, dict):
                value = detail.get("value", detail.get("origin"))
                if value is not None:
                    merged[name] = value
        return merged


class SkillRequest(_Loose):
    userRequest: UserRequest
    action: Action = Field(default_factory=Action)
    bot: KakaoBot = Field(default_factory=KakaoBot)


@dataclass(frozen=True)
class Who:
    """Where a request comes from, as the services name it."""

    user: str  # "kakao:<user id>": the mood companion's user, the relay's author
    channel: str  # "kakao:<chat id>" (group chats) or the user's id (1:1 chats)
    name: str
    group: bool = False  # a group chat: Kakao allows no quick replies there


def who(req: SkillRequest) -> Who:
    user = req.userRequest.user
    # A group chat bot sends the chat (``chat.id``, or ``botGroupKey`` in older payloads).
    group = req.userRequest.chat.id if req.userRequest.chat else None
    group = group or str(user.properties.get("botGroupKey") or "") or None
    raw_nick = req.action.params.get("nick") or user.properties.get("nickname") or ""
    # Shown to others as a line's author: no controls, zero-width or bidi characters.
    nick = clean_name(raw_nick) if isinstance(raw_nick, str) else ""
    return Who(
        user=f"kakao:{user.id}",
        channel=f"kakao:{group or user.id}",
        name=_cut(nick, 32) if nick else f"카카오 {user.id[-4:]}",
        group=group is not None,
    )


# --- response builders -----------------------------------------------------------------------


def _cut(text: str, limit: int) -> str:
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
        chunks = [*chunks[: parts - 1], _cut(tail, limit)]
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
                {"label": _cut(label, QUICK_LABEL_CHARS), "action": "message", "messageText": msg}
                for label, msg in quick
            ]
        return {"version": "2.0", "template": template}


def text_reply(text: str, *quick: tuple[str, str]) -> dict[str, Any]:
    return Reply(quick=list(quick)).text(text).build()


_NUMBERED = re.compile(r"^(?P<word>\S+) (?P<n>[0-9]{1,3})$")


def group_hint(messages: Sequence[str]) -> str:
    """The quick replies' messages as a line of text: «투표 1 / 투표 2 / 투표 3으로 투표해
    주세요», the others as «이렇게 보내도 돼요: 이야기 보기 · 이어쓰기 다시»."""
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
        verb = "투표해" if word == "투표" else "보내"
        lines.append(f"{options}{_ro(max(numbers))} {verb} 주세요.")
    if others:
        lines.append("이렇게 보내도 돼요: " + " · ".join(others))
    return "\n".join(lines)


def _ro(n: int) -> str:
    """The particle «(으)로» after a number read in Sino-Korean: 3으로 (삼), 2로 (이), 1로 (일)."""
    return "으로" if n % 10 in (0, 3, 6) else "로"


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
            outputs[last] = {"simpleText": {"text": f"{_cut(body, room)}\n\n{hint}"}}
        elif len(outputs) < MAX_OUTPUTS:
            outputs.append({"simpleText": {"text": _cut(hint, TEXT_CHARS)}})
        else:  # three cards and no text: the hint takes the last place
            outputs[-1] = {"simpleText": {"text": _cut(hint, TEXT_CHARS)}}
    template["outputs"] = outputs
    return {**response, "template": template}


def _fits(output: dict[str, Any], hint: str) -> bool:
    return len(output["simpleText"]["text"]) + 2 + len(hint) <= TEXT_CHARS


def callback_ack(text: str = WAIT_TEXT) -> dict[str, Any]:
    return {"version": "2.0", "useCallback": True, "data": {"text": text}}


def _web_link(url: str) -> str | None:
    return url if url.startswith(("https://", "http://")) and len(url) <= 1000 else None


def song_card(card: SongCard, thumbnail: str | None) -> dict[str, Any]:
    """One song: a basicCard with the configured image, else a textCard."""
    description = "\n".join(x for x in (card.artist, card.snippet) if x)
    buttons = []
    if link := _web_link(card.url):
        buttons.append({"action": "webLink", "label": "듣기", "webLinkUrl": link})
    body: dict[str, Any] = {"title": _cut(card.title or "제목 없음", CARD_TITLE_CHARS)}
    if thumbnail:
        body["description"] = _cut(description, BASIC_DESCRIPTION_CHARS)
        body["thumbnail"] = {"imageUrl": thumbnail}
        kind = "basicCard"
    else:
        body["description"] = _cut(description, TEXT_CARD_DESCRIPTION_CHARS)
        kind = "textCard"
    if buttons:
        body["buttons"] = buttons[:CARD_BUTTONS]
    return {kind: body}


def song_list(header: str, cards: Sequence[SongCard], start: int = 1) -> dict[str, Any]:
    """A listCard of up to five songs, numbered from ``start`` (the numbers users pick by)."""
    items = []
    for n, card in enumerate(cards[:LIST_ITEMS], start):
        item: dict[str, Any] = {
            "title": _cut(f"{n}. {card.title}", CARD_TITLE_CHARS),
            "description": _cut(card.artist or card.mood, ITEM_DESCRIPTION_CHARS),
        }
        if link := _web_link(card.url):
            item["link"] = {"web": link}
        items.append(item)
    return {"listCard": {"header": {"title": _cut(header, CARD_TITLE_CHARS)}, "items": items}}


# --- rendering service results ---------------------------------------------------------------


def round_reply(rnd: RoundView, now: float) -> Reply:
    secs = max(0, round(rnd.deadline - now))
    lines = [f"{n}. {text}" for n, text in enumerate(rnd.candidates, 1)]
    reply = Reply().text(f"다음 줄 후보예요. {secs}초 안에 투표해 주세요.\n\n" + "\n".join(lines))
    for n in range(1, len(rnd.candidates) + 1):
        reply.quick_reply(f"{n}번", f"투표 {n}")
    return reply.quick_reply("다시 쓰기", "이어쓰기 다시").quick_reply("이야기 보기", "이야기 보기")


def mood_reply(reply: MoodReply, thumbnail: str | None) -> Reply:
    out = Reply().text(reply.text)
    if reply.picked is not None:
        out.cards.append(song_card(reply.picked, thumbnail))
    shown = 0
    # One card for the picked song, so room for one list; two lists otherwise (≤ 10 songs).
    for start in range(0, len(reply.songs), LIST_ITEMS):
        if len(out.cards) >= MAX_OUTPUTS - 1:
            break
        chunk = reply.songs[start : start + LIST_ITEMS]
        if reply.picked is not None:
            header = f"『{reply.picked.title}』와 비슷한 노래"
        else:
            header = "추천 노래" if reply.language == "ko" else "Songs for you"
        out.cards.append(song_list(header, chunk, start + 1))
        shown += len(chunk)
    for n, label in enumerate(reply.choices[:shown], 1):
        if n < MAX_QUICK_REPLIES:  # one place left for the match/lift switch
            out.quick_reply(label, f"고르기 {n}")
    if reply.policy == "match":
        out.quick_reply("기분 올리는 곡", "추천 방식 lift")
    elif reply.policy == "lift":
        out.quick_reply("기분 맞춘 곡", "추천 방식 match")
    return out


def lyrics_reply(song: WrittenSong) -> Reply:
    head = f"『{song.title}』 — {song.artist} 풍으로 새로 쓴 가사"
    if song.cut:
        head += "\n(원곡과 겹치는 부분은 지웠어요)"
    return Reply().text(f"{head}\n\n{song.text}").quick_reply("다른 버전", "가사 다시")


# --- the skill -------------------------------------------------------------------------------


class KakaoSkill:
    """The services behind the skill, its late answers and its callback deliveries.

    ``relay``, ``lyrics`` and ``mood`` are plain attributes: tests may swap them.
    """

    def __init__(
        self,
        redis: Redis,
        settings: KakaoSettings,
        relay: RelayService,
        lyrics: LyricsService,
        mood: MoodService,
        limiter: Limiter | None = None,
    ) -> None:
        self.limiter = limiter
        self.state = KakaoStateStore(redis)
        self.settings = settings
        self.relay = relay
        self.lyrics = lyrics
        self.mood = mood
        self.session: aiohttp.ClientSession | None = None
        self.callbacks: dict[str, int] = {"delivered": 0, "failed": 0}
        self.tasks: set[asyncio.Task[Any]] = set()

    # --- background work -------------------------------------------------------------------

    def spawn(self, coro: Awaitable[Any], name: str) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
        task.set_name(name)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def stop(self) -> None:
        tasks = list(self.tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # --- commands --------------------------------------------------------------------------

    async def crisis_first(self, utterance: str, at: Who) -> dict[str, Any] | None:
        """A crisis message to the companion is answered here and now, before the length check and
        any waiting: never through a callback or "결과 보기" (its reply needs no model)."""
        if parse(utterance).kind != "mood" and len(utterance) <= MAX_UTTERANCE_CHARS:
            return None  # a command (a story line, a vote …), not a message to the companion
        if not self.mood.is_crisis(utterance):
            return None
        return await self.run(Command("mood", text=utterance), at)

    async def run(self, command: Command, at: Who) -> dict[str, Any]:
        """The response for one command; a refusal or failure is a text, never an exception."""
        try:
            return (await self._dispatch(command, at)).build()
        except (RelayError, LyricsError, MoodError) as exc:
            if not isinstance(exc.__context__, InferenceError):
                await self.refund(command, at)  # refused input costs no token
            said = exc.message("ko") if isinstance(exc, LyricsError) else str(exc)
            return text_reply(said or OOPS)
        except InferenceError as exc:
            return text_reply(str(exc) or OOPS)
        except asyncio.CancelledError:
            raise
        except REDIS_DOWN as exc:
            log.warning("kakao: %s: redis unavailable (%s)", command.kind, exc)
            return text_reply(notices.UNAVAILABLE["ko"])
        except Exception:
            log.exception("kakao: %s failed", command.kind)
            return text_reply(OOPS)

    async def limit(self, command: Command, at: Who) -> None:
        """Spend the command's action for this Kakao user, or raise :class:`SlowDown`.

        A crisis message to the mood companion is never refused."""
        action = ACTIONS.get(command.kind)
        if self.limiter is None or action is None:
            return
        try:
            await self.limiter.check(action, user=at.user)
        except SlowDown:
            if not (command.kind == "mood" and self.mood.is_crisis(command.text)):
                raise

    async def refund(self, command: Command, at: Who) -> None:
        action = ACTIONS.get(command.kind)
        if self.limiter is not None and action is not None:
            await self.limiter.refund(action, user=at.user)

    async def _dispatch(self, c: Command, at: Who) -> Reply:
        relay = self.relay
        match c.kind:
            case "help":
                return Reply().text(HELP)
            case "fetch":
                return await self._fetch(at.user)
            case "relay.start":
                started = await relay.start(
                    at.channel, at.user, at.name, title=c.title, genre=c.genre
                )
                story = started.story
                title = story.title or "제목 없음"
                if started.created:
                    text = f"새 이야기를 시작했어요: {title}\n'이어쓰기 한줄 <문장>'으로 써 주세요."
                else:
                    text = (
                        f"이 대화방에는 이미 이야기가 있어요: {title} ({story.line_count}줄). "
                        "'이어쓰기 끝'으로 마친 뒤 새로 시작하세요."
                    )
                return Reply().text(text).quick_reply("계속 쓰기", "이어쓰기 계속")
            case "relay.write":
                written = await relay.write(at.channel, at.user, at.name, c.text)
                return (
                    Reply()
                    .text(f"{written.line.number}번째 줄을 더했어요.\n{written.line.text}")
                    .quick_reply("계속 쓰기", "이어쓰기 계속")
                    .quick_reply("이야기 보기", "이야기 보기")
                )
            case "relay.continue":
                rnd = await relay.continue_story(
                    at.channel, at.user, at.name, keyword=c.keyword or None
                )
                return round_reply(rnd, relay.clock())
            case "relay.reroll":
                return round_reply(await relay.reroll(at.channel, at.user), relay.clock())
            case "relay.vote":
                return await self._vote(c, at)
            case "relay.show":
                if c.page < 1:
                    return Reply().text(BAD_PAGE).quick_reply("이야기 보기", "이야기 보기")
                page = await relay.show(at.channel, c.page, page_chars=TEXT_CHARS - 100)
                reply = Reply().text(
                    f"『{page.story.title or '제목 없음'}』 {page.page}/{page.pages}쪽\n\n"
                    + (page.text or "(아직 한 줄도 없어요)")
                )
                if page.page < page.pages:
                    reply.quick_reply("다음 쪽", f"이야기 보기 {page.page + 1}")
                return reply.quick_reply("계속 쓰기", "이어쓰기 계속")
            case "relay.undo":
                undone = await relay.undo(at.channel, at.user)
                return Reply().text(f"마지막 줄을 지웠어요: {undone.line.text}")
            case "relay.end":
                ended = await relay.end(at.channel, at.user)
                if ended.archived:
                    text = f"이야기를 마쳤어요: {ended.story.title or '제목 없음'}"
                else:
                    text = "빈 이야기라서 지웠어요."
                return Reply().text(text).quick_reply("새 이야기", "이어쓰기 시작")
            case "lyrics":
                return await self._lyrics(at.user, c.artist, c.theme)
            case "lyrics.again":
                last = await self.state.last_lyrics(at.user)
                if last is None:
                    return Reply().text("먼저 '가사 <가수> / <주제>'로 부탁해 주세요.")
                return await self._lyrics(at.user, last["artist"], last["theme"])
            case "mood":
                return mood_reply(await self.mood.message(at.user, c.text), self.thumbnail)
            case "mood.pick":
                pick = c.choice if c.choice is not None else c.text
                return mood_reply(await self.mood.pick(at.user, pick), self.thumbnail)
            case "mood.policy":
                return mood_reply(await self.mood.set_policy(at.user, c.policy), self.thumbnail)
            case "mood.forget":
                await self.mood.forget(at.user)
                await self.state.forget(at.user)
                return Reply().text("대화 기억을 모두 지웠어요.")
        raise AssertionError(c.kind)  # pragma: no cover - Kind is exhaustive

    @property
    def thumbnail(self) -> str | None:
        return self.settings.thumbnail_url

    async def _vote(self, c: Command, at: Who) -> Reply:
        rnd = await self.relay.open_round(at.channel)
        if rnd is None:
            return (
                Reply().text("지금 열린 투표가 없어요.").quick_reply("이야기 보기", "이야기 보기")
            )
        if c.choice is None:
            return Reply().text("'투표 1'처럼 번호로 골라 주세요.")
        result = await self.relay.vote(rnd.id, at.user, c.choice)
        text = f"{c.choice}번에 투표했어요."
        if result.previous is not None and result.previous != c.choice:
            text += f" ({result.previous}번에서 바꿨어요)"
        if result.closed is not None:
            closed = result.closed
            if closed.line is not None:
                text += f"\n투표가 끝났어요. {closed.winner}번이 이야기에 들어갔어요."
            else:
                text += f"\n투표가 끝났어요. {closed.note}"
        return Reply().text(text).quick_reply("이야기 보기", "이야기 보기")

    async def _lyrics(self, user: str, artist: str, theme: str) -> Reply:
        if not artist:
            return Reply().text("'가사 <가수> / <주제>'처럼 가수 이름을 알려 주세요.")
        if not theme:
            artist, theme = await self._artist_and_theme(artist)
        song = await self.lyrics.write(artist, theme=theme or None)
        await self.state.set_last_lyrics(
            user, {"artist": song.artist, "theme": theme}, LAST_LYRICS_TTL_S
        )
        return lyrics_reply(song)

    async def _artist_and_theme(self, words: str) -> tuple[str, str]:
        """``"아이유 비 오는 날"``: the longest leading words that name an imported artist."""
        parts = words.split()
        for k in range(len(parts), 0, -1):
            name = await self.lyrics.store.artist_name(" ".join(parts[:k]))
            if name is not None:
                return name, " ".join(parts[k:])
        return words, ""

    # --- late answers (no callback) ----------------------------------------------------------

    async def pending(self, user: str) -> dict[str, Any] | None:
        return await self.state.pending(user)

    async def mark_pending(self, user: str) -> None:
        await self.state.set_pending(user, {"state": "pending"}, PENDING_MARKER_S)

    async def store_result(self, user: str, task: asyncio.Task[dict[str, Any]]) -> None:
        if task.cancelled():
            await self.state.clear_pending(user)
            return
        exc = task.exception()
        response = text_reply(OOPS) if exc is not None else task.result()
        if exc is not None:
            log.error("kakao: late answer failed", exc_info=exc)
        await self.state.set_pending(
            user, {"state": "done", "response": response}, self.settings.pending_ttl_s
        )

    async def _fetch(self, user: str) -> Reply:
        state = await self.pending(user)
        if state is None:
            return Reply().text("기다리는 결과가 없어요.")
        if state.get("state") != "done":
            return Reply().text(STILL_WRITING).quick_reply(FETCH, FETCH)
        await self.state.clear_pending(user)
        return _Stored(state["response"])

    async def deferred(self, command: Command, at: Who) -> dict[str, Any]:
        try:
            async with asyncio.timeout(DEFERRED_WORK_S):
                return await self.run(command, at)
        except TimeoutError:
            return text_reply(TOO_SLOW)

    # --- callbacks ---------------------------------------------------------------------------

    async def callback(self, command: Command, at: Who, url: URL, started: float) -> None:
        """Do the work, then POST its response once to Kakao's one-time callback URL (one that
        :func:`callback_target` allowed); a redirect is not followed."""
        try:
            async with asyncio.timeout(max(1.0, started + CALLBACK_WORK_S - time.monotonic())):
                response = await self.run(command, at)
        except TimeoutError:
            response = text_reply(TOO_SLOW)
        if at.group:
            response = for_group(response)
        host = url.raw_host
        if time.monotonic() - started > CALLBACK_VALID_S:
            log.warning("kakao: callback to %s is late; its URL has expired, answer dropped", host)
            return
        if self.session is None:
            log.warning("kakao: callback to %s dropped: the app is not running", host)
            return
        try:
            async with self.session.post(
                url,
                json=response,
                timeout=aiohttp.ClientTimeout(total=CALLBACK_POST_S),
                allow_redirects=False,
            ) as resp:
                if 300 <= resp.status < 400:
                    self._callback_failed(
                        host, f"answered a redirect ({resp.status}); not followed"
                    )
                elif resp.status >= 400:
                    detail = (await resp.text())[:200]
                    self._callback_failed(host, f"refused ({resp.status}): {detail}")
                elif (status := await _callback_status(resp)) is not None:
                    self._callback_failed(host, f"refused in its body ({resp.status}): {status}")
                else:
                    self.callbacks["delivered"] += 1
                    log.info("kakao: callback delivered to %s (%s)", host, resp.status)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            self._callback_failed(host, f"failed: {exc or type(exc).__name__}")

    def _callback_failed(self, host: str | None, why: str) -> None:
        """A callback that did not reach the user: logged and counted (``callbacks["failed"]``);
        its one-time URL cannot be asked again, so there is nothing to retry."""
        self.callbacks["failed"] += 1
        log.warning("kakao: callback to %s %s", host, why)


async def _callback_status(resp: aiohttp.ClientResponse) -> str | None:
    """Kakao's callback API answers HTTP 200 with ``{"status": "SUCCESS"}``, or with ``"FAIL"`` /
    ``"ERROR"`` (and a ``message``) when it refused the callback: the refusal, or None."""
    try:
        body = json.loads(await resp.text())
    except (ValueError, UnicodeDecodeError):
        return None  # not JSON: the HTTP status is all there is
    if not isinstance(body, dict):
        return None
    status = str(body.get("status") or "").upper()
    if status in ("FAIL", "FAILED", "ERROR"):
        message = str(body.get("message") or "")[:200]
        return f"{status} {message}".strip()
    return None


class _Stored(Reply):
    """A response kept in Redis, returned as it was built."""

    def __init__(self, response: dict[str, Any]) -> None:
        super().__init__()
        self.response = response

    def build(self) -> dict[str, Any]:
        return self.response


# --- the HTTP endpoint -----------------------------------------------------------------------

KAKAO_KEY: web.AppKey[KakaoSkill] = web.AppKey("kakao", KakaoSkill)


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda d: json.dumps(d, ensure_ascii=False))


def _error(message: str, status: int) -> web.Response:
    return _json({"error": message}, status)


def _secret_ok(request: web.Request, settings: KakaoSettings) -> web.Response | None:
    if settings.secret is None:
        return _error(
            "The Kakao skill endpoint is disabled: set NORAE_KAKAO_SECRET on the server and send "
            f"it in the {SECRET_HEADER} header.",
            403,
        )
    given = request.headers.get(SECRET_HEADER) or request.match_info.get("secret") or ""
    # Header bytes that are not UTF-8 arrive as surrogates: encode them back, never raise.
    expected = settings.secret.get_secret_value().encode("utf-8", "surrogateescape")
    if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected):
        return _error("Wrong or missing Kakao skill secret.", 403)
    return None


def _too_deep(body: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON data nests deeper than ``limit`` (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return True
            items = value.values() if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
    return False


@dataclass(frozen=True)
class Delivery:
    """A read skill request and the digest that names this delivery of it."""

    req: SkillRequest
    digest: str
    by_callback: bool  # the digest is the one-time callback URL's (exact), not the content's


def _digest(body: dict[str, Any], req: SkillRequest) -> tuple[str, bool]:
    """The callback URL when there is one: Kakao issues one per request, so it names a delivery
    exactly. Without one (Kakao's payload has no request id) the content that makes a request
    what it is: bot, user, chat, block, intent, utterance and parameters."""
    url = req.userRequest.callbackUrl
    if url:
        return hashlib.sha256(
            b"callback\0" + url.encode("utf-8", "surrogateescape")
        ).hexdigest(), True
    user_request = body.get("userRequest") or {}
    block = user_request.get("block") if isinstance(user_request, dict) else None
    intent = body.get("intent")
    parts = [
        req.bot.id,
        req.userRequest.user.id,
        req.userRequest.chat.id if req.userRequest.chat else "",
        str(req.userRequest.user.properties.get("botGroupKey") or ""),
        block.get("id") if isinstance(block, dict) else None,
        intent.get("id") if isinstance(intent, dict) else None,
        req.userRequest.utterance,
        req.action.params,
    ]
    canonical = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8", "surrogateescape")).hexdigest(), False


async def _read(request: web.Request) -> Delivery | web.Response:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return _error(f"The request body is over {MAX_BODY_BYTES} bytes.", 413)
    try:
        raw = await request.content.read(MAX_BODY_BYTES + 1)
    except (aiohttp.ClientError, web.HTTPException):
        return _error("Could not read the request body.", 400)
    if len(raw) > MAX_BODY_BYTES:
        return _error(f"The request body is over {MAX_BODY_BYTES} bytes.", 413)
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _error("The request body is not valid JSON.", 400)
    except RecursionError:
        return _error("The request body is nested too deeply.", 400)
    if not isinstance(body, dict):
        return _error("The request body must be a JSON object (a Kakao skill request).", 400)
    if _too_deep(body):
        return _error("The request body is nested too deeply.", 400)
    try:  # json.loads lets "\ud800" through: text that cannot be stored or sent on
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return _error("The request body holds text that is not valid Unicode.", 400)
    try:
        req = SkillRequest.model_validate(body)
    except ValidationError as exc:
        where = ", ".join(
            ".".join(str(p) for p in err["loc"]) or "body" for err in exc.errors()[:3]
        )
        return _error(f"Not a Kakao skill request (check: {where}).", 400)
    if not ID_RE.fullmatch(req.userRequest.user.id):
        return _error("userRequest.user.id is not a valid id.", 400)
    if req.userRequest.chat is not None and not ID_RE.fullmatch(req.userRequest.chat.id):
        return _error("userRequest.chat.id is not a valid id.", 400)
    group = req.userRequest.user.properties.get("botGroupKey")
    if group not in (None, "") and not (isinstance(group, str) and ID_RE.fullmatch(group)):
        return _error("userRequest.user.properties.botGroupKey is not a valid id.", 400)
    digest, by_callback = _digest(body, req)
    return Delivery(req, digest, by_callback)


def callback_target(raw: str | None, settings: KakaoSettings) -> URL | None:
    """The callback URL to POST to, when it is one the settings allow; None otherwise.

    Allowed: ``https`` (``http`` too with ``callback_allow_http``), no user info, and a host on
    ``callback_hosts``: ``host`` or ``.domain`` on the scheme's default port, ``host:port``
    on that port. Hosts are compared in their ASCII (IDNA) form, so look-alikes do not pass.
    """
    if not raw or len(raw) > MAX_CALLBACK_URL_CHARS:
        return None
    try:
        url = URL(raw.strip())
        host = (url.raw_host or "").lower()
        port = url.explicit_port
    except ValueError:  # yarl refuses it (bad port, bad IPv6, backslashes...)
        return None
    schemes = ("https", "http") if settings.callback_allow_http else ("https",)
    if not url.is_absolute() or url.scheme not in schemes or not host:
        return None
    if url.user is not None or url.password is not None:
        return None
    default_port = {"https": 443, "http": 80}[url.scheme]
    for entry in settings.callback_hosts:
        name, want = _host_entry(entry)
        if want is None and port is not None and port != default_port:
            continue
        if want is not None and url.port != want:
            continue
        if host == name or (name.startswith(".") and host.endswith(name)):
            return url
    return None


def _host_entry(entry: str) -> tuple[str, int | None]:
    """``"bot-api.kakao.com"`` / ``".kakao.com"`` / ``"127.0.0.1:8080"`` / ``"[::1]:8080"`` ->
    (host, port or None for the default port)."""
    if entry.startswith("["):
        name, _, rest = entry[1:].partition("]")
        port = rest.removeprefix(":")
    elif entry.count(":") == 1:
        name, _, port = entry.partition(":")
    else:
        name, port = entry, ""
    return name, int(port) if port.isascii() and port.isdigit() else None


def _host_for_log(raw: str | None) -> str:
    """The host a callback URL names, for a log line (its path holds a one-time token)."""
    try:
        host = URL(raw or "").raw_host or "?"
    except ValueError:
        host = "?"
    return repr(host[:80])


async def skill(request: web.Request) -> web.Response:
    """The skill; with Redis down the user gets a plain text (Kakao shows a 200's text only)."""
    started = time.monotonic()  # the budget's clock, as early as the handler can start it
    try:
        return await _skill(request, started)
    except REDIS_DOWN as exc:
        log.warning("kakao: redis unavailable (%s)", exc)
        return _json(text_reply(notices.UNAVAILABLE["ko"]))


async def _skill(request: web.Request, started: float) -> web.Response:
    ks = request.app[KAKAO_KEY]
    denied = _secret_ok(request, ks.settings)
    if denied is not None:
        return denied
    delivery = await _read(request)
    if isinstance(delivery, web.Response):
        return delivery
    req = delivery.req
    if ks.settings.bot_ids and req.bot.id not in ks.settings.bot_ids:
        return _error("This bot is not allowed to use this skill.", 403)
    utterance = req.userRequest.utterance
    at = who(req)

    def answer(response: dict[str, Any]) -> web.Response:
        return _json(for_group(response) if at.group else response)

    first = await ks.crisis_first(utterance, at)
    if first is not None:
        return answer(first)
    if len(utterance) > MAX_UTTERANCE_CHARS:
        return answer(
            text_reply(
                f"메시지가 너무 길어요 ({len(utterance)}자). {MAX_UTTERANCE_CHARS}자 이내로 "
                f"보내 주세요. (Too long: at most {MAX_UTTERANCE_CHARS} characters.)"
            )
        )
    params = req.action.merged()
    command = apply_params(parse(utterance), params)
    if command.kind == "mood" and "command" not in params and _not_for_the_companion(command):
        # A fallback block sends everything: only a feeling (or a crisis) is the companion's.
        return answer(text_reply(NOT_UNDERSTOOD, ("도움말", "도움말")))
    if command.kind in NOT_DEDUPED:
        return answer(await _answer(ks, req, command, started))
    return answer(await _once(ks, delivery, command, started))


def _not_for_the_companion(command: Command) -> bool:
    """Neither a feeling nor a crisis; an empty (or invisible) message is left to the companion,
    which says that it is empty."""
    verdict = classify_feeling(command.text)
    return not verdict.feeling and verdict.reason != "empty"


async def _once(
    ks: KakaoSkill, delivery: Delivery, command: Command, started: float
) -> dict[str, Any]:
    """Act once per delivery: the first claims its digest (SET NX) and keeps its answer; a repeat
    (Kakao retrying) waits for that answer within the reply budget and returns it unchanged."""
    ttl = CALLBACK_DEDUPE_S if delivery.by_callback else ks.settings.dedupe_window_s
    user = f"kakao:{delivery.req.userRequest.user.id}"

    async def claim() -> bool:
        if delivery.by_callback:
            return await ks.state.claim_delivery(delivery.digest, ttl)
        return await ks.state.claim_next(user, delivery.digest, ttl)

    while not await claim():
        state = await ks.state.delivery(delivery.digest)
        if state is not None and state.get("state") == "done":
            log.info("kakao: a repeated delivery (%s) got the first answer", command.kind)
            return cast(dict[str, Any], state["response"])
        if time.monotonic() - started >= ks.settings.reply_budget_s - 0.2:
            return text_reply(SAME_REQUEST)
        await asyncio.sleep(0.05)
    try:
        response = await _answer(ks, delivery.req, command, started)
    except BaseException:
        await ks.state.release_delivery(delivery.digest)
        raise
    if command.kind == "fetch" and _says_not_yet(response):
        await ks.state.release_delivery(delivery.digest)  # asking again should look again
    else:
        await ks.state.finish_delivery(delivery.digest, response, ttl)
    return response


def _says_not_yet(response: dict[str, Any]) -> bool:
    outputs = response.get("template", {}).get("outputs", [])
    return any(o.get("simpleText", {}).get("text") == STILL_WRITING for o in outputs)


async def _answer(
    ks: KakaoSkill, req: SkillRequest, command: Command, started: float
) -> dict[str, Any]:
    at = who(req)
    try:
        await ks.limit(command, at)
    except SlowDown as exc:
        return text_reply(exc.message("ko"))
    if not command.slow:
        return await ks.run(command, at)

    raw = req.userRequest.callbackUrl if ks.settings.callback_enabled else None
    url = callback_target(raw, ks.settings) if raw else None
    if raw and url is None:
        log.warning(
            "kakao: callbackUrl to host %s is not allowed (NORAE_KAKAO_CALLBACK_HOSTS, https "
            "only unless NORAE_KAKAO_CALLBACK_ALLOW_HTTP): not called, answering within the "
            "budget instead",
            _host_for_log(raw),
        )
    if url is not None:
        ks.spawn(ks.callback(command, at, url, started), f"kakao-callback-{command.kind}")
        return callback_ack()

    state = await ks.pending(at.user)
    if state is not None and state.get("state") == "pending":
        return text_reply("아직 앞의 부탁을 쓰고 있어요. 조금만 기다려 주세요.", (FETCH, FETCH))
    task = ks.spawn(ks.deferred(command, at), f"kakao-{command.kind}")
    budget = max(0.0, ks.settings.reply_budget_s - (time.monotonic() - started))
    done, _ = await asyncio.wait({task}, timeout=budget)
    if task in done:
        return cast(dict[str, Any], task.result())
    await ks.mark_pending(at.user)

    def keep(t: asyncio.Task[Any]) -> None:
        ks.spawn(ks.store_result(at.user, t), "kakao-store")

    task.add_done_callback(keep)
    return text_reply(STILL_WRITING, (FETCH, FETCH))


def _lifetime(ks: KakaoSkill) -> Callable[[web.Application], AsyncIterator[None]]:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        ks.session = aiohttp.ClientSession()
        yield
        await ks.stop()
        await ks.session.close()

    return ctx


def setup_kakao(app: web.Application) -> None:
    """The skill from the app's Redis, inference client, relay and settings, and its routes."""
    redis = app[REDIS_KEY]
    settings: Settings = app[SETTINGS_KEY]
    ks = KakaoSkill(
        redis,
        settings.kakao,
        app[RELAY_KEY],
        app[SERVICES_KEY].lyrics,
        app[SERVICES_KEY].mood,
        app[LIMITER_KEY],
    )
    app[KAKAO_KEY] = ks
    app.router.add_post("/kakao/skill", skill)
    app.router.add_post("/kakao/skill/{secret}", skill)
    app.cleanup_ctx.append(_lifetime(ks))
