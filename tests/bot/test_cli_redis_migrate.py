"""``norae redis migrate`` on a real redis-server: what it prints (Korean and English), its exit
codes, and that it refuses to run beside live workers, on a cluster URL, or beside a live
``norae up``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from bot.cli.embedded_redis import EmbeddedRedis, live_url
from bot.cli.main import app
from storage import keys
from storage.connection import Redis
from storage.stories import StoryStore
from tests.bot.test_cli_first_hour import has_korean
from tests.conftest import RedisServer
from tests.storage.test_key_migration import CH, dump, new_story_id, write_old_keyspace


async def norae(*args: str) -> Result:
    # the command runs its own event loop: keep it off the test's
    def run() -> Result:
        return CliRunner().invoke(app, list(args))

    return await asyncio.to_thread(run)


@pytest.fixture
def url_set(redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORAE_REDIS_URL", redis_server.url)


@pytest.mark.usefixtures("url_set")
async def test_migrate_prints_what_it_did_then_nothing_to_do(redis: Redis) -> None:
    await write_old_keyspace(redis)
    await redis.delete(keys.worker_heartbeat("w-old"))  # its worker was stopped
    result = await norae("redis", "migrate", "--no-progress")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "이어쓰기: 옮긴 키" in out and "relay stories: " in out
    assert "노래 목록: 옮긴 키 8개 / song catalog: 8 moved" in out
    assert "잠깐 쓰는 기록: 지운 키 4개 / short-lived bookkeeping: 4 deleted" in out
    assert "진행 중인 이야기 1개, 끝나지 않은 투표 1개" in out
    assert "active stories 1, unfinished rounds 1" in out
    assert "norae:relay:archive: 항목 2개" in out
    assert "keys of an unknown shape, left alone: 1" in out and "norae:mystery:thing" in out
    story = await StoryStore(redis).active(CH)
    assert story is not None and story.id == new_story_id()

    again = await norae("redis", "migrate", "--no-progress")
    assert again.exit_code == 0, again.output
    assert "옮길 것이 없습니다" in again.output and "nothing to migrate" in again.output


@pytest.mark.usefixtures("url_set")
async def test_a_dry_run_lists_the_moves_and_changes_nothing(redis: Redis) -> None:
    await write_old_keyspace(redis)
    before = await dump(redis)
    result = await norae("redis", "migrate", "--dry-run", "--no-progress")
    assert result.exit_code == 0, result.output
    assert f"  norae:catalog:songs → {keys.catalog_songs()}" in result.output
    assert "keys to delete:" in result.output and "  norae:kakao:delivery:d1" in result.output
    assert "옮길 키" in result.output and "dry run: nothing was changed" in result.output
    assert await dump(redis) == before


@pytest.mark.usefixtures("url_set")
async def test_a_conflict_exits_1_and_names_both_keys(redis: Redis) -> None:
    await redis.sadd("norae:catalog:songs", "old-song")
    await redis.sadd(keys.catalog_songs(), "new-song")
    result = await norae("redis", "migrate", "--no-progress")
    assert result.exit_code == 1, result.output
    assert f"norae:catalog:songs → {keys.catalog_songs()}" in result.stderr
    assert "충돌 1개" in result.stderr and "conflicts: 1" in result.stderr
    assert await redis.smembers(keys.catalog_songs()) == {b"new-song"}


@pytest.mark.usefixtures("url_set")
async def test_live_workers_stop_it_before_it_changes_anything(redis: Redis) -> None:
    await write_old_keyspace(redis)  # with a live worker's heartbeat
    before = await dump(redis)
    result = await norae("redis", "migrate", "--no-progress")
    assert result.exit_code == 1
    assert "workers are still running" in result.stderr and has_korean(result.stderr)
    assert await dump(redis) == before


async def test_a_cluster_url_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORAE_REDIS_URL", "redis+cluster://127.0.0.1:1")
    result = await norae("redis", "migrate")
    assert result.exit_code == 1
    assert "redis-cli --cluster import" in result.stderr and has_korean(result.stderr)


async def test_without_a_url_it_migrates_the_data_folder_s_redis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("NORAE_DATA_DIR", str(data))
    result = await norae("redis", "migrate", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "nothing to migrate" in result.output
    assert live_url(data / "redis") is None  # the server it started is stopped again

    owner = EmbeddedRedis(data / "redis")  # a live `norae up` on the folder
    owner.start()
    try:
        busy = await norae("redis", "migrate", "--no-progress")
        assert busy.exit_code == 1 and "stop it, then run this again" in busy.stderr
        dry = await norae("redis", "migrate", "--dry-run", "--no-progress")
        assert dry.exit_code == 0 and "nothing to migrate" in dry.output
    finally:
        owner.stop()
