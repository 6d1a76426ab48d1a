"""Worker cold start: from `norae worker` starting to the first answered job.

    python benchmarks/cold_start.py [--kinds generate,classify]

Uses the configured models (by default the prepared Gemma 3 270M generator and the starter
emotion classifier; run `norae models prepare` first). Prints the time to a heartbeat
(models loaded, worker in the group) and to the first answer of each kind.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time

from benchmarks.support import machine, throwaway_redis
from bot.inference import InferenceClient
from storage.connection import connect
from storage.job_streams import JobStreams


async def first_answers(url: str, kinds: list[str], started: float) -> None:
    redis = connect(url)
    streams = JobStreams(redis)
    async with InferenceClient(redis, timeout_s=300) as client:
        # submitted before the worker is up: the job waits in the stream
        pending: dict[str, asyncio.Task[object]] = {}
        if "generate" in kinds:
            pending["generate"] = asyncio.create_task(
                client.generate(["옛날 옛적에"], max_new_tokens=16)
            )
        if "classify" in kinds:
            pending["classify"] = asyncio.create_task(client.classify(["오늘 정말 기뻐요"]))
        while not await streams.live_workers():
            await asyncio.sleep(0.02)
        print(f"worker up (models loaded, heartbeat): {time.perf_counter() - started:.2f} s")
        for kind, task in pending.items():
            await task
            print(f"first {kind} answer: {time.perf_counter() - started:.2f} s")
    await redis.aclose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--kinds", default="generate,classify")
    args = ap.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    print(f"worker cold start on {machine()}")
    with throwaway_redis() as url:
        env = dict(os.environ, NORAE_REDIS_URL=url, NORAE_LOG_LEVEL="WARNING")
        started = time.perf_counter()
        worker = subprocess.Popen(
            [sys.executable, "-m", "bot", "worker", "--kinds", args.kinds, "--metrics-port", "0"],
            env=env,
        )
        try:
            asyncio.run(first_answers(url, kinds, started))
        finally:
            worker.terminate()
            worker.wait(15)


if __name__ == "__main__":
    main()
