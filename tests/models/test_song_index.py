"""The song index: build -> reload -> query, exclusions, atomic versions, exact vs Annoy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.song_index import SongIndex, complete_versions, prune_versions


def catalog(n: int = 60, dim: int = 80, seed: int = 0) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 5, (6, dim))
    vectors = centres[rng.integers(0, 6, n)] + rng.normal(0, 1, (n, dim))
    return [f"song-{i:03d}" for i in range(n)], vectors.astype(np.float32)


def test_build_reload_query_round_trip(tmp_path: Path) -> None:
    ids, vectors = catalog()
    built = SongIndex.build(tmp_path, ids, vectors, n_trees=10, version="v1")
    again = SongIndex.load(tmp_path, "v1")
    assert again.ids == ids and len(again) == 60 and again.dim == 80
    np.testing.assert_allclose(again.vectors, built.vectors)
    np.testing.assert_allclose(again.standardize(vectors[3]), again.vectors[3], atol=1e-5)
    assert abs(float(again.vectors.mean())) < 1e-4  # standardized
    for song_id in ids[:10]:
        assert [n.song_id for n in again.similar(song_id, 5)] == [
            n.song_id for n in built.similar(song_id, 5)
        ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "songs-v1.ann",
        "songs-v1.json",
        "songs-v1.npz",
    ]


@pytest.mark.parametrize("exact", [False, True])
def test_a_song_is_never_its_own_neighbour_and_none_repeats(tmp_path: Path, exact: bool) -> None:
    ids, vectors = catalog()
    vectors[10] = vectors[11]  # the same recording under two ids
    index = SongIndex.build(tmp_path, ids, vectors, n_trees=10)
    for song_id in ids:
        got = [n.song_id for n in index.similar(song_id, 5, exact=exact)]
        assert song_id not in got
        assert len(got) == len(set(got)) == 5
    assert "song-011" not in [n.song_id for n in index.similar("song-010", 5, exact=exact)]


def test_excluded_songs_are_left_out_and_k_is_still_met(tmp_path: Path) -> None:
    ids, vectors = catalog()
    index = SongIndex.build(tmp_path, ids, vectors, n_trees=10)
    first = [n.song_id for n in index.similar("song-000", 5)]
    got = [n.song_id for n in index.similar("song-000", 5, exclude=first)]
    assert len(got) == 5 and not set(got) & set(first)
    everything = index.similar("song-000", 100, exclude=ids[:50])
    assert len(everything) == 10  # 60 songs, itself and 50 excluded left out
    distances = [n.distance for n in everything]
    assert distances == sorted(distances)


def test_annoy_agrees_with_exact_search(tmp_path: Path) -> None:
    ids, vectors = catalog(n=300)
    index = SongIndex.build(tmp_path, ids, vectors, n_trees=20)
    hits = 0
    for item in range(0, 300, 10):
        approx, _ = index.nearest(index.vectors[item], 10)
        exact, _ = index.exact(index.vectors[item], 10)
        hits += len(set(approx) & set(exact))
    assert hits / (30 * 10) >= 0.9


def test_unknown_song_raises_keyerror(tmp_path: Path) -> None:
    ids, vectors = catalog(n=5)
    index = SongIndex.build(tmp_path, ids, vectors, n_trees=2)
    with pytest.raises(KeyError):
        index.similar("nope", 3)


def test_versions_are_complete_or_absent_and_old_ones_are_pruned(tmp_path: Path) -> None:
    ids, vectors = catalog(n=20)
    for v in ("a1", "a2", "a3", "a4"):
        SongIndex.build(tmp_path, ids, vectors, n_trees=2, version=v)
    (tmp_path / "songs-a5.ann").write_bytes(b"half written")  # no JSON: not a version
    assert complete_versions(tmp_path) == ["a1", "a2", "a3", "a4"]
    assert prune_versions(tmp_path, keep=2, current="a1") == ["a2"]
    assert complete_versions(tmp_path) == ["a1", "a3", "a4"]
    assert not list(tmp_path.glob("*.tmp-*"))
    with pytest.raises(FileNotFoundError):
        SongIndex.load(tmp_path, "a5")
    with pytest.raises(ValueError):
        SongIndex.load(tmp_path, "../etc")
