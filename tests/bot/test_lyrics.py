"""The lyrics service end to end on real Redis with a worker: write, novelty guard, artists, CLI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot import texts
from bot.cli.main import app
from bot.inference import InferenceClient
from bot.lyrics.importing import ParseResult, parse_text
from bot.lyrics.service import (
    LyricsError,
    LyricsService,
    NoArtistsError,
    WrittenSong,
    break_line,
    label_sections,
)
from contract.jobs import GenerateRequest, GenerateResult
from contract.settings import LyricsSettings
from models.handlers import GenerateHandler
from storage import keys
from storage.connection import Redis
from storage.lyrics import fold_artist
from tests.bot.refusals import refused
from tests.conftest import RedisServer, sync_client
from tests.worker_support import running_worker

KO_ARTIST = "소월 테스트"
EN_ARTIST = "Test Hymnist"
KO_TEXT = """1. 봄비
봄비가 내리는 오래된 골목길을 혼자서 천천히 걸어가면
젖은 돌담 위로 작은 새들이 날아가고
어머니의 목소리가 멀리서 들려온다
=====
2. 바다
푸른 바다가 가슴을 열고 흰 돛단배가 곱게 밀려오면
나는 먼 하늘을 바라보며 오래된 노래를 부른다
"""
EN_TEXT = """Morning Hymn

Morning has broken over the silent valley of my fathers
Light of the hills, shine on the weary traveller
Sing to the river and sing to the sea
"""
COPIED_LINE = "봄비가 내리는 오래된 골목길을 혼자서 천천히 걸어가면"
NEW_LINES = ["새로운 아침이 밝았다", "달빛이 창가에 머문다", "우리는 다시 만나리"]
SETTINGS = LyricsSettings(candidates=2, max_regenerations=2, lines_default=6)


class ScriptedGenerator:
    """A generator that answers call ``i`` with ``script[min(i, last)]`` for every candidate."""

    def __init__(self, script: list[str]) -> None:
        self.script = script
        self.requests: list[GenerateRequest] = []

    def generate(self, requests: list[GenerateRequest]) -> list[GenerateResult]:
        out = []
        for req in requests:
            text = self.script[min(len(self.requests), len(self.script) - 1)]
            self.requests.append(req)
            out.append(GenerateResult(texts=[[text] * req.n for _ in req.prompts]))
        return out


async def _seed(service: LyricsService) -> None:
    ko = parse_text(KO_TEXT, source="ko.txt", name="ko")
    en = parse_text(EN_TEXT, source="en.txt", name="en")
    await service.import_parsed(ko, KO_ARTIST)
    await service.import_parsed(en, EN_ARTIST)
    await service.import_parsed(parse_text("가을 노래\n\n낙엽\n", source="x", name="x"), "김영랑")
    await service.import_parsed(
        parse_text("autumn\n\nleaves\n", source="y", name="y"), "Isaac Watts"
    )


@pytest.fixture
async def client(redis: Redis) -> AsyncIterator[InferenceClient]:
    async with InferenceClient(redis, timeout_s=20) as inference:
        yield inference


async def _write_with(
    redis: Redis, client: InferenceClient, generator: object, **kwargs: object
) -> WrittenSong:
    service = LyricsService(redis, client, SETTINGS)
    await _seed(service)
    async with running_worker(redis, {"generate": GenerateHandler(generator)}):
        return await service.write(KO_ARTIST, **kwargs)  # type: ignore[arg-type]


async def _assert_no_copy(redis: Redis, song: WrittenSong) -> None:
    service = LyricsService(redis, None, SETTINGS)
    corpus = await service.corpus(song.artist)
    assert corpus.index.check(song.title + "\n" + song.text) == []


@pytest.mark.slow
async def test_write_with_the_tiny_model(
    redis: Redis, client: InferenceClient, tiny_gpt2: Path
) -> None:
    from models.generation import LocalGenerator
    from models.loading import load_causal_lm

    generator = LocalGenerator(load_causal_lm(str(tiny_gpt2)))
    service = LyricsService(redis, client, SETTINGS)
    await _seed(service)
    async with running_worker(redis, {"generate": GenerateHandler(generator)}):
        song = await service.write(EN_ARTIST.lower(), theme="river light", lines=6)
    assert song.artist == EN_ARTIST
    assert song.title == "river light"
    assert song.sections and all(s.lines for s in song.sections)
    assert sum(len(s.lines) for s in song.sections) <= 6
    assert song.text.startswith(f"[{song.sections[0].name}]")
    assert song.attempts >= 1
    await _assert_no_copy(redis, song)


async def test_copy_is_rejected_then_regenerated(redis: Redis, client: InferenceClient) -> None:
    copying = "\n".join([NEW_LINES[0], COPIED_LINE, NEW_LINES[1]])
    clean = "\n".join(NEW_LINES)
    generator = ScriptedGenerator([copying, clean])
    song = await _write_with(redis, client, generator, theme="봄비 골목길", lines=6)
    assert (song.attempts, song.rejected, song.cut) == (2, 2, False)
    assert [line for s in song.sections for line in s.lines] == NEW_LINES
    assert song.title == "봄비 골목길"
    assert song.language == "ko"
    first = generator.requests[0]
    assert first.n == SETTINGS.candidates
    # the artist's closest lines as a stanza, a blank line, then the title where the song starts
    assert first.prompts[0].endswith("\n\n봄비 골목길\n")
    assert first.until == "lines" and first.lines == 6 and first.ban_digits
    assert first.language == "ko"
    assert COPIED_LINE in first.prompts[0]  # the line closest to the theme is the context
    assert "<artist=" in first.stop


async def test_copy_every_time_is_cut(redis: Redis, client: InferenceClient) -> None:
    copying = "\n".join([NEW_LINES[0], COPIED_LINE + " 그리고", NEW_LINES[1]])
    generator = ScriptedGenerator([copying])
    song = await _write_with(redis, client, generator, lines=6)
    assert song.attempts == SETTINGS.max_regenerations + 1
    assert song.rejected == song.attempts * SETTINGS.candidates
    assert song.cut
    lines = [line for s in song.sections for line in s.lines]
    assert COPIED_LINE not in song.text
    assert NEW_LINES[1] in lines
    await _assert_no_copy(redis, song)


async def test_nothing_usable_is_an_error(redis: Redis, client: InferenceClient) -> None:
    with refused(LyricsError, "lyrics-nothing-usable"):
        await _write_with(redis, client, ScriptedGenerator(["\n!!!\n\ufffd"]), theme="비")


async def test_unknown_artist_gets_the_closest_names(redis: Redis) -> None:
    service = LyricsService(redis, None, SETTINGS)
    with pytest.raises(NoArtistsError) as none:
        await service.resolve_artist("anyone")
    # A user-facing text: no command-line hint (the web page answers with its own texts).
    assert none.value.code == "lyrics-no-artists"
    assert none.value.message("ko") == texts.text("lyrics-no-artists", "ko")
    assert none.value.message("en-US") == texts.text("lyrics-no-artists", "en")
    assert all("norae lyrics" not in none.value.message(lang) for lang in ("ko", "en"))
    await _seed(service)
    with refused(LyricsError, "lyrics-unknown-artist-closest", name="Test Hymnst") as err:
        await service.resolve_artist("Test Hymnst")
    assert "Closest: Test Hymnist" in err.value.message("en")
    assert "Test Hymnist" in err.value.message("ko")
    with refused(LyricsError, "lyrics-unknown-artist-closest", name="김영량") as err:
        await service.resolve_artist("김영량")
    assert "Closest: 김영랑" in err.value.message("en")
    with refused(LyricsError, "lyrics-unknown-artist", name="Nobody Like This"):
        await service.resolve_artist("Nobody Like This")
    assert await service.resolve_artist(" test  HYMNIST ") == EN_ARTIST


async def test_autocomplete(redis: Redis) -> None:
    service = LyricsService(redis, None, SETTINGS)
    await _seed(service)
    assert await service.autocomplete("") == [
        "Isaac Watts",
        "Test Hymnist",
        "김영랑",
        "소월 테스트",
    ]
    assert (await service.autocomplete("김"))[0] == "김영랑"
    assert (await service.autocomplete("is"))[0] == "Isaac Watts"
    assert "Test Hymnist" in await service.autocomplete("hymnist")
    assert "Test Hymnist" in await service.autocomplete("Tset Hymnist")


async def test_request_validation(redis: Redis, client: InferenceClient) -> None:
    service = LyricsService(redis, client, SETTINGS)
    await _seed(service)
    with refused(LyricsError, "lyrics-theme-too-long", length=101, limit=100):
        await service.write(KO_ARTIST, theme="가" * 101)
    with refused(LyricsError, "lyrics-bad-lines", min=4, max=32) as err:
        await service.write(KO_ARTIST, lines=2)
    assert "between 4 and 32" in err.value.message("en")
    with refused(LyricsError, "lyrics-bad-language"):
        await service.write(KO_ARTIST, language="fr")
    with refused(LyricsError, "lyrics-no-artist"):
        await service.write("  ")
    with refused(LyricsError, "lyrics-no-artist"):
        await service.import_files("\u200b ", [])
    with refused(LyricsError, "lyrics-artist-too-long", limit=100):
        await service.import_files("a" * 101, [])
    offline = LyricsService(redis, None, SETTINGS)
    with refused(LyricsError, "lyrics-no-model"):
        await offline.write(KO_ARTIST)


async def test_import_without_an_artist_is_reported(redis: Redis) -> None:
    service = LyricsService(redis, None, SETTINGS)
    report = await service.import_parsed(parse_text("a\nb\n", source="f", name="f"))
    assert report.imported == [] and report.skipped[0].code == "lyrics-skip-no-artist"
    assert await service.import_parsed(ParseResult()) is not None


def test_shaping_helpers() -> None:
    long = "Jesus joy of man's desiring, holy wisdom, love most bright; drawn by thee our souls"
    pieces = break_line(long, 30)
    assert all(len(p) <= 30 for p in pieces) and " ".join(pieces) == long
    sections = label_sections([f"l{i}" for i in range(9)])
    assert [s.name for s in sections] == ["Verse 1", "Chorus"]
    assert sections[1].lines == ("l4", "l5", "l6", "l7", "l8")
    assert [s.name for s in label_sections(["a", "b"])] == ["Verse"]


def test_cli_import(
    redis_server: RedisServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    song = tmp_path / "song.txt"
    song.write_text(KO_TEXT, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    runner = CliRunner()
    unset = runner.invoke(app, ["lyrics", "import", "--artist", "CLI Poet", str(song)])
    assert unset.exit_code == 1 and "NORAE_REDIS_URL" in unset.output
    monkeypatch.setenv("NORAE_REDIS_URL", redis_server.url)
    result = runner.invoke(app, ["lyrics", "import", "--artist", "CLI Poet", str(song), str(empty)])
    assert result.exit_code == 1, result.output  # a file was skipped: done only in part
    assert "imported 2 songs" in result.output
    assert "empty.txt: 빈 파일 / empty file" in result.output
    again = runner.invoke(app, ["lyrics", "import", "--artist", "cli poet", str(song)])
    assert "imported 0 songs" in again.output and "2 × 이미 있는 노래 / duplicate" in again.output
    assert again.exit_code == 0, again.output  # songs already there are not a failure
    check = sync_client(redis_server.url)
    try:
        assert check.hlen(keys.lyrics_songs(fold_artist("CLI Poet"))) == 2
    finally:
        check.close()
    need_artist = runner.invoke(app, ["lyrics", "import", str(song)])
    assert need_artist.exit_code != 0
