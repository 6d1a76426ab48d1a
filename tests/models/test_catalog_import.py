"""The import pipeline on real Redis: CSV problems, bad audio, idempotent re-import, the index
pointer, and the ``similar`` job end to end through a real worker that reloads a new version."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from pydantic import ValidationError
from typer.testing import CliRunner

from bot.catalog import Catalog, resolve_package_url
from bot.cli.main import app
from bot.cli.text import skip_reason
from bot.inference import InferenceClient, JobError
from contract.jobs import ErrorCode
from models.audio import UNREADABLE
from models.catalog_import import (
    CHUNK,
    CsvError,
    analyse_files,
    analysis_pool,
    chunk_size,
    demo_rows,
    import_rows,
    read_csv,
    song_id_for,
)
from models.handlers_similar import SimilarHandler
from storage import keys
from storage.catalog import CatalogStore
from storage.connection import Redis
from tests.conftest import RedisServer, sync_client
from tests.worker_support import running_worker

SR = 22_050


def tone(path: Path, seconds: float, freq: float) -> None:
    t = np.arange(int(seconds * SR)) / SR
    noise = 0.05 * np.random.default_rng(int(freq)).standard_normal(t.size)
    sf.write(path, (0.3 * np.sin(2 * np.pi * freq * t) + noise).astype(np.float32), SR)


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["Title", "artist", "url", "emotion", "audio"])
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def songs_csv(tmp_path: Path) -> Path:
    audio = tmp_path / "audio"
    audio.mkdir()
    rows = []
    for i, freq in enumerate([200, 260, 330, 440, 550, 700, 880, 1100]):
        tone(audio / f"t{i}.wav", 1.5, freq)
        mood = "joy" if i % 2 else "sadness; calm"
        rows.append(
            {
                "Title": f"Tone {i}",
                "artist": "Synth",
                "url": f"https://x/{i}",
                "emotion": mood,
                "audio": f"t{i}.wav",
            }
        )
    rows.append({"Title": "No Audio", "artist": "Synth", "url": "", "emotion": "joy", "audio": ""})
    rows.append({"Title": "", "artist": "Nobody", "url": "", "emotion": "joy", "audio": ""})
    rows.append(
        {"Title": "Ghost", "artist": "Synth", "url": "", "emotion": "joy", "audio": "gone.wav"}
    )
    rows.append({"Title": "tone 0", "artist": " synth", "url": "", "emotion": "joy", "audio": ""})
    tone(audio / "short.wav", 0.5, 300)
    rows.append(
        {"Title": "Blip", "artist": "Synth", "url": "", "emotion": "joy", "audio": "short.wav"}
    )
    (audio / "broken.wav").write_bytes(b"RIFF....WAVEfmt " + bytes(range(256)))
    rows.append(
        {"Title": "Broken", "artist": "Synth", "url": "", "emotion": "joy", "audio": "broken.wav"}
    )
    return write_csv(tmp_path / "songs.csv", rows)


def test_csv_bad_rows_are_reported_and_skipped(songs_csv: Path) -> None:
    rows, skipped = read_csv(songs_csv, songs_csv.parent / "audio")
    assert [r.song.title for r in rows][-3:] == ["No Audio", "Blip", "Broken"]
    reasons = {s.ref: s.reason for s in skipped}
    assert reasons == {
        "line 11": "missing title",
        "line 12": "audio file not found: gone.wav",
        "line 13": "duplicate of line 2",  # same artist + title, other case and spacing
    }
    assert rows[0].song.moods == ("sadness", "calm") and rows[0].song.id == song_id_for(
        "Synth", "Tone 0"
    )


async def test_import_skips_bad_audio_then_reimport_is_idempotent(
    redis: Redis, songs_csv: Path, tmp_path: Path
) -> None:
    rows, skipped = read_csv(songs_csv, songs_csv.parent / "audio")
    index_dir = tmp_path / "index"
    report = await import_rows(redis, rows, index_dir, skipped=skipped, n_trees=4, jobs=1)
    reasons = {s.title: s.reason for s in report.skipped}
    assert reasons["Blip"].startswith("too short") and reasons["Broken"] == UNREADABLE
    assert "Error" not in reasons["Broken"]  # a plain reason, not a decoder's exception name
    ko, en = skip_reason(reasons["Broken"])
    assert "오디오 파일을 열 수 없음" in ko and en.startswith("cannot open the audio file")
    assert (report.added, report.analysed, report.songs) == (9, 8, 9)
    assert report.index is not None and report.index.count == 8 and report.index_rebuilt
    store = CatalogStore(redis)
    assert await store.count() == 9
    assert await store.moods() == {"joy": 5, "calm": 4, "sadness": 4}
    snapshot = {k: await redis.type(k) for k in await redis.keys("*")}

    again = await import_rows(redis, rows, index_dir, skipped=skipped, n_trees=4, jobs=1)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 9)
    assert (again.analysed, again.reused) == (0, 8)
    assert not again.index_rebuilt and again.index == report.index
    assert {k: await redis.type(k) for k in await redis.keys("*")} == snapshot
    assert len(list(index_dir.glob("*.ann"))) == 1


async def test_similar_job_end_to_end_and_reload_without_restart(
    redis: Redis, songs_csv: Path, tmp_path: Path
) -> None:
    rows, _ = read_csv(songs_csv, songs_csv.parent / "audio")
    index_dir = tmp_path / "index"
    first = await import_rows(redis, rows[:6], index_dir, n_trees=4, jobs=1)
    handler = SimilarHandler(index_dir, redis=redis, reload_check_s=0)
    picked = rows[0].song.id
    catalog = Catalog(redis)
    async with running_worker(redis, {"similar": handler}), InferenceClient(redis) as client:
        result = await client.similar(picked, k=5, timeout=10)
        assert handler.version == first.index.version  # type: ignore[union-attr]
        assert result.found and result.version == handler.version
        assert picked not in result.song_ids
        assert len(set(result.song_ids)) == len(result.song_ids) == 5
        assert result.distances == sorted(result.distances)

        second = await import_rows(redis, rows, index_dir, n_trees=4, jobs=1)  # 2 more songs
        assert second.index is not None and second.index.version != first.index.version  # type: ignore[union-attr]
        again = await client.similar(picked, k=7, exclude=[rows[1].song.id], timeout=10)
        assert handler.version == second.index.version
        ids = [s.id for s in await catalog.songs(again.song_ids)]
        assert len(ids) == len(set(ids)) == 6  # 8 indexed, minus itself and one excluded
        assert picked not in ids and rows[1].song.id not in ids

        no_audio = next(r.song.id for r in rows if r.song.title == "No Audio")
        assert (await client.similar(no_audio, timeout=10)).song_ids == []
        with pytest.raises(ValidationError):  # refused before it is queued
            await client.similar(picked, k=0, timeout=10)


async def test_similar_without_an_index_fails_clearly(redis: Redis, tmp_path: Path) -> None:
    handler = SimilarHandler(tmp_path, redis=redis)
    async with running_worker(redis, {"similar": handler}), InferenceClient(redis) as client:
        with pytest.raises(JobError) as failed:
            await client.similar("x", timeout=10)
    assert failed.value.job_code is ErrorCode.NO_INDEX
    assert "no song index yet" in failed.value.detail  # the worker's words, for the log


async def test_catalog_finds_songs_by_mood(redis: Redis, songs_csv: Path, tmp_path: Path) -> None:
    rows, _ = read_csv(songs_csv, songs_csv.parent / "audio")
    await CatalogStore(redis).upsert([r.song for r in rows[:8]])
    catalog = Catalog(redis)
    joy = await catalog.songs(sorted(await catalog.ids_by_moods(["Joy"])))  # any case
    assert {s.title for s in joy} == {"Tone 1", "Tone 3", "Tone 5", "Tone 7"}
    assert await catalog.count() == 8
    assert await catalog.song("nope") is None


def test_demo_rows_list_the_packaged_tracks() -> None:
    rows = demo_rows()
    assert len(rows) == 28
    assert {m for r in rows for m in r.song.moods} == {
        "calm",
        "energetic",
        "happy",
        "nostalgic",
        "tender",
    }
    assert len({r.song.id for r in rows}) == 28
    first = rows[0].song
    assert first.title == "Calm Acoustic 1" and first.url.startswith(
        "package://immich_memories_music/"
    )
    assert resolve_package_url(first.url) == rows[0].audio_path
    assert resolve_package_url("package://immich_memories_music/../x") is None
    assert resolve_package_url("https://example.com/a.mp3") is None


@pytest.mark.slow
async def test_process_pool_import(redis: Redis, songs_csv: Path, tmp_path: Path) -> None:
    rows, _ = read_csv(songs_csv, songs_csv.parent / "audio")
    report = await asyncio.wait_for(
        import_rows(redis, rows, tmp_path / "i", n_trees=4, jobs=2), 120
    )
    assert report.analysed == 8 and {s.title for s in report.skipped} == {"Blip", "Broken"}


@pytest.mark.slow
def test_a_pool_serves_several_batches_with_the_same_vectors(songs_csv: Path) -> None:
    rows, _ = read_csv(songs_csv, songs_csv.parent / "audio")
    paths = {r.song.id: r.audio_path for r in rows if r.audio_path is not None}
    alone, _ = analyse_files(paths, jobs=1)
    with analysis_pool(2) as pool:
        first, why = analyse_files(paths, pool=pool)
        second, _ = analyse_files(dict(list(paths.items())[:3]), pool=pool)  # the same processes
    assert first == alone and len(first) == 8
    assert set(why) == {song_id_for("Synth", "Blip"), song_id_for("Synth", "Broken")}
    assert second == {sid: alone[sid] for sid in second} and len(second) == 3


def _catalog_size(url: str) -> int:
    client = sync_client(url)
    try:
        return int(client.scard(keys.catalog_songs()))
    finally:
        client.close()


def test_an_unterminated_quote_fails_the_import(
    tmp_path: Path, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text('title,artist,url\nGood,A,http://x\n"Bad,B,http://y\nOther,C,z\n')
    with pytest.raises(CsvError, match="line 3") as caught:
        read_csv(bad)
    assert "3번째 줄" in caught.value.ko
    flush = sync_client(redis_server.url)
    flush.flushall()
    flush.close()
    monkeypatch.setenv("NORAE_REDIS_URL", redis_server.url)
    result = CliRunner().invoke(app, ["catalog", "import", str(bad), "--no-progress"])
    assert result.exit_code == 1, result.output
    assert "따옴표" in result.output and "quote" in result.output
    assert _catalog_size(redis_server.url) == 0  # no junk song


def test_import_exit_codes(
    tmp_path: Path, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """0 every row in, 1 some rows skipped, 2 the command cannot run as typed."""
    flush = sync_client(redis_server.url)
    flush.flushall()
    flush.close()
    monkeypatch.setenv("NORAE_REDIS_URL", redis_server.url)
    runner = CliRunner()
    good = write_csv(
        tmp_path / "good.csv",
        [{"Title": "One", "artist": "A", "url": "", "emotion": "joy", "audio": ""}],
    )
    ok = runner.invoke(app, ["catalog", "import", str(good), "--no-progress"])
    assert ok.exit_code == 0, ok.output
    missing_dir = runner.invoke(
        app, ["catalog", "import", str(good), "--audio-dir", str(tmp_path / "nope")]
    )
    assert missing_dir.exit_code == 2 and "폴더가 없습니다" in missing_dir.output
    assert "no such folder" in missing_dir.output
    no_file = runner.invoke(app, ["catalog", "import", str(tmp_path / "gone.csv")])
    assert no_file.exit_code == 2 and "no such file" in no_file.output
    partly = write_csv(
        tmp_path / "partly.csv",
        [
            {"Title": "Two", "artist": "A", "url": "", "emotion": "joy", "audio": ""},
            {"Title": "Ghost", "artist": "A", "url": "", "emotion": "joy", "audio": "gone.wav"},
        ],
    )
    some = runner.invoke(app, ["catalog", "import", str(partly), "--no-progress"])
    assert some.exit_code == 1, some.output
    assert "오디오 파일이 없음: gone.wav" in some.output
    assert _catalog_size(redis_server.url) == 2


def test_pool_tasks_shrink_on_small_batches() -> None:
    """A small batch goes one file a task (no process idles on another's long chunk); a large
    import sends CHUNK files a task (fewer round trips)."""
    assert chunk_size(28, 2) == 1
    assert chunk_size(10_000, 2) == CHUNK
    assert chunk_size(0, 4) == 1
    assert all(1 <= chunk_size(n, 3) <= CHUNK for n in range(200))
