"""Annoy against exact search: recall@10, query p50/p99 and build time.

    python -m benchmarks.index_recall [--n 100000] [--queries 500]

Three catalogs, all 80-dim standardized like the real features:

- ``demo``: the 28 tracks of immich-memories-music (features extracted here);
- ``clustered``: n synthetic vectors drawn around 200 centres (songs form genres/moods);
- ``isotropic``: n i.i.d. Gaussian vectors, the worst case for any tree/graph index.

Queries are catalog items (as in the ``similar`` job) and exclude themselves.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.support import machine, percentile
from models.song_index import SongIndex


def demo_vectors() -> tuple[list[str], np.ndarray]:
    from models import audio
    from models.catalog_import import demo_rows

    audio.warm_up()
    rows = demo_rows()
    vectors = [audio.extract(r.audio_path) for r in rows if r.audio_path is not None]
    return [r.song.id for r in rows], np.stack(vectors)


def synthetic(kind: str, n: int, dim: int = 80, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "isotropic":
        return rng.standard_normal((n, dim)).astype(np.float32)
    centres = rng.normal(0, 3, (200, dim))
    return (centres[rng.integers(0, 200, n)] + rng.standard_normal((n, dim))).astype(np.float32)


def measure(
    name: str,
    ids: list[str],
    vectors: np.ndarray,
    trees: list[int],
    search_ks: list[int],
    queries: int,
) -> None:
    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory() as tmp:
        for n_trees in trees:
            t = time.perf_counter()
            index = SongIndex.build(Path(tmp), ids, vectors, n_trees=n_trees)
            build_s = time.perf_counter() - t
            items = rng.choice(len(ids), size=min(queries, len(ids)), replace=False)
            k = min(10, len(ids) - 1)
            truth = [set(index.exact(index.vectors[i], k + 1)[0]) - {int(i)} for i in items]
            exact_ms = []
            for i in items[:50]:
                t = time.perf_counter()
                index.exact(index.vectors[i], k + 1)
                exact_ms.append((time.perf_counter() - t) * 1000)
            for sk in search_ks:
                lat, hits = [], 0
                for i, want in zip(items, truth, strict=True):
                    t = time.perf_counter()
                    got, _ = index.nearest_to_item(int(i), k + 1, search_k=sk)
                    lat.append((time.perf_counter() - t) * 1000)
                    hits += len((set(got) - {int(i)}) & want)
                print(
                    f"{name:10s} n={len(ids):>6} trees={n_trees:>3} search_k={sk:>6}  "
                    f"recall@{k}={hits / (len(items) * k):.3f}  p50={percentile(lat, 50):.3f}ms  "
                    f"p99={percentile(lat, 99):.3f}ms  build={build_s:.2f}s  "
                    f"(exact p50={percentile(exact_ms, 50):.2f}ms)"
                )
            index.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    print(machine())
    ids, vectors = demo_vectors()
    measure("demo", ids, vectors, [32], [-1], args.queries)
    big_ids = [str(i) for i in range(args.n)]
    measure(
        "clustered", big_ids, synthetic("clustered", args.n), [32], [-1, 2000, 5000], args.queries
    )
    measure(
        "isotropic",
        big_ids,
        synthetic("isotropic", args.n),
        [32, 100],
        [5000, 20000, 50000],
        args.queries,
    )


if __name__ == "__main__":
    main()
