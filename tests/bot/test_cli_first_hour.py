"""A newcomer's first hour with the command line: commands next to a live ``norae up`` use its
Redis, nothing opens a data folder a live server owns, help shows flags plainly, and a missing
Redis or redis-server is one plain line in Korean and English, with the documented exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import redis as sync_redis
from typer.testing import CliRunner

from bot.cli.embedded_redis import free_port
from bot.cli.main import app
from storage import keys

REPO = Path(__file__).resolve().parents[2]
HANGUL = range(0xAC00, 0xD7A4)


def has_korean(text: str) -> bool:
    return any(ord(c) in HANGUL for c in text)


def norae(
    *args: str, env: dict[str, str], cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NORAE_")}
    env["PYTHONPATH"] = str(REPO)
    return env | {"NORAE_DATA_DIR": str(tmp_path / "data")} | extra


def test_help_shows_flags_without_a_type() -> None:
    runner = CliRunner()
    up = runner.invoke(app, ["up", "--help"])
    assert up.exit_code == 0
    assert "--no-worker" in up.output and "<bool>" not in up.output
    imp = runner.invoke(app, ["catalog", "import", "--help"])
    assert imp.exit_code == 0
    assert "--demo" in imp.output and "--progress / --no-progress" in imp.output
    assert "<bool>" not in imp.output
    assert "--tag-moods" in imp.output


def test_commands_next_to_a_live_norae_up_use_its_redis(tmp_path: Path) -> None:
    env = clean_env(tmp_path, NORAE_WEB_PORT=str(free_port()))
    songs = tmp_path / "songs.csv"
    songs.write_text("title,artist,moods\n봄날,방탄소년단,tender\nYesterday,The Beatles,calm\n")
    lyrics = tmp_path / "poem.txt"
    lyrics.write_text("산에는 꽃 피네\n꽃이 피네\n갈 봄 여름 없이\n꽃이 피네\n", encoding="utf-8")
    url_file = tmp_path / "data" / "redis" / "url"
    up = subprocess.Popen(
        [sys.executable, "-m", "bot", "up", "--no-worker"],
        env=env,
        cwd=tmp_path,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not url_file.exists():
            assert up.poll() is None, "norae up exited early"
            assert time.monotonic() < deadline, "norae up wrote no URL file"
            time.sleep(0.2)
        url = url_file.read_text().strip()

        health = norae("health", env=env, cwd=tmp_path)
        assert health.returncode == 0, health.stderr
        assert json.loads(health.stdout)["redis"] is True

        imported = norae(
            "catalog", "import", str(songs), "--no-progress", "--tag-moods", "none",
            env=env, cwd=tmp_path,
        )  # fmt: skip
        assert imported.returncode == 0, imported.stderr
        # the running bot's own Redis has the songs: no second server was started for them
        live = sync_redis.Redis.from_url(url)
        try:
            assert live.scard(keys.catalog_songs()) == 2
        finally:
            live.close()

        poem = norae("lyrics", "import", "--artist", "김소월", str(lyrics), env=env, cwd=tmp_path)
        assert poem.returncode == 0, poem.stdout + poem.stderr
        assert "imported 1 songs" in poem.stdout

        web_port = free_port()
        web = subprocess.Popen(
            [sys.executable, "-m", "bot", "web"],
            env=env | {"NORAE_WEB_PORT": str(web_port)},
            cwd=tmp_path,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                assert web.poll() is None, "norae web exited early"
                assert time.monotonic() < deadline, "norae web never answered"
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{web_port}/healthz", timeout=2
                    ) as resp:
                        assert json.loads(resp.read())["redis"] is True
                        break
                except OSError:
                    time.sleep(0.2)
        finally:
            os.killpg(web.pid, signal.SIGINT)
            assert web.wait(30) == 0
        assert url_file.read_text().strip() == url  # norae web started no Redis of its own

        second = norae("up", "--no-worker", env=env, cwd=tmp_path, timeout=60)
        assert second.returncode == 1
        assert f"pid {up.pid}" in second.stderr and has_korean(second.stderr)

        os.killpg(up.pid, signal.SIGINT)
        assert up.wait(30) == 0
        assert not url_file.exists()  # a clean exit takes it away
    finally:
        if up.poll() is None:
            up.kill()
            up.wait()

    gone = norae("health", env=env, cwd=tmp_path)
    assert gone.returncode == 1
    line = gone.stderr.strip()
    assert "\n" not in line and "norae up" in line and has_korean(line)

    # with no norae up, an import runs the folder's Redis for itself and leaves nothing behind
    alone = norae(
        "catalog", "import", str(songs), "--no-progress", "--tag-moods", "none",
        env=env, cwd=tmp_path,
    )  # fmt: skip
    assert alone.returncode == 0, alone.stderr
    assert "그대로 2" in alone.stdout and "2 unchanged" in alone.stdout  # the same AOF as up's
    assert not url_file.exists()


def test_no_redis_server_is_the_same_one_line_everywhere(tmp_path: Path) -> None:
    env = clean_env(tmp_path, PATH=str(tmp_path / "empty-bin"))  # no redis-server on PATH
    up = norae("up", "--no-worker", env=env, cwd=tmp_path)
    demo = norae("catalog", "import", "--demo", "--no-progress", env=env, cwd=tmp_path)
    for done in (up, demo):
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        line = done.stderr.strip().splitlines()[-1]
        assert "redis-server" in line and has_korean(line)
    assert up.stderr.strip().splitlines()[-1] == demo.stderr.strip().splitlines()[-1]
