"""The front door under load: the web JSON API and the Kakao skill at rising open-loop rates.

    python -m benchmarks.front_door [--rates 50,100,200,300,400,500,600,800] [--step-s 10]

Starts a private redis-server, a stand-in classify worker (its own process: it answers every
``classify`` job at once with a fixed emotion, so no model runs and only norae's own cost is
measured; the mood companion still does everything else: crisis check, state, catalog, record)
and the web front door as ``norae web`` (its own process, rate limits on but wide, Kakao secret
set, X-Forwarded-For trusted so each simulated browser has its own address). Then:

1. **Probes**: each command type alone, 300 requests one after another, with ``MONITOR`` on the
   private redis-server: Redis round trips per command (a command the web process sends; a
   MULTI…EXEC block or an EVALSHA counts as one round trip, the commands a script runs count
   nothing; the classify worker's connections are left out) and the web process's CPU seconds per
   command (``/proc`` through psutil).
2. **Rates**: an open-loop mix (arrivals scheduled by the clock, not by answers) at each rate for
   ``--step-s`` seconds, until p99 passes 25 ms: rate offered, rate achieved, p50/p99/max (from
   each request's scheduled start, so a backlog shows), errors (anything but a 2xx, or no answer
   within 5 s), and the web process's CPU share. Before each step every story is reset to its seed
   size, so each step reads the same state.

The mix: relay line writes (web) 35 %, votes in open rounds (web) 20 %, story shows (web) 20 %,
mood messages (web) 10 %, Kakao skill 15 % (a relay line or a story show in a group chat). Stories
start at 100 lines; vote rooms have no writers, so their rounds stay open.

The load generator is this process (one aiohttp session, keep-alive, every request of a step
built before it starts, on uvloop where installed); it shares the machine's cores with the web
process, redis-server and the worker, and its CPU is the ``load cpu`` column.

Results on the 2-core development machine (x86_64, Python 3.11, hiredis). Other test suites kept
running on it ("others": every process but the web process, the generator and redis-server, the
stand-in worker included), so latencies are pessimistic and the CPU per command is the figure to
compare. Same benchmark, same seed. The first table's "before" is the front door as round 1 left
it; a round trip is a batch one client sent (the mood message's state read and its classify job
go out at the same time on two connections: two batches, one wait; its ``XREAD`` is the reply
reader's, already waiting when the worker answers).

Round 1 (a line, a vote: one script each; a story page: one transaction; plain access log)::

    probe           rtt/cmd  cpu ms/cmd
    web.write           4.0        1.40
    web.vote            4.0        1.00
    web.show            2.0        1.83
    web.mood           12.0        5.10
    kakao.write         5.0        1.57
    kakao.show          2.0        1.83

      rate  achieved    p50 ms    p99 ms    max ms  errors  web cpu load cpu    redis   others
        50      50.1       5.2      15.4      28.3       0      18%       5%       2%      18%
       100     100.1       3.6      16.6      23.6       0      24%       6%       4%     137%
       200     199.9      28.1     801.7    1176.8       0      44%      10%       6%     125%
    highest rate held with p99 <= 25 ms, one web process: 100/s

Round 2 (mood: state, recent songs and turns in one transaction beside the classify job, each
catalog song read once, the record one script, the web reply without a catalog read; the reply
stream trimmed every 64 replies, not after each; a story's lines parsed once per process; JSON
answers by orjson; to_json's dataclass reflection once per class)::

    probe           rtt/cmd  cpu ms/cmd
    web.write           4.0        1.13
    web.vote            4.0        1.07
    web.show            2.0        0.77
    web.mood            7.1   3.87-4.80
    kakao.write         5.0        1.33
    kakao.show          2.0        1.00

      rate  achieved    p50 ms    p99 ms    max ms  errors  web cpu load cpu    redis   others
       200     200.0       4.0      49.5     117.9       0      42%      10%       7%     128%
       300     284.5       2.7     781.0    1224.2       0      44%       9%       7%      83%

The mood message: 7 batches (rate limit; state read and classify job together; reply reader;
the mood sets; the sampled songs; the record), 5 waits in a row. Mix-weighted CPU per request
(probe figures) fell from about 1.8 to about 1.4 ms. The rate steps above ran while other suites
held most of both cores (the web process got under half a core): starved, not saturated. With a
free core the mix would need about 0.7 of it at 500/s.

Round 3 (a line's script reads the channel's active story itself; the mood message's rate limit,
state and catalog version ride in one batch, and the mood sets and songs come from a process cache
kept while the catalog's version is unchanged; 5 s steps, others near 0 %)::

    probe           rtt/cmd  cpu ms/cmd
    web.write           3.0        1.40
    web.vote            4.0        1.60
    web.show            2.0        0.77
    web.mood            5.0        3.40
    kakao.write         4.0        1.73
    kakao.show          2.0        1.13

      rate  achieved    p50 ms    p99 ms    max ms  errors  web cpu load cpu    redis   others
       300     299.8       2.2       7.9      13.7       0      47%      12%       8%       0%

The mood message's commands: the limit, state and catalog-version batch, the classify job (sent
beside it), the reply reader's XREAD (already waiting) and the record; no catalog read on a cache
hit. The probe counts 5 batches for it; where the fifth comes from was not yet traced. Rates above
300/s were not measured in this round.

Final (as round 3, with the classify job sent only once the rate limit is settled, so a refused
message never reaches a worker; servers on uvloop; an idle machine; 10 s steps). The fifth batch
the earlier rounds counted for a mood message was the counting's: a script that ran longer than
the 40 µs gap split its own pipeline in two; the gap now counts from a script's last command.
The mood message's 4: the limit, state and catalog-version batch; the classify job; the reply
reader's XREAD; the record::

    probe           rtt/cmd  cpu ms/cmd
    web.write           3.0        1.27
    web.vote            4.0        1.37
    web.show            2.0        1.37
    web.mood            4.0        3.50
    kakao.write         4.0        2.17
    kakao.show          2.0        1.50

      rate  achieved    p50 ms    p99 ms    max ms  errors  web cpu load cpu    redis   others
        50      50.1       3.6       7.7       9.6       0      12%       5%       2%       1%
       100     100.1       3.2       8.0      12.1       0      22%       8%       4%       0%
       200     200.0       2.9       9.1      12.1       0      42%      11%       7%       1%
       300     299.8       2.9      10.1      16.5       0      58%      16%      10%       0%
       400     399.6       2.7      10.5      14.5       0      67%      16%      12%       0%
       500     498.4       3.4      93.5     145.7       0      81%      19%      15%       1%
    highest rate held with p99 <= 25 ms, one web process: 400/s

A py-spy profile of the web process at 400/s is flat: the event loop and its I/O about half, the
middleware chain, the crisis check (2 %), redis-py's command packing and aiohttp's writer, none
above a few per cent. More throughput comes from more web processes; Redis spends about 0.3 ms
of its CPU per command of this mix.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psutil

from benchmarks.support import machine, percentile, throwaway_redis
from bot.cli.embedded_redis import free_port
from storage.catalog import CatalogStore, Song
from storage.connection import Redis, connect
from storage.stories import StoryStore
from storage.votes import VoteStore

DEFAULT_RATES = (50, 100, 200, 300, 400, 500, 600, 800)
P99_LIMIT_MS = 25.0
REQUEST_TIMEOUT_S = 5.0
KAKAO_SECRET = "front-door-benchmark-secret-0123"
WRITE_ROOMS = 40
VOTE_ROOMS = 10
KAKAO_ROOMS = 10
USERS = 400
SEED_LINES = 100
SONGS = 300
MOODS = ("happy", "energetic", "tender", "calm", "nostalgic")
MOOD_TEXTS = (
    "오늘 너무 행복해요",
    "I feel a bit down today",
    "시험 때문에 불안해요",
    "What a surprise, I got the job!",
    "요즘 마음이 좀 울적해",
)
MIX: tuple[tuple[str, float], ...] = (
    ("web.write", 0.35),
    ("web.vote", 0.20),
    ("web.show", 0.20),
    ("web.mood", 0.10),
    ("kakao.write", 0.075),
    ("kakao.show", 0.075),
)
PROBE_REQUESTS = 300


# --- the stand-in classify worker -------------------------------------------------------------


def classify_worker(url: str) -> None:
    """A worker whose ``classify`` answers every text with a fixed emotion at once."""
    from collections.abc import Hashable

    from pydantic import BaseModel

    from contract.jobs import ClassifyRequest, ClassifyResult, Prediction
    from models.worker import Worker, WorkerConfig
    from storage.job_streams import JobStreams

    class Fixed:
        kind = ClassifyRequest.kind
        payload_model = ClassifyRequest

        def group_key(self, payload: ClassifyRequest) -> Hashable:
            return "all"

        async def run(self, payloads: list[ClassifyRequest]) -> list[BaseModel]:
            answer = Prediction(label="sadness", score=0.9, probs={"sadness": 0.9})
            return [ClassifyResult(predictions=[answer] * len(p.texts)) for p in payloads]

        async def close(self) -> None:
            return None

    async def serve() -> None:
        redis = connect(url)
        worker = Worker(JobStreams(redis), {"classify": Fixed()}, WorkerConfig(max_wait_ms=0))
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, worker.stop)
        await worker.run()
        await redis.aclose()

    asyncio.run(serve())


# --- the world the load meets -----------------------------------------------------------------


def user_cookie(n: int) -> str:
    return f"frontdoorbenchuser{n:06d}"


def web_actor(n: int) -> str:
    import hashlib

    return "web-" + hashlib.sha256(user_cookie(n).encode()).hexdigest()[:24]


@dataclass
class World:
    rounds: dict[str, str] = field(default_factory=dict)  # vote room -> its open round id


async def seed_catalog(redis: Redis) -> None:
    rng = random.Random(1)
    songs = [
        Song(
            id=f"song-{i}",
            title=f"Song {i}",
            artist=f"Artist {i % 40}",
            url=f"https://example.com/songs/{i}",
            moods=(MOODS[i % len(MOODS)],),
            lyrics="바람이 불어오는 곳 그곳으로 가네\n" * 4,
            language=rng.choice(("ko", "en")),
        )
        for i in range(SONGS)
    ]
    await CatalogStore(redis).upsert(songs)


async def reset_stories(redis: Redis) -> None:
    """Every write room (web and Kakao) gets a fresh story of ``SEED_LINES`` lines."""
    stories = StoryStore(redis)
    now = time.time()
    channels = [f"web:w{i}" for i in range(WRITE_ROOMS)]
    channels += [f"kakao:kroom{i}" for i in range(KAKAO_ROOMS)]
    for channel in channels:
        old = await stories.active_id(channel)
        if old is not None:
            await stories.end(old, channel, user_id="", moderator=True, now=now)
        story, _ = await stories.start(
            channel,
            title="벤치마크",
            genre="",
            language="ko",
            user_id=web_actor(0),
            user_name="seed",
            now=now,
        )
        for n in range(SEED_LINES):
            await stories.add_line(
                story.id,
                channel,
                text=f"씨앗 문장 {n}: 비가 그치자 골목에 무지개가 떴다.",
                author_id=web_actor(n % USERS),
                author_name=f"u{n % USERS}",
                source="human",
                now=now,
                max_lines=100_000,
                max_chars=10_000_000,
            )


async def open_vote_rounds(redis: Redis, world: World) -> None:
    stories, votes = StoryStore(redis), VoteStore(redis)
    now = time.time()
    for i in range(VOTE_ROOMS):
        channel = f"web:v{i}"
        story, _ = await stories.start(
            channel,
            title="투표",
            genre="",
            language="ko",
            user_id="seed",
            user_name="seed",
            now=now,
        )
        round_id, _ = await votes.reserve(
            channel,
            story.id,
            user_id="seed",
            user_name="seed",
            keyword="",
            max_new_tokens=40,
            now=now,
            reserve_until=now + 3600,
        )
        await votes.publish(round_id, ["하나", "둘", "셋"], deadline=now + 24 * 3600)
        world.rounds[f"v{i}"] = round_id


# --- requests ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Request:
    kind: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None


class Maker:
    """Each command type's next request, from a seeded random stream."""

    def __init__(self, world: World, seed: int = 7) -> None:
        self.world = world
        self.rng = random.Random(seed)
        self.seq = 0

    def _web(self, user: int) -> dict[str, str]:
        return {
            "Cookie": f"norae_uid={user_cookie(user)}",
            "X-Forwarded-For": f"10.{user // 250}.{user % 250}.7",
            "Content-Type": "application/json",
        }

    def make(self, kind: str) -> Request:
        self.seq += 1
        rng, seq = self.rng, self.seq
        user = rng.randrange(USERS)
        if kind == "web.write":
            room = f"w{rng.randrange(WRITE_ROOMS)}"
            body = {"nick": f"u{user}", "text": f"줄 {seq}: 바람이 불어 창문이 덜컹거렸다."}
            return self._post(kind, f"/api/rooms/{room}/write", user, body)
        if kind == "web.vote":
            room = f"v{rng.randrange(VOTE_ROOMS)}"
            ballot = {"round_id": self.world.rounds[room], "choice": rng.randint(1, 3)}
            return self._post(kind, f"/api/rooms/{room}/vote", user, ballot)
        if kind == "web.show":
            room = f"w{rng.randrange(WRITE_ROOMS)}"
            return Request(kind, "GET", f"/api/rooms/{room}/show", self._web(user), None)
        if kind == "web.mood":
            body = {"text": rng.choice(MOOD_TEXTS)}
            return self._post(kind, "/api/mood/message", user, body)
        room = f"kroom{rng.randrange(KAKAO_ROOMS)}"
        if kind == "kakao.write":
            utterance = f"릴레이 쓰기 {seq}번째 줄: 멀리서 종소리가 울렸다."
        elif kind == "kakao.show":
            utterance = "이야기 보기"
        else:
            raise ValueError(kind)
        payload = {
            "intent": {"id": "fallback", "name": "폴백 블록"},
            "userRequest": {
                "timezone": "Asia/Seoul",
                "utterance": utterance,
                "user": {"id": f"kuser{user}", "type": "botUserKey", "properties": {}},
                "chat": {"id": room, "type": "botGroupKey", "properties": {}},
            },
            "bot": {"id": "benchbot", "name": "노래봇"},
            "action": {"name": "norae", "params": {}, "id": "a1", "detailParams": {}},
        }
        headers = {"Content-Type": "application/json", "X-Norae-Kakao-Secret": KAKAO_SECRET}
        return Request(kind, "POST", "/kakao/skill", headers, json.dumps(payload).encode())

    def _post(self, kind: str, path: str, user: int, body: Mapping[str, object]) -> Request:
        return Request(kind, "POST", path, self._web(user), json.dumps(body).encode())

    def mixed(self) -> Request:
        roll = self.rng.random()
        for kind, share in MIX:
            if roll < share:
                return self.make(kind)
            roll -= share
        return self.make(MIX[-1][0])


@dataclass
class Outcome:
    kind: str
    latency_ms: float
    ok: bool
    status: int


async def send(
    session: aiohttp.ClientSession, base: str, req: Request, scheduled: float
) -> Outcome:
    try:
        async with session.request(
            req.method,
            base + req.path,
            data=req.body,
            headers=req.headers,
            timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S),
        ) as resp:
            await resp.read()
            status = resp.status
    except (TimeoutError, aiohttp.ClientError):
        status = 0
    ms = (time.perf_counter() - scheduled) * 1000
    return Outcome(req.kind, ms, 200 <= status < 300, status)


# --- probes: round trips and CPU per command --------------------------------------------------

_MONITOR_LINE = re.compile(r'^\+?(\d+\.\d+) \[\d+ ([^\]]+)\] "([^"]+)"')
# Commands of one pipeline arrive in one read and run back to back; a client's next round trip
# needs a whole network turn (well over this) before Redis sees it.
PIPELINE_GAP_S = 0.00004


class Monitor:
    """``MONITOR`` on a raw socket: every command Redis runs, with the client that sent it."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(b"MONITOR\r\n")
        self.buf = b""
        self.lines: list[str] = []

    def drain(self, settle_s: float = 0.3) -> None:
        self.sock.settimeout(settle_s)
        while True:
            try:
                chunk = self.sock.recv(1 << 20)
            except TimeoutError:
                break
            if not chunk:
                break
            self.buf += chunk
        *done, self.buf = self.buf.split(b"\r\n")
        self.lines += [d.decode(errors="replace") for d in done]

    def close(self) -> None:
        self.sock.close()


def round_trips(lines: list[str], skip: set[str]) -> tuple[int, Counter[str]]:
    """Round trips in ``lines`` (MONITOR's), leaving out clients in ``skip`` (``ip:port``), and
    the commands counted. A MULTI…EXEC block is one round trip, and so is a run of commands from
    one client that Redis ran back to back (a pipeline); commands run by a script are not
    counted (MONITOR shows them as the ``lua`` client), and the gap to a pipeline's next command
    counts from the last of them (a script that runs longer than the gap does not split a batch)."""
    trips = 0
    names: Counter[str] = Counter()
    in_multi: set[str] = set()
    last: tuple[str, float] | None = None
    for line in lines:
        m = _MONITOR_LINE.match(line)
        if m is None:
            continue
        at, client, cmd = float(m.group(1)), m.group(2), m.group(3).upper()
        if client == "lua":  # a script's own commands: the batch's gap counts from its end
            if last is not None:
                last = (last[0], at)
            continue
        if client in skip:
            continue
        names[cmd] += 1
        same_batch = last is not None and last[0] == client and at - last[1] < PIPELINE_GAP_S
        last = (client, at)
        if client in in_multi:
            if cmd == "EXEC":
                in_multi.discard(client)
            continue
        if cmd == "MULTI":
            in_multi.add(client)
        if not same_batch:
            trips += 1
    return trips, names


def redis_port_of(proc: psutil.Process) -> int | None:
    """The port a redis-server process listens on (None for any other process)."""
    with contextlib.suppress(psutil.Error):
        if "redis-server" in (proc.info.get("name") or ""):
            for c in proc.net_connections(kind="tcp"):
                if c.status == psutil.CONN_LISTEN:
                    return int(c.laddr.port)
    return None


def local_ports(pid: int) -> set[str]:
    return {
        f"{c.laddr.ip}:{c.laddr.port}"
        for c in psutil.Process(pid).net_connections(kind="tcp")
        if c.laddr
    }


async def probe(
    base: str, maker: Maker, redis_port: int, web: psutil.Process, worker_pid: int
) -> list[tuple[str, float, float, str]]:
    rows = []
    skip = local_ports(worker_pid)
    async with aiohttp.ClientSession() as session:
        for kind, _ in MIX:
            for _ in range(20):  # warm: connections, caches, scripts loaded
                await send(session, base, maker.make(kind), time.perf_counter())
            monitor = Monitor(redis_port)
            await asyncio.sleep(0.2)
            monitor.drain(0.05)
            monitor.lines.clear()
            cpu = sum(web.cpu_times()[:2])
            bad = 0
            for _ in range(PROBE_REQUESTS):
                got = await send(session, base, maker.make(kind), time.perf_counter())
                bad += not got.ok
            cpu = sum(web.cpu_times()[:2]) - cpu
            await asyncio.sleep(0.2)
            monitor.drain()
            monitor.close()
            trips, names = round_trips(monitor.lines, skip)
            top = ", ".join(f"{n} {c / PROBE_REQUESTS:.2g}" for n, c in names.most_common(8))
            if bad:
                top = f"{bad} FAILED; " + top
            rows.append((kind, trips / PROBE_REQUESTS, cpu / PROBE_REQUESTS * 1000, top))
    return rows


# --- open-loop steps --------------------------------------------------------------------------


async def step(
    session: aiohttp.ClientSession, base: str, maker: Maker, rate: float, seconds: float
) -> tuple[list[Outcome], float]:
    """``rate`` requests a second for ``seconds``, each sent at its scheduled time whatever the
    earlier ones are doing; returns the outcomes and the wall time until the last answer."""
    count = int(rate * seconds)
    reqs = [maker.mixed() for _ in range(count)]
    tasks: list[asyncio.Task[Outcome]] = []
    gc.collect()
    gc.disable()  # the generator's own collections would stall its sending and count as latency
    try:
        start = time.perf_counter() + 0.05
        for i, req in enumerate(reqs):
            at = start + i / rate
            delay = at - time.perf_counter()
            if delay > 0.0005:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(send(session, base, req, at)))
        outcomes = await asyncio.gather(*tasks)
        return list(outcomes), time.perf_counter() - start
    finally:
        gc.enable()


async def run_steps(
    base: str,
    redis: Redis,
    maker: Maker,
    web: psutil.Process,
    redis_proc: psutil.Process,
    rates: list[int],
    seconds: float,
) -> list[dict[str, Any]]:
    results = []
    me = psutil.Process()
    connector = aiohttp.TCPConnector(limit=512, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        await step(session, base, maker, rates[0], 2.0)  # warm: connections and caches
        for rate in rates:
            await reset_stories(redis)
            await asyncio.sleep(0.5)
            cpu, mine, rds = (sum(p.cpu_times()[:2]) for p in (web, me, redis_proc))
            busy = _busy()
            outcomes, wall = await step(session, base, maker, rate, seconds)
            busy = _busy() - busy
            cpu = sum(web.cpu_times()[:2]) - cpu
            mine = sum(me.cpu_times()[:2]) - mine
            rds = sum(redis_proc.cpu_times()[:2]) - rds
            others = max(0.0, busy - cpu - mine - rds)
            lat = [o.latency_ms for o in outcomes]
            errors = Counter(f"{o.kind}:{o.status}" for o in outcomes if not o.ok)
            row = {
                "rate": rate,
                "achieved": sum(o.ok for o in outcomes) / wall,
                "p50": percentile(lat, 50),
                "p99": percentile(lat, 99),
                "max": max(lat),
                "errors": sum(errors.values()),
                "error_kinds": dict(errors.most_common(4)),
                "cpu": cpu / wall,
                "load_cpu": mine / wall,
                "redis_cpu": rds / wall,
                "other_cpu": others / wall,
                "by_kind": {
                    kind: percentile([o.latency_ms for o in outcomes if o.kind == kind], 99)
                    for kind, _ in MIX
                },
            }
            results.append(row)
            print_row(row)
            if row["p99"] > P99_LIMIT_MS:
                break
    return results


def _busy() -> float:
    """CPU seconds the whole machine spent busy so far (every core)."""
    t = psutil.cpu_times()
    return float(t.user + t.system + getattr(t, "nice", 0.0) + getattr(t, "irq", 0.0))


def print_row(row: dict[str, Any]) -> None:
    print(
        f"{row['rate']:>6} {row['achieved']:>9.1f} {row['p50']:>9.1f} {row['p99']:>9.1f}"
        f" {row['max']:>9.1f} {row['errors']:>7} {row['cpu'] * 100:>7.0f}%"
        f" {row['load_cpu'] * 100:>7.0f}% {row['redis_cpu'] * 100:>7.0f}%"
        f" {row['other_cpu'] * 100:>7.0f}%" + (f"  {row['error_kinds']}" if row["errors"] else ""),
        flush=True,
    )
    slow = ", ".join(f"{k} {v:.1f}" for k, v in row["by_kind"].items())
    print(f"{'':>6} p99 by kind (ms): {slow}", flush=True)


# --- processes --------------------------------------------------------------------------------


def wait_http(url: str, timeout: float = 60.0) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as resp:
            if resp.status == 200:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing answered at {url}")


@contextlib.contextmanager
def child(argv: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def web_env(url: str, port: int, data: Path) -> dict[str, str]:
    wide = json.dumps({"burst": 100_000, "per_minute": 6_000_000})
    env = dict(
        os.environ,
        NORAE_REDIS_URL=url,
        NORAE_WEB_PORT=str(port),
        NORAE_WEB_TRUST_FORWARDED_FOR="true",
        NORAE_KAKAO_SECRET=KAKAO_SECRET,
        NORAE_DATA_DIR=str(data),
        NORAE_LIMITS_WRITE=wide,
        NORAE_LIMITS_VOTE=wide,
        NORAE_LIMITS_MOOD=wide,
        NORAE_RELAY_MAX_STORY_LINES="100000",
        NORAE_RELAY_MAX_STORY_CHARS="10000000",
    )
    env.pop("NORAE_DISCORD_TOKEN", None)
    return env


async def measure(args: argparse.Namespace, url: str, tmp: Path) -> None:
    redis = connect(url)
    redis_port = int(url.rsplit(":", 1)[1].split("/")[0])
    world = World()
    await seed_catalog(redis)
    await open_vote_rounds(redis, world)
    await reset_stories(redis)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = web_env(url, port, tmp / "data")
    py = sys.executable
    worker_argv = [py, "-m", "benchmarks.front_door", "--classify-worker", url]
    with (
        child(worker_argv, env, tmp / "worker.log") as worker,
        child([py, "-m", "bot", "web"], env, tmp / "web.log") as web_proc,
    ):
        await asyncio.to_thread(wait_http, base + "/healthz")
        web = psutil.Process(web_proc.pid)
        profiler = None
        if args.profile:
            spy = ["py-spy", "record", "-o", args.profile, "-f", "speedscope", "-r", "200"]
            profiler = subprocess.Popen(  # noqa: ASYNC220 (before the load starts)
                [*spy, "-p", str(web_proc.pid)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        maker = Maker(world)
        if not args.no_probe:
            print("\nper command (one at a time, MONITOR on the private redis-server):")
            print(f"{'probe':<14} {'rtt/cmd':>8} {'cpu ms/cmd':>11}  Redis commands per request")
            for kind, trips, cpu_ms, top in await probe(base, maker, redis_port, web, worker.pid):
                print(f"{kind:<14} {trips:>8.1f} {cpu_ms:>11.2f}  {top}", flush=True)
        rates = [int(r) for r in args.rates.split(",") if r]
        print(f"\nopen-loop mix, {args.step_s:g} s per rate (latency from the scheduled start):")
        print(
            f"{'rate':>6} {'achieved':>9} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9} "
            f"{'errors':>7} {'web cpu':>8} {'load cpu':>8} {'redis':>8} {'others':>8}"
        )
        redis_proc = next(
            p for p in psutil.process_iter(["name"]) if redis_port_of(p) == redis_port
        )
        results = await run_steps(base, redis, maker, web, redis_proc, rates, args.step_s)
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(30)
    held = [
        r["rate"]
        for r in results
        if r["p99"] <= P99_LIMIT_MS and r["errors"] == 0 and r["achieved"] >= 0.97 * r["rate"]
    ]
    best = max(held) if held else 0
    print(f"\nhighest rate held with p99 <= {P99_LIMIT_MS:g} ms, one web process: {best}/s")
    await redis.aclose()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rates", default=",".join(map(str, DEFAULT_RATES)))
    ap.add_argument("--step-s", type=float, default=10.0)
    ap.add_argument("--no-probe", action="store_true", help="Skip the per-command probes.")
    ap.add_argument("--profile", help="Record the web process with py-spy into this file.")
    ap.add_argument("--classify-worker", metavar="URL", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.classify_worker:
        classify_worker(args.classify_worker)
        return
    print(f"front door under load on {machine()}")
    print(
        "the load generator (this process), the web process, redis-server and a stand-in "
        "classify worker share these cores"
    )
    with (
        throwaway_redis() as url,
        tempfile.TemporaryDirectory(prefix="norae-door-") as tmp,
        asyncio.Runner(loop_factory=_cheap_loop()) as runner,
    ):
        runner.run(measure(args, url, Path(tmp)))


def _cheap_loop() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop for the load generator where it is installed: the generator shares the
    cores with what it measures, so the less it spends per request the better."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


if __name__ == "__main__":
    main()
