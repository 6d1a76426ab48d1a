"""The web app's frame: status, the page, cookies, JSON errors, background tasks, shutdown."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.health import health
from bot.inference import InferenceClient
from bot.relay.service import RelayService
from bot.web.app import create_app
from bot.web.requests import USER_COOKIE
from contract.settings import Settings
from storage.connection import Redis
from tests.bot.test_relay import Scripted

Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def client(redis: Redis) -> AsyncIterator[Client]:
    app = create_app(redis, InferenceClient(redis), settings=Settings())
    async with TestClient(TestServer(app)) as c:
        yield c


async def test_healthz_and_health(client: Client, redis: Redis) -> None:
    resp = await client.get("/healthz")
    assert resp.status == 200
    assert await resp.json() == {"ok": True, "redis": True, "workers": []}
    assert (await health(redis))["ok"] is True


async def test_the_chat_page_status_page_and_static_files(
    client: Client,
) -> None:
    for path in ("/", "/r/lobby"):
        resp = await client.get(path)
        assert resp.status == 200 and resp.content_type == "text/html"
        body = await resp.text()
        assert "norae" in body and "/static/app.js" in body
        assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    status = await client.get("/status")  # no language asked for: Korean
    assert status.status == 200 and "Redis: 켜져 있어요" in await status.text()
    english = await client.get("/status", headers={"Accept-Language": "en"})
    assert english.status == 200 and "Redis: up" in await english.text()
    for name in ("app.js", "style.css"):
        assert (await client.get(f"/static/{name}")).status == 200


async def test_the_favicon_is_served_and_linked(client: Client) -> None:
    icon = await client.get("/favicon.ico")
    assert icon.status == 200 and icon.content_type == "image/svg+xml"
    assert (await icon.text()).startswith("<svg")
    assert (await client.get("/static/favicon.svg")).status == 200
    for path in ("/", "/status"):
        assert 'rel="icon" href="/static/favicon.svg"' in await (await client.get(path)).text()


async def test_the_page_reads_its_form_limits_from_the_server(redis: Redis) -> None:
    settings = Settings.model_validate(
        {"lyrics": {"lines_min": 6, "lines_max": 20}, "relay": {"max_rerolls": 4}}
    )
    app = create_app(redis, InferenceClient(redis), settings=settings)
    async with TestClient(TestServer(app)) as c:
        config = await (await c.get("/api/config")).json()
    assert config["lyrics"] == {
        "lines_min": 6,
        "lines_max": 20,
        "lines_default": 12,
        "theme_max_chars": 100,
        "import_max_bytes": 200_000,
        "import_max_songs": 100,
    }
    assert config["relay"]["max_rerolls"] == 4 and config["relay"]["max_line_chars"] == 500


async def test_a_browser_gets_one_id_cookie(client: Client) -> None:
    first = await client.get("/")
    cookie = first.cookies[USER_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and len(cookie.value) >= 16
    again = await client.get("/api/rooms/lobby")
    assert USER_COOKIE not in again.cookies  # kept, not replaced
    state = await again.json()
    # The public id is derived from the cookie, never the cookie itself.
    assert state["user_id"].startswith("web-") and cookie.value not in state["user_id"]


async def test_api_errors_are_json_without_traces(client: Client) -> None:
    missing = await client.get("/api/nothing-here")
    assert missing.status == 404 and "error" in await missing.json()
    bad_room = await client.get("/api/rooms/no%20spaces", headers={"Accept-Language": "en"})
    assert bad_room.status == 400 and "room name" in (await bad_room.json())["error"]


async def test_background_tasks_run_and_stop_with_the_app(redis: Redis) -> None:
    relay = RelayService(redis, Scripted(["가."]), Settings().relay)
    app = create_app(redis, InferenceClient(redis), settings=Settings(), relay=relay, tick_s=0.05)
    async with TestClient(TestServer(app)):
        names = {t.get_name() for t in asyncio.all_tasks()}
        assert {"relay-ticker", "web-events"} <= names
    await asyncio.sleep(0)
    names = {t.get_name() for t in asyncio.all_tasks() if not t.done()}
    assert not names & {"relay-ticker", "web-events"}


async def test_shutdown_ends_open_event_streams(redis: Redis) -> None:
    app = create_app(redis, InferenceClient(redis), settings=Settings())
    client = TestClient(TestServer(app))
    await client.start_server()
    resp = await client.get("/api/rooms/lobby/events")
    assert resp.status == 200 and resp.content_type == "text/event-stream"
    assert (await resp.content.readline()).startswith(b"retry:")
    await asyncio.wait_for(client.close(), timeout=5)  # would hang on an endless stream


def test_access_lines_have_their_own_plain_handler_and_follow_the_level() -> None:
    import logging

    from bot.web.app import AccessLog, access_logger

    logger = access_logger()
    assert access_logger() is logger and len(logger.handlers) == 1  # installed once
    assert logger.propagate is False  # never laid out by the console's handler
    root = logging.getLogger()
    before = root.level
    try:
        root.setLevel(logging.WARNING)
        assert not AccessLog(logger, "").enabled
        root.setLevel(logging.INFO)
        assert AccessLog(logger, "").enabled
    finally:
        root.setLevel(before)
