"""The relay in the web chat: JSON API under ``/api/rooms/<room>/``, live events, reader pages.

A room is a channel (``"web:<room>"``). Every action answers with the service's result as JSON
and publishes an event on the :class:`~storage.events.EventBus` so that the other browsers in the
room (served by any process) see it at once; the ticker's ``round_closed`` events arrive the same
way. Browsers listen at ``GET /api/rooms/<room>/events`` (Server-Sent Events, ``data:`` lines
holding one JSON event each, with a ``type``):

``hello`` · ``story_started`` · ``line_added`` · ``line_removed`` · ``writing`` ·
``writing_failed`` · ``round_opened`` · ``votes`` · ``round_closed`` · ``proposals`` ·
``story_ended``

Events never carry cookies, only nicknames, public line author ids, texts and counts. The ones a
page lists as the room's activity (:data:`KEPT`) are also kept in the room's recent events, with
an ``id`` and a time ``at``: ``GET /api/rooms/<room>/activity`` answers them, so the list survives
a reload.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
import json
import logging
import re
import unicodedata
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import quote

from aiohttp import web
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from bot import notices
from bot.numbers import strict_int
from bot.relay.service import RelayError, RelayService, RoundView
from bot.relay.ticker import announce
from bot.web.app import (
    BUS_KEY,
    HUB_KEY,
    LIMITER_KEY,
    MAX_BODY_BYTES,
    RELAY_KEY,
    client_address,
    error_response,
    request_language,
    user_id,
)
from storage.stories import Line, Story

log = logging.getLogger(__name__)

API_BODY_BYTES = 16 * 1024
KEEPALIVE_S = 15.0
ROOM_RE = re.compile(r"^[\w-]{1,40}$")
ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_PAGE = 10_000

Body = TypeVar("Body", bound=BaseModel)


# --- request bodies --------------------------------------------------------------------------


def _clean_nick(value: str) -> str:
    """No control or format characters (they could fake line breaks or reorder text)."""
    cleaned = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C").strip()
    if not cleaned:
        raise ValueError("choose a nickname")
    return cleaned


Nick = Annotated[str, Field(min_length=1, max_length=32), AfterValidator(_clean_nick)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NickBody(_Body):
    nick: Nick


class StartBody(NickBody):
    # The service checks the real limits with friendlier messages; these only bound the input.
    title: str = Field(default="", max_length=500)
    genre: str = Field(default="", max_length=500)
    language: str = Field(default="ko", max_length=10)


class WriteBody(NickBody):
    text: str = Field(max_length=8000)


class ContinueBody(NickBody):
    keyword: str | None = Field(default=None, max_length=200)
    length: int | str | None = None


class VoteBody(_Body):
    round_id: str = Field(pattern=ID_RE.pattern)
    choice: int = Field(ge=1, le=99, strict=True)  # not "2", not true: the page sends 2


class ProposeBody(NickBody):
    kind: Literal["keyword", "length"]
    value: str = Field(min_length=1, max_length=200)


class ProposalVoteBody(_Body):
    proposal_id: str = Field(pattern=ID_RE.pattern)


async def read_body(
    request: web.Request, model: type[Body], *, limit: int = API_BODY_BYTES
) -> Body:
    """A JSON body, size-limited and validated; a bad one is a 400 with a readable message.

    ``limit`` past the app's own (a pasted lyrics import) reads the stream itself, which
    ``request.read()`` would refuse."""
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="Send the request as application/json.")
    if request.content_length is not None and request.content_length > limit:
        raise web.HTTPRequestEntityTooLarge(
            max_size=limit, actual_size=request.content_length, text="Request too large."
        )
    raw = await request.read() if limit <= MAX_BODY_BYTES else await _read_stream(request, limit)
    if len(raw) > limit:
        raise web.HTTPRequestEntityTooLarge(
            max_size=limit, actual_size=len(raw), text="Request too large."
        )
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        raise web.HTTPBadRequest(text=_validation_message(exc)) from None


async def _read_stream(request: web.Request, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the body (one more tells that it is too large)."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = await request.content.read(limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _validation_message(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    if err["type"] == "json_invalid":
        return "The request body is not valid JSON."
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


# --- helpers ---------------------------------------------------------------------------------


def to_json(obj: Any) -> Any:
    """A service result as JSON data: dataclass fields, plus its properties (``message``…)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: to_json(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        for name, attr in vars(type(obj)).items():
            if isinstance(attr, property):
                out[name] = to_json(getattr(obj, name))
        return out
    if isinstance(obj, list | tuple):
        return [to_json(item) for item in obj]
    if isinstance(obj, dict):
        return {str(k): to_json(v) for k, v in obj.items()}
    return obj


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def channel_of(request: web.Request) -> str:
    room = request.match_info["room"]
    if not ROOM_RE.fullmatch(room):
        raise web.HTTPBadRequest(
            text="A room name is 1-40 letters, digits, '-' or '_' (no spaces)."
        )
    return f"web:{room}"


def _page(request: web.Request) -> int:
    page = strict_int(request.query.get("page", "1"))
    if page is None or not 1 <= page <= MAX_PAGE:
        raise web.HTTPBadRequest(
            text=f"page는 1부터 {MAX_PAGE}까지의 숫자예요. "
            f"(page must be a number from 1 to {MAX_PAGE}, in digits 0-9.)"
        )
    return page


def _story_id(raw: str) -> str:
    if not ID_RE.fullmatch(raw):
        raise RelayError("relay-no-such-story")
    return raw


async def _counts(relay: RelayService, round_id: str, choices: int) -> tuple[list[int], int]:
    votes = await relay.votes.votes(round_id)
    counts = [0] * choices
    for choice in votes.values():
        if 1 <= choice <= choices:
            counts[choice - 1] += 1
    return counts, len(votes)


# The events a page shows in the room's activity list: kept for pages that come later.
KEPT = frozenset(
    {
        "story_started",
        "line_added",
        "line_removed",
        "round_opened",
        "round_closed",
        "story_ended",
    }
)


async def _publish(request: web.Request, channel: str, event: dict[str, Any]) -> None:
    await request.app[BUS_KEY].publish(channel, event, keep=event["type"] in KEPT)


def _round_json(
    relay: RelayService,
    rnd: RoundView,
    counts: list[int] | None = None,
    voters: int = 0,
    my_vote: int | None = None,
) -> dict[str, Any]:
    """An open round as the page draws it: with its counts and how many rerolls it may have."""
    return {
        **to_json(rnd),
        "counts": counts if counts is not None else [0] * len(rnd.candidates),
        "voters": voters,
        "my_vote": my_vote,
        "max_rerolls": relay.settings.max_rerolls,
    }


def _relay(request: web.Request) -> RelayService:
    return request.app[RELAY_KEY]


# --- room state ------------------------------------------------------------------------------


async def room_state(request: web.Request) -> web.Response:
    """Everything a page needs to draw a room: story, lines, open round, proposals."""
    channel = channel_of(request)
    relay = _relay(request)
    story = await relay.stories.active(channel)
    lines = (await relay.read(story.id))[1] if story is not None else []
    state: dict[str, Any] = {
        "channel": channel,
        "user_id": user_id(request),
        "story": to_json(story),
        "lines": to_json(lines),
        "round": None,
        "proposals": to_json(await relay.proposals(channel)),
    }
    rnd = await relay.open_round(channel)
    if rnd is not None:
        counts, voters = await _counts(relay, rnd.id, len(rnd.candidates))
        mine = (await relay.votes.votes(rnd.id)).get(user_id(request))
        state["round"] = _round_json(relay, rnd, counts, voters, mine)
    return _json(state)


async def activity(request: web.Request) -> web.Response:
    """The room's recent events (oldest first), for the activity list after a reload."""
    channel = channel_of(request)
    return _json({"events": await request.app[BUS_KEY].recent(channel)})


# --- stories ---------------------------------------------------------------------------------


async def start(request: web.Request) -> web.Response:
    channel = channel_of(request)
    body = await read_body(request, StartBody)
    result = await _relay(request).start(
        channel,
        user_id(request),
        body.nick,
        title=body.title,
        genre=body.genre,
        language=body.language,
    )
    if result.created:
        await _publish(
            request,
            channel,
            {"type": "story_started", "story": to_json(result.story), "by": body.nick},
        )
    return _json(to_json(result), status=201 if result.created else 200)


async def write(request: web.Request) -> web.Response:
    channel = channel_of(request)
    body = await read_body(request, WriteBody)
    result = await _relay(request).write(channel, user_id(request), body.nick, body.text)
    await _publish(
        request,
        channel,
        {"type": "line_added", "line": to_json(result.line), "story": to_json(result.story)},
    )
    return _json(to_json(result))


async def undo(request: web.Request) -> web.Response:
    channel = channel_of(request)
    body = await read_body(request, NickBody)
    result = await _relay(request).undo(channel, user_id(request))
    await _publish(
        request,
        channel,
        {
            "type": "line_removed",
            "line": to_json(result.line),
            "story": to_json(result.story),
            "by": body.nick,
        },
    )
    return _json(to_json(result))


async def show(request: web.Request) -> web.Response:
    channel = channel_of(request)
    story = request.query.get("story")
    page = await _relay(request).show(
        channel, _page(request), story_id=_story_id(story) if story else None
    )
    return _json(to_json(page))


async def end(request: web.Request) -> web.Response:
    channel = channel_of(request)
    body = await read_body(request, NickBody)
    result = await _relay(request).end(channel, user_id(request))
    await _publish(
        request,
        channel,
        {
            "type": "story_ended",
            "story": to_json(result.story),
            "archived": result.archived,
            "cancelled_round": result.cancelled_round,
            "by": body.nick,
        },
    )
    return _json(to_json(result))


async def stories(request: web.Request) -> web.Response:
    result = await _relay(request).stories_page(channel_of(request), _page(request))
    return _json(to_json(result))


async def export_room(request: web.Request) -> web.Response:
    story = request.query.get("story")
    return await _export(request, channel_of(request), _story_id(story) if story else None)


async def export_story(request: web.Request) -> web.Response:
    return await _export(request, "web:", _story_id(request.match_info["story_id"]))


async def _export(request: web.Request, channel: str, story_id: str | None) -> web.Response:
    fmt = request.query.get("format", "md")
    if fmt not in ("md", "txt"):
        raise web.HTTPBadRequest(text="format must be md or txt.")
    result = await _relay(request).export(channel, story_id=story_id)
    name = f"{result.filename}.{fmt}"
    fallback = f"story-{result.story.id}.{fmt}"
    return web.Response(
        text=result.markdown if fmt == "md" else result.text,
        content_type="text/markdown" if fmt == "md" else "text/plain",
        charset="utf-8",
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
            )
        },
    )


async def story_json(request: web.Request) -> web.Response:
    story, lines = await _relay(request).read(_story_id(request.match_info["story_id"]))
    return _json({"story": to_json(story), "lines": [to_json(line) for line in lines]})


# --- rounds ----------------------------------------------------------------------------------


async def continue_story(request: web.Request) -> web.Response:
    channel = channel_of(request)
    body = await read_body(request, ContinueBody)
    relay = _relay(request)
    keyword = body.keyword or None
    length = body.length if body.length not in ("", None) else None
    await _publish(request, channel, {"type": "writing", "by": body.nick})
    try:
        rnd = await relay.continue_story(
            channel, user_id(request), body.nick, keyword=keyword, length=length
        )
    except Exception as exc:
        message = str(exc) if isinstance(exc, RelayError) else "The model could not write."
        await _publish(request, channel, {"type": "writing_failed", "message": message})
        raise
    view = _round_json(relay, rnd)
    await _publish(request, channel, {"type": "round_opened", "round": view, "by": body.nick})
    await _publish(
        request,
        channel,
        {"type": "proposals", "proposals": to_json(await relay.proposals(channel))},
    )
    return _json(view, status=201)


async def reroll(request: web.Request) -> web.Response:
    channel = channel_of(request)
    body = await read_body(request, NickBody)
    relay = _relay(request)
    await _publish(request, channel, {"type": "writing", "by": body.nick})
    try:
        rnd = await relay.reroll(channel, user_id(request))
    except Exception as exc:
        message = str(exc) if isinstance(exc, RelayError) else "The model could not write."
        await _publish(request, channel, {"type": "writing_failed", "message": message})
        raise
    view = _round_json(relay, rnd)
    await _publish(
        request, channel, {"type": "round_opened", "round": view, "by": body.nick, "reroll": True}
    )
    return _json(view)


async def current_round(request: web.Request) -> web.Response:
    channel = channel_of(request)
    relay = _relay(request)
    rnd = await relay.open_round(channel)
    if rnd is None:
        return _json({"round": None})
    counts, voters = await _counts(relay, rnd.id, len(rnd.candidates))
    mine = (await relay.votes.votes(rnd.id)).get(user_id(request))
    return _json({"round": _round_json(relay, rnd, counts, voters, mine)})


async def vote(request: web.Request) -> web.Response:
    channel = channel_of(request)
    body = await read_body(request, VoteBody)
    relay = _relay(request)
    rnd = await relay.votes.get(body.round_id)
    if rnd is None or rnd.channel != channel:
        raise RelayError("relay-no-round")
    # One address counts as a few voters at most, however many identities it holds.
    if not await request.app[LIMITER_KEY].admit_voter(
        rnd.id, client_address(request), user_id(request)
    ):
        return error_response(
            notices.text(notices.TOO_MANY_VOTERS, request_language(request)),
            429,
            messages=notices.TOO_MANY_VOTERS,
        )
    result = await relay.vote(body.round_id, user_id(request), body.choice)
    counts, voters = await _counts(relay, rnd.id, len(rnd.candidates))
    await _publish(
        request,
        channel,
        {"type": "votes", "round_id": rnd.id, "counts": counts, "voters": voters},
    )
    if result.closed is not None:
        await announce(request.app[BUS_KEY], result.closed)
    return _json({**to_json(result), "counts": counts})


# --- proposals -------------------------------------------------------------------------------


async def propose(request: web.Request) -> web.Response:
    channel = channel_of(request)
    body = await read_body(request, ProposeBody)
    relay = _relay(request)
    result = await relay.propose(channel, user_id(request), body.nick, body.kind, body.value)
    await _publish_proposals(request, channel, relay)
    return _json(to_json(result), status=201 if result.created else 200)


async def proposals(request: web.Request) -> web.Response:
    found = await _relay(request).proposals(channel_of(request))
    return _json({"proposals": to_json(found)})


async def vote_proposal(request: web.Request) -> web.Response:
    channel = channel_of(request)
    body = await read_body(request, ProposalVoteBody)
    relay = _relay(request)
    result = await relay.vote_proposal(channel, user_id(request), body.proposal_id)
    await _publish_proposals(request, channel, relay)
    return _json(to_json(result))


async def _publish_proposals(request: web.Request, channel: str, relay: RelayService) -> None:
    found = await relay.proposals(channel)
    await _publish(request, channel, {"type": "proposals", "proposals": to_json(found)})


# --- live events -----------------------------------------------------------------------------


async def events(request: web.Request) -> web.StreamResponse:
    """Server-Sent Events for one room until the browser leaves or the server stops."""
    channel = channel_of(request)
    hub = request.app[HUB_KEY]
    if hub.closed:
        raise web.HTTPServiceUnavailable(text="The server is stopping.")
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",
        }
    )
    queue = hub.subscribe(channel)
    try:
        await response.prepare(request)
        await response.write(b"retry: 3000\n\n")
        await _send(response, {"type": "hello", "channel": channel})
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            if event is None:
                break
            await _send(response, event)
    except (ConnectionResetError, ConnectionError):
        log.debug("an event stream for %s went away", channel)
    finally:
        hub.unsubscribe(channel, queue)
    return response


async def _send(response: web.StreamResponse, event: dict[str, Any]) -> None:
    await response.write(f"data: {_dumps(event)}\n\n".encode())


# --- the reader page -------------------------------------------------------------------------

READER = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title} · norae 노래</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/style.css"></head>
<body class="doc reader"><p class="crumbs"><a href="/">norae 노래</a> · {room}</p>
<article><h1>{title}</h1>{genre}<div class="story">{lines}</div></article>
<p class="byline">{byline}</p>
<p>Download: <a href="/api/stories/{id}/export?format=md">Markdown</a> ·
<a href="/api/stories/{id}/export?format=txt">plain text</a></p>
</body></html>"""


async def reader(request: web.Request) -> web.Response:
    """A story, read-only, server-rendered: every user or model text is escaped."""
    try:
        story, lines = await _relay(request).read(_story_id(request.match_info["story_id"]))
    except RelayError:
        raise web.HTTPNotFound(text="There is no such story.") from None
    return web.Response(text=render_story(story, lines), content_type="text/html")


def render_story(story: Story, lines: list[Line]) -> str:
    e = html.escape
    room = story.channel.removeprefix("web:") if story.channel.startswith("web:") else ""
    room_link = f'<a href="/r/{quote(room)}">{e(room)}</a>' if room else "another chat"
    status = "archived" if story.status != "active" else "in progress"
    model_lines = sum(1 for line in lines if line.source == "model")
    return READER.format(
        lang="en" if story.language == "en" else "ko",
        title=e(story.title or "Untitled"),
        genre=f'<p class="genre">{e(story.genre)}</p>' if story.genre else "",
        room=room_link,
        lines="".join(_render_line(line) for line in lines) or "<p><em>No lines yet.</em></p>",
        byline=e(
            f"{len(lines)} lines ({model_lines} by the model, chosen by vote) · "
            f"started by {story.created_by_name or 'someone'} · {status}"
        ),
        id=e(story.id),
    )


def _render_line(line: Line) -> str:
    who = "the model" if line.source == "model" else line.author_name or "someone"
    return (
        f'<p class="line {html.escape(line.source)}" title="{html.escape(who)}">'
        f"{html.escape(line.text)}</p>"
    )


# --- routes ----------------------------------------------------------------------------------


def setup_relay(app: web.Application) -> None:
    r = app.router
    room = "/api/rooms/{room}"
    r.add_get(room, room_state)
    r.add_get(f"{room}/events", events)
    r.add_get(f"{room}/activity", activity)
    r.add_post(f"{room}/start", start)
    r.add_post(f"{room}/write", write)
    r.add_post(f"{room}/continue", continue_story)
    r.add_post(f"{room}/reroll", reroll)
    r.add_get(f"{room}/round", current_round)
    r.add_post(f"{room}/vote", vote)
    r.add_post(f"{room}/propose", propose)
    r.add_get(f"{room}/proposals", proposals)
    r.add_post(f"{room}/proposals/vote", vote_proposal)
    r.add_post(f"{room}/undo", undo)
    r.add_get(f"{room}/show", show)
    r.add_post(f"{room}/end", end)
    r.add_get(f"{room}/export", export_room)
    r.add_get(f"{room}/stories", stories)
    r.add_get("/api/stories/{story_id}", story_json)
    r.add_get("/api/stories/{story_id}/export", export_story)
    r.add_get("/stories/{story_id}", reader)
