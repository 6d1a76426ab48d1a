"""Import round trips: plain text and Genius CSV, including bad rows and files."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot import texts
from bot.cli.main import app
from bot.lyrics.importing import (
    content_hash,
    decode,
    parse_genius_csv,
    parse_text,
    parse_text_file,
    split_songs,
)
from bot.lyrics.service import LyricsService
from contract.settings import LyricsSettings
from storage.connection import Redis
from storage.lyrics import LyricsStore
from tests.conftest import SHARED_DATA, RedisServer

MANY = """1. 봄비
봄비가 내리는 골목길
젖은 돌담 위로 새가 난다
==================================================
Harbour Lights

[Verse 1]
Lights on the harbour, boats coming home
[Chorus]
Sing it again, sing it slow
[후렴]
노래는 끝나지 않아
---
no title here but lyrics
and another line
and a third
"""


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_plain_text_with_separators_titles_and_sections(tmp_path: Path) -> None:
    result = parse_text_file(_write(tmp_path / "mixed.txt", MANY))
    assert result.skipped == []
    titles = [s.title for s in result.songs]
    assert titles == ["봄비", "Harbour Lights", "mixed 3"]
    first, second, third = result.songs
    assert first.language == "ko" and first.sections[0].name is None
    assert [s.name for s in second.sections] == ["Verse 1", "Chorus", "후렴"]
    assert second.sections[1].lines == ("Sing it again, sing it slow",)
    assert second.text.startswith("[Verse 1]\nLights on the harbour")
    assert third.body.splitlines()[0] == "no title here but lyrics"


def test_pasted_text_also_splits_on_two_blank_lines() -> None:
    text = "봄\n\n첫 줄\n둘째 줄\n\n셋째 줄\n\n\n \n여름\n\n바다 줄\r\n\r\n\r\n가을 줄\n"
    pasted = parse_text(text, source="pasted", name="시인", blank_lines=True)
    assert [s.title for s in pasted.songs] == ["봄", "여름", "시인 3"]
    assert [len(s.sections[0].lines) for s in pasted.songs] == [3, 1, 1]
    # A file keeps its old rule: only separator lines split it (blank lines are squashed).
    assert len(parse_text(text, source="f.txt", name="f").songs) == 1


def test_one_song_per_file_is_named_after_the_file(tmp_path: Path) -> None:
    song = parse_text_file(_write(tmp_path / "river.txt", "the river runs\nall night long\n"))
    assert [s.title for s in song.songs] == ["river"]
    assert song.songs[0].body == "the river runs\nall night long"


def test_bad_files_are_reported_and_skipped(tmp_path: Path) -> None:
    empty = _write(tmp_path / "empty.txt", "  \n\n")
    utf16 = _write(tmp_path / "utf16.txt", "가사 한 줄\n", "utf-16")
    cp949 = _write(tmp_path / "cp949.txt", "제목: 옛 노래\n가을 바람이 분다\n", "cp949")
    headers_only = _write(tmp_path / "headers.txt", "[Chorus]\n[Verse]\n")
    results = {p.name: parse_text_file(p) for p in (empty, utf16, cp949, headers_only)}
    assert [s.reason("en") for s in results["empty.txt"].skipped] == ["empty file"]
    assert "UTF-8 or CP949/EUC-KR" in results["utf16.txt"].skipped[0].reason("en")
    assert results["utf16.txt"].songs == []
    assert [s.title for s in results["cp949.txt"].songs] == ["옛 노래"]
    assert results["headers.txt"].songs == []
    assert results["headers.txt"].skipped[0].source == "headers.txt"
    missing = parse_text_file(tmp_path / "missing.txt")
    assert missing.skipped[0].reason("en").startswith("cannot read")
    skipped = [s for r in [*results.values(), missing] for s in r.skipped]
    for each in skipped:  # each said in Korean too, in words of its own
        korean, english = each.reason("ko"), each.reason("en")
        assert re.search("[가-힣]", korean) and korean != english, each
        assert texts.both(each.code, **each.params) == f"{korean} / {english}"


def test_decode_and_hash() -> None:
    assert decode("\ufeff노래".encode()) == ("노래", "utf-8")
    assert decode("노래".encode("euc-kr")) == ("노래", "cp949")
    assert content_hash("Sing, it AGAIN!\n\nnow") == content_hash("sing it again now")
    assert split_songs("a\n=\nb\n----\nc\n===") == ["a", "b", "c"]


def _csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    fields = ["title", "tag", "artist", "year", "views", "features", "lyrics", "id", "language"]
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow({f: row.get(f, "") for f in fields})
    return path


ROWS = [
    {"title": "Song A", "artist": "Band", "lyrics": "[Intro]\nla la\n[Chorus]\nhey hey", "id": "1"},
    {"title": "Song B", "artist": "Band", "lyrics": "", "id": "2"},
    {"title": "Song C", "artist": "Other", "lyrics": "other lyrics", "id": "3"},
    {
        "title": "Song A (live)",
        "artist": "band",
        "lyrics": "[Intro]\nLa la!\n[Chorus]\nhey, hey",
        "id": "4",
    },
    {
        "title": "노래",
        "artist": "Band",
        "lyrics": "한국어 가사\n둘째 줄",
        "id": "5",
        "language": "ko",
    },
    {"title": "Nameless", "artist": "", "lyrics": "words", "id": "6"},
]


def test_genius_csv_round_trip(tmp_path: Path) -> None:
    result = parse_genius_csv(_csv(tmp_path / "g.csv", ROWS), progress=True)
    assert [s.title for s in result.songs] == ["Song A", "Song C", "Song A (live)", "노래"]
    assert [s.artist for s in result.songs] == ["Band", "Other", "band", "Band"]
    assert [s.name for s in result.songs[0].sections] == ["Intro", "Chorus"]
    assert result.songs[3].language == "ko"
    reasons = {s.source: s.reason("en") for s in result.skipped}
    assert reasons == {"g.csv row 2 (id 2)": "missing lyrics", "g.csv row 6 (id 6)": "no artist"}


def test_genius_csv_one_artist_cp949(tmp_path: Path) -> None:
    path = _csv(tmp_path / "g.csv", ROWS, encoding="cp949")
    result = parse_genius_csv(path, artist="BAND", progress=False)
    assert [s.title for s in result.songs] == ["Song A", "Song A (live)", "노래"]
    assert {s.artist for s in result.songs} == {"BAND"}
    assert [s.reason("en") for s in result.skipped] == ["missing lyrics", "no artist"]


def test_genius_csv_bad_files(tmp_path: Path) -> None:
    empty = _write(tmp_path / "empty.csv", "")
    utf16 = _write(tmp_path / "u16.csv", "title,lyrics\nA,B\n", "utf-16")
    wrong = _write(tmp_path / "wrong.csv", "name,text\nA,B\n")
    assert parse_genius_csv(empty).skipped[0].reason("en") == "empty file"
    assert "UTF-8" in parse_genius_csv(utf16).skipped[0].reason("en")
    assert "missing: lyrics, title" in parse_genius_csv(wrong).skipped[0].reason("en")


async def test_import_into_redis_skips_duplicates(redis: Redis, tmp_path: Path) -> None:
    service = LyricsService(redis, None, LyricsSettings())
    files = [_write(tmp_path / "mixed.txt", MANY), _write(tmp_path / "empty.txt", "")]
    report = await service.import_files("Test Poet", files)
    assert len(report.imported) == 3
    assert [s.reason("en") for s in report.skipped] == ["empty file"]
    again = await service.import_files("test poet", [files[0]])
    assert again.imported == []
    assert [s.reason("en") for s in again.skipped] == [
        "duplicate of “봄비”",
        "duplicate of “Harbour Lights”",
        "duplicate of “mixed 3”",
    ]
    stored = await LyricsStore(redis).songs("Test Poet")
    assert sorted(s.title for s in stored) == ["Harbour Lights", "mixed 3", "봄비"]
    harbour = next(s for s in stored if s.title == "Harbour Lights")
    assert [name for name, _ in harbour.sections] == ["Verse 1", "Chorus", "후렴"]

    csv_report = await service.import_csv(_csv(tmp_path / "g.csv", ROWS))
    assert csv_report.artists == ["Band", "Other"]
    assert any(s.reason("en") == "duplicate of “Song A”" for s in csv_report.skipped)
    assert sorted(await LyricsStore(redis).all_artists()) == ["Band", "Other", "Test Poet"]


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is absent")
def test_real_poems_parse() -> None:
    path = SHARED_DATA / "lyrics" / "ko_poems" / "이육사.txt"
    if not path.is_file():
        pytest.skip("poem file absent")
    result = parse_text_file(path)
    assert result.songs and result.skipped == []
    assert result.songs[0].title == "청포도"
    assert result.songs[0].language == "ko"


def test_cli_import_of_a_missing_file_is_a_usage_error(
    tmp_path: Path, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NORAE_REDIS_URL", redis_server.url)
    result = CliRunner().invoke(
        app, ["lyrics", "import", "--artist", "김소월", str(tmp_path / "missing.txt")]
    )
    assert result.exit_code == 2, result.output
    assert "파일이 없습니다" in result.output and "no such file" in result.output
    no_csv = CliRunner().invoke(app, ["lyrics", "import", "--csv", str(tmp_path / "gone.csv")])
    assert no_csv.exit_code == 2, no_csv.output
