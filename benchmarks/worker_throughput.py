"""Jobs/s of the inference worker with max_batch=1 vs max_batch=32, same tiny model, same run.

    python benchmarks/worker_throughput.py [--jobs 256] [--new-tokens 16] [--device cpu|cuda]

Prints one line per setting and the ratio. Both settings run in this process against a throwaway
redis-server, with every job submitted at once (a burst, as when a channel votes).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from benchmarks.support import machine, throwaway_redis
from bot.inference import InferenceClient
from models.generation import LocalGenerator
from models.handlers import GenerateHandler
from models.loading import load_causal_lm, pick_device
from models.tiny import build_tiny_gpt2
from models.worker import Worker, WorkerConfig
from storage.connection import connect
from storage.job_streams import JobStreams


async def run(
    url: str, model: str, device: str, max_batch: int, jobs: int, new_tokens: int
) -> float:
    redis = connect(url, max_connections=64)
    await redis.flushall()
    loaded = load_causal_lm(model, pick_device(device))
    handler = GenerateHandler(LocalGenerator(loaded, forward_batch_size=64))
    worker = Worker(
        JobStreams(redis),
        {"generate": handler},
        WorkerConfig(max_batch=max_batch, max_wait_ms=5, block_ms=100),
    )
    task = asyncio.create_task(worker.run())
    async with InferenceClient(redis, max_queue=10_000, timeout_s=600) as client:
        await client.generate(["warm up"], max_new_tokens=new_tokens)  # first call pays setup
        started = time.perf_counter()
        await asyncio.gather(
            *(
                client.generate([f"이야기 {i}: 옛날 옛적에"], max_new_tokens=new_tokens)
                for i in range(jobs)
            )
        )
        elapsed = time.perf_counter() - started
    worker.stop()
    await task
    await redis.aclose()
    sizes = worker.stats.batch_sizes[1:]
    mean = sum(sizes) / len(sizes) if sizes else 0
    print(
        f"max_batch={max_batch:<3} {jobs / elapsed:8.1f} jobs/s  "
        f"({jobs} jobs in {elapsed:.2f}s, mean batch {mean:.1f})"
    )
    return jobs / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--jobs", type=int, default=256)
    ap.add_argument("--new-tokens", type=int, default=16)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--model", help="model path or hub id (default: a tiny GPT-2 built now)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, throwaway_redis() as url:
        model = args.model or str(build_tiny_gpt2(Path(tmp) / "tiny", layers=2, width=64))
        print(
            f"worker throughput on {machine()}, device={args.device}, model={args.model or 'tiny GPT-2 (2x64)'}"
        )
        one = asyncio.run(run(url, model, args.device, 1, args.jobs, args.new_tokens))
        many = asyncio.run(run(url, model, args.device, 32, args.jobs, args.new_tokens))
        print(f"ratio max_batch=32 / max_batch=1: {many / one:.1f}x")


if __name__ == "__main__":
    main()
