"""Lyrics in the web chat: artist autocomplete and songs written in an imported artist's style.

``GET /api/lyrics/artists?q=`` answers ``{"artists": [...]}`` (prefix matches first, then the
closest names); ``POST /api/lyrics/write`` answers the :class:`~bot.lyrics.WrittenSong` as JSON.
"Another take" is the same request again: every call writes a new song.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from bot.lyrics import LyricsService, WrittenSong
from bot.web import INFERENCE_KEY, REDIS_KEY, SETTINGS_KEY
from bot.web_chat import read_body

log = logging.getLogger(__name__)

LYRICS_KEY: web.AppKey[LyricsService] = web.AppKey("lyrics", LyricsService)
MAX_QUERY_CHARS = 100

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class WriteBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # The service checks the real limits with friendlier messages; these only bound the input.
    artist: str = Field(max_length=200)
    theme: str | None = Field(default=None, max_length=1000)
    lines: int | None = Field(default=None, ge=-1000, le=1000, strict=True)
    language: str | None = Field(default=None, max_length=10)


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda d: json.dumps(d, ensure_ascii=False))


def song_json(song: WrittenSong) -> dict[str, Any]:
    return {
        "title": song.title,
        "artist": song.artist,
        "language": song.language,
        "sections": [{"name": s.name, "lines": list(s.lines)} for s in song.sections],
        "text": song.text,
        "attempts": song.attempts,
        "rejected": song.rejected,
        "cut": song.cut,
    }


async def artists(request: web.Request) -> web.Response:
    query = request.query.get("q", "")[:MAX_QUERY_CHARS]
    return _json({"artists": await request.app[LYRICS_KEY].autocomplete(query)})


async def write(request: web.Request) -> web.Response:
    body = await read_body(request, WriteBody)
    song = await request.app[LYRICS_KEY].write(
        body.artist,
        theme=body.theme or None,
        lines=body.lines,
        language=body.language or None,
    )
    return _json(song_json(song))


def setup_lyrics(app: web.Application) -> None:
    """The service from the app's Redis, inference client and settings (tests may replace
    ``app[LYRICS_KEY]`` before the app starts), and its routes."""
    app[LYRICS_KEY] = LyricsService(app[REDIS_KEY], app[INFERENCE_KEY], app[SETTINGS_KEY].lyrics)
    app.router.add_get("/api/lyrics/artists", artists)
    app.router.add_post("/api/lyrics/write", write)
