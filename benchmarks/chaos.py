"""Chaos: mixed load on real processes while a worker, the web process and Redis are killed.

    python -m benchmarks.chaos [--rooms 4] [--users 3] [--phase-s 30] [--cluster]

Starts a redis-server (AOF, fsync on every write, so "acknowledged" means durable), two model
workers (``generate`` and ``classify`` on the bundled starter models) and the web front door
(``norae web``), all as their own processes. Simulated browsers then write relay lines, vote,
ask for continuations and send mood messages, one request at a time each, while the script in
turn ``kill -9``s a worker (restarted 5 s later), the web process (restarted at once) and Redis
(restarted 3 s later from its AOF). Afterwards it reads Redis and prints, per fault (the phase a
request started in):

- lines lost: lines answered 200 that are not in the story; duplicated: answered lines stored
  more than once;
- vote mismatches: a voter's last answered vote that is not what the round stored;
- no answer: requests with neither a response nor an error after 35 s (a client gives up);
- 5xx≠503: server errors other than "unavailable" (during the Redis outage and elsewhere).

With ``--cluster`` Redis is a local Redis Cluster instead (``bot/cli/embedded_cluster.py``: 3
masters with one replica each, node timeout 2 s) and the workers and ``norae web`` get its
``redis+cluster://`` URL. The "redis" fault is then ``kill -9`` of one master: its replica is
promoted; the killed node is started again 3 s after the failover and rejoins as a replica. The
seconds until every node said ``cluster_state:ok`` again are printed as the failover time.

All five should be 0. Also shown: 503s (Redis down), resets (requests in flight in the web
process when it was killed: the connection drops, nothing hangs) and refused connects retried
until the web process was back. Rate limits are off (all browsers share one address); relay
rounds last 8 s so that they close during the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.support import machine
from bot.cli.embedded_cluster import ClusterError, EmbeddedCluster
from bot.cli.embedded_redis import free_port
from storage.connection import connect
from storage.stories import StoryStore
from storage.votes import VoteStore

REQUEST_TIMEOUT_S = 35.0
FAULTS = ("none", "worker", "web", "redis")
MOOD_TEXTS = [
    "오늘 너무 행복해요",
    "I feel a bit down today",
    "시험 때문에 불안해",
    "What a surprise, I got the job!",
]


# --- processes -------------------------------------------------------------------------------


class Proc:
    """One child process we may kill -9 and start again."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            self.argv, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        out.close()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_port(port: int, timeout: float = 60.0, *, redis: bool = False) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                if not redis:
                    return
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"nothing answered on port {port}")


# --- the load ---------------------------------------------------------------------------------


@dataclass
class Record:
    kind: str
    phase: str
    status: int | None = None  # HTTP status, None without one
    outcome: str = "ok"  # ok | reset | no_answer
    retried_connects: int = 0
    error: str = ""


@dataclass
class Ledger:
    phase: str = "none"
    records: list[Record] = field(default_factory=list)
    lines: dict[str, tuple[str, str]] = field(default_factory=dict)  # text -> (room, phase)
    votes: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)  # last acked
    stop: bool = False
    failover: str = ""  # --cluster: how the master's failover went


class Browser:
    def __init__(self, base: str, room: str, n: int, ledger: Ledger) -> None:
        self.base, self.room, self.n, self.ledger = base, room, n, ledger
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.user = ""
        self.seq = 0

    async def request(
        self, kind: str, method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[Record, Any]:
        rec = Record(kind, self.ledger.phase)
        self.ledger.records.append(rec)
        started = time.monotonic()
        while True:
            left = REQUEST_TIMEOUT_S - (time.monotonic() - started)
            if left <= 0:
                rec.outcome = "no_answer"
                return rec, None
            try:
                async with self.session.request(
                    method,
                    self.base + path,
                    json=body,
                    timeout=aiohttp.ClientTimeout(total=left),
                ) as resp:
                    rec.status = resp.status
                    try:
                        data = await resp.json(content_type=None)
                    except (ValueError, aiohttp.ContentTypeError):
                        data = None
                    if resp.status >= 500 and isinstance(data, dict):
                        rec.error = str(data.get("error", ""))[:80]
                    return rec, data
            except aiohttp.ClientConnectorError:
                # Nothing was sent (the web process is down): a browser may safely try again.
                rec.retried_connects += 1
                await asyncio.sleep(0.5)
            except TimeoutError:
                rec.outcome = "no_answer"
                return rec, None
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
                rec.outcome = "reset"  # sent, then the process died: not retried (no idempotency)
                return rec, None

    async def run(self) -> None:
        _rec, state = await self.request("state", "GET", f"/api/rooms/{self.room}")
        self.user = (state or {}).get("user_id", "")
        await self.request("start", "POST", f"/api/rooms/{self.room}/start", {"nick": "n"})
        rng = random.Random(hash((self.room, self.n)))
        while not self.ledger.stop:
            roll = rng.random()
            if roll < 0.5:
                await self.write()
            elif roll < 0.75:
                await self.vote(rng)
            elif roll < 0.85:
                await self.request(
                    "continue", "POST", f"/api/rooms/{self.room}/continue", {"nick": f"u{self.n}"}
                )
            else:
                await self.request(
                    "mood", "POST", "/api/mood/message", {"text": rng.choice(MOOD_TEXTS)}
                )
            await asyncio.sleep(rng.uniform(0.1, 0.4))

    async def write(self) -> None:
        self.seq += 1
        text = f"line {self.room} u{self.n} n{self.seq}"
        phase = self.ledger.phase
        rec, _ = await self.request(
            "write", "POST", f"/api/rooms/{self.room}/write", {"nick": f"u{self.n}", "text": text}
        )
        if rec.status == 200:
            self.ledger.lines[text] = (self.room, phase)

    async def vote(self, rng: random.Random) -> None:
        rec, data = await self.request("round", "GET", f"/api/rooms/{self.room}/round")
        rnd = (data or {}).get("round") if rec.status == 200 else None
        if not rnd:
            return
        choice = rng.randint(1, len(rnd["candidates"]))
        phase = self.ledger.phase
        rec, _ = await self.request(
            "vote",
            "POST",
            f"/api/rooms/{self.room}/vote",
            {"round_id": rnd["id"], "choice": choice},
        )
        if rec.status == 200:
            self.ledger.votes[(rnd["id"], self.user)] = (choice, phase)

    async def close(self) -> None:
        await self.session.close()


# --- the run ----------------------------------------------------------------------------------


async def run(args: argparse.Namespace, tmp: Path) -> tuple[dict[str, dict[str, int]], Ledger]:
    redis_port, web_port = free_port(), free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed")
    data = tmp / "redis"
    data.mkdir()
    cluster: EmbeddedCluster | None = None
    if args.cluster:
        cluster = EmbeddedCluster(data, masters=3, replicas_per_master=1)
        redis_url = cluster.url
    redis_argv = [
        binary,
        "--port",
        str(redis_port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(data),
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--save",
        "",
    ]
    env = dict(
        os.environ,
        NORAE_REDIS_URL=redis_url,
        NORAE_WEB_PORT=str(web_port),
        NORAE_LOG_LEVEL="WARNING",
        NORAE_LIMITS_ENABLED="false",
        NORAE_RELAY_ROUND_SECONDS="8",
        NORAE_RELAY_MAX_STORY_LINES="100000",
        NORAE_RELAY_MAX_STORY_CHARS="10000000",
        NORAE_DATA_DIR=str(tmp / "data"),
        NORAE_MODELS_GENERATOR="starter",  # the fast bundled model: this measures the plumbing
    )
    env.pop("NORAE_DISCORD_TOKEN", None)
    py = sys.executable
    worker_argv = [py, "-m", "bot", "worker", "--kinds", "generate,classify", "--metrics-port", "0"]
    procs = {
        "redis": Proc("redis", redis_argv, env, tmp / "redis.log"),
        "worker": Proc("worker", worker_argv, env, tmp / "worker-1.log"),
        "worker2": Proc("worker2", worker_argv, env, tmp / "worker-2.log"),
        "web": Proc("web", [py, "-m", "bot", "web"], env, tmp / "web.log"),
    }
    ledger = Ledger()
    browsers: list[Browser] = []
    try:
        if cluster is not None:
            cluster.start()  # from this (the main) thread: its nodes die with it
            print(f"redis cluster up: {len(cluster.nodes)} nodes", flush=True)
        else:
            procs["redis"].start()
            wait_port(redis_port, redis=True)
        for name in ("worker", "worker2", "web"):
            procs[name].start()
        try:
            wait_port(web_port, timeout=120)
            await _until_workers(redis_url, [procs["worker"], procs["worker2"]])
        except TimeoutError:
            for name in ("worker", "web"):  # the temporary folder goes: say why here
                print(f"--- the end of {procs[name].log.name}:", file=sys.stderr)
                print(_tail(procs[name].log), file=sys.stderr)
            raise
        print(f"processes up; load: {args.rooms} rooms x {args.users} browsers", flush=True)
        base = f"http://127.0.0.1:{web_port}"
        browsers = [
            Browser(base, f"chaos{r}", u, ledger)
            for r in range(args.rooms)
            for u in range(args.users)
        ]
        load = [asyncio.create_task(b.run()) for b in browsers]
        for fault in FAULTS:
            ledger.phase = fault
            print(f"phase {fault}", flush=True)
            await asyncio.sleep(3 if fault != "none" else 0)
            if fault == "worker":
                procs["worker"].kill()
                await asyncio.sleep(5)
                procs["worker"].start()
            elif fault == "web":
                procs["web"].kill()
                procs["web"].start()
            elif fault == "redis" and cluster is not None:
                await _fail_over(cluster, ledger)
            elif fault == "redis":
                procs["redis"].kill()
                await asyncio.sleep(3)
                procs["redis"].start()
            await asyncio.sleep(args.phase_s - (3 if fault != "none" else 0))
        ledger.stop = True
        await asyncio.wait_for(asyncio.gather(*load), REQUEST_TIMEOUT_S + 10)
        return await _verify(redis_url, ledger, args.rooms), ledger
    finally:
        for b in browsers:
            await b.close()
        for name in ("web", "worker", "worker2", "redis"):
            procs[name].stop()
        if cluster is not None:
            cluster.stop()


async def _fail_over(cluster: EmbeddedCluster, ledger: Ledger) -> None:
    """kill -9 of one master; wait for its replica to take over; start the killed node again
    3 s later (as a replica now). The load goes on meanwhile."""
    started = time.monotonic()
    killed = cluster.kill_master(0)
    try:
        took = await asyncio.to_thread(cluster.wait_for_failover, 60.0)
    except ClusterError as exc:
        ledger.failover = f"no failover within 60 s: {exc}"
        print(ledger.failover, flush=True)
        return
    await asyncio.sleep(3)
    cluster.restart(killed, wait=False)  # spawned from the main thread: see EmbeddedCluster
    try:
        await asyncio.to_thread(cluster.wait_until_ok, 60.0)
        back = f"{time.monotonic() - started:.1f} s after the kill"
    except ClusterError:
        back = "not back within 60 s"
    role = "a replica" if killed in cluster.replicas() else "not a replica"
    ledger.failover = (
        f"master {killed.address} killed: cluster_state:ok again after {took:.1f} s; "
        f"restarted, {role}, {back}"
    )
    print(ledger.failover, flush=True)


def _tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


async def _until_workers(url: str, workers: list[Proc]) -> None:
    from storage.job_streams import JobStreams

    redis = connect(url)
    try:
        deadline = time.monotonic() + 120
        while len(await JobStreams(redis).live_workers()) < len(workers):
            if time.monotonic() > deadline:
                raise TimeoutError("workers did not come up")
            if any(w.proc is not None and w.proc.poll() is not None for w in workers):
                raise TimeoutError("a worker exited while starting")
            await asyncio.sleep(0.2)
    finally:
        await redis.aclose()


async def _verify(url: str, ledger: Ledger, rooms: int) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {f: defaultdict(int) for f in FAULTS}
    redis = connect(url)
    try:
        stories, votes = StoryStore(redis), VoteStore(redis)
        stored: Counter[str] = Counter()
        for r in range(rooms):
            story = await stories.active(f"web:chaos{r}")
            if story is not None:
                stored.update(line.text for line in await stories.lines(story.id))
        for text, (_room, phase) in ledger.lines.items():
            row = table[phase]
            row["lines acked"] += 1
            row["lines lost"] += stored[text] == 0
            row["lines duplicated"] += stored[text] > 1
        cache: dict[str, dict[str, int]] = {}
        for (round_id, user), (choice, phase) in ledger.votes.items():
            if round_id not in cache:
                cache[round_id] = await votes.votes(round_id)
            table[phase]["voters acked"] += 1
            table[phase]["vote mismatches"] += cache[round_id].get(user) != choice
    finally:
        await redis.aclose()
    for rec in ledger.records:
        row = table[rec.phase]
        row["requests"] += 1
        row["no answer >35s"] += rec.outcome == "no_answer"
        row["resets"] += rec.outcome == "reset"
        row["503"] += rec.status == 503
        row["5xx≠503"] += rec.status is not None and rec.status >= 500 and rec.status != 503
        row["connects retried"] += rec.retried_connects > 0
        if rec.status is not None and rec.status < 400:
            row[f"ok {rec.kind}"] += 1
    return table


COLUMNS = (
    "requests",
    "lines acked",
    "lines lost",
    "lines duplicated",
    "voters acked",
    "vote mismatches",
    "no answer >35s",
    "5xx≠503",
    "503",
    "resets",
    "connects retried",
)


def print_errors(ledger_records: list[Record]) -> None:
    seen = Counter(
        (r.phase, r.kind, r.status, r.error) for r in ledger_records if (r.status or 0) >= 500
    )
    for (phase, kind, status, error), n in sorted(seen.items(), key=str):
        print(f"  {phase:>6} {kind:>8} {status} x{n}: {error}")


def print_table(table: dict[str, dict[str, int]]) -> None:
    head = ["fault", *COLUMNS]
    rows = [[f, *(str(table[f].get(c, 0)) for c in COLUMNS)] for f in FAULTS]
    rows.append(["total", *(str(sum(table[f].get(c, 0) for f in FAULTS)) for c in COLUMNS)])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, *rows]:
        print("  ".join(cell.rjust(w) for cell, w in zip(r, widths, strict=True)))
    kinds = sorted({k[3:] for f in FAULTS for k in table[f] if k.startswith("ok ")})
    done = ", ".join(f"{k} {sum(table[f].get('ok ' + k, 0) for f in FAULTS)}" for k in kinds)
    print(f"answered without error: {done}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rooms", type=int, default=4)
    ap.add_argument("--users", type=int, default=3, help="browsers per room")
    ap.add_argument("--phase-s", type=float, default=28.0, help="seconds per fault phase")
    ap.add_argument(
        "--cluster",
        action="store_true",
        help="a local Redis Cluster (3 masters, 1 replica each); the redis fault kills a master",
    )
    args = ap.parse_args()
    print(f"chaos on {machine()}{' (redis cluster)' if args.cluster else ''}")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="norae-chaos-") as tmp:
        table, ledger = asyncio.run(run(args, Path(tmp)))
    print_table(table)
    if args.cluster:
        print(f"failover: {ledger.failover or 'not reached'}")
    print("server errors (phase, request, status, message):")
    print_errors(ledger.records)
    bad = sum(
        table[f].get(c, 0)
        for f in FAULTS
        for c in ("lines lost", "lines duplicated", "vote mismatches", "no answer >35s", "5xx≠503")
    )
    print(
        f"{'all zero' if bad == 0 else f'{bad} problem(s)'} in {time.monotonic() - started:.0f} s"
    )
    print(json.dumps({f: dict(table[f]) for f in FAULTS}, ensure_ascii=False))


if __name__ == "__main__":
    main()
