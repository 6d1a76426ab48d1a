"""The catalog's version and the process cache of what was read at it, on a real redis-server: every
catalog write bumps the version, a reader reuses what it read while the version is the same, and a
changed catalog is read again (never a stale mood set or song)."""

from __future__ import annotations

from bot.catalog import Catalog
from storage import keys
from storage.batches import Batch
from storage.catalog import CatalogStore, IndexPointer, Song, version_of
from storage.connection import Redis


def _song(n: int, *moods: str, title: str = "") -> Song:
    return Song(id=f"s{n}", title=title or f"Song {n}", moods=moods)


async def test_every_catalog_write_bumps_the_version(redis: Redis) -> None:
    store = CatalogStore(redis)
    assert await store.version() == 0
    await store.upsert([_song(1, "calm"), _song(2, "happy")])
    v1 = await store.version()
    assert v1 > 0
    await store.upsert([_song(1, "calm"), _song(2, "happy")])  # unchanged: nothing written
    assert await store.version() == v1
    await store.upsert([_song(1, "calm", "tender")])
    v2 = await store.version()
    assert v2 > v1
    assert await store.remove("s2")
    v3 = await store.version()
    assert v3 > v2
    assert not await store.remove("s2")  # nothing there: nothing written
    assert await store.version() == v3
    await store.set_index(IndexPointer("v1", count=1, dim=4, metric="angular", n_trees=2))
    assert await store.version() > v3


async def test_the_cache_is_reused_at_one_version_and_refreshed_after_a_change(
    redis: Redis,
) -> None:
    store = CatalogStore(redis)
    await store.upsert([_song(1, "calm"), _song(2, "calm"), _song(3, "happy")])
    catalog = Catalog(redis)
    v = await catalog.version()
    assert await catalog.ids_by_moods(["Calm"], version=v) == {"s1", "s2"}
    assert [s.title for s in await catalog.songs(["s1", "s9"], version=v)] == ["Song 1"]
    # Changed behind the store's back (no version bump): the cache still answers at version v,
    # which shows that it is used.
    await redis.srem(keys.catalog_mood("calm"), "s2")
    await redis.hset(keys.catalog_song("s1"), "title", "Renamed")
    assert await catalog.ids_by_moods(["calm"], version=v) == {"s1", "s2"}
    assert [s.title for s in await catalog.songs(["s1"], version=v)] == ["Song 1"]
    # Without a version the catalog is read as it is.
    assert await catalog.ids_by_moods(["calm"]) == {"s1"}
    # A write through the store bumps the version: the next read at it is fresh.
    await store.upsert([_song(2, "calm", title="Two"), _song(4, "calm")])
    v2 = await catalog.version()
    assert v2 != v
    # (what Redis holds: s2's mood set entry went behind the store's back, s4 came with the write)
    assert await catalog.ids_by_moods(["calm"], version=v2) == {"s1", "s4"}
    assert [s.title for s in await catalog.songs(["s1", "s2"], version=v2)] == ["Renamed", "Two"]
    assert await catalog.ids(version=v2) == {"s1", "s2", "s3", "s4"}
    await store.remove("s4")
    v3 = await catalog.version()
    assert await catalog.ids_by_moods(["calm"], version=v3) == {"s1"}
    assert await catalog.songs(["s4"], version=v3) == []
    assert await catalog.ids(version=v3) == {"s1", "s2", "s3"}


async def test_a_read_at_a_newer_version_than_the_callers_is_kept_under_its_own(
    redis: Redis,
) -> None:
    store = CatalogStore(redis)
    await store.upsert([_song(1, "calm")])
    catalog = Catalog(redis)
    old = await catalog.version()
    await store.upsert([_song(2, "calm")])  # after the caller read its version
    assert await catalog.ids_by_moods(["calm"], version=old) == {"s1", "s2"}
    new = await catalog.version()
    await redis.sadd(keys.catalog_mood("calm"), "s3")  # no bump: shows what the cache holds
    assert await catalog.ids_by_moods(["calm"], version=new) == {"s1", "s2"}


async def test_a_batch_carries_the_version_and_runs_a_script_the_server_does_not_know(
    redis: Redis,
) -> None:
    store = CatalogStore(redis)
    await store.upsert([_song(1, "calm")])
    script = redis.register_script("return redis.call('GET', KEYS[1])")
    await redis.script_flush()
    await redis.set("norae:test:{t}:a", "x")
    batch = Batch(redis)
    version = batch.add(CatalogStore.queue_version)
    ran = batch.script(script, ["norae:test:{t}:a"], [])
    await batch.execute()
    assert version_of(batch.reply(version)) == await store.version() > 0
    assert batch.reply(ran) == b"x"
