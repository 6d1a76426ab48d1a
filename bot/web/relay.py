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
import functools
import html
import json
import logging
import re
import unicodedata
from typing import Annotated, Any, Literal
from urllib.parse import quote

from aiohttp import web
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from bot import texts
from bot.numbers import strict_int
from bot.relay.service import RelayError, RelayService, RoundView, VoterCapFull
from bot.relay.ticker import announce
from bot.web.errors import WebError, json_response
from bot.web.keys import HUB_KEY
from bot.web.requests import (
    actor,
    client_address,
    read_body,
    request_language,
    room,
    services,
)
from bot.web.status import BRAND, LANGUAGE_VARIES
from contract.ids import Channel
from storage.stories import Line, Story

log = logging.getLogger(__name__)

KEEPALIVE_S = 15.0
ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_PAGE = 10_000


# --- request bodies --------------------------------------------------------------------------


def _clean_nick(value: str) -> str:
    """No control or format characters (they could fake line breaks or reorder text)."""
    cleaned = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C").strip()
    if not cleaned:
        raise ValueError("web-bad-nick")  # a catalog code: the refusal says it in both languages
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


# --- helpers ---------------------------------------------------------------------------------


_PLAIN = (str, int, float, bool, type(None))


@functools.cache
def _names(cls: type) -> tuple[str, ...] | None:
    """A dataclass's field names, then its properties' (``message``…); None for anything else."""
    if not dataclasses.is_dataclass(cls):
        return None
    props = [name for name, attr in vars(cls).items() if isinstance(attr, property)]
    return (*(f.name for f in dataclasses.fields(cls)), *props)


def to_json(obj: Any) -> Any:
    """A service result as JSON data: dataclass fields, plus its properties (``message``…)."""
    if isinstance(obj, _PLAIN):
        return obj
    names = _names(obj.__class__)
    if names is not None:
        return {name: to_json(getattr(obj, name)) for name in names}
    if isinstance(obj, list | tuple):
        return [to_json(item) for item in obj]
    if isinstance(obj, dict):
        return {str(k): to_json(v) for k, v in obj.items()}
    return obj


def _page(request: web.Request) -> int:
    page = strict_int(request.query.get("page", "1"))
    if page is None or not 1 <= page <= MAX_PAGE:
        raise WebError("web-bad-page", max=MAX_PAGE)
    return page


def _story_id(raw: str) -> str:
    if not ID_RE.fullmatch(raw):
        raise RelayError("relay-no-such-story")
    return raw


async def _counts(relay: RelayService, round_id: str, choices: int) -> tuple[list[int], int]:
    votes = await relay.ballots(round_id)
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


async def _publish(request: web.Request, channel: Channel, event: dict[str, Any]) -> None:
    await services(request).events.publish(channel.key, event, keep=event["type"] in KEPT)


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
    return services(request).relay


# --- room state ------------------------------------------------------------------------------


async def room_state(request: web.Request) -> web.Response:
    """Everything a page needs to draw a room: story, lines, open round, proposals."""
    channel = room(request)
    me = actor(request)
    relay = _relay(request)
    story = await relay.active_story(channel.key)
    lines = (await relay.read(story.id))[1] if story is not None else []
    state: dict[str, Any] = {
        "channel": channel.key,
        "user_id": me.key,
        "story": to_json(story),
        "lines": to_json(lines),
        "round": None,
        "proposals": to_json(await relay.proposals(channel.key)),
    }
    rnd = await relay.open_round(channel.key)
    if rnd is not None:
        counts, voters = await _counts(relay, rnd.id, len(rnd.candidates))
        mine = (await relay.ballots(rnd.id)).get(me.key)
        state["round"] = _round_json(relay, rnd, counts, voters, mine)
    return json_response(state)


async def activity(request: web.Request) -> web.Response:
    """The room's recent events (oldest first), for the activity list after a reload."""
    channel = room(request)
    return json_response({"events": await services(request).events.recent(channel.key)})


# --- stories ---------------------------------------------------------------------------------


async def start(request: web.Request) -> web.Response:
    channel = room(request)
    body = await read_body(request, StartBody)
    result = await _relay(request).start(
        channel.key,
        actor(request).key,
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
    answer = {**to_json(result), "message": result.text(request_language(request))}
    return json_response(answer, status=201 if result.created else 200)


async def write(request: web.Request) -> web.Response:
    channel = room(request)
    body = await read_body(request, WriteBody)
    result = await _relay(request).write(channel.key, actor(request).key, body.nick, body.text)
    await _publish(
        request,
        channel,
        {"type": "line_added", "line": to_json(result.line), "story": to_json(result.story)},
    )
    return json_response(to_json(result))


async def undo(request: web.Request) -> web.Response:
    channel = room(request)
    body = await read_body(request, NickBody)
    result = await _relay(request).undo(channel.key, actor(request).key)
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
    return json_response(to_json(result))


async def show(request: web.Request) -> web.Response:
    channel = room(request)
    story = request.query.get("story")
    page = await _relay(request).show(
        channel.key, _page(request), story_id=_story_id(story) if story else None
    )
    return json_response(to_json(page))


async def end(request: web.Request) -> web.Response:
    channel = room(request)
    body = await read_body(request, NickBody)
    result = await _relay(request).end(channel.key, actor(request).key)
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
    return json_response(to_json(result))


async def stories(request: web.Request) -> web.Response:
    result = await _relay(request).stories_page(room(request).key, _page(request))
    return json_response(to_json(result))


async def export_room(request: web.Request) -> web.Response:
    story = request.query.get("story")
    return await _export(request, room(request), _story_id(story) if story else None)


async def export_story(request: web.Request) -> web.Response:
    # Any room's story: the id names it (the channel is not checked).
    return await _export(request, Channel.web(""), _story_id(request.match_info["story_id"]))


async def _export(request: web.Request, channel: Channel, story_id: str | None) -> web.Response:
    fmt = request.query.get("format", "md")
    if fmt not in ("md", "txt"):
        raise WebError("web-bad-format")
    result = await _relay(request).export(channel.key, story_id=story_id)
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
    return json_response({"story": to_json(story), "lines": [to_json(line) for line in lines]})


# --- rounds ----------------------------------------------------------------------------------


async def continue_story(request: web.Request) -> web.Response:
    channel = room(request)
    body = await read_body(request, ContinueBody)
    relay = _relay(request)
    keyword = body.keyword or None
    length = body.length if body.length not in ("", None) else None
    await _publish(request, channel, {"type": "writing", "by": body.nick})
    try:
        rnd = await relay.continue_story(
            channel.key, actor(request).key, body.nick, keyword=keyword, length=length
        )
    except Exception as exc:
        await _writing_failed(request, channel, exc)
        raise
    view = _round_json(relay, rnd)
    await _publish(request, channel, {"type": "round_opened", "round": view, "by": body.nick})
    await _publish(
        request,
        channel,
        {"type": "proposals", "proposals": to_json(await relay.proposals(channel.key))},
    )
    return json_response(view, status=201)


async def reroll(request: web.Request) -> web.Response:
    channel = room(request)
    body = await read_body(request, NickBody)
    relay = _relay(request)
    await _publish(request, channel, {"type": "writing", "by": body.nick})
    try:
        rnd = await relay.reroll(channel.key, actor(request).key)
    except Exception as exc:
        await _writing_failed(request, channel, exc)
        raise
    view = _round_json(relay, rnd)
    await _publish(
        request, channel, {"type": "round_opened", "round": view, "by": body.nick, "reroll": True}
    )
    return json_response(view)


async def _writing_failed(request: web.Request, channel: Channel, exc: Exception) -> None:
    """Tell the room's other pages that the model's writing they were shown ended (the error
    itself is answered to the one who asked)."""
    if isinstance(exc, RelayError):
        messages = texts.each(exc.message)
    else:
        messages = texts.every("web-writing-failed")
    event = {"type": "writing_failed", "messages": messages, "message": messages["en"]}
    await _publish(request, channel, event)


async def current_round(request: web.Request) -> web.Response:
    channel = room(request)
    relay = _relay(request)
    rnd = await relay.open_round(channel.key)
    if rnd is None:
        return json_response({"round": None})
    counts, voters = await _counts(relay, rnd.id, len(rnd.candidates))
    mine = (await relay.ballots(rnd.id)).get(actor(request).key)
    return json_response({"round": _round_json(relay, rnd, counts, voters, mine)})


async def vote(request: web.Request) -> web.Response:
    channel = room(request)
    body = await read_body(request, VoteBody)
    # One address counts as a few voters at most, however many identities it holds; a round
    # of another room is no round here. Both are checked in the vote's own step.
    cap = services(request).limiter.voter_cap(client_address(request))
    try:
        result = await _relay(request).vote(
            body.round_id, actor(request).key, body.choice, channel=channel.key, voter_cap=cap
        )
    except VoterCapFull:
        raise WebError("too-many-voters", status=429) from None
    await _publish(
        request,
        channel,
        {
            "type": "votes",
            "round_id": result.round_id,
            "counts": result.counts,
            "voters": result.voters,
        },
    )
    if result.closed is not None:
        await announce(services(request).events, result.closed)
    return json_response(to_json(result))


# --- proposals -------------------------------------------------------------------------------


async def propose(request: web.Request) -> web.Response:
    channel = room(request)
    body = await read_body(request, ProposeBody)
    relay = _relay(request)
    result = await relay.propose(channel.key, actor(request).key, body.nick, body.kind, body.value)
    await _publish_proposals(request, channel, relay)
    return json_response(to_json(result), status=201 if result.created else 200)


async def proposals(request: web.Request) -> web.Response:
    found = await _relay(request).proposals(room(request).key)
    return json_response({"proposals": to_json(found)})


async def vote_proposal(request: web.Request) -> web.Response:
    channel = room(request)
    body = await read_body(request, ProposalVoteBody)
    relay = _relay(request)
    result = await relay.vote_proposal(channel.key, actor(request).key, body.proposal_id)
    await _publish_proposals(request, channel, relay)
    return json_response(to_json(result))


async def _publish_proposals(request: web.Request, channel: Channel, relay: RelayService) -> None:
    found = await relay.proposals(channel.key)
    await _publish(request, channel, {"type": "proposals", "proposals": to_json(found)})


# --- live events -----------------------------------------------------------------------------


async def events(request: web.Request) -> web.StreamResponse:
    """Server-Sent Events for one room until the browser leaves or the server stops."""
    channel = room(request).key
    hub = request.app[HUB_KEY]
    if hub.closed:
        raise WebError("web-stopping", status=503)
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
    await response.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())


# --- the reader page -------------------------------------------------------------------------

READER = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title} · {brand}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/style.css"></head>
<body class="doc reader"><p class="crumbs"><a href="/">{brand}</a> · {room}</p>
<article lang="{story_lang}"><h1>{title}</h1>{genre}<div class="story">{lines}</div></article>
<p class="byline">{byline}</p>
<p>{download} <a href="/api/stories/{id}/export?format=md">{markdown}</a> ·
<a href="/api/stories/{id}/export?format=txt">{plain}</a></p>
</body></html>"""


async def reader(request: web.Request) -> web.Response:
    """A story, read-only, server-rendered in the reader's language: every user or model text
    is escaped."""
    lang = request_language(request)
    try:
        story, lines = await _relay(request).read(_story_id(request.match_info["story_id"]))
    except RelayError as exc:
        raise web.HTTPNotFound(text=exc.message(lang)) from None
    return web.Response(
        text=render_story(story, lines, lang), content_type="text/html", headers=LANGUAGE_VARIES
    )


def render_story(story: Story, lines: list[Line], lang: texts.Lang = "ko") -> str:
    """The reader page: its own words in ``lang``, the story in the story's language."""
    e = html.escape

    def say(code: str, **params: object) -> str:
        return e(texts.text(code, lang, **params))

    name = _web_room(story.channel)
    room_link = f'<a href="/r/{quote(name)}">{e(name)}</a>' if name else say("web-reader-elsewhere")
    model_lines = sum(1 for line in lines if line.source == "model")
    no_lines = f"<p><em>{say('web-reader-no-lines')}</em></p>"
    return READER.format(
        lang=lang,
        story_lang="en" if story.language == "en" else "ko",
        brand=BRAND,
        title=e(story.title) if story.title else say("web-reader-untitled"),
        genre=f'<p class="genre">{e(story.genre)}</p>' if story.genre else "",
        room=room_link,
        lines="".join(_render_line(line, lang) for line in lines) or no_lines,
        byline=say(
            "web-reader-byline-archived" if story.status != "active" else "web-reader-byline",
            lines=len(lines),
            model=model_lines,
            name=story.created_by_name or texts.text("web-reader-someone", lang),
        ),
        download=say("web-reader-download"),
        markdown=say("web-reader-markdown"),
        plain=say("web-reader-plain"),
        id=e(story.id),
    )


def _web_room(channel: str) -> str:
    """The room's name when a story was told in a web room, else ``""``."""
    try:
        found = Channel.parse(channel)
    except ValueError:
        return ""
    return found.id if found.platform == "web" else ""


def _render_line(line: Line, lang: texts.Lang) -> str:
    if line.source == "model":
        who = texts.text("web-reader-the-model", lang)
    else:
        who = line.author_name or texts.text("web-reader-someone", lang)
    return (
        f'<p class="line {html.escape(line.source)}" title="{html.escape(who)}">'
        f"{html.escape(line.text)}</p>"
    )


# --- routes ----------------------------------------------------------------------------------


def setup(app: web.Application) -> None:
    r = app.router
    at = "/api/rooms/{room}"
    r.add_get(at, room_state)
    r.add_get(f"{at}/events", events)
    r.add_get(f"{at}/activity", activity)
    r.add_post(f"{at}/start", start)
    r.add_post(f"{at}/write", write)
    r.add_post(f"{at}/continue", continue_story)
    r.add_post(f"{at}/reroll", reroll)
    r.add_get(f"{at}/round", current_round)
    r.add_post(f"{at}/vote", vote)
    r.add_post(f"{at}/propose", propose)
    r.add_get(f"{at}/proposals", proposals)
    r.add_post(f"{at}/proposals/vote", vote_proposal)
    r.add_post(f"{at}/undo", undo)
    r.add_get(f"{at}/show", show)
    r.add_post(f"{at}/end", end)
    r.add_get(f"{at}/export", export_room)
    r.add_get(f"{at}/stories", stories)
    r.add_get("/api/stories/{story_id}", story_json)
    r.add_get("/api/stories/{story_id}/export", export_story)
    r.add_get("/stories/{story_id}", reader)
