"""The web front door (aiohttp): for now a status page and ``/healthz``; features add routes."""

from __future__ import annotations

import html
import logging

from aiohttp import web

from bot.inference import InferenceClient
from storage.connection import Redis, ping
from storage.job_streams import JobStreams

log = logging.getLogger(__name__)

REDIS_KEY: web.AppKey[Redis] = web.AppKey("redis", Redis)
INFERENCE_KEY: web.AppKey[InferenceClient] = web.AppKey("inference", InferenceClient)

PAGE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>norae 노래</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}}
code{{background:#f3f3f3;padding:.1rem .3rem}}</style></head>
<body><h1>norae 노래</h1>
<p>A bot that writes with people: relay stories, lyrics, and a mood companion.</p>
<h2>Status</h2><ul>{status}</ul>
<p>Machine-readable: <a href="/healthz"><code>/healthz</code></a></p>
</body></html>"""


async def health(redis: Redis) -> dict[str, object]:
    ok = await ping(redis)
    workers = await JobStreams(redis).live_workers() if ok else []
    return {
        "ok": ok,
        "redis": ok,
        "workers": [{"id": w.get("id"), "kinds": w.get("kinds")} for w in workers],
    }


async def healthz(request: web.Request) -> web.Response:
    report = await health(request.app[REDIS_KEY])
    return web.json_response(report, status=200 if report["ok"] else 503)


async def index(request: web.Request) -> web.Response:
    report = await health(request.app[REDIS_KEY])
    items = [f"<li>Redis: {'up' if report['redis'] else 'down'}</li>"]
    workers = report["workers"]
    assert isinstance(workers, list)
    if not workers:
        items.append("<li>Workers: none yet (the model worker may still be loading)</li>")
    for w in workers:
        kinds = ", ".join(w.get("kinds") or [])
        items.append(f"<li>Worker {html.escape(str(w['id']))}: {html.escape(kinds)}</li>")
    return web.Response(text=PAGE.format(status="".join(items)), content_type="text/html")


def create_app(redis: Redis, inference: InferenceClient) -> web.Application:
    app = web.Application(client_max_size=256 * 1024)
    app[REDIS_KEY] = redis
    app[INFERENCE_KEY] = inference
    app.router.add_get("/", index)
    app.router.add_get("/healthz", healthz)
    return app
