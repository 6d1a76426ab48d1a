"""Lyrics in the web chat, through aiohttp's test client on real Redis: artist autocomplete,
writing (with "another take"), the novelty guard's cut, unknown artists, bad input, a busy model.

The generator is an in-process fake with the inference client's ``generate`` signature.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.inference import InferenceBusy, InferenceClient
from bot.lyrics.importing import parse_text
from bot.lyrics.service import LyricsService
from bot.web.app import create_app
from bot.web.keys import SERVICES_KEY
from contract.settings import Settings
from storage.connection import Redis
from tests.bot.test_lyrics import COPIED_LINE, KO_ARTIST, NEW_LINES, SETTINGS, _seed

Client = TestClient[web.Request, web.Application]
# A browser that asks for English (without the header it would read Korean).
ENGLISH = {"Accept-Language": "en"}
EVIL = "<img src=x onerror=alert(1)>"


class FakeGenerator:
    """Answers call ``i`` with ``script[min(i, last)]`` for every candidate, or raises."""

    def __init__(self, script: list[str], error: Exception | None = None) -> None:
        self.script = script
        self.error = error
        self.calls: list[tuple[list[str], dict[str, Any]]] = []

    async def generate(
        self, prompts: list[str], *, timeout: float | None = None, **params: Any
    ) -> list[list[str]]:
        self.calls.append((prompts, params))
        if self.error is not None:
            raise self.error
        text = self.script[min(len(self.calls) - 1, len(self.script) - 1)]
        return [[text] * int(params.get("n", 1)) for _ in prompts]


@pytest.fixture
def generator() -> FakeGenerator:
    return FakeGenerator(["\n".join(NEW_LINES)])


@pytest.fixture
async def client(redis: Redis, generator: FakeGenerator) -> AsyncIterator[Client]:
    app = create_app(redis, InferenceClient(redis), settings=Settings())
    service = LyricsService(redis, generator, SETTINGS)
    await _seed(service)
    app[SERVICES_KEY].lyrics = service
    async with TestClient(TestServer(app), headers=ENGLISH) as c:
        yield c


async def write(client: Client, body: dict[str, Any], status: int = 200) -> Any:
    resp = await client.post("/api/lyrics/write", json=body)
    data = await resp.json()
    assert resp.status == status, data
    assert resp.content_type == "application/json"
    return data


async def test_the_app_builds_the_service_from_its_settings(redis: Redis) -> None:
    settings = Settings()
    app = create_app(redis, InferenceClient(redis), settings=settings)
    assert app[SERVICES_KEY].lyrics.settings is settings.lyrics
    async with TestClient(TestServer(app)) as c:
        resp = await c.get("/api/lyrics/artists?q=")
        assert resp.status == 200 and await resp.json() == {"artists": []}


async def test_autocomplete(client: Client) -> None:
    everyone = await (await client.get("/api/lyrics/artists")).json()
    assert everyone == {"artists": ["Isaac Watts", "Test Hymnist", "김영랑", "소월 테스트"]}
    assert (await (await client.get("/api/lyrics/artists", params={"q": "김"})).json())["artists"][
        0
    ] == "김영랑"
    fuzzy = await (await client.get("/api/lyrics/artists", params={"q": "Tset Hymnist"})).json()
    assert "Test Hymnist" in fuzzy["artists"]
    long = await client.get("/api/lyrics/artists", params={"q": "x" * 5000})
    assert long.status == 200 and isinstance((await long.json())["artists"], list)


async def test_write_and_another_take(client: Client, generator: FakeGenerator) -> None:
    body = {"artist": "소월  테스트", "theme": "봄비 골목길", "lines": 6, "language": "ko"}
    song = await write(client, body)
    assert song["title"] == "봄비 골목길" and song["artist"] == KO_ARTIST
    assert song["language"] == "ko"
    assert [line for s in song["sections"] for line in s["lines"]] == NEW_LINES
    assert song["sections"][0]["name"] and song["text"].startswith(
        f"[{song['sections'][0]['name']}]"
    )
    assert (song["attempts"], song["rejected"], song["cut"]) == (1, 0, False)
    assert len(generator.calls) == 1
    assert generator.calls[0][1]["n"] == SETTINGS.candidates

    again = await write(client, body)  # "another take": the same request, a new call
    assert again["title"] == song["title"] and len(generator.calls) == 2

    defaults = await write(client, {"artist": KO_ARTIST, "theme": "", "language": ""})
    assert defaults["artist"] == KO_ARTIST and defaults["sections"]


async def test_copies_are_cut(client: Client, generator: FakeGenerator) -> None:
    generator.script = ["\n".join([NEW_LINES[0], COPIED_LINE + " 그리고", NEW_LINES[1]])]
    song = await write(client, {"artist": KO_ARTIST, "lines": 6})
    assert song["cut"] is True and song["rejected"] >= 1
    assert COPIED_LINE not in song["text"] and COPIED_LINE not in song["title"]
    assert NEW_LINES[1] in [line for s in song["sections"] for line in s["lines"]]


async def test_unknown_artist_gets_the_closest_names(client: Client) -> None:
    refused = await write(client, {"artist": "Test Hymnst"}, status=400)
    assert "Test Hymnst" in refused["error"] and "Closest: Test Hymnist" in refused["error"]
    korean = await write(client, {"artist": "김영량"}, status=400)
    assert "김영랑" in korean["error"]
    nobody = await write(client, {"artist": "   "}, status=400)
    assert "artist" in nobody["error"]


async def test_bad_requests(client: Client) -> None:
    lines = await write(client, {"artist": KO_ARTIST, "lines": 999}, status=400)
    assert "Lines must be between" in lines["error"]
    language = await write(client, {"artist": KO_ARTIST, "language": "fr"}, status=400)
    assert "Language" in language["error"]
    theme = await write(client, {"artist": KO_ARTIST, "theme": "가" * 200}, status=400)
    assert "theme is too long" in theme["error"]
    extra = await write(client, {"artist": KO_ARTIST, "model": "x"}, status=400)
    assert "model" in extra["error"]
    missing = await write(client, {}, status=400)
    assert "artist" in missing["error"]
    not_json = await client.post("/api/lyrics/write", data="artist=x")
    assert not_json.status == 415 and "error" in await not_json.json()


async def test_a_busy_model_is_a_503(client: Client, generator: FakeGenerator) -> None:
    generator.error = InferenceBusy(detail="1000 generate jobs waiting")
    busy = await write(client, {"artist": KO_ARTIST}, status=503)
    assert busy["error"] == "The model is busy right now. Please try again in a moment."


async def test_names_and_lyrics_come_back_as_data(client: Client, generator: FakeGenerator) -> None:
    service = client.app[SERVICES_KEY].lyrics
    await service.import_parsed(parse_text("노래\n\n한 줄\n", source="z", name="z"), EVIL)
    found = await client.get("/api/lyrics/artists", params={"q": "<img"})
    assert found.content_type == "application/json"
    assert found.headers["X-Content-Type-Options"] == "nosniff"
    assert (await found.json())["artists"][0] == EVIL
    generator.script = [f"첫 줄 {EVIL}\n둘째 줄은 조용히\n셋째 줄 노래"]
    song = await write(client, {"artist": EVIL, "theme": EVIL, "lines": 4})
    assert song["artist"] == EVIL  # JSON data; the page sets it with textContent
