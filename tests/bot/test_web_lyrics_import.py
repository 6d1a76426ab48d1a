"""Importing an artist from the web page (``POST /api/lyrics/import``) on real Redis: the songs
pasted are stored through the CLI's path and can be written with at once; every refusal is a 4xx
in Korean and English that changes nothing; duplicates are counted; imports are rate-limited.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot import texts
from bot.inference import InferenceClient
from bot.lyrics.service import LyricsService
from bot.web.app import create_app
from bot.web.keys import SERVICES_KEY
from bot.web.lyrics import NO_ARTISTS
from contract.settings import LimitSettings, Rate, Settings
from storage.connection import Redis
from tests.bad_input.world import diff, snapshot
from tests.bot.test_lyrics import NEW_LINES, SETTINGS
from tests.bot.test_web_lyrics import FakeGenerator

Client = TestClient[web.Request, web.Application]

ARTIST = "봄 시인"
SONGS = """봄비

봄비가 내리는 오래된 골목길을 혼자서 걸어간다
젖은 돌담 위로 작은 새들이 날아간다

어머니의 목소리가 멀리서 들려온다


바다

푸른 바다가 가슴을 열고 흰 돛단배가 밀려온다
나는 먼 하늘을 바라보며 노래를 부른다
===
산길

높은 산길을 따라 구름이 천천히 흘러간다
바람은 나뭇잎을 흔들고 해는 기운다
"""


def _settings(limits: LimitSettings | None = None) -> Settings:
    return Settings(
        lyrics=SETTINGS.model_copy(update={"import_max_bytes": 2000, "import_max_songs": 3}),
        limits=limits or LimitSettings(enabled=False),
    )


async def _client(redis: Redis, settings: Settings) -> Client:
    app = create_app(redis, InferenceClient(redis), settings=settings)
    app[SERVICES_KEY].lyrics = LyricsService(
        redis, FakeGenerator(["\n".join(NEW_LINES)]), settings.lyrics
    )
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


@pytest.fixture
async def client(redis: Redis) -> AsyncIterator[Client]:
    c = await _client(redis, _settings())
    yield c
    await c.close()


async def post(client: Client, body: Any, status: int, **headers: str) -> Any:
    resp = await client.post("/api/lyrics/import", json=body, headers=headers)
    data = await resp.json()
    assert resp.status == status, data
    return data


async def test_a_fresh_install_points_to_the_import_panel(client: Client) -> None:
    resp = await client.post("/api/lyrics/write", json={"artist": "아이유"})
    data = await resp.json()
    assert resp.status == 400 and data["code"] == NO_ARTISTS
    assert data["messages"] == {lang: texts.text(NO_ARTISTS, lang) for lang in ("ko", "en")}
    assert (
        "가수 가져오기" in data["messages"]["ko"] and "Import an artist" in data["messages"]["en"]
    )
    assert "norae lyrics" not in str(data)  # no command-line hint for a user
    english = await client.post(
        "/api/lyrics/write", json={"artist": "IU"}, headers={"Accept-Language": "en-US"}
    )
    assert (await english.json())["error"] == texts.text(NO_ARTISTS, "en")


async def test_import_then_write(client: Client, redis: Redis) -> None:
    done = await post(client, {"artist": f"  {ARTIST}\u200b ", "text": SONGS}, 200)
    assert (done["artist"], done["imported"], done["skipped"]) == (ARTIST, 3, 0)
    assert [s["title"] for s in done["songs"]] == ["봄비", "바다", "산길"]
    assert done["messages"]["ko"].startswith(f"{ARTIST}의 노래 3곡을")
    assert done["messages"]["en"].startswith(f"Imported 3 songs of {ARTIST}")
    # The stanza break inside the first song stays a stanza; two blank lines end a song.
    songs = {s.title: s for s in await client.app[SERVICES_KEY].lyrics.store.songs(ARTIST)}
    assert len(songs["봄비"].sections[0][1]) == 3

    names = await (await client.get("/api/lyrics/artists", params={"q": "봄"})).json()
    assert names["artists"] == [ARTIST]
    resp = await client.post("/api/lyrics/write", json={"artist": ARTIST, "theme": "봄"})
    song = await resp.json()
    assert resp.status == 200 and song["artist"] == ARTIST


async def test_duplicates_are_counted_and_all_duplicates_refused(
    client: Client, redis: Redis
) -> None:
    await post(client, {"artist": ARTIST, "text": SONGS}, 200)
    one_new = SONGS + "\n===\n새 노래\n\n처음 부르는 노래가 여기 있다\n"
    more = await post(client, {"artist": ARTIST.upper(), "text": one_new}, 413)  # 4 > 3 songs
    assert "3" in more["messages"]["ko"] and "3 songs" in more["messages"]["en"]
    partly = SONGS.split("===")[1] + "\n===\n새 노래\n\n처음 부르는 노래가 여기 있다\n"
    done = await post(client, {"artist": ARTIST, "text": partly}, 200)
    assert (done["imported"], done["skipped"]) == (1, 1)
    assert done["skipped_songs"][0]["duplicate"] is True
    assert "산길" in done["skipped_songs"][0]["reason"]["ko"]

    before = await snapshot(redis)
    again = await post(client, {"artist": ARTIST, "text": SONGS}, 409)
    assert again["imported"] == 0 and again["skipped"] == 3
    assert "이미" in again["messages"]["ko"] and "already" in again["messages"]["en"]
    assert await snapshot(redis) == before
    # one song already there and one block without lyrics: nothing new, the reasons listed
    mixed = await post(
        client, {"artist": ARTIST, "text": SONGS.split("===")[1] + "===\n[후렴]"}, 409
    )
    assert mixed["skipped"] == 2 and "(1곡)" in mixed["messages"]["ko"]
    assert [s["duplicate"] for s in mixed["skipped_songs"]] == [False, True]
    assert "가사가 없음" in mixed["skipped_songs"][0]["reason"]["ko"]
    assert await snapshot(redis) == before


@pytest.mark.parametrize(
    ("body", "status", "ko", "en"),
    [
        ({"artist": "", "text": SONGS}, 400, "가수 이름", "artist's name"),
        ({"artist": "\u200b\u202e\u3164", "text": SONGS}, 400, "가수 이름", "artist's name"),
        ({"artist": "가" * 101, "text": SONGS}, 400, "100자", "100 characters"),
        ({"artist": ARTIST, "text": ""}, 400, "붙여 넣은 가사가 없어요", "Nothing was pasted"),
        ({"artist": ARTIST, "text": " \n\u200b\n\ufeff "}, 400, "가사가 없어요", "Nothing"),
        ({"artist": ARTIST, "text": "가" * 700}, 413, "2 KB", "2 KB"),
        ({"artist": ARTIST, "text": "===\n---\n===\n"}, 400, "노래를 찾지", "No song"),
        ({"artist": ARTIST, "text": "[Chorus]\n\n\n[Verse]\n"}, 400, "노래를 찾지", "No song"),
        (
            {"artist": ARTIST, "text": "가\n===\n나\n===\n다\n===\n라\n"},
            413,
            "3곡까지",
            "at most 3 songs",
        ),
    ],
    ids=[
        "artist-empty",
        "artist-invisible",
        "artist-too-long",
        "text-empty",
        "text-invisible",
        "text-too-long",
        "only-separators",
        "only-headers",
        "too-many-songs",
    ],
)
async def test_bad_imports_are_refused_in_both_languages(
    client: Client, redis: Redis, body: dict[str, Any], status: int, ko: str, en: str
) -> None:
    before = await snapshot(redis)
    data = await post(client, body, status)
    assert ko in data["messages"]["ko"] and en in data["messages"]["en"]
    assert data["error"] == data["messages"]["ko"]  # the browser's language (none: Korean)
    assert await snapshot(redis) == before, diff(before, await snapshot(redis))


async def test_a_body_too_large_or_malformed_is_refused(client: Client, redis: Redis) -> None:
    before = await snapshot(redis)
    huge = await client.post("/api/lyrics/import", json={"artist": ARTIST, "text": "가" * 5000})
    assert huge.status == 413 and "error" in await huge.json()
    await post(client, {"artist": ARTIST}, 400)
    await post(client, {"artist": ARTIST, "text": SONGS, "admin": True}, 400)
    await post(client, {"artist": 5, "text": SONGS}, 400)
    assert await snapshot(redis) == before


async def test_imports_are_rate_limited(redis: Redis) -> None:
    limits = LimitSettings(lyrics_import=Rate(burst=2, per_minute=1 / 60))
    c = await _client(redis, _settings(limits))
    try:
        await post(c, {"artist": ARTIST, "text": ""}, 400)  # a refused import costs nothing
        await post(c, {"artist": ARTIST, "text": "하나\n\n첫 노래의 줄\n"}, 200)
        await post(c, {"artist": ARTIST, "text": "둘\n\n둘째 노래의 줄\n"}, 200)
        slow = await post(c, {"artist": ARTIST, "text": "셋\n\n셋째 노래의 줄\n"}, 429)
        assert "천천히" in slow["messages"]["ko"]
    finally:
        await c.close()
