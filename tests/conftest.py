"""Shared fixtures: a real redis-server on a free port, and tiny models built once per session.

Redis Cluster mode: ``pytest --redis=cluster`` (or ``NORAE_TEST_REDIS=cluster`` in the
environment, read once when pytest starts) runs the same tests against a local 3-master Redis
Cluster (``bot/cli/embedded_cluster.py``; no replicas, so it starts in seconds) instead of one
redis-server: ``redis_server.url`` is then its ``redis+cluster://`` URL (passed on unchanged to the
processes tests start through NORAE_REDIS_URL) and ``redis`` a cluster client, every primary
flushed before each test. Tests that need one server of their own (``own_redis``: they stop and
restart it) or are marked ``single_redis`` skip there, saying why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest
import redis as sync_redis
from redis.asyncio.cluster import RedisCluster

# No model hub is reachable from test machines: fail a hub lookup at once instead of retrying.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.cli.embedded_cluster import EmbeddedCluster
from bot.cli.embedded_redis import free_port
from storage.connection import Redis, connect, is_cluster, is_cluster_url

REDIS_MODES = ("single", "cluster")
CLUSTER_SKIP = "needs a single redis-server (stopped, killed or restarted by the test)"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--redis",
        choices=REDIS_MODES,
        # read here, at start-up: the _clean_norae_env fixture removes NORAE_* from each test
        default=os.environ.get("NORAE_TEST_REDIS", "single") or "single",
        help="run the Redis tests against one redis-server (single, the default) or a local "
        "3-master Redis Cluster (cluster); the default comes from NORAE_TEST_REDIS",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "single_redis(reason=...): needs one redis-server; skipped with --redis=cluster"
    )


def cluster_mode(config: pytest.Config) -> bool:
    return bool(config.getoption("--redis") == "cluster")


def pytest_report_header(config: pytest.Config) -> str:
    return f"redis: {config.getoption('--redis')}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not cluster_mode(config):
        return
    for item in items:
        marker = item.get_closest_marker("single_redis")
        if marker is not None:
            reason = marker.kwargs.get("reason") or CLUSTER_SKIP
            item.add_marker(pytest.mark.skip(reason=f"--redis=cluster: {reason}"))


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


@dataclass
class ClusterServer:
    """The session's Redis in cluster mode: a local 3-master Redis Cluster. Tests read ``.url``
    as of a :class:`RedisServer`; stopping it is the fixture's job (failover: see
    tests/storage/test_cluster_fixture.py)."""

    cluster: EmbeddedCluster

    @property
    def url(self) -> str:
        return self.cluster.url


@pytest.fixture(scope="session")
def redis_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RedisServer | ClusterServer]:
    if cluster_mode(request.config):
        cluster = EmbeddedCluster(tmp_path_factory.mktemp("redis-cluster"), masters=3)
        cluster.start()
        try:
            yield ClusterServer(cluster)
        finally:
            cluster.stop()
        return
    server = RedisServer(free_port(), tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


async def flush_everything(client: Redis) -> None:
    """FLUSHALL on the one server, or on every primary of a cluster."""
    if is_cluster(client):
        await cast(RedisCluster, client).flushall(target_nodes=RedisCluster.PRIMARIES)
    else:
        await client.flushall()


@pytest.fixture
async def redis(redis_server: RedisServer | ClusterServer) -> AsyncIterator[Redis]:
    client = connect(redis_server.url)
    await flush_everything(client)
    yield client
    await client.aclose()


def sync_client(url: str) -> sync_redis.Redis:
    """A blocking client for ``url`` (a test's own checks): one server or a cluster."""
    if not is_cluster_url(url):
        return sync_redis.Redis.from_url(url)
    from redis.cluster import RedisCluster as SyncCluster

    first = url.split("://", 1)[1].split(",")[0]  # the client learns the other nodes from it
    host, port = first.rsplit(":", 1)
    return cast(sync_redis.Redis, SyncCluster(host=host, port=int(port)))


@pytest.fixture
def own_redis(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RedisServer]:
    """A private redis-server for tests that stop or restart it (skipped in cluster mode)."""
    if cluster_mode(request.config):
        pytest.skip(f"--redis=cluster: {CLUSTER_SKIP}")
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
