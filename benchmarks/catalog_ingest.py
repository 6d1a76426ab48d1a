"""Audio analysis throughput: songs/s for 30 s excerpts (the demo tracks), cold and warm.

    python -m benchmarks.catalog_ingest [--jobs N]

- cold, empty numba cache: a fresh process with ``NUMBA_CACHE_DIR`` pointing at an empty folder,
  timing import + first song (what a brand-new machine pays once);
- cold, numba cache filled: the same in a fresh process that reuses numba's on-disk cache;
- warm, one process: songs/s after :func:`models.audio.warm_up`;
- warm, pool: ``analyse_files`` with N spawned processes (each warms up in its initializer; the
  figure includes pool start-up, as an import pays it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

from benchmarks.support import machine
from models import audio
from models.catalog_import import analyse_files, demo_rows

COLD = """
import time; t = time.perf_counter()
from models import audio
from models.catalog_import import demo_rows
audio.extract(demo_rows()[0].audio_path)
print(time.perf_counter() - t)
"""


def cold(numba_cache: str | None) -> float:
    env = dict(os.environ)
    if numba_cache is not None:
        env["NUMBA_CACHE_DIR"] = numba_cache
    out = subprocess.run(
        [sys.executable, "-c", COLD], env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as empty:
        print(f"cold, empty numba cache: first song after {cold(empty):.1f}s")
        print(f"cold, numba cache filled: first song after {cold(empty):.1f}s")
    paths = {r.song.id: r.audio_path for r in demo_rows() if r.audio_path is not None}
    print(f"warm_up() in this process: {audio.warm_up():.1f}s")
    t = time.perf_counter()
    for p in paths.values():
        audio.extract(p)
    s = time.perf_counter() - t
    print(f"warm, 1 process: {len(paths)} songs in {s:.1f}s = {len(paths) / s:.2f} songs/s")
    t = time.perf_counter()
    vectors, reasons = analyse_files(paths, jobs=args.jobs)
    s = time.perf_counter() - t
    print(
        f"pool of {args.jobs} (spawn + warm-up included): {len(vectors)} songs in {s:.1f}s = "
        f"{len(vectors) / s:.2f} songs/s ({len(reasons)} failed)"
    )


if __name__ == "__main__":
    main()
