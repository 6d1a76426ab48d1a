"""Shared set-up for the benchmark scripts: a throwaway redis-server and percentiles."""

from __future__ import annotations

import contextlib
import platform
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bot.embedded_redis import EmbeddedRedis


@contextlib.contextmanager
def throwaway_redis() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="norae-bench-") as tmp:
        server = EmbeddedRedis(Path(tmp), aof=False)
        url = server.start()
        try:
            yield url
        finally:
            server.stop()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def machine() -> str:
    import os

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
