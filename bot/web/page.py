"""The web chat page: one static single-page app (``bot/web/static/``) at ``/`` and
``/r/<room>``, its icon, the limits its forms follow and its reader's language (``/api/config``),
and its texts (``/api/texts``).

Every text on the page comes from the catalogs' ``page-*`` codes (``bot/locales/<lang>/web.ftl``).
``GET /api/texts?lang=ko|en`` answers ``{"lang": "ko", "texts": {"page-room": "방", …}}``: each
code's raw pattern, formatted by nothing here; the page fills its ``{ $name }`` variables itself.
Without ``lang`` (or with one that is neither) the texts are in the reader's language
(:func:`bot.web.requests.request_language`: the page's switch, then the browser's).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from aiohttp import web
from fluent.syntax import ast, parse

from bot import texts
from bot.web.errors import json_response
from bot.web.requests import request_language, services

STATIC_DIR = Path(__file__).resolve().parent / "static"
PAGE_CODES = "page-"  # the codes the page reads (and only those are sent to it)


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
            "language": request_language(request),
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


async def page_texts(request: web.Request) -> web.Response:
    """The page's texts in the language asked for (``?lang=``), else in the reader's."""
    asked = request.query.get("lang", "")
    lang = texts.language(asked) if asked in texts.LANGUAGES else request_language(request)
    response = json_response({"lang": lang, "texts": patterns(lang)})
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


@cache
def patterns(lang: texts.Lang) -> dict[str, str]:
    """Every ``page-*`` code of ``lang``'s catalog with its raw pattern (``{ $name }`` unfilled)."""
    found: dict[str, str] = {}
    for path in sorted((texts.LOCALES_DIR / lang).glob("*.ftl")):
        for entry in parse(path.read_text(encoding="utf-8")).body:
            if isinstance(entry, ast.Message) and entry.id.name.startswith(PAGE_CODES):
                found[entry.id.name] = raw_pattern(entry.id.name, entry.value)
    return found


def raw_pattern(code: str, pattern: ast.Pattern | None) -> str:
    """A pattern as the page reads it: its text, with each variable as ``{ $name }``.

    A page text holds nothing else (no selector, no other message): the page formats nothing
    more than its variables (a test checks every ``page-*`` code)."""
    parts: list[str] = []
    for element in pattern.elements if pattern is not None else ():
        if isinstance(element, ast.TextElement):
            parts.append(element.value)
        elif isinstance(element.expression, ast.VariableReference):
            parts.append(f"{{ ${element.expression.id.name} }}")
        elif isinstance(element.expression, ast.StringLiteral):
            parts.append(str(element.expression.parse()["value"]))  # an escaped brace
        else:
            raise ValueError(f"{code}: a page text holds only text and {{ $variables }}")
    return "".join(parts)


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/", index)
    r.add_get(r"/r/{room}", index)
    r.add_get("/favicon.ico", favicon)
    r.add_get("/api/config", page_config)
    r.add_get("/api/texts", page_texts)
    r.add_static("/static/", STATIC_DIR, name="static")
