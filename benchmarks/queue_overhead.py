"""Queue overhead: enqueue -> reply latency through Redis with a no-op backend.

    python benchmarks/queue_overhead.py [--jobs 2000]

The worker runs as its own process (`norae worker --kinds noop`), as in production; the client
sends one job at a time and times each round trip. Also prints a bare Redis PING round trip from
the same client for scale.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time

from benchmarks.support import machine, percentile, throwaway_redis
from bot.inference import InferenceClient
from storage.connection import connect
from storage.job_streams import JobStreams


async def measure(url: str, jobs: int) -> None:
    redis = connect(url)
    streams = JobStreams(redis)
    while not await streams.live_workers():
        await asyncio.sleep(0.05)
    pings = []
    for _ in range(500):
        t = time.perf_counter()
        await redis.ping()
        pings.append((time.perf_counter() - t) * 1000)
    lat = []
    async with InferenceClient(redis) as client:
        for i in range(100):  # warm up
            await client.noop(i)
        for i in range(jobs):
            t = time.perf_counter()
            await client.noop(i)
            lat.append((time.perf_counter() - t) * 1000)
    await redis.aclose()
    print(
        f"redis PING round trip: p50 {percentile(pings, 50):.3f} ms, p99 {percentile(pings, 99):.3f} ms"
    )
    print(
        f"enqueue -> reply ({jobs} no-op jobs, one at a time): "
        f"p50 {percentile(lat, 50):.3f} ms, p99 {percentile(lat, 99):.3f} ms, "
        f"mean {sum(lat) / len(lat):.3f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--jobs", type=int, default=2000)
    args = ap.parse_args()
    print(f"queue overhead on {machine()}")
    with throwaway_redis() as url:
        env = dict(os.environ, NORAE_REDIS_URL=url, NORAE_LOG_LEVEL="WARNING")
        worker = subprocess.Popen(
            [sys.executable, "-m", "bot", "worker", "--kinds", "noop", "--metrics-port", "0"],
            env=env,
        )
        try:
            asyncio.run(measure(url, args.jobs))
        finally:
            worker.terminate()
            worker.wait(15)


if __name__ == "__main__":
    main()
