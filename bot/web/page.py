"""The web chat page: one static single-page app (``bot/web/static/``) at ``/`` and
``/r/<room>``, its icon, and the limits its forms follow (``/api/config``)."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.web.requests import services

STATIC_DIR = Path(__file__).resolve().parent / "static"


async def index(request: web.Request) -> web.FileResponse:
    """The single-page chat; ``/r/<room>`` serves the same page (the script reads the room)."""
    response = web.FileResponse(STATIC_DIR / "index.html")
    response.headers["Cache-Control"] = "no-cache"
    return response


async def favicon(request: web.Request) -> web.FileResponse:
    """The icon browsers ask for at ``/favicon.ico`` on every page: an SVG (the pages link it)."""
    response = web.FileResponse(STATIC_DIR / "favicon.svg")
    response.content_type = "image/svg+xml"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


async def page_config(request: web.Request) -> web.Response:
    """The limits the page's forms follow, from the server's own settings."""
    found = services(request)
    relay, lyrics = found.settings.relay, found.settings.lyrics
    return web.json_response(
        {
            "relay": {
                "max_rerolls": found.relay.settings.max_rerolls,
                "max_line_chars": relay.max_line_chars,
                "keyword_max_chars": relay.keyword_max_chars,
                "round_seconds": relay.round_seconds,
            },
            "lyrics": {
                "lines_min": lyrics.lines_min,
                "lines_max": lyrics.lines_max,
                "lines_default": lyrics.lines_default,
                "theme_max_chars": lyrics.theme_max_chars,
                "import_max_bytes": lyrics.import_max_bytes,
                "import_max_songs": lyrics.import_max_songs,
            },
        }
    )


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/", index)
    r.add_get(r"/r/{room}", index)
    r.add_get("/favicon.ico", favicon)
    r.add_get("/api/config", page_config)
    r.add_static("/static/", STATIC_DIR, name="static")
