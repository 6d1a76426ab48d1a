"""The Discord commands against the bad-input corpus (tests/bad_input/cases.py), through the
harness (tests/discord_harness): real discord.py, the REST stand-in, real Redis.

Each move gets an answer that says what is wrong (an interaction response, a follow-up, or a
DM), no handler logs an error, nothing changes in Redis, no model runs, no internals show. One
READY bot serves the module; the channel has a story with lines, an open round and a proposal.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, cast

import pytest
import pytest_asyncio

from bot.discord_bot import NoraeBot
from bot.inference import InferenceClient
from bot.lyrics.service import LyricsService
from bot.mood.service import MoodService
from bot.relay.service import RelayService
from contract.settings import LimitSettings, RelaySettings, Settings
from storage.connection import Redis, connect
from tests.bad_input.cases import DiscordCase, discord_cases
from tests.bad_input.world import CANDIDATES, assert_no_internals, diff, snapshot
from tests.bot.test_lyrics import SETTINGS as LYRICS_SETTINGS
from tests.bot.test_lyrics import _seed
from tests.bot.test_mood import fill_catalog
from tests.bot.test_relay import Scripted
from tests.bot.test_web_lyrics import FakeGenerator
from tests.bot.test_web_mood import SimilarFake
from tests.conftest import RedisServer
from tests.discord_harness import DiscordHarness, Dispatched
from tests.discord_harness import payloads as p
from tests.discord_harness.assertions import CALLBACK_ROUTE, FOLLOWUP_ROUTE

Harness = DiscordHarness[NoraeBot]
CASES = discord_cases()
MESSAGES_ROUTE = "/channels/{channel_id}/messages"


class Corpus:
    def __init__(self, h: Harness, redis: Redis, models: list[Any], round_id: str) -> None:
        self.h = h
        self.redis = redis
        self.models = models
        self.round_id = round_id

    def model_calls(self) -> int:
        total = 0
        for m in self.models:
            for name in ("prompts", "calls", "classified", "asked"):
                total += len(getattr(m, name, ()))
        return total


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def corpus(redis_server: RedisServer) -> AsyncIterator[Corpus]:
    redis = connect(redis_server.url)
    await redis.flushall()
    inference = InferenceClient(redis, timeout_s=2)
    await inference.start()
    bot = NoraeBot(Settings(limits=LimitSettings(enabled=False)), redis, inference)
    h: Harness = DiscordHarness(bot)
    await h.start()
    # The cogs' services, on in-process fakes: a bad input that reaches a model shows at once.
    generator = Scripted(CANDIDATES)
    relay_cog = cast(Any, bot.get_cog("Relay"))
    # Real time: the cog's ticker (started with the cog) closes rounds by the wall clock.
    relay_cog.relay = RelayService(redis, generator, RelaySettings(round_seconds=3600))
    lyrics_model = FakeGenerator(["새로운 아침이 밝았다"])
    lyrics_cog = cast(Any, bot.get_cog("Lyrics"))
    lyrics_cog.lyrics = LyricsService(redis, lyrics_model, LYRICS_SETTINGS)
    await _seed(lyrics_cog.lyrics)
    mood_model = SimilarFake()
    mood_cog = cast(Any, bot.get_cog("Mood"))
    mood_cog.mood = MoodService(redis, mood_model, mood_cog.mood.catalog, mood_cog.mood.settings)
    await fill_catalog(redis)
    relay: RelayService = relay_cog.relay
    channel = f"discord:{h.world.channel['id']}"
    owner = h.world.owner
    await relay.start(channel, owner.id, "owner", title="디스코드 이야기")
    await relay.write(channel, owner.id, "owner", "첫 줄이다.")
    rnd = await relay.continue_story(channel, owner.id, "owner")
    await relay.propose(channel, owner.id, "owner", "keyword", "우산")
    generator.prompts.clear()
    try:
        yield Corpus(h, redis, [generator, lyrics_model, mood_model], rnd.id)
    finally:
        await h.close()
        await inference.close()
        await redis.flushall()
        await redis.aclose()


@pytest.mark.asyncio(loop_scope="module")
async def test_the_corpus_covers_every_command() -> None:
    assert len(CASES) >= 90
    commands = {c.command.split()[-1] for c in CASES if c.command}
    assert commands >= {"start", "write", "continue", "propose", "support", "undo", "end"}
    assert commands >= {"show", "stories", "lyrics", "policy"}


def _answers(h: Harness, d: Dispatched, before: int) -> list[str]:
    """The texts the bot sent for this move: its interaction callback and follow-ups, or (for a
    DM) the messages it posted after ``before`` requests."""
    if d.event == "INTERACTION_CREATE":
        sent = [
            r
            for r in h.requests_for(d)
            if r.route in (CALLBACK_ROUTE, FOLLOWUP_ROUTE) and r.method == "POST"
        ]
    else:
        sent = [r for r in h.rest.requests[before:] if r.route == MESSAGES_ROUTE]
    texts = []
    for r in sent:
        body = r.json or {}
        data = body.get("data", body) if isinstance(body, dict) else {}
        texts.append(str(data.get("content") or ""))
    return [t for t in texts if t]


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_bad_discord_input(corpus: Corpus, case: DiscordCase) -> None:
    h = corpus.h
    before = await snapshot(corpus.redis)
    calls = corpus.model_calls()
    seen = len(h.rest.requests)
    # Someone who is neither the story's starter nor the last line's author.
    user = h.member("stranger")
    if case.dm is not None:
        d = h.say(case.dm, user=user, dm=True)
    elif case.custom_id:
        custom_id = case.custom_id.replace("{round}", corpus.round_id)
        button = {"type": 2, "style": 1, "label": "1", "custom_id": custom_id}
        message = p.message_payload(
            h.ids.next(),
            h.world.channel["id"],
            h.rest.bot_user,
            content="round",
            guild_id=h.world.guild_id,
        )
        message["components"] = [{"type": 1, "components": [button]}]
        d = h.click(message, custom_id, user=user)
    else:
        d = h.slash(case.command, case.options, user=user)
    await d.done(timeout=10)

    answers = _answers(h, d, seen)
    assert answers, f"no answer; saw {h.rest.requests[seen:]}"
    text = "\n".join(answers)
    assert case.says.lower() in text.lower(), text[:300]
    assert_no_internals(text)
    h.assert_no_errors()
    assert corpus.model_calls() == calls, "a bad input reached a model"
    after = await snapshot(corpus.redis)
    assert after == before, f"Redis changed: {diff(before, after)}"
