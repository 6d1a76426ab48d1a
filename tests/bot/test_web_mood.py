"""The mood companion in the web chat, through aiohttp's test client on real Redis: the DM view's
API (message, pick, policy, forget, history, crisis, errors) and the demo audio route.

Emotions come from test_mood's keyword fake; sound-alikes from a scripted ``similar`` answer.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any, cast

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from yarl import URL

from bot import texts
from bot.catalog import Catalog, resolve_package_url
from bot.inference import InferenceClient
from bot.mood.service import MoodService
from bot.web.app import create_app
from bot.web.keys import SERVICES_KEY
from bot.web.requests import USER_COOKIE
from contract.jobs import SimilarRequest, SimilarResult
from contract.settings import MoodSettings, Settings
from storage.catalog import CatalogStore, Song
from storage.connection import Redis
from tests.bot.test_mood import SAD_KO, FakeInference, fill_catalog, mood_of

Client = TestClient[web.Request, web.Application]
# A browser that asks for English (without the header it would read Korean).
ENGLISH = {"Accept-Language": "en"}
STATIC = Path(__file__).resolve().parents[2] / "bot" / "web" / "static"
DEMO = "package://immich_memories_music/tracks/calm/calm_acoustic_1.opus"
DEMO_2 = "package://immich_memories_music/tracks/tender/tender_electronic_1.opus"
SOUND_ALIKES = ["happy-0", "happy-1", "happy-2", "energetic-0", "energetic-1"]


class SimilarFake(FakeInference):
    """Keyword emotions; ``similar`` answers a fixed list (and records what it was asked)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.asked: list[SimilarRequest] = []

    async def similar(
        self,
        song_id: str,
        *,
        k: int = 5,
        exclude: Sequence[str] = (),
        timeout: float | None = None,
    ) -> SimilarResult:
        self.asked.append(SimilarRequest(song_id=song_id, k=k, exclude=list(exclude)))
        ids = [i for i in SOUND_ALIKES if i != song_id]
        return SimilarResult(song_ids=ids, distances=[0.0] * len(ids))


@pytest.fixture
def fake() -> SimilarFake:
    return SimilarFake()


@pytest.fixture
async def client(redis: Redis, fake: SimilarFake) -> AsyncIterator[Client]:
    app = create_app(redis, InferenceClient(redis), settings=Settings())
    app[SERVICES_KEY].mood = MoodService(
        redis, fake, Catalog(redis), MoodSettings(), rng=random.Random(0)
    )
    async with TestClient(TestServer(app), headers=ENGLISH) as c:
        await c.get("/")  # the browser's id cookie
        yield c


async def post(client: Client, path: str, body: dict[str, Any], status: int = 200) -> Any:
    resp = await client.post(f"/api/mood/{path}", json=body)
    data = await resp.json()
    assert resp.status == status, data
    assert resp.content_type == "application/json"
    return data


def web_user(client: Client) -> str:
    cookies = client.session.cookie_jar.filter_cookies(client.make_url("/"))
    digest = hashlib.sha256(cookies[USER_COOKIE].value.encode()).hexdigest()
    return f"web-{digest[:24]}"


async def user_keys(redis: Redis, user: str) -> list[str]:
    return [k.decode() if isinstance(k, bytes) else k async for k in redis.scan_iter(f"*{user}*")]


# --- the DM flow -----------------------------------------------------------------------------


async def test_message_then_pick_then_history(
    client: Client, redis: Redis, fake: SimilarFake
) -> None:
    await fill_catalog(redis)
    first = await post(client, "message", {"text": SAD_KO})
    assert (first["emotion"], first["score"], first["crisis"]) == ("sadness", 0.9, False)
    assert first["language"] == "ko" and first["policy"] == "match"
    assert texts.text("mood-intro-match", "ko") in first["text"]
    assert first["choices"] == ["1번", "2번", "3번", "4번", "5번"]
    songs = first["songs"]
    assert len(songs) == 5 and len({s["id"] for s in songs}) == 5
    for song in songs:
        assert set(song) == {"id", "title", "artist", "snippet", "mood", "audio", "link"}
        assert song["mood"] in ("tender", "calm") and mood_of(song["id"]) == song["mood"]
        assert song["title"] and song["artist"] == "Tester"
        assert song["link"] == f"https://example.com/{song['id']}"
        assert song["audio"] is None  # not a packaged demo track: linked out, not played here
    assert fake.classified == [SAD_KO]

    picked = await post(client, "pick", {"choice": 2})
    assert picked["picked"]["id"] == songs[1]["id"] and picked["likeness"] == "sound"
    assert [s["id"] for s in picked["songs"]] == [i for i in SOUND_ALIKES if i != songs[1]["id"]]
    assert fake.asked[0].song_id == songs[1]["id"]
    assert songs[1]["title"] in picked["text"]

    typed = await post(client, "message", {"text": "1번"})  # a typed number is a pick too
    assert typed["picked"]["id"] == picked["songs"][0]["id"]

    history = await (await client.get("/api/mood/history")).json()
    assert history["policy"] == "match"
    turns = history["turns"]
    assert [t["kind"] for t in turns] == ["mood", "pick", "pick"]
    assert turns[0]["user"] == SAD_KO and turns[0]["emotion"] == "sadness"
    assert [s["id"] for s in turns[0]["songs"]] == [s["id"] for s in songs]
    assert turns[0]["songs"][0]["link"].startswith("https://")


async def test_each_browser_is_its_own_user(redis: Redis, client: Client) -> None:
    await fill_catalog(redis)
    await post(client, "message", {"text": SAD_KO})
    other: Client = TestClient(cast(TestServer, client.server), headers=ENGLISH)
    await other.start_server()
    try:
        history = await (await other.get("/api/mood/history")).json()
        assert history["turns"] == []
        refused = await post(other, "pick", {"choice": 1}, status=400)
        assert "no song list" in refused["error"]
    finally:
        await other.close()


async def test_policy_switch(client: Client, redis: Redis) -> None:
    await fill_catalog(redis)
    switched = await post(client, "policy", {"policy": "lift"})
    assert switched["policy"] == "lift" and switched["songs"] == []
    assert (await (await client.get("/api/mood/history")).json())["policy"] == "lift"
    lifted = await post(client, "message", {"text": "I feel so sad today"})
    assert lifted["policy"] == "lift" and lifted["language"] == "en"
    assert {s["mood"] for s in lifted["songs"]} <= {"happy", "energetic"}
    assert texts.text("mood-intro-lift", "en") in lifted["text"]
    back = await post(client, "policy", {"policy": "match"})
    assert back["policy"] == "match" and back["text"] == texts.text("mood-policy-match", "en")
    bad = await post(client, "policy", {"policy": "shuffle"}, status=400)
    assert "match" in bad["error"] and "lift" in bad["error"]


async def test_forget_leaves_nothing_behind(client: Client, redis: Redis) -> None:
    await fill_catalog(redis)
    await post(client, "message", {"text": SAD_KO})
    await post(client, "policy", {"policy": "lift"})
    user = web_user(client)
    assert await user_keys(redis, user)
    forgotten = await post(client, "forget", {})
    assert forgotten["forgotten"] >= 1
    assert await user_keys(redis, user) == []
    history = await (await client.get("/api/mood/history")).json()
    assert history == {"policy": "match", "turns": []}
    assert (await post(client, "forget", {}))["forgotten"] == 0


async def test_crisis_reply(client: Client, redis: Redis, fake: SimilarFake) -> None:
    await fill_catalog(redis)
    reply = await post(client, "message", {"text": "요즘 너무 힘들어서 죽고 싶어"})
    assert reply["crisis"] is True and reply["songs"] == [] and reply["choices"] == []
    assert "109" in reply["text"]
    assert fake.classified == []  # nothing is classified before the crisis check
    english = await post(client, "message", {"text": "I want to kill myself"})
    assert english["crisis"] is True and "109" in english["text"]
    turns = (await (await client.get("/api/mood/history")).json())["turns"]
    assert [t["kind"] for t in turns] == ["crisis", "crisis"]


async def test_a_long_crisis_message_gets_the_crisis_reply(client: Client, redis: Redis) -> None:
    text = "I will write down everything that happened today. " * 180 + "I want to kill myself."
    assert len(text) > 8000  # once refused by the request model before the crisis check
    reply = await post(client, "message", {"text": text})
    assert reply["crisis"] is True and reply["songs"] == [] and "findahelpline" in reply["text"]


async def test_bad_requests_are_json_errors(client: Client, redis: Redis) -> None:
    empty = await post(client, "message", {"text": "   "}, status=400)
    assert "empty" in empty["error"]
    long = await post(client, "message", {"text": "가" * 1001}, status=400)
    assert "1000" in long["error"]
    no_list = await post(client, "pick", {"choice": 1}, status=400)
    assert "no song list" in no_list["error"]
    await fill_catalog(redis)
    await post(client, "message", {"text": SAD_KO})
    out_of_range = await post(client, "pick", {"choice": 9}, status=400)
    assert "1 to 5" in out_of_range["error"]
    extra = await post(client, "message", {"text": "hi", "user": "someone-else"}, status=400)
    assert "user" in extra["error"]
    not_json = await client.post("/api/mood/message", data="text=hi")
    assert not_json.status == 415 and "error" in await not_json.json()
    broken = await client.post(
        "/api/mood/message", data="{", headers={"Content-Type": "application/json"}
    )
    assert broken.status == 400 and "JSON" in (await broken.json())["error"]
    wrong_method = await client.get("/api/mood/message")
    assert wrong_method.status == 405 and "error" in await wrong_method.json()


# --- song cards, links, escaping -------------------------------------------------------------


async def test_cards_play_demo_tracks_and_link_only_web_urls(client: Client, redis: Redis) -> None:
    evil = "<script>alert('x')</script>"
    songs = [
        Song(id="demo-1", title="Calm Acoustic 1", artist="Demo", url=DEMO, moods=("tender",)),
        Song(id="demo-2", title="Tender 1", artist="Demo", url=DEMO_2, moods=("tender",)),
        Song(id="web-1", title="On the web", artist="A", url="https://x.test/1", moods=("tender",)),
        Song(id="js-1", title=evil, artist=evil, url="javascript:alert(1)", moods=("tender",)),
        Song(
            id="data-1",
            title="Data",
            artist="B",
            url="data:text/html,<b>x</b>",
            moods=("tender",),
            lyrics=f"비가 와서 슬퍼요 {evil}\n둘째 줄",
        ),
    ]
    await CatalogStore(redis).upsert(songs, {})
    resp = await client.post("/api/mood/message", json={"text": SAD_KO})
    assert resp.status == 200 and resp.content_type == "application/json"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    reply = await resp.json()
    cards = {c["id"]: c for c in reply["songs"]}
    assert set(cards) == {s.id for s in songs}
    assert cards["demo-1"]["audio"] == "/audio/demo-1" and cards["demo-1"]["link"] is None
    assert cards["demo-2"]["audio"] == "/audio/demo-2"
    assert cards["web-1"] == {**cards["web-1"], "audio": None, "link": "https://x.test/1"}
    assert cards["js-1"]["link"] is None and cards["js-1"]["audio"] is None
    assert cards["js-1"]["title"] == evil  # data, drawn with textContent by the page
    assert cards["data-1"]["link"] is None and evil in cards["data-1"]["snippet"]


def test_the_page_has_the_mood_and_lyrics_tabs_and_never_writes_html() -> None:
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    for needle in (
        'data-feature="mood"',
        'data-feature="lyrics"',
        "<audio",
        'id="playlist"',
        'id="mood-crisis"',
        'id="lyrics-form"',
        'id="lyrics-again"',
    ):
        assert needle in page
    assert "<script>" not in page and "style=" not in page and " on" + "click=" not in page
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script


# --- the demo audio --------------------------------------------------------------------------


async def test_audio_serves_only_catalog_demo_tracks(client: Client, redis: Redis) -> None:
    path = resolve_package_url(DEMO)
    assert path is not None, "the demo package (a dependency) is not installed"
    size = path.stat().st_size
    songs = [
        Song(id="demo-1", title="Calm", artist="Demo", url=DEMO, moods=("calm",)),
        # audio only in the ``audio`` field (the url is a web page): still the packaged file
        Song(id="demo-2", title="T", url="https://x.test/t", audio=DEMO_2, moods=("tender",)),
        Song(id="web-1", title="W", url="https://x.test/1", audio="w.wav", moods=("calm",)),
        Song(id="code-1", title="C", url="package://bot/web.py", moods=("calm",)),
        Song(
            id="up-1",
            title="U",
            url="package://immich_memories_music/../bot/web.py",
            moods=("calm",),
        ),
        Song(id="abs-1", title="A", url="package://immich_memories_music//etc/passwd"),
        Song(id="nopkg-1", title="N", url="package://no_such_package_here/a.opus"),
    ]
    await CatalogStore(redis).upsert(songs, {})

    whole = await client.get("/audio/demo-1")
    assert whole.status == 200 and whole.headers["Content-Type"] == "audio/ogg"
    assert whole.headers.get("Accept-Ranges") == "bytes"
    assert await whole.read() == path.read_bytes()
    part = await client.get("/audio/demo-1", headers={"Range": "bytes=0-99"})
    assert part.status == 206 and len(await part.read()) == 100
    assert part.headers["Content-Range"] == f"bytes 0-99/{size}"
    tail = await client.get("/audio/demo-1", headers={"Range": "bytes=-10"})
    assert tail.status == 206 and await tail.read() == path.read_bytes()[-10:]
    other = await client.get("/audio/demo-2")
    assert other.status == 200 and other.headers["Content-Type"] == "audio/ogg"

    for bad in (
        "/audio/web-1",  # a web song: the page links out instead
        "/audio/code-1",  # a package file that is not audio
        "/audio/up-1",
        "/audio/abs-1",
        "/audio/nopkg-1",
        "/audio/unknown-song",
        "/audio/..%2F..%2F..%2Fetc%2Fpasswd",
        "/audio/..%2Fbot%2Fweb.py",
        "/audio/%2e%2e",
        "/audio/../../etc/passwd",
        "/audio/..%5C..%5Cetc%5Cpasswd",
        "/audio/immich_memories_music%2Ftracks%2Fcalm%2Fcalm_acoustic_1.opus",
        "/audio/" + "a" * 300,
    ):
        # sent as written: the client would otherwise resolve the dots before sending
        resp = await client.session.get(URL(str(client.make_url("")) + bad, encoded=True))
        assert resp.status == 404, bad
        assert resp.content_type != "audio/ogg"
