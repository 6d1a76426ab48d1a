"""Is norae up: ``/healthz`` for machines (503 while Redis is down) and ``/status`` for people,
in the reader's language (:func:`bot.web.requests.request_language`)."""

from __future__ import annotations

import html

from aiohttp import web

from bot import texts
from bot.health import health
from bot.web.requests import request_language, services

BRAND = "norae 노래"
# The page is in the reader's language: a cache in front keeps one copy per language.
LANGUAGE_VARIES = {"Vary": "Accept-Language, Cookie"}

STATUS_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{brand} · {title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/style.css"></head>
<body class="doc"><h1>{brand}</h1>
<p>{about} <a href="/">{open_chat}</a></p>
<h2>{title}</h2><ul>{status}</ul>
<p>{machine} <a href="/healthz"><code>/healthz</code></a></p>
</body></html>"""


async def healthz(request: web.Request) -> web.Response:
    report = await health(services(request).redis)
    return web.json_response(report, status=200 if report["ok"] else 503)


async def status_page(request: web.Request) -> web.Response:
    lang = request_language(request)

    def say(code: str, **params: object) -> str:
        return html.escape(texts.text(code, lang, **params))

    report = await health(services(request).redis)
    items = [say("web-status-redis-up" if report["redis"] else "web-status-redis-down")]
    workers = report["workers"]
    assert isinstance(workers, list)
    if not workers:
        items.append(say("web-status-no-workers"))
    for w in workers:
        kinds = ", ".join(w.get("kinds") or [])
        items.append(say("web-status-worker", id=str(w["id"]), kinds=kinds))
    page = STATUS_PAGE.format(
        lang=lang,
        brand=BRAND,
        title=say("web-status-title"),
        about=say("web-status-about"),
        open_chat=say("web-status-open-chat"),
        machine=say("web-status-machine"),
        status="".join(f"<li>{item}</li>" for item in items),
    )
    return web.Response(text=page, content_type="text/html", headers=LANGUAGE_VARIES)


def setup(app: web.Application) -> None:
    app.router.add_get("/status", status_page)
    app.router.add_get("/healthz", healthz)
