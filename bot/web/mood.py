"""The mood companion in the web chat: the "DM with norae" view's JSON API and the demo audio.

``/api/mood/*`` speaks for the browser's own user (the same id cookie the relay uses, see
:func:`bot.web.requests.actor`); nothing here takes a user id from the request. Replies are
:class:`~bot.mood.service.MoodReply` as JSON, each song card with what the page needs to offer it:

- ``audio``: ``/audio/<song id>`` when the song's audio ships in an installed package (the demo
  catalog's ``package://`` URLs), which the page's player plays;
- ``link``: the song's ``http(s)`` URL, which the page links out to; anything else is not linked.

``GET /audio/<song id>`` streams only a catalog song's own packaged audio file, and only a file
whose suffix is a known audio type: the id is looked up in the catalog, the file comes from
:func:`~bot.catalog.resolve_package_url` (which refuses escaping paths), and nothing from the
request is ever used as a path. ``FileResponse`` answers ``Range`` requests, so players can seek.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Annotated, Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, Strict

from bot import texts
from bot.catalog import PACKAGE_URL_SCHEME, Song, resolve_package_url
from bot.mood.service import MoodReply, MoodService, SongCard
from bot.web.errors import json_response
from bot.web.requests import (
    API_BODY_BYTES,
    actor,
    read_body,
    request_language,
    services,
    toll,
)

log = logging.getLogger(__name__)

SONG_ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
# The audio types the player may be sent (and the only suffixes ``/audio`` serves).
AUDIO_TYPES = {
    ".opus": "audio/ogg",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".m4a": "audio/mp4",
}
AUDIO_MAX_AGE_S = 86400


# --- request bodies --------------------------------------------------------------------------


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MessageBody(_Body):
    # The service checks the real limit (settings.mood.max_message_chars) with a friendly text,
    # after its crisis check: only the request body limit bounds the text here, so a long message
    # that states a crisis still reaches that check.
    text: str = Field(max_length=API_BODY_BYTES)


class PickBody(_Body):
    # A number (not true or 1.0), or what a person typed ("3번"), which the service reads.
    choice: Annotated[int, Strict()] | str = Field(union_mode="left_to_right")


class PolicyBody(_Body):
    policy: str = Field(max_length=20)


# --- helpers ---------------------------------------------------------------------------------


def _mood(request: web.Request) -> MoodService:
    return services(request).mood


def is_web_link(url: str) -> bool:
    return url.startswith(("https://", "http://")) and len(url) <= 2000


def audio_file(song: Song | SongCard) -> Path | None:
    """The packaged audio file this catalog song (or its card) may stream, or None."""
    for ref in (song.url, song.audio):
        if not ref.startswith(PACKAGE_URL_SCHEME):
            continue
        path = resolve_package_url(ref)
        if path is not None and path.suffix.lower() in AUDIO_TYPES:
            return path
    return None


def card_json(card: SongCard) -> dict[str, Any]:
    """A song card for the page: ``audio`` to play here, ``link`` to open elsewhere."""
    playable = audio_file(card) is not None
    return {
        "id": card.id,
        "title": card.title,
        "artist": card.artist,
        "snippet": card.snippet,
        "mood": card.mood,
        "audio": f"/audio/{card.id}" if playable else None,
        "link": card.url if is_web_link(card.url) else None,
    }


def reply_json(reply: MoodReply) -> dict[str, Any]:
    """A reply for the page; its cards carry what the page needs (no catalog read)."""
    return {
        "text": reply.text,
        "emotion": reply.emotion,
        "score": reply.score,
        "songs": [card_json(c) for c in reply.songs],
        "choices": list(reply.choices),
        "crisis": reply.crisis,
        "language": reply.language,
        "policy": reply.policy,
        "picked": card_json(reply.picked) if reply.picked else None,
        "likeness": reply.likeness,
    }


# --- the API ---------------------------------------------------------------------------------


async def message(request: web.Request) -> web.Response:
    body = await read_body(request, MessageBody)
    mood = _mood(request)
    reply = await mood.message(actor(request).key, body.text, toll=toll(request))
    return json_response(reply_json(reply))


async def pick(request: web.Request) -> web.Response:
    body = await read_body(request, PickBody)
    mood = _mood(request)
    reply = await mood.pick(actor(request).key, body.choice)
    return json_response(reply_json(reply))


async def set_policy(request: web.Request) -> web.Response:
    body = await read_body(request, PolicyBody)
    mood = _mood(request)
    reply = await mood.set_policy(actor(request).key, body.policy)
    return json_response(reply_json(reply))


async def forget(request: web.Request) -> web.Response:
    removed = await _mood(request).forget(actor(request).key)
    return json_response({"forgotten": removed})


async def history(request: web.Request) -> web.Response:
    """The user's kept exchanges, oldest first, with the songs each one offered."""
    mood = _mood(request)
    user = actor(request).key
    turns = await mood.history(user)
    ids = list(dict.fromkeys(i for t in turns for i in t.song_ids))
    songs = {s.id: s for s in await mood.catalog.songs(ids)}
    out = []
    for turn in turns:
        cards = [
            card_json(
                SongCard(s.id, s.title, s.artist, s.url, "", s.moods[0] if s.moods else "", s.audio)
            )
            for s in (songs.get(i) for i in turn.song_ids)
            if s is not None
        ]
        out.append(
            {
                "user": turn.user_text,
                "reply": turn.reply,
                "kind": turn.kind,
                "emotion": turn.emotion,
                "score": turn.score,
                "songs": cards,
                "at": turn.at,
            }
        )
    return json_response({"policy": await mood.policy(user), "turns": out})


# --- the demo audio --------------------------------------------------------------------------


async def audio(request: web.Request) -> web.StreamResponse:
    """A catalog song's packaged audio (Range requests answered); 404 for anything else."""
    song_id = request.match_info["song_id"]
    song = await _mood(request).catalog.song(song_id) if SONG_ID_RE.fullmatch(song_id) else None
    path = audio_file(song) if song is not None else None
    if path is None:
        raise web.HTTPNotFound(text=texts.text("web-no-audio", request_language(request)))
    return web.FileResponse(
        path,
        headers={
            "Content-Type": AUDIO_TYPES[path.suffix.lower()],
            "Cache-Control": f"public, max-age={AUDIO_MAX_AGE_S}",
        },
    )


# --- routes ----------------------------------------------------------------------------------


def setup(app: web.Application) -> None:
    r = app.router
    r.add_post("/api/mood/message", message)
    r.add_post("/api/mood/pick", pick)
    r.add_post("/api/mood/policy", set_policy)
    r.add_post("/api/mood/forget", forget)
    r.add_get("/api/mood/history", history)
    r.add_get("/audio/{song_id}", audio)
