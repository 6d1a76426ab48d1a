"""Lyrics in the web chat: artist autocomplete, songs written in an imported artist's style, and
importing an artist's songs pasted on the page.

``GET /api/lyrics/artists?q=`` answers ``{"artists": [...]}`` (prefix matches first, then the
closest names); ``POST /api/lyrics/write`` answers the :class:`~bot.lyrics.service.WrittenSong` as JSON.
"Another take" is the same request again: every call writes a new song. With nothing imported
yet, a write is refused with ``"code": "no_artists"`` and a text that points to the page's import
panel.

``POST /api/lyrics/import`` (``{"artist", "text"}``) stores the songs the user pasted, through the
same path as ``norae lyrics import`` (the text-file parser, then
:meth:`~bot.lyrics.service.LyricsService.import_parsed`): songs are separated by a line of ``===`` or by
two blank lines. It stores only what was pasted. Refusals are 4xx with Korean and English texts
(``messages``) and change nothing; the answer counts what was imported and what was skipped, why.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from bot import notices
from bot.cli.text import lyrics_reason_texts
from bot.lyrics.importing import parse_text
from bot.lyrics.service import LyricsService, NoArtistsError, WrittenSong
from bot.relay.text import clean_name, has_visible, strip_controls
from bot.web.app import (
    SERVICES_KEY,
    SETTINGS_KEY,
    error_response,
    request_language,
)
from bot.web.relay import read_body
from storage.lyrics import MAX_ARTIST_CHARS

log = logging.getLogger(__name__)

LYRICS_KEY: web.AppKey[LyricsService] = web.AppKey("lyrics", LyricsService)
MAX_QUERY_CHARS = 100
PASTED = "pasted"  # the source of pasted songs: "pasted" (one song) or "pasted song 3"

# What the page says (Korean first on a page that shows both).
NO_ARTISTS_WEB = {
    "ko": "아직 가사를 배운 가수가 없어요. ‘가수 가져오기’에 가수 이름과 노래 가사를 붙여 넣으면 "
    "바로 쓸 수 있어요.",
    "en": "No artist has been imported yet. Paste an artist's name and some of their songs in "
    "“Import an artist”, then write.",
}
ARTIST_EMPTY = {"ko": "가수 이름을 적어 주세요.", "en": "Write the artist's name."}
ARTIST_TOO_LONG = {
    "ko": "가수 이름은 {limit}자까지예요.",
    "en": "An artist's name is at most {limit} characters.",
}
TEXT_EMPTY = {
    "ko": "붙여 넣은 가사가 없어요. 노래 가사를 붙여 넣어 주세요.",
    "en": "Nothing was pasted: paste the lyrics of one or more songs.",
}
TEXT_TOO_LONG = {
    "ko": "한 번에 {limit} KB까지 가져올 수 있어요 (지금 {size} KB). 나눠서 가져와 주세요.",
    "en": "One import takes at most {limit} KB (this is {size} KB). Import it in parts.",
}
TOO_MANY_SONGS = {
    "ko": "한 번에 {limit}곡까지 가져올 수 있어요 (지금 {count}곡). 나눠서 가져와 주세요.",
    "en": "One import takes at most {limit} songs (this has {count}). Import them in parts.",
}
NO_SONGS = {
    "ko": "붙여 넣은 글에서 노래를 찾지 못했어요. 가사 줄을 넣고, 노래 사이에는 === 줄이나 빈 줄 "
    "두 개를 두세요.",
    "en": "No song was found in the text. Paste lyric lines, with a line of === or two blank "
    "lines between songs.",
}
ALL_DUPLICATES = {
    "ko": "모두 이미 가져온 노래예요 ({count}곡). {artist}의 가사를 바로 쓸 수 있어요.",
    "en": "Every song is already imported ({count}). You can write as {artist} right away.",
}
IMPORTED = {
    "ko": "{artist}의 노래 {count}곡을 가져왔어요. 이제 {artist}의 느낌으로 가사를 쓸 수 있어요.",
    "en": "Imported {count} songs of {artist}. You can write in their style now.",
}
IMPORTED_SOME_SKIPPED = {
    "ko": "{artist}의 노래 {count}곡을 가져왔고 {skipped}곡은 건너뛰었어요 (아래 이유). 이제 "
    "{artist}의 느낌으로 가사를 쓸 수 있어요.",
    "en": "Imported {count} songs of {artist} and skipped {skipped} (reasons below). You can "
    "write in their style now.",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


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


class ImportRefused(Exception):
    """A bad import: ``texts`` says why in Korean and English."""

    def __init__(self, status: int, texts: dict[str, str], **fields: object) -> None:
        super().__init__(notices.both(texts, **fields))
        self.status = status
        self.texts = {lang: notices.text(texts, lang, **fields) for lang in ("ko", "en")}


def _refusal(
    request: web.Request, status: int, texts: dict[str, str], **extra: Any
) -> web.Response:
    """An error the page shows in both languages (``messages``); ``error`` in the browser's."""
    return error_response(texts[request_language(request)], status, messages=dict(texts), **extra)


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
    try:
        song = await request.app[LYRICS_KEY].write(
            body.artist,
            theme=body.theme or None,
            lines=body.lines,
            language=body.language or None,
        )
    except NoArtistsError:
        return _refusal(request, 400, NO_ARTISTS_WEB, code="no_artists")
    return _json(song_json(song))


def _song_number(source: str) -> int:
    """1 for ``"pasted"``, 3 for ``"pasted song 3"``."""
    tail = source.removeprefix(PASTED).removeprefix(" song ")
    return int(tail) if tail.isdigit() else 1


def _checked_artist(raw: str) -> str:
    artist = clean_name(raw)  # no zero-width or bidi characters in a name people will type
    if not artist:
        raise ImportRefused(400, ARTIST_EMPTY)
    if len(artist) > MAX_ARTIST_CHARS:
        raise ImportRefused(400, ARTIST_TOO_LONG, limit=MAX_ARTIST_CHARS)
    return artist


def _checked_text(raw: str, max_bytes: int) -> str:
    size = len(raw.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        kb = max(1, round(size / 1000))
        raise ImportRefused(413, TEXT_TOO_LONG, limit=max_bytes // 1000, size=kb)
    text = strip_controls(raw, keep_newlines=True)
    if not has_visible(text):
        raise ImportRefused(400, TEXT_EMPTY)
    return text


async def import_songs(request: web.Request) -> web.Response:
    """Store the songs pasted on the page under the artist named (see the module's docstring)."""
    settings = request.app[SETTINGS_KEY].lyrics
    service = request.app[LYRICS_KEY]
    # JSON escapes (a line break is two bytes) may double the text's size in the body.
    body = await read_body(request, ImportBody, limit=2 * settings.import_max_bytes + 4096)
    try:
        artist = _checked_artist(body.artist)
        text = _checked_text(body.text, settings.import_max_bytes)
        parsed = await asyncio.to_thread(
            parse_text, text, source=PASTED, name=artist, blank_lines=True
        )
        count = len(parsed.songs) + len(parsed.skipped)
        if count > settings.import_max_songs:
            raise ImportRefused(413, TOO_MANY_SONGS, limit=settings.import_max_songs, count=count)
        if not parsed.songs:
            raise ImportRefused(400, NO_SONGS)
    except ImportRefused as refused:
        return _refusal(request, refused.status, refused.texts)
    report = await service.import_parsed(parsed, artist)
    shown = await service.store.artist_name(artist) or artist  # the first spelling imported
    skipped = [
        {
            "song": _song_number(s.source),
            "reason": dict(zip(("ko", "en"), lyrics_reason_texts(s.reason), strict=True)),
            "duplicate": s.reason.startswith("duplicate of "),
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
        texts = {
            lang: notices.text(ALL_DUPLICATES, lang, count=duplicates, artist=shown)
            for lang in ("ko", "en")
        }
        return _refusal(request, 409, texts, **result)
    fields = {"count": len(report.imported), "artist": shown, "skipped": len(skipped)}
    texts = IMPORTED_SOME_SKIPPED if skipped else IMPORTED
    result["messages"] = {lang: notices.text(texts, lang, **fields) for lang in ("ko", "en")}
    result["message"] = result["messages"][request_language(request)]
    log.info("web import: %d songs for one artist, %d skipped", len(report.imported), len(skipped))
    return _json(result)


def setup_lyrics(app: web.Application) -> None:
    """The service from the app's Redis, inference client and settings (tests may replace
    ``app[LYRICS_KEY]`` before the app starts), and its routes."""
    app[LYRICS_KEY] = app[SERVICES_KEY].lyrics
    app.router.add_get("/api/lyrics/artists", artists)
    app.router.add_post("/api/lyrics/write", write)
    app.router.add_post("/api/lyrics/import", import_songs)
