"""``norae up``: its own Redis, a worker, the web server; Ctrl-C leaves no process behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.cli.embedded_redis import (
    DataDirBusy,
    EmbeddedRedis,
    RedisNotFound,
    free_port,
    live_url,
    wait_for_live_url,
)
from tests.conftest import RedisServer

REPO = Path(__file__).resolve().parents[2]


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def get_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=2) as resp:
        return json.loads(resp.read())  # type: ignore[no-any-return]


def test_embedded_redis_keeps_an_aof_and_stops(tmp_path: Path) -> None:
    server = EmbeddedRedis(tmp_path / "redis")
    url = server.start()
    assert url.startswith("redis://127.0.0.1:")
    assert server.proc is not None and server.proc.poll() is None
    server.stop()
    assert server.proc.poll() is not None
    assert (tmp_path / "redis" / "appendonlydir").is_dir()


def test_missing_redis_server_gives_an_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RedisNotFound, match="apt-get install redis-server"):
        EmbeddedRedis(tmp_path / "redis").start()


def test_up_runs_everything_and_ctrl_c_stops_it_all(tmp_path: Path) -> None:
    web_port, metrics_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NORAE_")} | {
        "NORAE_DATA_DIR": str(tmp_path / "data"),
        "NORAE_WEB_PORT": str(web_port),
        "NORAE_WORKER_KINDS": '["noop"]',
        "NORAE_WORKER_METRICS_PORT": str(metrics_port),
        "NORAE_WORKER_HEARTBEAT_INTERVAL_S": "0.5",
    }
    # its own process group, like a shell job: Ctrl-C goes to the whole group
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "up"], cwd=tmp_path, env=env, start_new_session=True
    )
    children: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        health: dict[str, object] = {}
        while time.monotonic() < deadline:
            children |= descendants(proc.pid)
            try:
                health = get_json(f"http://127.0.0.1:{web_port}/healthz")
                if health.get("workers"):
                    break
            except OSError:
                pass
            assert proc.poll() is None, "norae up exited early"
            time.sleep(0.2)
        assert health["redis"] is True
        assert health["workers"] and health["workers"][0]["kinds"] == ["noop"]  # type: ignore[index]
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=2) as r:
            assert b"norae_queue_depth" in r.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/", timeout=2) as r:
            assert "norae" in r.read().decode()
        children |= descendants(proc.pid)
        assert len(children) >= 2  # redis-server and the worker

        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in the terminal
        assert proc.wait(30) == 0
        time.sleep(0.5)
        assert [pid for pid in children if alive(pid)] == []  # no orphan
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_embedded_redis_owns_its_folder_and_says_where_it_is(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    folder = tmp_path / "redis"
    assert wait_for_live_url(folder) is None and not folder.exists()  # looking creates nothing
    server = EmbeddedRedis(folder)
    url = server.start()
    try:
        assert (folder / "url").read_text().strip() == url
        assert live_url(folder) == url
        # a second server on the same data folder and append-only file is refused
        with pytest.raises(DataDirBusy, match=f"pid {os.getpid()}"):
            EmbeddedRedis(folder).start()
    finally:
        server.stop()
    assert not (folder / "url").exists() and live_url(folder) is None
    # a URL file left by a killed run, naming a Redis that does answer, is still ignored:
    # nobody holds the folder's lock
    (folder / "url").write_text(redis_server.url)
    assert live_url(folder) is None
    again = EmbeddedRedis(folder)
    again.start()  # and it does not stop a new owner
    again.stop()
