"""The catalog in Redis: idempotent upserts, mood sets that follow edits, vectors, the pointer."""

from __future__ import annotations

import asyncio

from storage import keys
from storage.catalog import CatalogStore, IndexPointer, Song
from storage.connection import Redis, connect
from tests.conftest import RedisServer


def song(i: int, *moods: str, audio: str = "") -> Song:
    return Song(id=f"s{i}", title=f"Song {i}", artist="A", moods=moods, audio=audio)


async def test_upsert_is_idempotent(redis: Redis) -> None:
    store = CatalogStore(redis)
    songs = [song(1, "calm", "Happy ", audio="a.wav"), song(2, "happy")]
    first = await store.upsert(songs, {"s1": b"\x00" * 8})
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    before = sorted(await redis.keys("*"))
    again = await store.upsert(songs, {"s1": b"\x00" * 8})
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert sorted(await redis.keys("*")) == before
    assert await store.moods() == {"happy": 2, "calm": 1}
    got = await store.get("s1")
    assert got is not None and got.moods == ("calm", "happy") and got.title == "Song 1"


async def test_changed_moods_leave_the_old_mood_sets(redis: Redis) -> None:
    store = CatalogStore(redis)
    await store.upsert([song(1, "calm"), song(2, "calm")])
    counts = await store.upsert([song(1, "tender")])
    assert counts.updated == 1
    assert await store.ids_by_mood("calm") == {"s2"}
    assert await store.ids_by_mood("TENDER") == {"s1"}
    assert await store.moods() == {"calm": 1, "tender": 1}
    await store.upsert([song(2, "tender")])
    assert await store.moods() == {"tender": 2}
    assert not await redis.exists(keys.catalog_mood("calm"))


async def test_vectors_follow_the_audio(redis: Redis) -> None:
    store = CatalogStore(redis)
    s = Song(id="s1", title="x", audio="a.wav", audio_sig="sig1")
    await store.upsert([s], {"s1": b"v1"})
    assert await store.audio_sigs(["s1", "s2"]) == {"s1": "sig1"}
    await store.upsert([s])  # audio unchanged, no new vector: the old one stays
    assert await store.features() == {"s1": b"v1"}
    await store.upsert([Song(id="s2", title="y")], {"s2": b"v2"})  # no audio: vector ignored
    assert await store.features() == {"s1": b"v1"}
    await store.upsert([Song(id="s1", title="x")])  # audio removed
    assert await store.features() == {}
    assert await store.audio_sigs(["s1"]) == {}


async def test_get_many_by_mood_and_remove(redis: Redis) -> None:
    store = CatalogStore(redis)
    await store.upsert([song(i, "calm") for i in range(5)])
    got = await store.get_many(["s3", "nope", "s1"])
    assert [s.id if s else None for s in got] == ["s3", None, "s1"]
    assert await store.ids_by_mood("calm") == {f"s{i}" for i in range(5)}
    assert await store.remove("s0") and not await store.remove("s0")
    assert await store.count() == 4 and await store.moods() == {"calm": 4}


async def test_index_pointer(redis: Redis) -> None:
    store = CatalogStore(redis)
    assert await store.index() is None and await store.index_version() is None
    pointer = IndexPointer(version="v1", count=3, dim=80, metric="euclidean", n_trees=8)
    await store.set_index(pointer)
    assert await store.index() == pointer
    assert await store.index_version() == "v1"


async def test_upsert_on_a_one_connection_pool(redis: Redis, redis_server: RedisServer) -> None:
    # the batched reads use a second connection; a pool of one reads on the watching one
    single = connect(redis_server.url, max_connections=1)
    try:
        store = CatalogStore(single)
        songs = [song(i, "calm", audio="a.wav") for i in range(5)]
        vectors = {s.id: bytes([s.id[-1].encode()[0]]) * 8 for s in songs}
        first = await asyncio.wait_for(store.upsert(songs, vectors), 10)
        again = await asyncio.wait_for(store.upsert(songs, vectors), 10)
        assert (first.added, again.unchanged) == (5, 5)
        assert await CatalogStore(redis).features() == vectors
    finally:
        await single.aclose()


async def test_ids_of_any_of_several_moods_in_one_read(redis: Redis) -> None:
    store = CatalogStore(redis)
    await store.upsert(
        [
            Song("a", "A", moods=("calm",)),
            Song("b", "B", moods=("Calm", "happy")),
            Song("c", "C", moods=("sad",)),
        ]
    )
    assert await store.ids_by_any_mood(["calm ", "HAPPY"]) == {"a", "b"}
    assert await store.ids_by_any_mood(["sad", "missing"]) == {"c"}
    assert await store.ids_by_any_mood([]) == set()
