"""A local Redis Cluster on loopback ports: for the tests, CI and the failover drill.

``EmbeddedCluster(dir, masters=3, replicas_per_master=0|1)`` starts one ``redis-server`` per node
(cluster mode, AOF with fsync every second, a short node timeout so that a failover takes seconds),
joins them with ``redis-cli --cluster create`` and waits until every node says
``cluster_state:ok`` and knows all 16384 slots. :attr:`EmbeddedCluster.url` is the
``redis+cluster://`` URL that ``storage.connection.connect`` takes.

For drills: :meth:`~EmbeddedCluster.kill_master` ``kill -9``s one primary (its replica takes
over), :meth:`~EmbeddedCluster.wait_for_failover` says how many seconds that took, and
:meth:`~EmbeddedCluster.restart` starts a killed node again on its port and files: it rejoins as a
replica of the node that took its slots.

Nodes die with the process that started them (PR_SET_PDEATHSIG, like ``embedded_redis``). That is
the *thread* that started them: start and restart nodes from the main thread, not from a worker
thread that ends.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import redis as sync_redis

from bot.cli.embedded_redis import RedisNotFound, die_with_parent, free_port

log = logging.getLogger(__name__)

SLOTS = 16384
HOST = "127.0.0.1"

CLUSTER_INSTALL_HINT = (
    "Redis Cluster를 띄우려면 redis-server와 redis-cli가 필요합니다. 설치하세요(Debian/Ubuntu: "
    "`sudo apt-get install redis-server`, macOS: `brew install redis`). / A Redis Cluster needs "
    "redis-server and redis-cli. Install them (Debian/Ubuntu: `sudo apt-get install "
    "redis-server`, macOS: `brew install redis`)."
)


class ClusterError(RuntimeError):
    """A node did not come up, or the cluster did not reach ``cluster_state:ok`` in time."""


def _both(ko: str, en: str) -> str:
    return f"{ko} / {en}"


@dataclass
class ClusterNode:
    """One ``redis-server`` of the cluster: its port, its folder and (while it runs) its process."""

    index: int
    port: int
    bus_port: int  # the cluster bus (by default port + 10000, which may be past 65535)
    data_dir: Path
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    node_id: str = ""

    @property
    def address(self) -> str:
        return f"{HOST}:{self.port}"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "redis.log"

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def client(self, timeout_s: float = 1.0) -> sync_redis.Redis:
        return sync_redis.Redis(
            host=HOST,
            port=self.port,
            socket_timeout=timeout_s,
            socket_connect_timeout=timeout_s,
            decode_responses=True,
        )

    def call(self, *args: str, timeout_s: float = 1.0) -> Any:
        """One command on this node alone (no cluster routing); raises when it does not answer."""
        client = self.client(timeout_s)
        # raw replies (as text): redis-py would turn CLUSTER NODES into a dict without "myself"
        execute: Callable[..., Any] = client.execute_command
        try:
            return execute(*args)
        finally:
            client.close()


def _tail(log_file: Path, lines: int = 5) -> str:
    with contextlib.suppress(OSError):
        return "\n" + "\n".join(log_file.read_text(errors="replace").splitlines()[-lines:])
    return ""


def parse_info(text: str) -> dict[str, str]:
    """``CLUSTER INFO``'s ``key:value`` lines as a dict."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition(":")
        if sep:
            out[key] = value
    return out


@dataclass(frozen=True)
class NodeView:
    """One line of ``CLUSTER NODES``: how a node sees one member of the cluster."""

    node_id: str
    port: int
    flags: frozenset[str]
    master_id: str
    slots: int  # how many slots it serves

    @property
    def primary(self) -> bool:
        return "master" in self.flags

    @property
    def failed(self) -> bool:
        return "fail" in self.flags or "fail?" in self.flags


def parse_nodes(text: str) -> list[NodeView]:
    views = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 8:
            continue
        address = parts[1].split("@", 1)[0]
        port = int(address.rsplit(":", 1)[1] or 0)
        slots = 0
        for part in parts[8:]:
            if part.startswith("["):  # a slot being migrated or imported
                continue
            first, _, last = part.partition("-")
            slots += int(last or first) - int(first) + 1
        views.append(
            NodeView(
                node_id=parts[0],
                port=port,
                flags=frozenset(parts[2].split(",")),
                master_id=parts[3] if parts[3] != "-" else "",
                slots=slots,
            )
        )
    return views


class EmbeddedCluster:
    """A Redis Cluster of ``masters`` primaries with ``replicas_per_master`` replicas each."""

    def __init__(
        self,
        data_dir: Path,
        masters: int = 3,
        replicas_per_master: int = 0,
        *,
        node_timeout_ms: int = 2000,
        appendfsync: str = "everysec",
    ) -> None:
        if masters < 3:
            raise ValueError("a Redis Cluster needs at least 3 masters")
        if replicas_per_master not in (0, 1):
            raise ValueError("replicas_per_master is 0 or 1")
        self.data_dir = data_dir
        self.replicas_per_master = replicas_per_master
        self.node_timeout_ms = node_timeout_ms
        self.appendfsync = appendfsync
        self.nodes = [
            ClusterNode(i, free_port(), free_port(), data_dir / f"node-{i}")
            for i in range(masters * (1 + replicas_per_master))
        ]
        self._killed: ClusterNode | None = None
        self._killed_at = 0.0

    # --- the URL and the roles ---------------------------------------------------------------

    @property
    def url(self) -> str:
        return "redis+cluster://" + ",".join(node.address for node in self.nodes)

    def _views(self) -> list[NodeView]:
        for node in self.nodes:
            if node.running():
                with contextlib.suppress(sync_redis.RedisError, OSError):
                    return parse_nodes(node.call("CLUSTER", "NODES"))
        raise ClusterError(
            _both("Redis Cluster의 노드가 하나도 응답하지 않습니다.", "No cluster node answers.")
        )

    def _by_id(self, node_id: str) -> ClusterNode:
        for node in self.nodes:
            if node.node_id == node_id:
                return node
        raise KeyError(node_id)

    def masters(self) -> list[ClusterNode]:
        """The nodes that serve slots now (as a live node sees it), in port order."""
        ids = {v.node_id for v in self._views() if v.primary and not v.failed and v.slots}
        return [node for node in self.nodes if node.node_id in ids]

    def replicas(self) -> list[ClusterNode]:
        """The live nodes that replicate a master now."""
        ids = {v.node_id for v in self._views() if "slave" in v.flags and not v.failed}
        return [node for node in self.nodes if node.node_id in ids]

    # --- start and stop -----------------------------------------------------------------------

    def start(self, timeout_s: float = 60.0) -> str:
        """Start every node, join them into one cluster and wait until it serves every slot."""
        server, cli = shutil.which("redis-server"), shutil.which("redis-cli")
        if server is None or cli is None:
            raise RedisNotFound(CLUSTER_INSTALL_HINT)
        try:
            for node in self.nodes:
                node.data_dir.mkdir(parents=True, exist_ok=True)
                self._spawn(server, node)
            deadline = time.monotonic() + timeout_s
            for node in self.nodes:
                self._wait_answers(node, deadline)
                node.node_id = str(node.call("CLUSTER", "MYID"))
            self._create(cli, deadline)
            self.wait_until_ok(max(1.0, deadline - time.monotonic()))
        except BaseException:
            self.stop()
            raise
        log.info("embedded redis cluster on %s (data in %s)", self.url, self.data_dir)
        return self.url

    def _spawn(self, binary: str, node: ClusterNode) -> None:
        args = [
            binary,
            "--port",
            str(node.port),
            "--bind",
            HOST,
            "--dir",
            str(node.data_dir.resolve()),
            "--cluster-enabled",
            "yes",
            "--cluster-port",
            str(node.bus_port),
            "--cluster-config-file",
            "nodes.conf",
            "--cluster-node-timeout",
            str(self.node_timeout_ms),
            "--appendonly",
            "yes",
            "--appendfsync",
            self.appendfsync,
            "--save",
            "",
            "--daemonize",
            "no",
            "--protected-mode",
            "yes",
            "--logfile",
            str(node.log_file.resolve()),
        ]
        node.proc = subprocess.Popen(
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=die_with_parent,
            start_new_session=True,  # a terminal's Ctrl-C reaches the parent only
        )

    def _wait_answers(self, node: ClusterNode, deadline: float) -> None:
        while True:
            assert node.proc is not None
            if node.proc.poll() is not None:
                err = node.proc.stderr.read().decode().strip() if node.proc.stderr else ""
                raise ClusterError(
                    _both(
                        f"Redis Cluster 노드(포트 {node.port})가 바로 종료되었습니다"
                        f"(종료 코드 {node.proc.returncode}). 로그: {node.log_file}",
                        f"the Redis Cluster node on port {node.port} exited with "
                        f"{node.proc.returncode}; its log: {node.log_file}",
                    )
                    + (f"\n{err}" if err else "")
                    + _tail(node.log_file)
                )
            with contextlib.suppress(sync_redis.RedisError, OSError):
                if node.call("PING", timeout_s=0.2):
                    return
            if time.monotonic() >= deadline:
                raise self._late(f"노드(포트 {node.port})", f"the node on port {node.port}")
            time.sleep(0.05)

    def _late(self, what_ko: str, what_en: str) -> ClusterError:
        return ClusterError(
            _both(
                f"Redis Cluster의 {what_ko}가 제시간에 준비되지 않았습니다. 로그: {self.data_dir}",
                f"{what_en} of the Redis Cluster was not ready in time; logs in {self.data_dir}",
            )
        )

    def _create(self, cli: str, deadline: float) -> None:
        args = [cli, "--cluster", "create", *(n.address for n in self.nodes)]
        args += ["--cluster-replicas", str(self.replicas_per_master), "--cluster-yes"]
        try:
            done = subprocess.run(
                args,
                capture_output=True,
                text=True,
                timeout=max(1.0, deadline - time.monotonic()),
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise self._late("slot 배정", "the slot assignment") from exc
        if done.returncode != 0:
            raise ClusterError(
                _both(
                    "redis-cli가 Redis Cluster를 만들지 못했습니다.",
                    "redis-cli could not create the Redis Cluster.",
                )
                + f"\n{(done.stdout + done.stderr).strip()[-2000:]}"
            )

    def _ok(self, node: ClusterNode) -> bool:
        """Whether ``node`` is up, says ``cluster_state:ok`` and knows a live owner of every slot
        (and, as a replica, has its master's data flowing)."""
        try:
            info = parse_info(node.call("CLUSTER", "INFO"))
            if info.get("cluster_state") != "ok":
                return False
            if int(info.get("cluster_slots_ok", 0)) != SLOTS:
                return False
            views = parse_nodes(node.call("CLUSTER", "NODES"))
            if sum(v.slots for v in views if v.primary and not v.failed) != SLOTS:
                return False
            me = next(v for v in views if "myself" in v.flags)
            if "slave" in me.flags:
                replication = node.call("INFO", "replication")  # parsed into a dict
                return bool(replication.get("master_link_status") == "up")
            return True
        except (sync_redis.RedisError, OSError, StopIteration, ValueError):
            return False

    def wait_until_ok(self, timeout_s: float = 30.0) -> None:
        """Wait until every running node says ``cluster_state:ok`` and knows all slots."""
        deadline = time.monotonic() + timeout_s
        while not all(self._ok(n) for n in self.nodes if n.running()):
            if time.monotonic() >= deadline:
                raise self._late("상태(cluster_state:ok)", "cluster_state:ok")
            time.sleep(0.05)

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop every node (SIGTERM: each flushes its AOF)."""
        for node in self.nodes:
            if node.running():
                assert node.proc is not None
                node.proc.terminate()
        for node in self.nodes:
            if node.proc is not None:
                try:
                    node.proc.wait(timeout_s)
                except subprocess.TimeoutExpired:
                    node.proc.kill()
                    node.proc.wait()
                if node.proc.stderr is not None:
                    node.proc.stderr.close()

    def __enter__(self) -> EmbeddedCluster:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- faults -------------------------------------------------------------------------------

    def kill(self, node: ClusterNode) -> None:
        """``kill -9`` of one node."""
        if node.running():
            assert node.proc is not None
            os.kill(node.proc.pid, signal.SIGKILL)
            node.proc.wait(10)

    def kill_master(self, i: int = 0) -> ClusterNode:
        """``kill -9`` of the ``i``-th current master; its replica (if any) takes over. Returns
        the killed node (for :meth:`restart`)."""
        node = self.masters()[i]
        self.kill(node)
        self._killed, self._killed_at = node, time.monotonic()
        log.info("killed master %s (%s)", node.address, node.node_id)
        return node

    def _failed_over(self, node: ClusterNode) -> bool:
        """``node`` sees the killed master as failed, and a live master for every slot."""
        assert self._killed is not None
        try:
            views = parse_nodes(node.call("CLUSTER", "NODES"))
        except (sync_redis.RedisError, OSError, ValueError):
            return False
        dead = next((v for v in views if v.node_id == self._killed.node_id), None)
        if dead is None or "fail" not in dead.flags or (dead.primary and dead.slots):
            return False
        return self._ok(node)

    def wait_for_failover(self, timeout_s: float = 60.0) -> float:
        """After :meth:`kill_master`: wait until every live node has a new owner for the killed
        master's slots and says ``cluster_state:ok``; the seconds since the kill."""
        if self._killed is None:
            raise RuntimeError("wait_for_failover comes after kill_master")
        deadline = self._killed_at + timeout_s
        while not all(self._failed_over(n) for n in self.nodes if n.running()):
            if time.monotonic() >= deadline:
                raise self._late("failover", "the failover")
            time.sleep(0.05)
        return time.monotonic() - self._killed_at

    def restart(self, node: ClusterNode, *, wait: bool = True, timeout_s: float = 60.0) -> None:
        """Start a stopped or killed node again on its port, with its own ``nodes.conf`` and
        AOF. A killed master comes back as a replica of the node that took over its slots.
        ``wait``: until it is back in the cluster and every node says ``cluster_state:ok``."""
        binary = shutil.which("redis-server")
        if binary is None:
            raise RedisNotFound(CLUSTER_INSTALL_HINT)
        self.kill(node)
        if node.proc is not None and node.proc.stderr is not None:
            node.proc.stderr.close()
        self._spawn(binary, node)
        if node is self._killed:
            self._killed = None
        if wait:
            deadline = time.monotonic() + timeout_s
            self._wait_answers(node, deadline)
            self.wait_until_ok(max(1.0, deadline - time.monotonic()))
