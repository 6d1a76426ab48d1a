"""The default song catalog and what the companion does with it, on real Redis: the bundled CSV
(size, languages, mood tags, links, no lyrics), cards with links and lyric snippets, neighbours by
artist and mood for a pick without audio, and moods tagged from lyrics by the emotion model (a
classifier loaded here, and the workers' ``classify`` job)."""

from __future__ import annotations

import asyncio
import csv
import random
import urllib.parse
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from bot import texts
from bot.catalog import Catalog, default_songs_csv
from bot.cli.catalog import TaggingUnavailable, _run
from bot.mood.service import MoodService
from contract.settings import MoodSettings, load_settings
from models.catalog_import import (
    DEMO_ARTIST,
    default_rows,
    import_rows,
    read_csv,
    tag_moods_from_lyrics,
)
from storage.catalog import CatalogStore
from storage.connection import Redis
from storage.conversations import Turn
from storage.job_streams import JobStreams
from tests.bot.test_mood import FakeInference
from tests.conftest import RedisServer
from tests.worker_support import running_worker

VOCABULARY = {"happy", "energetic", "tender", "calm", "nostalgic"}
LYRICS_CSV = """title,artist,url,moods,lyrics
Rain Song,Tester,https://example.com/rain,tender,"the rain keeps falling
on the window all night
I wait for the morning light"
No Moods,Tester,https://example.com/none,,"so happy today
we dance in the sun"
Plain,Tester,https://example.com/plain,calm,
"""


def bundled_csv() -> list[dict[str, str]]:
    path = resources.files("bot.data") / "default_songs.csv"
    with open(str(path), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_default_catalog_is_big_bilingual_tagged_and_linked() -> None:
    rows = bundled_csv()
    assert len(rows) >= 300
    languages = Counter(r["language"] for r in rows)
    assert set(languages) == {"ko", "en"} and min(languages.values()) >= 0.4 * len(rows)
    assert "lyrics" not in rows[0]  # never bundled
    for r in rows:
        assert r["title"].strip() and r["artist"].strip()
        moods = set(r["moods"].split(";"))
        assert moods and moods <= VOCABULARY, r
        query = urllib.parse.quote_plus(f"{r['artist']} {r['title']}")
        assert r["url"] == f"https://www.youtube.com/results?search_query={query}"
    settings = MoodSettings()
    for mapping in (settings.match, settings.lift):
        for emotion, wanted in mapping.items():  # every emotion finds plenty under both policies
            fitting = [r for r in rows if set(r["moods"].split(";")) & set(wanted)]
            assert len(fitting) >= 60, emotion
            assert {r["language"] for r in fitting} == {"ko", "en"}

    imported = default_rows(default_songs_csv())  # the songs, then the demo tracks with their audio
    songs = [r for r in imported if r.song.artist != DEMO_ARTIST]
    assert len(songs) == len(rows) and len(imported) - len(songs) == 28
    assert len({r.song.id for r in imported}) == len(imported)
    assert all(r.audio_path is None and not r.song.lyrics for r in songs)
    assert Counter(r.song.language for r in songs) == languages
    assert all(r.audio_path is not None for r in imported if r.song.artist == DEMO_ARTIST)


async def load_default_songs(redis: Redis) -> None:
    songs = [r.song for r in default_rows(default_songs_csv()) if r.song.artist != DEMO_ARTIST]
    await CatalogStore(redis).upsert(songs)


async def test_cards_carry_title_artist_link_and_never_repeat_in_20(redis: Redis) -> None:
    await load_default_songs(redis)
    mood = MoodService(redis, FakeInference(), Catalog(redis), MoodSettings(), rng=random.Random(1))
    seen: list[str] = []
    for _ in range(12):  # sixty songs for sadness, none within the last 20 again
        reply = await mood.message("web:c", "오늘 너무 슬퍼요")
        assert len(reply.songs) == 5 and {s.mood for s in reply.songs} <= {"tender", "calm"}
        for card in reply.songs:
            assert card.title and card.artist and card.snippet == ""
            assert card.url.startswith("https://www.youtube.com/results?search_query=")
        ids = [s.id for s in reply.songs]
        assert not set(ids) & set(seen[-20:])
        seen += ids
        languages = Counter(s.language for s in await mood.catalog.songs(ids))
        assert languages["ko"] >= 3  # a Korean writer hears mostly Korean songs
    assert "새로" not in reply.text and texts.text("mood-intro-match", "ko") in reply.text
    english = await mood.message("web:e", "I feel so sad today")
    languages = Counter(s.language for s in await mood.catalog.songs([s.id for s in english.songs]))
    assert languages["en"] >= 3 and len(english.songs) == 5


async def test_a_pick_without_audio_gets_neighbours_by_artist_and_mood(redis: Redis) -> None:
    await load_default_songs(redis)
    catalog = Catalog(redis, rng=random.Random(0))
    mood = MoodService(redis, FakeInference(), catalog, MoodSettings(), rng=random.Random(0))
    by_title = {
        (s.artist, s.title): s for s in await catalog.songs(sorted(await catalog.store.ids()))
    }
    night = by_title[("아이유", "밤편지")]
    one_song = by_title[("전인권", "걱정말아요 그대")]  # the only song of its artist
    await mood.store.record(
        "kakao:p", Turn("슬퍼", "…"), last_list=[night.id, one_song.id], language="ko"
    )

    reply = await mood.pick("kakao:p", 1)
    assert reply.likeness == "artist+mood" and len(reply.songs) == 5
    assert "같은 가수(아이유)" in reply.text and "잔잔한, 애틋한" in reply.text
    picked = await catalog.songs([s.id for s in reply.songs])
    assert [s.artist for s in picked[:3]] == ["아이유"] * 3  # the artist first
    assert all(set(s.moods) & {"calm", "tender"} for s in picked)  # the rest by shared mood
    assert night.id not in {s.id for s in picked}

    await mood.store.record("kakao:p", Turn("슬퍼", "…"), last_list=[one_song.id], language="en")
    reply = await mood.pick("kakao:p", 1)
    assert reply.likeness == "mood" and len(reply.songs) == 5
    assert reply.text == texts.text(
        "mood-neighbours-mood", "en", title="걱정말아요 그대", moods="calm, nostalgic"
    )
    picked = await catalog.songs([s.id for s in reply.songs])
    assert all(set(s.moods) >= {"calm", "nostalgic"} for s in picked)  # most moods shared first
    assert sum(any("가" <= c <= "힣" for c in s.title + s.artist) for s in picked) >= 3


async def test_lyrics_become_a_snippet_on_the_card(redis: Redis, tmp_path: Path) -> None:
    path = tmp_path / "songs.csv"
    path.write_text(LYRICS_CSV, encoding="utf-8")
    rows, skipped = read_csv(path)
    assert skipped == [] and rows[0].song.lyrics.count("\n") == 2
    await import_rows(redis, rows, tmp_path / "index")
    mood = MoodService(
        redis, FakeInference(), Catalog(redis), MoodSettings(match={"sadness": ["tender"]})
    )
    reply = await mood.message("web:l", "I'm sad, the rain won't stop")
    card = reply.songs[0]
    assert (card.title, card.artist, card.url) == (
        "Rain Song",
        "Tester",
        "https://example.com/rain",
    )
    assert reply.songs[0].snippet == "the rain keeps falling\non the window all night"


async def test_import_tags_moods_from_lyrics_with_a_local_classifier(
    redis_server: RedisServer, redis: Redis, tiny_classifier: Path, tmp_path: Path
) -> None:
    from models.classification import LocalClassifier
    from models.loading import load_classifier

    path = tmp_path / "songs.csv"
    path.write_text(LYRICS_CSV, encoding="utf-8")
    rows, _ = read_csv(path)
    settings = load_settings(
        redis={"url": redis_server.url},
        models={"classifier": str(tiny_classifier)},
        data_dir=tmp_path / "data",
    )
    report = await _run(settings, rows, [], 1, False, "auto")  # no worker: loaded here
    assert report.tagged == 1 and report.songs == 3
    label = (
        LocalClassifier(load_classifier(str(tiny_classifier)))
        .predict(["so happy today\nwe dance in the sun"])[0]
        .label
    )
    catalog = Catalog(redis)
    songs = {s.title: s for s in await catalog.songs(sorted(await catalog.store.ids()))}
    assert songs["No Moods"].moods == tuple(sorted(MoodSettings().match[label]))
    assert songs["Rain Song"].moods == ("tender",) and songs["Plain"].moods == ("calm",)

    with pytest.raises(TaggingUnavailable, match="no live worker serves classify"):
        await _run(settings, rows, [], 1, False, "worker")


async def test_tagging_through_the_workers_classify_job(
    redis_server: RedisServer, redis: Redis, tiny_classifier: Path, tmp_path: Path
) -> None:
    from bot.inference import InferenceClient
    from models.classification import LocalClassifier
    from models.handlers import ClassifyHandler
    from models.loading import load_classifier

    path = tmp_path / "songs.csv"
    path.write_text(LYRICS_CSV, encoding="utf-8")
    rows, _ = read_csv(path)
    local = LocalClassifier(load_classifier(str(tiny_classifier)))
    handler = ClassifyHandler(local)
    match = MoodSettings().match
    settings = load_settings(
        redis={"url": redis_server.url},
        models={"classifier": str(tiny_classifier / "missing")},  # only a worker can tag
        data_dir=tmp_path / "data",
    )
    async with running_worker(redis, {"classify": handler}), InferenceClient(redis) as client:
        tagged, count = await asyncio.wait_for(tag_moods_from_lyrics(rows, client, match), 30)
        for _ in range(50):  # until its first heartbeat
            if await JobStreams(redis).live_workers():
                break
            await asyncio.sleep(0.1)
        report = await asyncio.wait_for(_run(settings, rows, [], 1, False, "auto"), 60)
    label = local.predict(["so happy today\nwe dance in the sun"])[0].label
    assert count == 1 and report.tagged == 1
    assert [r.song.moods for r in tagged] == [("tender",), tuple(match[label]), ("calm",)]
    catalog = Catalog(redis)
    stored = await catalog.songs(sorted(await catalog.ids_by_moods(match[label])))
    assert "No Moods" in {s.title for s in stored}


def test_the_coverage_report_counts_the_bundled_catalog() -> None:
    from benchmarks import catalog_coverage

    entries = catalog_coverage.read_entries(catalog_coverage.bundled_csv())
    assert len(entries) == len(bundled_csv()) + 28
    text = catalog_coverage.report(entries, MoodSettings())
    assert text.startswith(f"catalog: {len(entries)} songs")
    assert "per emotion under match" in text and "per emotion under lift" in text
    assert "thin" not in text  # no emotion runs thin under any policy
    assert text.endswith("songs without a mood: 0")
