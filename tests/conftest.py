"""Shared fixtures: a real redis-server on a free port, and tiny models built once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# No model hub is reachable from test machines: fail a hub lookup at once instead of retrying.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.cli.embedded_redis import free_port
from storage.connection import Redis, connect

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@dataclass
class RedisServer:
    """A redis-server process the tests own; it can be stopped and started again on its port."""

    port: int
    data_dir: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (.ci/run installs it with apt-get)")
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.data_dir),
                "--appendonly",
                "yes",
                "--save",
                "",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing answered on port {port}")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(free_port(), tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[Redis]:
    client = connect(redis_server.url)
    await client.flushall()
    yield client
    await client.aclose()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A private redis-server for tests that stop or restart it."""
    server = RedisServer(free_port(), tmp_path / "redis")
    server.data_dir.mkdir()
    server.start()
    yield server
    server.kill()


@pytest.fixture(scope="session")
def tiny_gpt2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from models.tiny import build_tiny_gpt2

    return build_tiny_gpt2(tmp_path_factory.mktemp("tiny-gpt2"))


@pytest.fixture(scope="session")
def tiny_classifier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from models.tiny import build_tiny_classifier

    return build_tiny_classifier(tmp_path_factory.mktemp("tiny-classifier"))


@pytest.fixture(scope="session")
def tiny_gemma_gguf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A tiny Gemma 3 GGUF file (models/tiny_gguf.py) and its SHA-256."""
    from models.tiny_gguf import write_tiny_gemma_gguf

    return write_tiny_gemma_gguf(tmp_path_factory.mktemp("tiny-gguf") / "tiny-gemma3.gguf")


@pytest.fixture(scope="session")
def tiny_gemma(tmp_path_factory: pytest.TempPathFactory, tiny_gemma_gguf: tuple[Path, str]) -> Path:
    """The tiny GGUF prepared exactly as the default model is: a safetensors directory."""
    from models.prepare import prepare

    gguf, sha = tiny_gemma_gguf
    data = tmp_path_factory.mktemp("tiny-gemma-data")
    return prepare(data, gguf=gguf, expected_sha256=sha, say=lambda _: None).path


@pytest.fixture(autouse=True)
def _clean_norae_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests see only the NORAE_* variables they set themselves, and no developer's .env."""
    for name in list(os.environ):
        if name.startswith("NORAE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
