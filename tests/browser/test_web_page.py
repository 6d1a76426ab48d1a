"""The web page in a real headless Chromium: a story that grows as its rounds close, reroll up to
its limit, toasts clear of the continue form, the activity after a reload, a song list, the
playlist's cap and the lyrics form's range, and a fresh install's lyrics tab: its import panel, a
first artist imported from the page, and a song written at once; the page in Korean and in
English (the browser's Accept-Language), and its switch between them; screenshots of each step.

Skips when Debian's chromium is not installed (.ci/run installs it). Screenshots go to the
test's temporary folder and, when TEST_ARTIFACTS names a folder, there too.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

import bot.commands
from bot import texts
from bot.cli.embedded_redis import free_port
from bot.inference import InferenceClient
from bot.web.app import create_app
from bot.web.page import patterns
from contract.settings import load_settings
from storage.connection import Redis
from tests.bot.test_mood import FakeInference
from tests.bot.test_mood import similar_client as similar_client  # the fixture
from tests.bot.test_web_commands import Runs, declared
from tests.bot.test_web_commands import catalog as catalog  # the fixture
from tests.browser.cdp import Browser, chromium, chromium_path

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed")

CANDIDATES = ["등불 아래 누군가 서 있었다.", "바람이 골목을 지나갔다.", "아이들이 노래를 불렀다."]


@pytest.fixture
async def site(redis: Redis, similar_client: InferenceClient) -> AsyncIterator[str]:
    fake = FakeInference(similar_client, replies=CANDIDATES)
    settings = load_settings()
    # One browser does here in seconds what a room does in minutes: no rate limits.
    settings.limits.enabled = False
    app = create_app(redis, fake, settings=settings, tick_s=0.2)  # type: ignore[arg-type]
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


KOREAN = "ko-KR,ko;q=0.9"
ENGLISH = "en-US,en;q=0.9"
JS_LINES = "[...document.querySelectorAll('#lines li')]"
JS_LOG = "document.getElementById('log').textContent"


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["right"] <= b["left"]
        or b["right"] <= a["left"]
        or a["bottom"] <= b["top"]
        or b["bottom"] <= a["top"]
    )


async def test_a_story_grows_on_the_page_and_the_activity_survives_a_reload(
    site: str, tmp_path: Path
) -> None:
    max_rerolls = load_settings().relay.max_rerolls
    async with chromium() as page:
        await page.accept_language(ENGLISH)
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
        await page.wait_for(f"{JS_LINES}.length === 1")
        assert "비가 그쳤다." in await page.js("document.getElementById('lines').textContent")

        # the model's candidates
        await page.js("document.querySelector('#continue-form button').click()")
        await page.wait_for("!document.getElementById('round').hidden")
        shown = await page.js(
            "[...document.querySelectorAll('#candidates li')].map(li => li.textContent).join('|')"
        )
        assert all(c in shown for c in CANDIDATES)

        # reroll until the server's limit: then the button is off and says why
        assert await page.js("document.getElementById('reroll').disabled") is False
        for done in range(1, max_rerolls + 1):
            await page.js("document.getElementById('reroll').click()")
            await page.wait_for(f"state.data.round && state.data.round.rerolls === {done}")
        await page.wait_for("document.getElementById('reroll').disabled")
        left = await page.js("document.getElementById('reroll-left').textContent")
        assert left == "No rerolls left"  # in the page's language only
        await page.screenshot(tmp_path / "web-relay-reroll-limit.png")

        # a refused continue (the round is still open) says so in a toast that never covers the
        # continue form, wherever the form sits in the window
        await page.js(  # room to scroll the form anywhere in the window
            "for (const at of ['before', 'after']) { const pad = document.createElement('div');"
            " pad.className = 'test-pad'; pad.style.height = '1500px';"
            " document.querySelector('main')[at](pad); }"
        )
        rect = "(id) => document.getElementById(id).getBoundingClientRect().toJSON()"
        for where in (0.05, 0.45, 0.55, 0.9):
            await page.js(
                "(() => { const form = document.getElementById('continue-form');"
                f" window.scrollBy(0, form.getBoundingClientRect().top - innerHeight * {where});"
                " document.getElementById('toast').hidden = true;"
                " form.querySelector('button').click(); })()"
            )
            await page.wait_for("!document.getElementById('toast').hidden")
            toast = await page.js(f"({rect})('toast')")
            form = await page.js(f"({rect})('continue-form')")
            height = await page.js("innerHeight")
            assert abs(form["top"] - height * where) < 60, (where, form)  # it is where we put it
            assert toast["height"] > 0 and not _overlap(toast, form), (where, toast, form)
            assert "already open" in await page.js("document.getElementById('toast').textContent")
            if where == 0.9:
                await page.screenshot(tmp_path / "web-relay-toast.png")
        await page.js(
            "document.querySelectorAll('.test-pad').forEach((pad) => pad.remove());"
            "window.scrollTo(0, 0)"
        )

        # 하나 is the room's only writer: her vote closes the round at once, and the winning
        # line joins the story on the page (highlighted), not only the activity list
        await page.js("document.querySelectorAll('#candidates button')[1].click()")
        await page.wait_for(f"{JS_LINES}.length === 2")
        last = await page.js(
            f"(() => {{ const li = {JS_LINES}.pop(); return [li.textContent, li.className]; }})()"
        )
        assert CANDIDATES[1] in last[0] and "model" in last[1] and "fresh" in last[1]
        assert await page.js("document.getElementById('round').hidden") is True
        await page.wait_for(f"{JS_LOG}.includes('Vote closed')")
        assert CANDIDATES[1] in await page.js(JS_LOG)
        await page.screenshot(tmp_path / "web-relay-story-grew.png")

        # after a reload: the story and the room's activity are still there
        before = await page.js(
            "[...document.querySelectorAll('#log li')].map(li => li.textContent)"
        )
        await page.reload()
        await page.wait_for(f"{JS_LINES}.length === 2")
        await page.wait_for(f"{JS_LOG}.includes('Vote closed')")
        after = await page.js("[...document.querySelectorAll('#log li')].map(li => li.textContent)")
        assert after == before  # the same entries, same times, newest first, no doubles
        assert any("started “밤비”" in item for item in after)
        assert any("opened a vote" in item for item in after)
        assert sum("rerolled the candidates" in item for item in after) == max_rerolls
        lines = await page.js(f"{JS_LINES}.map(li => li.textContent)")
        assert "비가 그쳤다." in lines[0] and CANDIDATES[1] in lines[1]
        shot = await page.screenshot(tmp_path / "web-relay-after-reload.png")
        for name in ("reroll-limit", "toast", "story-grew", "after-reload"):
            _keep(tmp_path / f"web-relay-{name}.png")
        # no uncaught error, console.error or failed resource (a favicon 404 would be one);
        # the refused requests are the four continues above
        refused = [e for e in page.errors if "(Bad Request)" in e and e.endswith("/continue")]
        assert len(refused) == 4 and [e for e in page.errors if e not in refused] == []
    assert shot.stat().st_size > 10_000


async def test_song_list_playlist_and_lyrics_form_in_a_real_browser(
    site: str, tmp_path: Path
) -> None:
    lyrics = load_settings().lyrics
    async with chromium() as page:
        await page.goto(f"{site}/r/lobby")

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

        # the playlist keeps the latest 50 songs, and never drops the one playing
        await page.js(
            "mood.playlist = [{ id: 'now', title: 'playing', artist: 'a', audio: '/audio/now' }];"
            "mood.playing = 0;"
            "addToPlaylist(Array.from({ length: 60 }, (_, i) => ({ id: `s${i}`, "
            "title: `song ${i}`, artist: 'a', audio: `/audio/s${i}` })))"
        )
        titles = await page.js(
            "[...document.querySelectorAll('#playlist li')].map(li => li.textContent)"
        )
        assert len(titles) == 50 and titles[-1].startswith("song 59")
        assert titles[0].startswith("playing") and titles[1].startswith("song 11")
        assert await page.js("mood.playing") == 0

        # the Lines field offers the range the server takes
        await page.js("document.querySelector('button[data-feature=lyrics]').click()")
        await page.wait_for("state.config !== null")
        bounds = await page.js(
            "(() => { const f = document.querySelector('#lyrics-form [name=lines]');"
            " return [f.min, f.max, f.placeholder]; })()"
        )
        assert bounds[:2] == [str(lyrics.lines_min), str(lyrics.lines_max)]
        assert f"{lyrics.lines_min}–{lyrics.lines_max}" in bounds[2]
        _keep(shot)
        assert page.errors == []
    assert shot.stat().st_size > 10_000


LYRICS_REPLY = (
    "봄바람이 창문을 두드린다\n꽃잎이 골목에 내려앉는다\n우리는 천천히 걸어간다\n노래가 멀리 퍼진다"
)
PASTED = (
    "봄비\n\n봄비가 내리는 오래된 골목길을 혼자서 걸어간다\n젖은 돌담 위로 작은 새들이 날아간다"
    "\n\n\n바다\n\n푸른 바다가 가슴을 열고 흰 돛단배가 밀려온다\n나는 먼 하늘을 바라보며 노래를 부른다"
)


@pytest.fixture
async def fresh_site(redis: Redis) -> AsyncIterator[str]:
    """Nothing imported (the ``redis`` fixture starts empty); the model is scripted."""
    settings = load_settings()
    settings.limits.enabled = False
    fake = FakeInference(replies=[LYRICS_REPLY])
    app = create_app(redis, fake, settings=settings)  # type: ignore[arg-type]
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_a_fresh_install_imports_an_artist_from_the_page_and_writes(
    fresh_site: str, tmp_path: Path
) -> None:
    async with chromium() as page:
        await page.accept_language(KOREAN)
        await page.goto(f"{fresh_site}/r/lobby")
        await page.js("document.querySelector('button[data-feature=lyrics]').click()")
        # no artist yet: the import panel is open with its welcome, in the browser's Korean
        await page.wait_for(
            "document.getElementById('lyrics-import').open"
            " && !document.getElementById('lyrics-fresh').hidden"
        )
        panel = await page.js("document.getElementById('lyrics-import').innerText")
        assert "아직 가사를 배운 가수가 없어요" in panel and "No artist has been" not in panel
        assert 'norae lyrics import --artist "가수 이름" songs.txt' in panel
        await page.wait_for("!document.getElementById('import-limits').hidden")
        limits = await page.js("document.getElementById('import-limits').textContent")
        assert "200 KB, 100곡까지" in limits and "songs" not in limits
        shot = await page.screenshot(tmp_path / "web-lyrics-fresh.png")

        # writing before any import says where to go
        await page.js(
            "document.getElementById('lyrics-artist').value = '아이유';"
            "document.querySelector('#lyrics-form button[type=submit]').click()"
        )
        await page.wait_for("!document.getElementById('lyrics-error').hidden")
        said = await page.js("document.getElementById('lyrics-error').textContent")
        assert (
            "가수 가져오기" in said
            and "Import an artist" not in said
            and "norae lyrics" not in said
        )

        # a first import from the page: two songs, split by two blank lines
        await page.js(
            "document.getElementById('import-artist').value = '봄 시인';"
            f"document.getElementById('import-text').value = {PASTED!r};"
            "document.querySelector('#import-form button[type=submit]').click()"
        )
        await page.wait_for("!document.getElementById('import-done').hidden")
        done = await page.js("document.getElementById('import-done').textContent")
        assert "봄 시인의 노래 2곡을 가져왔어요" in done and "Imported" not in done
        assert await page.js("document.getElementById('lyrics-fresh').hidden") is True
        assert await page.js("document.getElementById('lyrics-artist').value") == "봄 시인"
        await page.wait_for(  # the autocomplete knows the artist now
            "[...document.querySelectorAll('#lyrics-artists option')]"
            ".some((o) => o.value === '봄 시인')"
        )
        await page.screenshot(tmp_path / "web-lyrics-imported.png")

        # and a song in that style right away
        await page.js(
            "document.querySelector('#lyrics-form [name=theme]').value = '봄날';"
            "document.querySelector('#lyrics-form [name=lines]').value = '4';"
            "document.querySelector('#lyrics-form button[type=submit]').click()"
        )
        await page.wait_for("!document.getElementById('lyrics-song').hidden")
        assert await page.js("document.getElementById('lyrics-title').textContent") == "봄날"
        sung = await page.js("document.getElementById('lyrics-sections').textContent")
        assert "봄바람이 창문을 두드린다" in sung
        assert await page.js("document.getElementById('lyrics-error').hidden") is True
        last = await page.screenshot(tmp_path / "web-lyrics-written.png")
        for name in ("fresh", "imported", "written"):
            _keep(tmp_path / f"web-lyrics-{name}.png")
        # the one refused request is the write before the import
        refused = [e for e in page.errors if "(Bad Request)" in e]
        assert len(refused) == 1 and refused[0].endswith("/api/lyrics/write")
        assert [e for e in page.errors if e not in refused] == []
    assert shot.stat().st_size > 10_000 and last.stat().st_size > 10_000


async def test_the_more_panel_offers_the_simple_commands_and_runs_them(
    fresh_site: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, catalog: None
) -> None:
    monkeypatch.setattr(bot.commands, "simple_commands", tuple)
    runs = Runs()
    async with chromium() as page:
        await page.accept_language(KOREAN)
        # no simple command on this server: no "More" tab
        await page.goto(f"{fresh_site}/r/lobby")
        await page.wait_for("state.config !== null")
        assert await page.js("document.getElementById('more-tab').hidden") is True

        declared_commands = declared(runs)
        monkeypatch.setattr(bot.commands, "simple_commands", lambda: declared_commands)
        await page.reload()
        await page.wait_for("!document.getElementById('more-tab').hidden")
        tab = await page.js("document.getElementById('more-tab').textContent")
        assert tab == "더보기"
        await page.js("document.getElementById('more-tab').click()")
        await page.wait_for("!document.getElementById('feature-more').hidden")
        assert await page.js("document.getElementById('feature-relay').hidden") is True
        forms = await page.js(
            "[...document.querySelectorAll('#commands form')].map(f => f.dataset.command)"
        )
        assert forms == ["echo", "today"]
        echo = "document.querySelector('#commands form[data-command=echo]')"
        label = await page.js(f"{echo}.querySelector('label').textContent")
        described = await page.js(f"{echo}.querySelector('p.muted').textContent")
        assert (label.strip(), described) == ("뒤집을 글", "보낸 글을 거꾸로 돌려줘요.")
        assert await page.js(f"{echo}.elements.text.maxLength") == 20
        assert await page.js(f"{echo}.elements.text.required") is True

        await page.js(
            f"{echo}.elements.text.value = '봄비가 온다';"
            f"{echo}.querySelector('button[type=submit]').click()"
        )
        await page.wait_for(f"!{echo}.querySelector('.answer').hidden")
        assert await page.js(f"{echo}.querySelector('.answer').textContent") == "다온 가비봄"
        assert runs.requests[0].channel.key == "web:lobby"  # the page's room

        today = "document.querySelector('#commands form[data-command=today]')"
        await page.js(f"{today}.querySelector('button[type=submit]').click()")  # no text needed
        await page.wait_for(f"!{today}.querySelector('.answer').hidden")
        assert await page.js(f"{today}.querySelector('.answer').textContent") == (
            "오늘의 한 줄: 바람"
        )
        shot = await page.screenshot(tmp_path / "web-more.png")
        _keep(shot)

        # in English at once: the forms stay, with their answers; their texts are the server's
        await page.js(f"{echo}.elements.text.value = '바람'")
        await page.js("document.querySelector('#languages [data-lang=en]').click()")
        await page.wait_for(
            f"{echo}.querySelector('label').textContent.trim() === 'Text to turn around'"
        )
        assert await page.js(f"{echo}.querySelector('p.muted').textContent") == (
            "Says your text backwards."
        )
        assert await page.js("document.getElementById('more-tab').textContent") == "More"
        assert await page.js(f"{echo}.elements.text.value") == "바람"
        assert await page.js(f"{echo}.querySelector('.answer').textContent") == "다온 가비봄"
        assert await page.js(f"{today}.elements.text.placeholder") == "optional"
        assert page.errors == []
    assert [r.text for r in runs.requests] == ["봄비가 온다", ""]


# The words of another script a page may show: the brand, the switch's own labels, names.
BRAND = "norae 노래"
IN_KOREAN_TOO = {"norae", "English", "Redis", "KB"}  # the brand, the switch, a program, a unit
JS_VISIBLE = "document.body.innerText"
JS_LOADED = "i18n.loaded && document.getElementById('health').textContent.includes('Redis')"


def _latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text)) - IN_KOREAN_TOO


def _hangul(text: str) -> list[str]:
    return re.findall(r"[\uac00-\ud7a3]+", text.replace(BRAND, "").replace("한국어", ""))


def _text(lang: texts.Lang, code: str) -> str:
    return patterns(lang)[code]


async def _shows(page: Browser, lang: texts.Lang) -> None:
    """The page's own texts are the catalog's in ``lang``, and ``<html lang>`` says so."""
    await page.wait_for(f"document.documentElement.lang === '{lang}'")
    assert await page.js("document.querySelector('#room-form button').textContent") == _text(
        lang, "page-join"
    )
    assert await page.js("document.querySelector('[data-feature=relay]').textContent") == _text(
        lang, "page-tab-relay"
    )
    assert await page.js("document.querySelector('#write-form [name=text]').placeholder") == _text(
        lang, "page-write-placeholder"
    )
    assert await page.js("document.getElementById('languages').ariaLabel") == _text(
        lang, "page-language"
    )
    pressed = await page.js(
        "[...document.querySelectorAll('#languages button')]"
        ".filter((b) => b.getAttribute('aria-pressed') === 'true').map((b) => b.dataset.lang)"
    )
    assert pressed == [lang]


async def test_the_page_speaks_korean_or_english_and_switches_at_once(
    site: str, tmp_path: Path
) -> None:
    async with chromium() as page:
        await page.accept_language(KOREAN)
        await page.goto(f"{site}/r/lobby")
        await page.wait_for(JS_LOADED)
        await page.wait_for("!document.getElementById('no-story').hidden")
        await _shows(page, "ko")
        visible = await page.js(JS_VISIBLE)
        assert _text("ko", "page-no-story") in visible
        assert _latin_words(visible) == set(), visible  # nothing left in English
        shots = [await page.screenshot(tmp_path / "web-page-ko.png")]

        # a story: the texts the script draws (its facts, the activity) are in Korean too
        await page.js(
            "document.getElementById('nick').value = 'Ann';"
            "document.querySelector('#start-form [name=title]').value = 'Spring';"
            "document.querySelector('#start-form button').click()"
        )
        await page.wait_for("document.getElementById('story-title').textContent === 'Spring'")
        await page.wait_for(f"{JS_LOG}.includes('Spring')")
        meta = await page.js("document.getElementById('story-meta').textContent")
        assert "Ann 님이 시작" in meta and "0줄" in meta
        assert "Ann 님이 “Spring” 이야기를 시작했어요" in await page.js(JS_LOG)

        # English at once: no reload, every text follows, the story stays as it was written
        await page.js("window.__same_page = true")
        await page.js("document.querySelector('#languages [data-lang=en]').click()")
        await _shows(page, "en")
        assert await page.js("window.__same_page") is True
        meta = await page.js("document.getElementById('story-meta').textContent")
        assert "started by Ann" in meta and "lines: 0" in meta and "Korean" in meta
        assert "Ann started “Spring”" in await page.js(JS_LOG)
        assert await page.js("document.getElementById('live').textContent") == "live"
        visible = await page.js(JS_VISIBLE)
        assert _hangul(visible) == [], visible
        shots.append(await page.screenshot(tmp_path / "web-page-switched-to-en.png"))

        # the choice is kept in the browser and told to the server, whose own texts follow it
        assert await page.js("localStorage.getItem('norae.lang')") == "en"
        assert "norae_lang=en" in await page.js("document.cookie")
        told = await page.js("fetch('/api/config').then((r) => r.json()).then((c) => c.language)")
        assert told == "en"  # though the browser still asks for Korean
        status = await page.js("fetch('/status').then((r) => r.text())")
        assert "Redis: up" in status

        # a reload keeps the choice
        await page.reload()
        await page.wait_for(JS_LOADED)
        await _shows(page, "en")
        await page.wait_for("document.getElementById('story-title').textContent === 'Spring'")

        # and back to Korean
        await page.js("document.querySelector('#languages [data-lang=ko]').click()")
        await _shows(page, "ko")
        await page.wait_for("document.getElementById('story-meta').textContent.includes('0줄')")
        assert await page.js("localStorage.getItem('norae.lang')") == "ko"
        assert page.errors == []

    async with chromium() as page:  # a new browser that asks for English
        await page.accept_language(ENGLISH)
        await page.goto(f"{site}/r/lobby")
        await page.wait_for(JS_LOADED)
        await _shows(page, "en")
        visible = await page.js(JS_VISIBLE)
        assert _hangul(visible) == [], visible  # nothing left in Korean
        assert "lines: 0" in visible and "started by Ann" in visible  # the same story
        shots.append(await page.screenshot(tmp_path / "web-page-en.png"))
        assert page.errors == []

    for shot in shots:
        assert shot.stat().st_size > 10_000
        _keep(shot)
