"""The web page in a real headless Chromium: write in a room, vote, get a song list, screenshot.

Skips when Debian's chromium is not installed (.ci/run installs it). Screenshots go to the
test's temporary folder and, when TEST_ARTIFACTS names a folder, there too.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.embedded_redis import free_port
from bot.inference import InferenceClient
from bot.settings import load_settings
from bot.web import create_app
from storage.connection import Redis
from tests.bot.test_mood import FakeInference
from tests.bot.test_mood import similar_client as similar_client  # the fixture
from tests.browser.cdp import chromium, chromium_path

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed")

CANDIDATES = ["등불 아래 누군가 서 있었다.", "바람이 골목을 지나갔다.", "아이들이 노래를 불렀다."]


@pytest.fixture
async def site(redis: Redis, similar_client: InferenceClient) -> AsyncIterator[str]:
    fake = FakeInference(similar_client, replies=CANDIDATES)
    app = create_app(redis, fake, settings=load_settings(), tick_s=0.2)  # type: ignore[arg-type]
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


def _keep(shot: Path) -> None:
    folder = os.environ.get("TEST_ARTIFACTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(folder) / shot.name)


async def test_room_vote_and_song_list_in_a_real_browser(site: str, tmp_path: Path) -> None:
    async with chromium() as page:
        await page.goto(f"{site}/r/lobby")
        await page.js(
            "document.getElementById('nick').value = '하나';"
            "document.getElementById('nick').dispatchEvent(new Event('change'))"
        )
        await page.wait_for("!document.getElementById('no-story').hidden")
        await page.js(
            "document.querySelector('#start-form [name=title]').value = '밤비';"
            "document.querySelector('#start-form button').click()"
        )
        await page.wait_for("document.getElementById('story-title').textContent === '밤비'")

        # write in the room
        await page.js(
            "document.querySelector('#write-form [name=text]').value = '비가 그쳤다.';"
            "document.querySelector('#write-form button').click()"
        )
        await page.wait_for("document.querySelectorAll('#lines li').length === 1")
        assert "비가 그쳤다." in await page.js("document.getElementById('lines').textContent")

        # the model's candidates, then a vote with a button
        await page.js("document.querySelector('#continue-form button').click()")
        await page.wait_for("!document.getElementById('round').hidden")
        shown = await page.js(
            "[...document.querySelectorAll('#candidates li')].map(li => li.textContent).join('|')"
        )
        assert all(c in shown for c in CANDIDATES)
        await page.js("document.querySelectorAll('#candidates button')[1].click()")
        await page.wait_for(
            "document.getElementById('round-voters').textContent.startsWith('1 voter')"
        )
        await page.screenshot(tmp_path / "web-relay.png")

        # DM with norae: a song list
        await page.js("document.querySelector('button[data-feature=mood]').click()")
        await page.js(
            "document.querySelector('#mood-form [name=text]').value = '오늘 너무 슬퍼요';"
            "document.querySelector('#mood-form button').click()"
        )
        songs = await page.wait_for(
            "document.querySelectorAll('#playlist li').length || "
            "document.querySelectorAll('#mood-thread .song, #mood-thread li li').length"
        )
        assert songs >= 5
        shot = await page.screenshot(tmp_path / "web-mood.png")
        _keep(tmp_path / "web-relay.png")
        _keep(shot)
        assert page.errors == []  # no uncaught error or console.error on the page
    assert shot.stat().st_size > 10_000
