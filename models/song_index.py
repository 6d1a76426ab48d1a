"""The song index: standardized audio vectors in an Annoy forest, plus an exact numpy search.

One version of the index is three files in the index directory, all named after the version:

- ``songs-<version>.ann``: the Annoy forest (euclidean over standardized vectors), memory-mapped
  by every process that loads it, so many workers share one copy in the page cache;
- ``songs-<version>.npz``: the standardized vectors (exact search, recall checks), the mean and std
  used to standardize, and the song ids in Annoy item order (``allow_pickle=False`` throughout);
- ``songs-<version>.json``: what the version holds (dim, metric, n_trees, count, feature version).

Each file is written to a temp name and renamed into place; the JSON goes last, so a version whose
JSON exists is complete. Building never touches an older version: workers keep serving the old one
until the Redis pointer (``storage/catalog.py``) names the new one. :func:`prune_versions` deletes
old versions; a worker that still has one memory-mapped keeps reading it (unlinked files live on
until unmapped).
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

METRIC: Final = "euclidean"
DEFAULT_N_TREES = 32
# Same-recording guard: a neighbour this close is the same audio under another id.
SAME_AUDIO_DISTANCE = 1e-6
_VERSION_RE = re.compile(r"^[0-9A-Za-z_-]{1,64}$")

Matrix = npt.NDArray[np.float32]


def new_version() -> str:
    """Sortable and unique: UTC build time plus a random suffix."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(3)


def version_paths(directory: Path, version: str) -> tuple[Path, Path, Path]:
    if not _VERSION_RE.match(version):
        raise ValueError(f"bad index version {version!r}")
    stem = directory / f"songs-{version}"
    return stem.with_suffix(".ann"), stem.with_suffix(".npz"), stem.with_suffix(".json")


def fit_standardizer(vectors: Matrix) -> tuple[Matrix, Matrix]:
    """Per-dimension mean and std; a constant dimension gets std 1 (it carries no distance)."""
    mean = vectors.mean(axis=0).astype(np.float32)
    std = vectors.std(axis=0).astype(np.float32)
    std[std < 1e-8] = 1.0
    return mean, std


@dataclass(frozen=True, slots=True)
class Neighbour:
    song_id: str
    distance: float


class SongIndex:
    """A loaded (memory-mapped) index version. Build with :meth:`build`, open with :meth:`load`."""

    def __init__(
        self,
        version: str,
        ids: Sequence[str],
        vectors: Matrix,
        mean: Matrix,
        std: Matrix,
        annoy: Any,
        *,
        n_trees: int,
        search_k: int = -1,
    ) -> None:
        self.version = version
        self.ids = list(ids)
        self.vectors = vectors
        self.mean = mean
        self.std = std
        self.annoy = annoy
        self.n_trees = n_trees
        self.search_k = search_k
        self._item = {song_id: i for i, song_id in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def __contains__(self, song_id: object) -> bool:
        return song_id in self._item

    # --- building and loading ---------------------------------------------------------------

    @classmethod
    def build(
        cls,
        directory: Path,
        ids: Sequence[str],
        raw_vectors: Matrix,
        *,
        n_trees: int = DEFAULT_N_TREES,
        search_k: int = -1,
        version: str | None = None,
        seed: int = 42,
    ) -> SongIndex:
        """Standardize, build the forest, write the version's files atomically, return it loaded."""
        from annoy import AnnoyIndex

        if len(ids) != len(raw_vectors):
            raise ValueError(f"{len(ids)} ids for {len(raw_vectors)} vectors")
        if len(set(ids)) != len(ids):
            raise ValueError("song ids must be unique")
        if len(ids) == 0:
            raise ValueError("no vectors to index")
        version = version or new_version()
        directory.mkdir(parents=True, exist_ok=True)
        ann_path, npz_path, json_path = version_paths(directory, version)
        raw = np.asarray(raw_vectors, dtype=np.float32)
        mean, std = fit_standardizer(raw)
        vectors = ((raw - mean) / std).astype(np.float32)
        dim = int(vectors.shape[1])

        started = time.perf_counter()
        forest = AnnoyIndex(dim, METRIC)
        forest.set_seed(seed)
        for item, vector in enumerate(vectors):
            forest.add_item(item, vector.tolist())
        forest.build(n_trees, n_jobs=-1)
        build_s = time.perf_counter() - started

        tmp = f".tmp-{os.getpid()}-{secrets.token_hex(4)}"
        tmp_npz = npz_path.with_name(npz_path.name + tmp + ".npz")
        with open(tmp_npz, "wb") as f:
            np.savez(f, vectors=vectors, mean=mean, std=std, ids=np.array(list(ids), dtype=np.str_))
        os.replace(tmp_npz, npz_path)
        tmp_ann = ann_path.with_name(ann_path.name + tmp)
        forest.save(str(tmp_ann))
        forest.unload()
        os.replace(tmp_ann, ann_path)
        meta = {
            "version": version,
            "dim": dim,
            "metric": METRIC,
            "n_trees": n_trees,
            "count": len(ids),
            "build_seconds": round(build_s, 3),
            "created": time.time(),
        }
        tmp_json = json_path.with_name(json_path.name + tmp)
        tmp_json.write_text(json.dumps(meta, indent=2), encoding="utf-8")
        os.replace(tmp_json, json_path)
        log.info(
            "index %s: %d songs, %d trees, built in %.2fs", version, len(ids), n_trees, build_s
        )
        return cls.load(directory, version, search_k=search_k)

    @classmethod
    def load(cls, directory: Path, version: str, *, search_k: int = -1) -> SongIndex:
        """Open a complete version; raises FileNotFoundError when it is not (or not yet) there."""
        from annoy import AnnoyIndex

        ann_path, npz_path, json_path = version_paths(directory, version)
        meta = json.loads(json_path.read_text(encoding="utf-8"))
        with np.load(npz_path, allow_pickle=False) as data:
            vectors = np.asarray(data["vectors"], dtype=np.float32)
            mean = np.asarray(data["mean"], dtype=np.float32)
            std = np.asarray(data["std"], dtype=np.float32)
            ids = [str(i) for i in data["ids"]]
        forest = AnnoyIndex(int(meta["dim"]), meta["metric"])
        forest.load(str(ann_path))  # memory-mapped, shared between processes
        if forest.get_n_items() != len(ids):
            raise ValueError(f"index {version}: {forest.get_n_items()} items for {len(ids)} ids")
        return cls(
            version,
            ids,
            vectors,
            mean,
            std,
            forest,
            n_trees=int(meta["n_trees"]),
            search_k=search_k,
        )

    def close(self) -> None:
        self.annoy.unload()

    # --- queries ----------------------------------------------------------------------------

    def standardize(self, raw_vector: npt.ArrayLike) -> Matrix:
        return ((np.asarray(raw_vector, dtype=np.float32) - self.mean) / self.std).astype(
            np.float32
        )

    def nearest(
        self, vector: Matrix, n: int, *, search_k: int | None = None
    ) -> tuple[list[int], list[float]]:
        """Approximate: the ``n`` items nearest a standardized vector (Annoy)."""
        sk = self.search_k if search_k is None else search_k
        items, dists = self.annoy.get_nns_by_vector(
            vector.tolist(), n, search_k=sk, include_distances=True
        )
        return list(items), list(dists)

    def nearest_to_item(
        self, item: int, n: int, *, search_k: int | None = None
    ) -> tuple[list[int], list[float]]:
        sk = self.search_k if search_k is None else search_k
        items, dists = self.annoy.get_nns_by_item(item, n, search_k=sk, include_distances=True)
        return list(items), list(dists)

    def exact(self, vector: Matrix, n: int) -> tuple[list[int], list[float]]:
        """Exact: brute force over every vector (the reference for recall)."""
        d2 = np.einsum("ij,ij->i", self.vectors - vector, self.vectors - vector)
        n = min(n, len(d2))
        top = np.argpartition(d2, n - 1)[:n]
        top = top[np.argsort(d2[top], kind="stable")]
        return top.tolist(), np.sqrt(d2[top]).astype(float).tolist()

    def similar(
        self,
        song_id: str,
        k: int,
        *,
        exclude: Iterable[str] = (),
        exact: bool = False,
        search_k: int | None = None,
    ) -> list[Neighbour]:
        """Up to ``k`` songs that sound like ``song_id``: never itself, an excluded id, the same
        audio under another id, or one song twice. Raises KeyError for a song not in the index."""
        item = self._item[song_id]
        banned = set(exclude) | {song_id}
        want = k + len(banned & self._item.keys())
        n = min(len(self.ids), want + 4)
        while True:
            if exact:
                items, dists = self.exact(self.vectors[item], n)
            else:
                items, dists = self.nearest_to_item(item, n, search_k=search_k)
            out: list[Neighbour] = []
            seen: set[str] = set()
            for other, dist in zip(items, dists, strict=True):
                other_id = self.ids[other]
                if other_id in banned or other_id in seen or dist < SAME_AUDIO_DISTANCE:
                    continue
                seen.add(other_id)
                out.append(Neighbour(other_id, float(dist)))
                if len(out) == k:
                    return out
            if n >= len(self.ids):
                return out
            n = min(len(self.ids), n * 2)


def complete_versions(directory: Path) -> list[str]:
    """Versions whose files are all there, oldest first."""
    found = []
    for meta in directory.glob("songs-*.json"):
        version = meta.stem.removeprefix("songs-")
        ann, npz, _ = version_paths(directory, version)
        if ann.exists() and npz.exists():
            found.append(version)
    return sorted(found)


def prune_versions(directory: Path, *, keep: int = 3, current: str | None = None) -> list[str]:
    """Delete all but the newest ``keep`` versions (never ``current``) and stale temp files."""
    versions = complete_versions(directory)
    doomed = [v for v in versions[: max(0, len(versions) - keep)] if v != current]
    for version in doomed:
        for path in version_paths(directory, version):
            path.unlink(missing_ok=True)
    cutoff = time.time() - 3600
    for tmp in directory.glob("songs-*.tmp-*"):
        if tmp.stat().st_mtime < cutoff:  # an import that died mid-write an hour ago
            tmp.unlink(missing_ok=True)
    return doomed
