"""The real ``/poem`` (bot/commands/poem.py), offered by every front door with no code of its
own there: the web API and page list, the Kakao skill, the Discord command tree. The model is a
scripted generator behind a real worker on real Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot import texts
from bot.discord_bot import NoraeBot
from bot.inference import InferenceClient
from bot.web.app import create_app
from models.handlers import GenerateHandler
from storage.connection import Redis
from tests.bot.test_kakao import HEADERS, kakao_settings, say
from tests.bot.test_poem import Scripted
from tests.discord_harness import DiscordHarness
from tests.worker_support import running_worker

Client = TestClient[web.Request, web.Application]
Harness = DiscordHarness[NoraeBot]
POEM = "바다는 오늘도 조용히\n파도를 접어 두고\n우리의 이름을 부른다\n저녁이 온다"


@pytest.fixture
async def app_client(redis: Redis) -> AsyncIterator[Client]:
    inference = InferenceClient(redis, timeout_s=20)
    app = create_app(redis, inference, settings=kakao_settings())
    client: Client = TestClient(TestServer(app))
    await client.start_server()
    async with running_worker(redis, {"generate": GenerateHandler(Scripted([POEM]))}):
        yield client
    await client.close()
    await inference.close()


async def test_the_web_lists_and_runs_poem(app_client: Client) -> None:
    listed = await app_client.get("/api/commands", headers={"Accept-Language": "ko-KR"})
    poem: dict[str, Any] = next(c for c in (await listed.json())["commands"] if c["name"] == "poem")
    assert poem["description"] == texts.text("command-poem-description", "ko")
    resp = await app_client.post("/api/commands/poem", json={"text": "겨울 바다"})
    assert resp.status == 200
    assert (await resp.json())["text"] == "겨울 바다\n\n" + POEM
    empty = await app_client.post("/api/commands/poem", json={"text": "  "})
    assert empty.status == 400  # the command needs a topic: said in the reader's language
    assert (await empty.json())["messages"]["ko"]


async def test_kakao_answers_si_with_a_poem(app_client: Client) -> None:
    answer = await say(app_client, "시 겨울 바다", headers=HEADERS)
    (output,) = answer["outputs"]
    assert output["simpleText"]["text"] == "겨울 바다\n\n" + POEM  # well within Kakao's 5 s


async def test_discord_syncs_poem_with_korean_texts(discord_harness: Harness) -> None:
    h = discord_harness
    await h.say(f"<@{h.bot_user_id}> sync", user=h.world.owner).done()
    (put,) = h.rest.find("PUT", "/applications/{application_id}/commands")
    poem = {c["name"]: c for c in put.json}["poem"]
    assert poem["description"] == texts.text("command-poem-description", "en")
    assert poem["description_localizations"]["ko"] == texts.text("command-poem-description", "ko")
    (topic,) = poem["options"]
    assert topic["required"] is True and topic["max_length"] == 60
