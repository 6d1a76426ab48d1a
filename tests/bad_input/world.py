"""What every bad-input case runs against: one app on real Redis, seeded once per module, a
snapshot of Redis to compare before and after, and the checks every answer must pass.

The seeded world has something for bad input to damage: a web room with a story, lines, an open
round and a proposal (``seeded``), a room with a story and no round (``quiet``), an archived story,
imported lyrics artists, the song catalog, and a Kakao chat with a story and an open round.
Models are in-process fakes that count their calls: a bad input that reaches a model is a
failure, and a fake answers at once, so such a case fails fast instead of waiting on a worker.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.catalog import Catalog
from bot.inference import InferenceClient
from bot.lyrics.service import LyricsService
from bot.mood.service import MoodService
from bot.relay.service import RelayService
from bot.web.app import create_app
from bot.web.keys import SERVICES_KEY
from contract.settings import KakaoSettings, LimitSettings, MoodSettings, RelaySettings, Settings
from storage import keys
from storage.connection import Redis
from tests.bot.test_lyrics import SETTINGS as LYRICS_SETTINGS
from tests.bot.test_lyrics import _seed
from tests.bot.test_mood import fill_catalog
from tests.bot.test_relay import Clock, Scripted
from tests.bot.test_web_lyrics import FakeGenerator
from tests.bot.test_web_mood import SimilarFake

Client = TestClient[web.Request, web.Application]

SECRET = "bad-input-kakao-secret-0123456789"
BOT_ID = "5fe45a6ddfbb1f5802e9a2ef"
KAKAO_USER = "corpususer0001"
KAKAO_CHAT = "corpuschat0001"
CANDIDATES = ["비가 그쳤다.", "바람이 불었다.", "문이 열렸다."]

# Bookkeeping that any accepted Kakao delivery writes (its digest, for a retry's sake); it
# expires within seconds and holds no story, vote or conversation.
IGNORED_KEYS = re.compile(
    re.escape(keys.PREFIX)
    + r"(kakao:\{[^}]*\}:(delivery|last-delivery):"
    # rate-limit buckets are bookkeeping, not anyone's data (a refused request gets its token back)
    + r"|limit:)"
)

# An answer must never show internals: a traceback, a source location, an exception class.
_INTERNALS = re.compile(
    r"Traceback|File \"|line \d+, in |\b[A-Z][A-Za-z]*(?:Error|Exception)\b|"
    r"\bpydantic\b|errors\.pydantic\.dev|\bRecursion"
)


def assert_no_internals(text: str) -> None:
    found = _INTERNALS.search(text)
    assert found is None, f"the answer shows internals ({found.group(0)!r}): {text[:300]!r}"


@dataclass
class World:
    redis: Redis
    client: Client
    relay: RelayService
    generator: Scripted
    lyrics_model: FakeGenerator
    mood_model: SimilarFake
    story_id: str  # the seeded room's active story
    archived_id: str  # an archived story
    round_id: str  # the seeded room's open round
    kakao_round_id: str

    def model_calls(self) -> int:
        return (
            len(self.generator.prompts)
            + len(self.lyrics_model.calls)
            + len(self.mood_model.classified)
            + len(self.mood_model.asked)
            + len(self.mood_model.prompts)
        )


def settings() -> Settings:
    # Rate limits are off: hundreds of cases from one user would be told to slow down, and the
    # limits have their own tests (tests/bot/test_web_abuse.py, test_kakao_abuse.py).
    return Settings(
        kakao=KakaoSettings(secret=SecretStr(SECRET), bot_ids=[BOT_ID]),
        relay=RelaySettings(round_seconds=3600),
        mood=MoodSettings(),
        limits=LimitSettings(enabled=False),
    )


async def build_world(redis: Redis) -> World:
    """The app on a test server, and the seeded state (see the module docstring)."""
    await redis.flushall()
    clock = Clock()
    generator = Scripted(CANDIDATES)
    relay = RelayService(redis, generator, RelaySettings(round_seconds=3600), clock=clock)
    app = create_app(redis, InferenceClient(redis), settings=settings(), relay=relay, tick_s=3600.0)
    lyrics_model = FakeGenerator(["새로운 아침이 밝았다\n달빛이 창가에 머문다"])
    lyrics = LyricsService(redis, lyrics_model, LYRICS_SETTINGS)
    await _seed(lyrics)
    mood_model = SimilarFake()
    mood = MoodService(redis, mood_model, Catalog(redis), MoodSettings(), rng=random.Random(0))
    services = app[SERVICES_KEY]  # the web routes' and the Kakao skill's services
    services.lyrics = lyrics
    services.mood = mood
    await fill_catalog(redis)

    old = await relay.start("web:old", "web-seed", "Seed", title="지난 이야기")
    await relay.write("web:old", "web-seed", "Seed", "끝난 이야기의 한 줄.")
    await relay.end("web:old", "web-seed")
    started = await relay.start("web:seeded", "web-seed", "Seed", title="씨앗", genre="동화")
    await relay.write("web:seeded", "web-seed", "Seed", "첫 줄이다.")
    await relay.write("web:seeded", "web-seed", "Seed", "둘째 줄이다.")
    rnd = await relay.continue_story("web:seeded", "web-seed", "Seed")
    await relay.propose("web:seeded", "web-seed", "Seed", "keyword", "우산")
    await relay.start("web:quiet", "web-seed", "Seed", title="조용한 방")
    await relay.write("web:quiet", "web-seed", "Seed", "조용한 첫 줄.")
    kakao_channel = f"kakao:{KAKAO_CHAT}"
    await relay.start(kakao_channel, f"kakao:{KAKAO_USER}", "카카오", title="카톡 이야기")
    await relay.write(kakao_channel, f"kakao:{KAKAO_USER}", "카카오", "카톡 첫 줄.")
    kakao_round = await relay.continue_story(kakao_channel, f"kakao:{KAKAO_USER}", "카카오")
    generator.prompts.clear()

    client: Client = TestClient(TestServer(app))
    await client.start_server()
    await client.get("/")  # a browser loads the page (and gets its id cookie) first
    return World(
        redis=redis,
        client=client,
        relay=relay,
        generator=generator,
        lyrics_model=lyrics_model,
        mood_model=mood_model,
        story_id=started.story.id,
        archived_id=old.story.id,
        round_id=rnd.id,
        kakao_round_id=kakao_round.id,
    )


async def snapshot(redis: Redis) -> dict[str, Any]:
    """Every key (but :data:`IGNORED_KEYS`) with its type and whole value (three round trips)."""
    names = [k.decode() if isinstance(k, bytes) else str(k) for k in await redis.keys("*")]
    names = sorted(n for n in names if not IGNORED_KEYS.match(n))
    pipe = redis.pipeline(transaction=True)
    for name in names:
        pipe.type(name)
    kinds = [k.decode() if isinstance(k, bytes) else str(k) for k in await pipe.execute()]
    pipe = redis.pipeline(transaction=True)
    for name, kind in zip(names, kinds, strict=True):
        if kind == "string":
            pipe.get(name)
        elif kind == "hash":
            pipe.hgetall(name)
        elif kind == "list":
            pipe.lrange(name, 0, -1)
        elif kind == "set":
            pipe.smembers(name)
        elif kind == "zset":
            pipe.zrange(name, 0, -1, withscores=True)
        elif kind == "stream":
            pipe.xrange(name)
        else:
            pipe.exists(name)
    values = await pipe.execute()
    out: dict[str, Any] = {}
    for name, kind, value in zip(names, kinds, values, strict=True):
        if isinstance(value, dict):
            value = sorted(value.items())
        elif isinstance(value, set):
            value = sorted(value)
        out[name] = (kind, value)
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What changed, one line per key, for a failure message."""
    changed = [f"+ {k}" for k in after.keys() - before.keys()]
    changed += [f"- {k}" for k in before.keys() - after.keys()]
    changed += [f"~ {k}" for k in before.keys() & after.keys() if before[k] != after[k]]
    return sorted(changed)


def body_text(raw: bytes) -> str:
    """An answer's text for the checks: JSON decoded (so escaped characters are compared as
    themselves), anything else as UTF-8."""
    text = raw.decode("utf-8", "replace")
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return text
