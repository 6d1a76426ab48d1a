"""A local ``redis-server`` for ``norae up`` when no NORAE_REDIS_URL is configured.

AOF on, data under the data folder, loopback only, stopped with its parent (and even when the
parent is killed: the child gets SIGTERM from the kernel through PR_SET_PDEATHSIG).

One server per data folder: the process that starts it holds a lock (``flock`` on ``lock`` in the
folder; redis-server inherits it, so it is held until both are gone) and writes the server's URL
to ``url`` once it answers, removing it on a clean stop. Other commands find the live server
there (:func:`live_url`) instead of starting a second one on the same append-only file; a URL
file whose lock nobody holds, or whose server does not answer, is left over and ignored.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "redis-server가 설치되어 있지 않습니다. 설치하거나(Debian/Ubuntu: `sudo apt-get install "
    "redis-server`, macOS: `brew install redis`) NORAE_REDIS_URL에 실행 중인 Redis 주소를 "
    "넣으세요. / redis-server is not installed. Install it (Debian/Ubuntu: `sudo apt-get install "
    "redis-server`, macOS: `brew install redis`) or point NORAE_REDIS_URL at a running Redis."
)
LOCK_FILE = "lock"
URL_FILE = "url"


class RedisNotFound(RuntimeError):
    pass


class DataDirBusy(RuntimeError):
    """Another live process owns the Redis of this data folder."""

    def __init__(self, data_dir: Path, owner: str) -> None:
        self.data_dir, self.owner = data_dir, owner
        who = f" (pid {owner})" if owner else ""
        super().__init__(
            f"{data_dir}의 Redis는 이미 다른 norae{who}가 돌리고 있습니다. 같은 폴더에서 새로 "
            f"시작하려면 그것을 먼저 멈추세요(Ctrl-C). / The Redis of {data_dir} is already run "
            f"by another norae{who}: stop it first (Ctrl-C) to start one here again."
        )


def _lock(data_dir: Path) -> int | None:
    """An fd holding the data folder's lock, or None when a live process holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _held(data_dir: Path) -> bool:
    """Whether a live process holds the folder's lock (a probe: it creates nothing)."""
    try:
        fd = os.open(data_dir / LOCK_FILE, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _owner(data_dir: Path) -> str:
    with contextlib.suppress(OSError):
        return (data_dir / LOCK_FILE).read_text().strip()
    return ""


def answers(url: str, timeout_s: float = 0.5) -> bool:
    """Whether a Redis answers PING at ``redis://host:port/...``."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.hostname is None or parts.port is None:
        return False
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=timeout_s) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def live_url(data_dir: Path) -> str | None:
    """The URL of the live embedded server that owns ``data_dir``, or None."""
    url_file = data_dir / URL_FILE
    if not url_file.is_file():
        return None
    if not _held(data_dir):  # nobody holds the lock: the file is left over from a killed run
        return None
    with contextlib.suppress(OSError):
        url = url_file.read_text().strip()
        if url and answers(url):
            return url
    return None


def wait_for_live_url(data_dir: Path, timeout_s: float = 15.0) -> str | None:
    """:func:`live_url`, waiting while the folder's owner is still starting its server."""
    deadline = time.monotonic() + timeout_s
    while True:
        url = live_url(data_dir)
        if url is not None or time.monotonic() >= deadline:
            return url
        if not _held(data_dir):  # no owner at all: nothing to wait for
            return None
        time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def die_with_parent() -> None:
    """preexec_fn: ask Linux to SIGTERM this child when its parent dies (no orphans)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except OSError:  # not Linux: best effort
        pass


class EmbeddedRedis:
    def __init__(self, data_dir: Path, port: int | None = None, *, aof: bool = True) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.aof = aof
        self.proc: subprocess.Popen[bytes] | None = None
        self._lock_fd: int | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout_s: float = 10.0) -> str:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RedisNotFound(INSTALL_HINT)
        for _ in range(10):  # a probe (_held) of another command may hold it for an instant
            self._lock_fd = _lock(self.data_dir)
            if self._lock_fd is not None:
                break
            time.sleep(0.05)
        if self._lock_fd is None:
            raise DataDirBusy(self.data_dir, _owner(self.data_dir))
        os.ftruncate(self._lock_fd, 0)
        os.pwrite(self._lock_fd, f"{os.getpid()}\n".encode(), 0)
        try:
            return self._start(binary, timeout_s)
        except BaseException:
            self._unlock()
            raise

    def _start(self, binary: str, timeout_s: float) -> str:
        assert self._lock_fd is not None
        args = [
            binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.data_dir.resolve()),
            "--appendonly",
            "yes" if self.aof else "no",
            "--save",
            "",
            "--daemonize",
            "no",
            "--protected-mode",
            "yes",
            "--logfile",
            str((self.data_dir / "redis.log").resolve()),
        ]
        self.proc = subprocess.Popen(
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=(self._lock_fd,),  # the lock lives as long as the server does
            preexec_fn=die_with_parent,
            # Own session: a terminal's Ctrl-C reaches `norae up` only, which then stops
            # the children in order (Redis last, after the worker has published its answers).
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(
                    f"redis-server exited with {self.proc.returncode}: {err.strip()}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        log.info("embedded redis on %s (data in %s)", self.url, self.data_dir)
                        self._write_url()
                        return self.url
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on port {self.port} within {timeout_s}s")

    def _write_url(self) -> None:
        tmp = self.data_dir / f".{URL_FILE}.{os.getpid()}"
        tmp.write_text(self.url + "\n")
        tmp.replace(self.data_dir / URL_FILE)

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                (self.data_dir / URL_FILE).unlink(missing_ok=True)
            os.close(self._lock_fd)
            self._lock_fd = None

    def stop(self, timeout_s: float = 10.0) -> None:
        try:
            if self.proc is None or self.proc.poll() is not None:
                return
            self.proc.terminate()  # redis-server flushes its AOF on SIGTERM
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        finally:
            self._unlock()
