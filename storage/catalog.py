"""The song catalog in Redis: song metadata, mood tags, audio feature vectors, the index pointer.

A song is a hash keyed by its id. Its moods are mirrored into one set per mood (for "songs that fit
this mood" lookups with ``SRANDMEMBER``/``SMEMBERS``) and counted in a sorted set of moods. Writing a
song is idempotent: the same song written twice leaves the same keys, and a song whose moods change
leaves the old mood sets. Each batch is written under ``WATCH`` on its song hashes, so two imports
racing on the same song cannot leave a song in a mood set it no longer has.

Audio feature vectors (raw, before standardization) live in one hash, song id -> float32 bytes,
so an index can be rebuilt from Redis alone and a re-import skips audio it has already analysed
(the song's ``audio_sig`` names the exact audio and feature settings its vector came from).

The index pointer (``keys.catalog_index``) names the Annoy index version that workers should serve;
the files themselves live on disk (``models/song_index.py``).

Every write here (an upsert that changes something, a removal, a new index pointer) increments the
catalog's version (``keys.catalog_version``) in the same transaction, so whoever writes through this
store bumps it: a reader may keep songs and mood sets it read while the version is the same
(``bot/catalog.py``). The ``*_at_version`` reads return the version with what they read, in one
round trip: the version is read first, so what they read is never older than it (a write in
between only makes it newer, and the next read of the version shows that).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from redis.exceptions import WatchError

from storage import keys
from storage.connection import Redis

WRITE_CHUNK = 200
WATCH_RETRIES = 5

_SONG_FIELDS = ("title", "artist", "url", "moods", "lyrics", "audio", "audio_sig", "language")


def _s(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def normalize_mood(mood: str) -> str:
    """Moods are compared lower-case and trimmed (``"Calm "`` and ``"calm"`` are one mood)."""
    return " ".join(mood.strip().lower().split())


def version_of(raw: bytes | str | None) -> int:
    """The catalog version from its key's reply (absent: 0)."""
    return int(raw or 0)


@dataclass(frozen=True, slots=True)
class Song:
    id: str
    title: str
    artist: str = ""
    url: str = ""
    moods: tuple[str, ...] = ()
    lyrics: str = ""
    audio: str = ""  # where the audio came from (a file name or package reference); "" for none
    audio_sig: str = ""  # what audio + feature settings the stored vector came from
    language: str = ""  # of the lyrics ("ko", "en"), "" when not known; recommendations prefer it

    def to_fields(self) -> dict[str, str]:
        return {
            "title": self.title,
            "artist": self.artist,
            "url": self.url,
            "moods": json.dumps(sorted({normalize_mood(m) for m in self.moods if m.strip()})),
            "lyrics": self.lyrics,
            "audio": self.audio,
            "audio_sig": self.audio_sig,
            "language": self.language,
        }

    @classmethod
    def from_fields(cls, song_id: str, raw: Mapping[bytes, bytes]) -> Song:
        got = {_s(k): _s(v) for k, v in raw.items()}
        try:
            moods = tuple(str(m) for m in json.loads(got.get("moods") or "[]"))
        except ValueError:
            moods = ()
        return cls(
            id=song_id,
            title=got.get("title", ""),
            artist=got.get("artist", ""),
            url=got.get("url", ""),
            moods=moods,
            lyrics=got.get("lyrics", ""),
            audio=got.get("audio", ""),
            audio_sig=got.get("audio_sig", ""),
            language=got.get("language", ""),
        )


@dataclass(frozen=True, slots=True)
class IndexPointer:
    """The index version workers serve, and what it holds."""

    version: str
    count: int
    dim: int
    metric: str
    n_trees: int
    built_at: float = field(default_factory=time.time)

    def to_fields(self) -> dict[str, str]:
        return {
            "version": self.version,
            "count": str(self.count),
            "dim": str(self.dim),
            "metric": self.metric,
            "n_trees": str(self.n_trees),
            "built_at": repr(self.built_at),
        }

    @classmethod
    def from_fields(cls, raw: Mapping[bytes, bytes]) -> IndexPointer:
        got = {_s(k): _s(v) for k, v in raw.items()}
        return cls(
            version=got["version"],
            count=int(got.get("count", "0")),
            dim=int(got.get("dim", "0")),
            metric=got.get("metric", ""),
            n_trees=int(got.get("n_trees", "0")),
            built_at=float(got.get("built_at", "0")),
        )


@dataclass(slots=True)
class UpsertCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


class CatalogStore:
    """Typed catalog operations. Song ids are opaque strings chosen by the importer."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    # --- writes ----------------------------------------------------------------------------

    async def upsert(
        self, songs: Sequence[Song], features: Mapping[str, bytes] | None = None
    ) -> UpsertCounts:
        """Write songs (and their feature vectors, where given) idempotently.

        A song without ``audio`` has no vector (a given one is ignored, a stored one deleted); a
        song with audio but no entry in ``features`` keeps the vector it has (audio unchanged).
        """
        counts = UpsertCounts()
        vectors = features or {}
        for start in range(0, len(songs), WRITE_CHUNK):
            chunk = songs[start : start + WRITE_CHUNK]
            part = await self._upsert_chunk(chunk, vectors)
            counts.added += part.added
            counts.updated += part.updated
            counts.unchanged += part.unchanged
        return counts

    async def _upsert_chunk(
        self, songs: Sequence[Song], vectors: Mapping[str, bytes]
    ) -> UpsertCounts:
        song_keys = [keys.catalog_song(s.id) for s in songs]
        for _attempt in range(WATCH_RETRIES):
            counts = UpsertCounts()
            async with self.redis.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(*song_keys)
                    old, old_vectors = await self._read_before(pipe, songs, song_keys)
                    pipe.multi()  # type: ignore[no-untyped-call]
                    for song, key, before, old_vec in zip(
                        songs, song_keys, old, old_vectors, strict=True
                    ):
                        self._queue_song(pipe, song, key, before, old_vec, vectors, counts)
                    if counts.added or counts.updated:
                        pipe.incr(keys.catalog_version())
                    await pipe.execute()
                except WatchError:
                    continue
            return counts
        raise RuntimeError("catalog songs kept changing under a concurrent writer; try again")

    async def _read_before(
        self, watching: Redis, songs: Sequence[Song], song_keys: Sequence[str]
    ) -> tuple[list[dict[bytes, bytes]], list[bytes | None]]:
        """The chunk's song hashes and stored vectors, read after WATCH (so a change after these
        reads still fails the EXEC). One round trip on a second connection when the pool has one;
        one per song on the watching connection when the pool holds a single connection."""
        ids = [s.id for s in songs]
        pool = getattr(self.redis, "connection_pool", None)  # a cluster client has one per node
        if getattr(pool, "max_connections", 2) < 2:
            old = [cast(dict[bytes, bytes], await watching.hgetall(key)) for key in song_keys]
            return old, cast(list[bytes | None], await watching.hmget(keys.catalog_features(), ids))
        async with self.redis.pipeline(transaction=False) as reads:
            for key in song_keys:
                reads.hgetall(key)
            reads.hmget(keys.catalog_features(), ids)
            got = await reads.execute()
        return cast(list[dict[bytes, bytes]], got[:-1]), cast(list[bytes | None], got[-1])

    @staticmethod
    def _queue_song(
        pipe: Redis,
        song: Song,
        key: str,
        before: Mapping[bytes, bytes],
        old_vector: bytes | None,
        vectors: Mapping[str, bytes],
        counts: UpsertCounts,
    ) -> None:
        fields = song.to_fields()
        new_vector = vectors.get(song.id) if song.audio else None  # no audio, no vector
        vector_changes = (new_vector is not None and new_vector != old_vector) or (
            not song.audio and old_vector is not None
        )
        old_fields = {_s(k): _s(v) for k, v in before.items()}
        same = bool(old_fields) and all(old_fields.get(f) == fields[f] for f in _SONG_FIELDS)
        if same and not vector_changes:
            counts.unchanged += 1
            return
        if old_fields:
            counts.updated += 1
        else:
            counts.added += 1
        old_moods = set(Song.from_fields(song.id, before).moods) if before else set()
        new_moods = set(json.loads(fields["moods"]))
        pipe.delete(key)
        pipe.hset(key, mapping=dict(fields, updated=repr(time.time())))  # type: ignore[arg-type]
        pipe.sadd(keys.catalog_songs(), song.id)
        for mood in old_moods - new_moods:
            pipe.srem(keys.catalog_mood(mood), song.id)
            pipe.zincrby(keys.catalog_moods(), -1, mood)
        for mood in new_moods - old_moods:
            pipe.sadd(keys.catalog_mood(mood), song.id)
            pipe.zincrby(keys.catalog_moods(), 1, mood)
        if old_moods - new_moods:
            pipe.zremrangebyscore(keys.catalog_moods(), "-inf", 0)
        if new_vector is not None:
            pipe.hset(keys.catalog_features(), song.id, new_vector)
        elif not song.audio:
            pipe.hdel(keys.catalog_features(), song.id)

    async def remove(self, song_id: str) -> bool:
        """Delete a song, its mood tags and its vector. False when it was not there."""
        key = keys.catalog_song(song_id)
        for _attempt in range(WATCH_RETRIES):
            async with self.redis.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(key)
                    before = cast(dict[bytes, bytes], await pipe.hgetall(key))
                    if not before:
                        return False
                    moods = Song.from_fields(song_id, before).moods
                    pipe.multi()  # type: ignore[no-untyped-call]
                    pipe.delete(key)
                    pipe.srem(keys.catalog_songs(), song_id)
                    pipe.hdel(keys.catalog_features(), song_id)
                    for mood in moods:
                        pipe.srem(keys.catalog_mood(mood), song_id)
                        pipe.zincrby(keys.catalog_moods(), -1, mood)
                    pipe.zremrangebyscore(keys.catalog_moods(), "-inf", 0)
                    pipe.incr(keys.catalog_version())
                    await pipe.execute()
                    return True
                except WatchError:
                    continue
        raise RuntimeError(f"song {song_id} kept changing under a concurrent writer")

    async def set_index(self, pointer: IndexPointer) -> None:
        """Point workers at a new index version (they reload it on their next job)."""
        key = keys.catalog_index()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.hset(key, mapping=pointer.to_fields())  # type: ignore[arg-type]
            pipe.incr(keys.catalog_version())
            await pipe.execute()

    # --- reads -----------------------------------------------------------------------------

    async def version(self) -> int:
        """The catalog's version: 0 before its first write; every write makes it larger."""
        return int(await self.redis.get(keys.catalog_version()) or 0)

    @staticmethod
    def queue_version(pipe: Redis) -> None:
        """Queue the version read on a caller's pipeline (its reply: :func:`version_of`)."""
        pipe.get(keys.catalog_version())

    async def songs_at_version(self, song_ids: Iterable[str]) -> tuple[int, list[Song | None]]:
        """:meth:`get_many` and the version they are of (at least), in one round trip."""
        ids = list(song_ids)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.get(keys.catalog_version())
            for song_id in ids:
                pipe.hgetall(keys.catalog_song(song_id))
            got = await pipe.execute()
        raws = cast(list[dict[bytes, bytes]], got[1:])
        songs = [
            Song.from_fields(song_id, raw) if raw else None
            for song_id, raw in zip(ids, raws, strict=True)
        ]
        return version_of(got[0]), songs

    async def moods_at_version(self, moods: Iterable[str]) -> tuple[int, dict[str, set[str]]]:
        """The ids of each mood's songs (by normalized mood) and the version they are of (at
        least), in one round trip."""
        wanted = sorted({normalize_mood(m) for m in moods})
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.get(keys.catalog_version())
            for mood in wanted:
                pipe.smembers(keys.catalog_mood(mood))
            got = await pipe.execute()
        sets = cast(list[set[bytes]], got[1:])
        return version_of(got[0]), {
            mood: {_s(m) for m in members} for mood, members in zip(wanted, sets, strict=True)
        }

    async def ids_at_version(self) -> tuple[int, set[str]]:
        """:meth:`ids` and the version they are of (at least), in one round trip."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.get(keys.catalog_version())
            pipe.smembers(keys.catalog_songs())
            raw_version, members = await pipe.execute()
        return version_of(raw_version), {_s(m) for m in cast(set[bytes], members)}

    async def index(self) -> IndexPointer | None:
        raw = cast(dict[bytes, bytes], await self.redis.hgetall(keys.catalog_index()))
        return IndexPointer.from_fields(raw) if raw else None

    async def index_version(self) -> str | None:
        """Just the version (one cheap HGET: workers call this before each batch)."""
        raw = cast(bytes | None, await self.redis.hget(keys.catalog_index(), "version"))
        return _s(raw) if raw is not None else None

    async def get(self, song_id: str) -> Song | None:
        raw = cast(dict[bytes, bytes], await self.redis.hgetall(keys.catalog_song(song_id)))
        return Song.from_fields(song_id, raw) if raw else None

    async def get_many(self, song_ids: Iterable[str]) -> list[Song | None]:
        """Songs in the order asked; ``None`` where an id is unknown."""
        ids = list(song_ids)
        async with self.redis.pipeline(transaction=False) as pipe:
            for song_id in ids:
                pipe.hgetall(keys.catalog_song(song_id))
            raws = cast(list[dict[bytes, bytes]], await pipe.execute())
        return [
            Song.from_fields(song_id, raw) if raw else None
            for song_id, raw in zip(ids, raws, strict=True)
        ]

    async def ids(self) -> set[str]:
        return {_s(m) for m in cast(set[bytes], await self.redis.smembers(keys.catalog_songs()))}

    async def count(self) -> int:
        return int(await self.redis.scard(keys.catalog_songs()))

    async def ids_by_mood(self, mood: str) -> set[str]:
        members = cast(
            set[bytes], await self.redis.smembers(keys.catalog_mood(normalize_mood(mood)))
        )
        return {_s(m) for m in members}

    async def ids_by_any_mood(self, moods: Iterable[str]) -> set[str]:
        """Ids of the songs tagged with any of ``moods``, read in one round trip."""
        wanted = sorted({normalize_mood(m) for m in moods})
        if not wanted:
            return set()
        async with self.redis.pipeline(transaction=False) as pipe:
            for mood in wanted:
                pipe.smembers(keys.catalog_mood(mood))
            got = cast(list[set[bytes]], await pipe.execute())
        return {_s(m) for members in got for m in members}

    async def moods(self) -> dict[str, int]:
        """Every mood with the number of songs it tags, most used first."""
        got = cast(
            list[tuple[bytes, float]],
            await self.redis.zrevrange(keys.catalog_moods(), 0, -1, withscores=True),
        )
        return {_s(m): int(score) for m, score in got}

    async def features(self, song_ids: Iterable[str] | None = None) -> dict[str, bytes]:
        """Stored vectors (float32 bytes) of the given songs, or of every song."""
        if song_ids is None:
            raw = cast(dict[bytes, bytes], await self.redis.hgetall(keys.catalog_features()))
            return {_s(k): v for k, v in raw.items()}
        ids = list(song_ids)
        if not ids:
            return {}
        got = cast(list[bytes | None], await self.redis.hmget(keys.catalog_features(), ids))
        return {i: v for i, v in zip(ids, got, strict=True) if v is not None}

    async def audio_sigs(self, song_ids: Iterable[str]) -> dict[str, str]:
        """song id -> the signature of the audio its stored vector came from (only songs with one)."""
        ids = list(song_ids)
        if not ids:
            return {}
        async with self.redis.pipeline(transaction=False) as pipe:
            for song_id in ids:
                pipe.hget(keys.catalog_song(song_id), "audio_sig")
            sigs = cast(list[bytes | None], await pipe.execute())
        have = await self.features(ids)
        return {i: _s(sig) for i, sig in zip(ids, sigs, strict=True) if sig and i in have}
