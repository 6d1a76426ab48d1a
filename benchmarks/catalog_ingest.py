"""Audio analysis throughput: songs/s for 30 s excerpts (the demo tracks), cold and warm.

    python -m benchmarks.catalog_ingest [--jobs N] [--passes N] [--profile] [--no-cold]

The audio is the 28 tracks of ``immich-memories-music`` (Ogg Opus, 48 kHz stereo, about 30 s
each): 28 distinct files, analysed again on each pass (later passes read the same files, from
the page cache; decoding and features are computed every time, nothing is memoized).

- cold, empty numba cache: a fresh process with ``NUMBA_CACHE_DIR`` pointing at an empty folder,
  timing import + first song (what a brand-new machine pays once);
- cold, numba cache filled: the same in a fresh process that reuses numba's on-disk cache;
- warm, one process: songs/s after :func:`models.audio.warm_up`, set up as a pool process is
  (:func:`models.audio.keep_freed_memory`);
- pool, first batch: ``analyse_files`` in a new pool of N spawned processes (each warms up in its
  initializer: pool start-up included, as a small import pays it);
- pool, warm: the same pool on the next passes (what a large import runs at once started).

``--profile`` prints cProfile's top functions for the warm one-process loop. Each warm figure says
how much CPU time other processes took meanwhile: on a small shared machine, read only the
figures where that is near 0.

Measured on this project's 2-core CPU (x86_64, AMD EPYC under KVM, Python 3.11), with other
processes taking at most 1.2 CPU-s during a figure; before: decoding through soundfile's
libsndfile, after: through PyAV (FFmpeg), with the pool's processes reusing freed memory:

=============================================  ======================  =====================
figure                                         before                  after
=============================================  ======================  =====================
cold, empty numba cache (import + first song)  17.2 s                  17.4 s
cold, numba cache filled                       1.9 s                   1.9 s
warm, 1 process                                4.73 songs/s (211 ms    10.85 songs/s (92 ms
                                               of CPU a song)          of CPU a song)
pool of 2, first batch (spawn + warm-up)       5.28 songs/s            8.60 songs/s
pool of 2, warm                                8.33 songs/s            22.74 songs/s
=============================================  ======================  =====================

Profile of the warm 1-process loop, 28 songs, top lines by own time (s):

- before (5.92 s): soundfile ``_cdata_io`` (libsndfile decoding Opus) 5.06, pocketfft ``r2c``
  0.18, soxr ``resample`` 0.15, numpy ``bmm_einsum`` (mel projection) 0.12, librosa ``stft``
  0.10, ``_mono`` 0.03;
- after (2.58 s): ``models.audio._mix_frames`` (FFmpeg's Opus decoder runs inside its loop)
  1.75, pocketfft ``r2c`` 0.17, soxr ``resample`` 0.14, numpy ``bmm_einsum`` 0.12, librosa
  ``stft`` 0.10, ``numpy.frombuffer`` (1,500 frames a song) 0.04, ``av.open`` 0.03.

Decoding is now ~60 ms of a song's ~90 ms of CPU, FFmpeg's own decoder at 48 kHz stereo (the
native Opus decoder decodes both channels whatever the output asks for); features ~20 ms,
resampling ~5 ms. With other work on the machine the pool's figure falls with the CPU it gets
(20.1 songs/s while others took 1.2 CPU-s of its 14).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.support import machine
from models import audio
from models.catalog_import import analyse_files, analysis_pool, demo_rows

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


class Others:
    """How much of the machine's CPU time other processes took while a figure was measured
    (Linux; on a small shared machine other work skews every figure): all busy CPU time from
    /proc/stat, less this process's and its children's (the pool's) own."""

    def __init__(self) -> None:
        self.start = self._busy(), self._ours()

    @staticmethod
    def _busy() -> float:
        try:
            with open("/proc/stat") as f:
                ticks = [int(v) for v in f.readline().split()[1:9]]
        except OSError:
            return float("nan")
        return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # less idle, iowait

    @staticmethod
    def _ours() -> float:
        total, me = time.process_time(), os.getpid()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == me:  # a child: its user + system time
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def __str__(self) -> str:
        busy, ours = self._busy() - self.start[0], self._ours() - self.start[1]
        return f"others used {max(busy - ours, 0.0):.1f} CPU-s meanwhile"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--passes", type=int, default=3, help="warm passes over the 28 files")
    parser.add_argument("--profile", action="store_true", help="profile the one-process loop")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-start figures")
    args = parser.parse_args()
    print(machine())
    if not args.no_cold:
        with tempfile.TemporaryDirectory() as empty:
            print(f"cold, empty numba cache: first song after {cold(empty):.1f}s")
            print(f"cold, numba cache filled: first song after {cold(empty):.1f}s")
    paths = {r.song.id: r.audio_path for r in demo_rows() if r.audio_path is not None}
    print(f"audio: {len(paths)} distinct files, {audio.FEATURE_VERSION}")
    print(f"warm_up() in this process: {audio.warm_up():.1f}s")
    audio.keep_freed_memory()  # as the pool's processes do
    profiler = cProfile.Profile() if args.profile else None
    others = Others()
    t, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    for p in paths.values():
        audio.extract(p)
    if profiler is not None:
        profiler.disable()
    s, cpu = time.perf_counter() - t, time.process_time() - cpu
    print(
        f"warm, 1 process: {len(paths)} songs in {s:.2f}s = {len(paths) / s:.2f} songs/s "
        f"({1000 * cpu / len(paths):.0f} ms CPU a song; {others})"
    )
    with analysis_pool(args.jobs) as pool:
        t = time.perf_counter()
        vectors, reasons = analyse_files(paths, jobs=args.jobs, pool=pool)
        s = time.perf_counter() - t
        print(
            f"pool of {args.jobs}, first batch (spawn + warm-up included): {len(vectors)} songs "
            f"in {s:.1f}s = {len(vectors) / s:.2f} songs/s ({len(reasons)} failed)"
        )
        others, t, done = Others(), time.perf_counter(), 0
        for _ in range(args.passes):
            vectors, reasons = analyse_files(paths, jobs=args.jobs, pool=pool)
            done += len(vectors)
        s = time.perf_counter() - t
        print(
            f"pool of {args.jobs}, warm: {done} songs ({args.passes} passes over the same "
            f"{len(paths)} files) in {s:.2f}s = {done / s:.2f} songs/s ({len(reasons)} failed; "
            f"{others})"
        )
    if profiler is not None:
        print("\nprofile, warm 1-process loop (top 15 by own time):")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
