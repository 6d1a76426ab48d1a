"""Lyrics in the web chat: artist autocomplete, songs written in an imported artist's style, and
importing an artist's songs pasted on the page.

``GET /api/lyrics/artists?q=`` answers ``{"artists": [...]}`` (prefix matches first, then the
closest names); ``POST /api/lyrics/write`` answers the :class:`~bot.lyrics.service.WrittenSong` as JSON.
"Another take" is the same request again: every call writes a new song. With nothing imported
yet, a write is refused with ``"code": "web-lyrics-no-artists"`` and a text that points to the
page's import panel.

``POST /api/lyrics/import`` (``{"artist", "text"}``) stores the songs the user pasted, through the
same path as ``norae lyrics import`` (the text-file parser, then
:meth:`~bot.lyrics.service.LyricsService.import_parsed`): songs are separated by a line of ``===`` or by
two blank lines. It stores only what was pasted. Refusals are 4xx with Korean and English texts
(``messages``, from the catalogs' ``web-lyrics-*``) and change nothing; the answer counts what was
imported and what was skipped, why (an import of nothing new is a 409 that counts them too).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from bot import texts
from bot.lyrics.importing import parse_text
from bot.lyrics.service import LyricsService, NoArtistsError, WrittenSong
from bot.relay.text import clean_name, has_visible, strip_controls
from bot.web.errors import WebError, json_response
from bot.web.requests import read_body, request_language, services
from storage.lyrics import MAX_ARTIST_CHARS

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 100
PASTED = "pasted"  # the source of pasted songs: "pasted" (one song) or "pasted song 3"
# The page's own text when nothing is imported yet: it points to the page's import panel.
NO_ARTISTS = "web-lyrics-no-artists"


class WriteBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # The service checks the real limits with friendlier messages; these only bound the input.
    artist: str = Field(max_length=200)
    theme: str | None = Field(default=None, max_length=1000)
    lines: int | None = Field(default=None, ge=-1000, le=1000, strict=True)
    language: str | None = Field(default=None, max_length=10)


class ImportBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The handler checks the real limits (settings) and answers in both languages.
    artist: str = Field(max_length=1000)
    text: str


def _lyrics(request: web.Request) -> LyricsService:
    return services(request).lyrics


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
    return json_response({"artists": await _lyrics(request).autocomplete(query)})


async def write(request: web.Request) -> web.Response:
    body = await read_body(request, WriteBody)
    try:
        song = await _lyrics(request).write(
            body.artist,
            theme=body.theme or None,
            lines=body.lines,
            language=body.language or None,
        )
    except NoArtistsError:
        raise WebError(NO_ARTISTS) from None  # the page's text, which points to its panel
    return json_response(song_json(song))


def _song_number(source: str) -> int:
    """1 for ``"pasted"``, 3 for ``"pasted song 3"``."""
    tail = source.removeprefix(PASTED).removeprefix(" song ")
    return int(tail) if tail.isdigit() else 1


def _checked_artist(raw: str) -> str:
    artist = clean_name(raw)  # no zero-width or bidi characters in a name people will type
    if not artist:
        raise WebError("web-lyrics-artist-empty")
    if len(artist) > MAX_ARTIST_CHARS:
        raise WebError("web-lyrics-artist-too-long", limit=MAX_ARTIST_CHARS)
    return artist


def _checked_text(raw: str, max_bytes: int) -> str:
    size = len(raw.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        kb = max(1, round(size / 1000))
        raise WebError("web-lyrics-text-too-long", status=413, limit=max_bytes // 1000, size=kb)
    text = strip_controls(raw, keep_newlines=True)
    if not has_visible(text):
        raise WebError("web-lyrics-text-empty")
    return text


async def import_songs(request: web.Request) -> web.Response:
    """Store the songs pasted on the page under the artist named (see the module's docstring)."""
    settings = services(request).settings.lyrics
    service = _lyrics(request)
    # JSON escapes (a line break is two bytes) may double the text's size in the body.
    body = await read_body(request, ImportBody, limit=2 * settings.import_max_bytes + 4096)
    artist = _checked_artist(body.artist)
    text = _checked_text(body.text, settings.import_max_bytes)
    parsed = await asyncio.to_thread(parse_text, text, source=PASTED, name=artist, blank_lines=True)
    count = len(parsed.songs) + len(parsed.skipped)
    if count > settings.import_max_songs:
        raise WebError(
            "web-lyrics-too-many-songs", status=413, limit=settings.import_max_songs, count=count
        )
    if not parsed.songs:
        raise WebError("web-lyrics-no-songs")
    report = await service.import_parsed(parsed, artist)
    shown = await service.artist_name(artist) or artist  # the first spelling imported
    skipped = [
        {
            "song": _song_number(s.source),
            "reason": texts.each(s.reason),
            "duplicate": s.duplicate,
        }
        for s in report.skipped
    ]
    result: dict[str, Any] = {
        "artist": shown,
        "imported": len(report.imported),
        "skipped": len(skipped),
        "songs": [{"song": _song_number(src), "title": t} for _, t, src in report.imported],
        "skipped_songs": skipped,
    }
    if not report.imported:  # every song found was already there
        duplicates = sum(1 for s in skipped if s["duplicate"])
        raise WebError(
            "web-lyrics-all-duplicates", status=409, fields=result, count=duplicates, artist=shown
        )
    code = "web-lyrics-imported-some-skipped" if skipped else "web-lyrics-imported"
    fields = {"count": len(report.imported), "artist": shown, "skipped": len(skipped)}
    result["messages"] = texts.every(code, **fields)
    result["message"] = result["messages"][request_language(request)]
    log.info("web import: %d songs for one artist, %d skipped", len(report.imported), len(skipped))
    return json_response(result)


def setup(app: web.Application) -> None:
    app.router.add_get("/api/lyrics/artists", artists)
    app.router.add_post("/api/lyrics/write", write)
    app.router.add_post("/api/lyrics/import", import_songs)
