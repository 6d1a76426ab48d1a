"""The skill request as Kakao i Open Builder sends it, read and checked.

Open Builder POSTs a skill request for each utterance (``userRequest.utterance``,
``userRequest.user.id``, ``userRequest.callbackUrl``, ``userRequest.chat``, ``action.params``,
``action.detailParams``, ``bot.id``; every other field is ignored). A body over
:data:`MAX_BODY_BYTES` is refused with 413; malformed JSON, JSON nested deeper than
:data:`MAX_DEPTH` levels, text that is not valid Unicode, or a request with bad ids with 400
(:class:`Refused`, which the server turns into ``{"error": ...}`` JSON, never a stack trace).

**Who.** The Kakao user is the actor (``kakao:<user id>``: the mood companion's user, the
relay's author); the channel is the group chat (``userRequest.chat.id``, or ``botGroupKey`` in
the user's properties in older payloads) or, in a 1:1 chat, the user (``kakao:<id>`` either way).

**Deliveries.** Each delivery is named by a digest (see :mod:`bot.kakao.deliveries`): the
callback URL's when there is one (Kakao issues one per request), else the digest of what makes
the request what it is.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.kakao.rendering import cut
from bot.relay.text import clean_name
from bot.texts import text
from contract.ids import Actor, Channel

MAX_BODY_BYTES = 32 * 1024
MAX_DEPTH = 32  # Kakao's payload nests about 5 deep
ID_RE = re.compile(r"^[A-Za-z0-9_.:=+/-]{1,128}$")
NAME_CHARS = 32


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

    actor: Actor
    channel: Channel  # the group chat, or the user's own 1:1 chat
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
        actor=Actor.kakao(user.id),
        channel=Channel.kakao(group or user.id),
        name=cut(nick, NAME_CHARS) if nick else text("kakao-user-name", "ko", id=user.id[-4:]),
        group=group is not None,
    )


@dataclass(frozen=True)
class Delivery:
    """A read skill request and the digest that names this delivery of it."""

    req: SkillRequest
    digest: str
    by_callback: bool  # the digest is the one-time callback URL's (exact), not the content's


@dataclass(frozen=True)
class Refused:
    """A request the skill will not read: the reason (for Open Builder's logs) and the status."""

    message: str
    status: int


def _encodable(body: Any) -> bool:
    """Whether the data's text is valid Unicode (no lone surrogates): orjson's encoder tells at
    once; what it refuses for another reason (an integer past 64 bits) the standard one decides."""
    try:
        orjson.dumps(body)
        return True
    except orjson.JSONEncodeError:
        pass
    try:
        json.dumps(body, ensure_ascii=False).encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


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


async def read(request: web.Request) -> Delivery | Refused:
    """The skill request in ``request``'s body, or why it is refused."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return Refused(f"The request body is over {MAX_BODY_BYTES} bytes.", 413)
    try:
        raw = await request.content.read(MAX_BODY_BYTES + 1)
    except (aiohttp.ClientError, web.HTTPException):
        return Refused("Could not read the request body.", 400)
    if len(raw) > MAX_BODY_BYTES:
        return Refused(f"The request body is over {MAX_BODY_BYTES} bytes.", 413)
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Refused("The request body is not valid JSON.", 400)
    except RecursionError:
        return Refused("The request body is nested too deeply.", 400)
    if not isinstance(body, dict):
        return Refused("The request body must be a JSON object (a Kakao skill request).", 400)
    if _too_deep(body):
        return Refused("The request body is nested too deeply.", 400)
    if not _encodable(body):  # json.loads lets "\ud800" through: it cannot be stored or sent on
        return Refused("The request body holds text that is not valid Unicode.", 400)
    try:
        req = SkillRequest.model_validate(body)
    except ValidationError as exc:
        where = ", ".join(
            ".".join(str(p) for p in err["loc"]) or "body" for err in exc.errors()[:3]
        )
        return Refused(f"Not a Kakao skill request (check: {where}).", 400)
    if not ID_RE.fullmatch(req.userRequest.user.id):
        return Refused("userRequest.user.id is not a valid id.", 400)
    if req.userRequest.chat is not None and not ID_RE.fullmatch(req.userRequest.chat.id):
        return Refused("userRequest.chat.id is not a valid id.", 400)
    group = req.userRequest.user.properties.get("botGroupKey")
    if group not in (None, "") and not (isinstance(group, str) and ID_RE.fullmatch(group)):
        return Refused("userRequest.user.properties.botGroupKey is not a valid id.", 400)
    digest, by_callback = _digest(body, req)
    return Delivery(req, digest, by_callback)
