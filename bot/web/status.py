"""Is norae up: ``/healthz`` for machines (503 while Redis is down) and ``/status`` for people."""

from __future__ import annotations

import html

from aiohttp import web

from bot.health import health
from bot.web.requests import services

STATUS_PAGE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>norae 노래 · status</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/style.css"></head>
<body class="doc"><h1>norae 노래</h1>
<p>A bot that writes with people: relay stories, lyrics, and a mood companion.
<a href="/">Open the web chat</a>.</p>
<h2>Status</h2><ul>{status}</ul>
<p>Machine-readable: <a href="/healthz"><code>/healthz</code></a></p>
</body></html>"""


async def healthz(request: web.Request) -> web.Response:
    report = await health(services(request).redis)
    return web.json_response(report, status=200 if report["ok"] else 503)


async def status_page(request: web.Request) -> web.Response:
    report = await health(services(request).redis)
    items = [f"<li>Redis: {'up' if report['redis'] else 'down'}</li>"]
    workers = report["workers"]
    assert isinstance(workers, list)
    if not workers:
        items.append("<li>Workers: none yet (the model worker may still be loading)</li>")
    for w in workers:
        kinds = ", ".join(w.get("kinds") or [])
        items.append(f"<li>Worker {html.escape(str(w['id']))}: {html.escape(kinds)}</li>")
    return web.Response(text=STATUS_PAGE.format(status="".join(items)), content_type="text/html")


def setup(app: web.Application) -> None:
    app.router.add_get("/status", status_page)
    app.router.add_get("/healthz", healthz)
