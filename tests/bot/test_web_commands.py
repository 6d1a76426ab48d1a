"""Simple commands in the web chat (``GET /api/commands``, ``POST /api/commands/<name>``) and the
one error path every web route shares, through a command this module declares: norae ships none
yet, so the tests put theirs in place of ``bot.commands.simple_commands`` and its texts in the
catalogs.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fluent.runtime import FluentResource

import bot.commands
from bot import texts
from bot.commands import Request, SimpleCommand
from bot.errors import UserError
from bot.inference import InferenceClient
from bot.web.app import create_app
from bot.web.keys import SERVICES_KEY
from contract.ids import Channel
from contract.settings import LimitSettings, Rate, Settings
from storage.connection import Redis

Client = TestClient[web.Request, web.Application]

# The declared commands' texts, as a command module's catalog entries would be.
CATALOG = {
    "ko": """
command-echo-description = 보낸 글을 거꾸로 돌려줘요.
command-echo-keywords = 거꾸로 echo
command-echo-text = 뒤집을 글
command-echo-refused = 그 글은 뒤집을 수 없어요.
command-today-description = 오늘의 한 줄을 보여 줘요.
command-today-keywords = 오늘 today
command-today-text = 주제 (없어도 돼요)
""",
    "en": """
command-echo-description = Says your text backwards.
command-echo-keywords = backwards echo
command-echo-text = Text to turn around
command-echo-refused = That text cannot be turned around.
command-today-description = Shows a line for today.
command-today-keywords = today
command-today-text = Topic (optional)
""",
}

SECRET = "internal detail 0xdeadbeef"


class Runs:
    """What the declared commands were asked, in order."""

    def __init__(self) -> None:
        self.requests: list[Request] = []

    async def echo(self, request: Request) -> str:
        self.requests.append(request)
        if request.text == "refuse":
            raise UserError("command-echo-refused")
        if request.text == "boom":
            raise RuntimeError(SECRET)
        return request.text[::-1]

    async def today(self, request: Request) -> str:
        self.requests.append(request)
        return f"오늘의 한 줄: {request.text or '바람'}"


def declared(runs: Runs) -> tuple[SimpleCommand, ...]:
    return (
        SimpleCommand("echo", runs.echo, max_text_chars=20, action="lyrics"),
        SimpleCommand("today", runs.today, text_required=False, action="mood", slow=False),
    )


@pytest.fixture
def catalog() -> Iterator[None]:
    for lang, source in CATALOG.items():
        texts.bundle(lang).add_resource(FluentResource(source))
    yield
    texts.bundle.cache_clear()  # the next reader loads the shipped catalogs again
    texts.codes.cache_clear()


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch, catalog: None) -> Runs:
    found = Runs()
    commands = declared(found)
    monkeypatch.setattr(bot.commands, "simple_commands", lambda: commands)
    return found


def _settings(limits: LimitSettings | None = None) -> Settings:
    return Settings(limits=limits or LimitSettings(enabled=False))


@pytest.fixture
async def client(redis: Redis, runs: Runs) -> AsyncIterator[Client]:
    app = create_app(redis, InferenceClient(redis), settings=_settings())
    async with TestClient(TestServer(app)) as c:
        await c.get("/")  # a browser loads the page (and gets its id cookie) first
        yield c


async def run(
    client: Client, name: str, body: Any, status: int = 200, lang: str | None = None
) -> dict[str, Any]:
    headers = {"Accept-Language": lang} if lang else {}
    resp = await client.post(f"/api/commands/{name}", json=body, headers=headers)
    data: dict[str, Any] = await resp.json()
    assert resp.status == status, data
    return data


def both(code: str, **params: object) -> dict[str, str]:
    return {lang: texts.text(code, lang, **params) for lang in texts.LANGUAGES}


# --- the list --------------------------------------------------------------------------------


async def test_without_commands_the_list_is_empty(
    redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.commands, "simple_commands", tuple)
    app = create_app(redis, InferenceClient(redis), settings=_settings())
    async with TestClient(TestServer(app)) as c:
        resp = await c.get("/api/commands")
        assert resp.status == 200 and await resp.json() == {"commands": []}
        unknown = await c.post("/api/commands/echo", json={"text": "hi"})
        assert unknown.status == 404


async def test_the_list_is_in_the_browsers_language(client: Client) -> None:
    korean = await (await client.get("/api/commands", headers={"Accept-Language": "ko-KR"})).json()
    assert korean["commands"] == [
        {
            "name": "echo",
            "description": "보낸 글을 거꾸로 돌려줘요.",
            "text_label": "뒤집을 글",
            "text_required": True,
            "max_text_chars": 20,
        },
        {
            "name": "today",
            "description": "오늘의 한 줄을 보여 줘요.",
            "text_label": "주제 (없어도 돼요)",
            "text_required": False,
            "max_text_chars": 200,
        },
    ]
    english = await (await client.get("/api/commands", headers={"Accept-Language": "en"})).json()
    assert [c["description"] for c in english["commands"]] == [
        "Says your text backwards.",
        "Shows a line for today.",
    ]
    assert english["commands"][0]["text_label"] == "Text to turn around"


# --- running one -----------------------------------------------------------------------------


async def test_a_command_runs_for_this_browser_in_its_room(client: Client, runs: Runs) -> None:
    me = (await (await client.get("/api/rooms/room1")).json())["user_id"]
    answer = await run(client, "echo", {"text": "  봄비가 온다 ", "room": "room1"}, lang="ko")
    assert answer == {"text": "다온 가비봄"}
    (request,) = runs.requests
    assert request.text == "봄비가 온다"  # stripped
    assert request.actor.key == me and request.actor.platform == "web"
    assert request.channel == Channel.web("room1") and request.channel.key == "web:room1"
    assert request.lang == "ko"
    assert request.services is client.app[SERVICES_KEY]

    await run(client, "echo", {"text": "hi"})  # no room named: the page's first room
    assert runs.requests[-1].channel.key == "web:lobby"
    assert runs.requests[-1].lang == "ko"  # no language asked for: Korean


async def test_a_command_whose_text_is_optional_runs_without_one(
    client: Client, runs: Runs
) -> None:
    assert await run(client, "today", {}) == {"text": "오늘의 한 줄: 바람"}
    assert await run(client, "today", {"text": " \u200b "}) == {"text": "오늘의 한 줄: 바람"}
    assert await run(client, "today", {"text": "바다"}) == {"text": "오늘의 한 줄: 바다"}
    assert [r.text for r in runs.requests] == ["", "", "바다"]


@pytest.mark.parametrize(
    ("name", "body", "status", "code", "params"),
    [
        ("nope", {"text": "hi"}, 404, "web-command-unknown", {}),
        ("ECHO", {"text": "hi"}, 404, "web-command-unknown", {}),
        ("echo", {}, 400, "web-command-text-missing", {}),
        ("echo", {"text": None}, 400, "web-command-text-missing", {}),
        ("echo", {"text": "   "}, 400, "web-command-text-missing", {}),
        ("echo", {"text": "\u200b\u202e"}, 400, "web-command-text-missing", {}),
        ("echo", {"text": "가" * 21}, 400, "web-command-text-too-long", {"max": 20}),
        ("echo", {"text": 5}, 400, "web-command-text-type", {}),
        ("echo", {"text": ["hi"]}, 400, "web-command-text-type", {}),
        ("echo", {"text": {"a": 1}}, 400, "web-command-text-type", {}),
        ("echo", {"text": True}, 400, "web-command-text-type", {}),
        ("echo", {"text": "hi", "room": "no spaces"}, 400, "web-bad-room", {}),
        ("echo", {"text": "hi", "admin": True}, 400, "web-bad-field", None),
    ],
    ids=[
        "unknown",
        "unknown-case",
        "text-missing",
        "text-null",
        "text-blank",
        "text-invisible",
        "text-too-long",
        "text-number",
        "text-list",
        "text-object",
        "text-bool",
        "room-bad",
        "extra-field",
    ],
)
async def test_refusals_say_why_in_both_languages(
    client: Client,
    runs: Runs,
    name: str,
    body: dict[str, Any],
    status: int,
    code: str,
    params: dict[str, object] | None,
) -> None:
    data = await run(client, name, body, status, lang="ko-KR")
    assert data["code"] == code and data["error"] == data["messages"]["ko"]
    if params is not None:
        assert data["messages"] == both(code, **params)
    else:
        assert "admin" in data["messages"]["en"]
    assert runs.requests == []  # a refused request never reaches the command


async def test_a_command_that_refuses_is_answered_with_its_text(client: Client) -> None:
    data = await run(client, "echo", {"text": "refuse"}, 400, lang="ko")
    assert data == {
        "error": "그 글은 뒤집을 수 없어요.",
        "messages": both("command-echo-refused"),
        "code": "command-echo-refused",
    }
    english = await run(client, "echo", {"text": "refuse"}, 400, lang="en")
    assert english["error"] == "That text cannot be turned around."


async def test_a_command_that_fails_is_a_500_with_the_generic_text(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.web.middleware"):
        resp = await client.post("/api/commands/echo", json={"text": "boom"})
    raw = await resp.text()
    assert resp.status == 500 and SECRET not in raw and "RuntimeError" not in raw
    data = await resp.json()
    assert data["error"] == texts.text("error-unknown", "ko")  # no language asked for
    assert data["messages"] == both("error-unknown") and data["code"] == "error-unknown"
    logged = [r for r in caplog.records if r.name == "bot.web.middleware"]
    assert logged and logged[0].exc_info is not None and SECRET in str(logged[0].exc_info[1])


async def test_a_command_spends_its_own_rate_limit(redis: Redis, runs: Runs) -> None:
    limits = LimitSettings(lyrics=Rate(burst=2, per_minute=1 / 60))
    app = create_app(redis, InferenceClient(redis), settings=_settings(limits))
    async with TestClient(TestServer(app)) as c:
        await c.get("/")
        for _ in range(3):  # refused as bad input: the token goes back
            await run(c, "echo", {"text": ""}, 400)
        await run(c, "echo", {"text": "하나"})
        await run(c, "echo", {"text": "둘"})
        resp = await c.post(
            "/api/commands/echo", json={"text": "셋"}, headers={"Accept-Language": "ko"}
        )
        data = await resp.json()
        assert resp.status == 429 and int(resp.headers["Retry-After"]) >= 1
        assert "천천히" in data["error"] and data["retry_after"] >= 1
        await run(c, "today", {})  # another command, another action (mood)
    assert [r.text for r in runs.requests] == ["하나", "둘", ""]
