"""The song catalog, read side: songs by mood, by id, random filtered picks, and sound-alikes.

Platform-neutral and light (no librosa, no annoy): the mood companion and the web player use it.
Songs are written by ``norae catalog import`` (``models/catalog_import.py``); sound-alikes come from
the worker's ``similar`` job over the Annoy index.

Demo songs carry ``package://<python package>/<path>`` URLs (:mod:`contract.urls`, re-exported
here): :func:`resolve_package_url` turns one into a local file for a server that streams it (the
web player).
"""

from __future__ import annotations

import logging
import random
import unicodedata
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

from contract.urls import PACKAGE_URL_SCHEME, resolve_package_url
from storage.catalog import CatalogStore, IndexPointer, Song, normalize_mood
from storage.connection import Redis

log = logging.getLogger(__name__)

NEIGHBOUR_POOL = 500  # songs sharing a mood that are looked at for one pick (sampled beyond)

__all__ = [
    "PACKAGE_URL_SCHEME",
    "Catalog",
    "IndexPointer",
    "Song",
    "default_songs_csv",
    "resolve_package_url",
    "song_language",
]


def default_songs_csv() -> Path:
    """The bundled default catalog (``bot/data/default_songs.csv``): what ``norae catalog import
    --default`` reads."""
    return Path(str(resources.files("bot.data") / "default_songs.csv"))


def _artist_key(artist: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", artist).casefold().split())


def song_language(song: Song) -> str:
    """The song's language: its own (the CSV's ``language``), else "ko" for a Hangul title or
    artist, else "" (not known: an instrumental demo track, an operator's song without one)."""
    if song.language:
        return song.language
    return "ko" if any(0xAC00 <= ord(c) <= 0xD7A3 for c in song.title + song.artist) else ""


class _Cache:
    """What this process read of the catalog at one version: mood sets (by normalized mood),
    songs (None for an id the catalog does not have), every id. Kept while the version is the
    one a caller read; replaced by what a read of another version brings."""

    __slots__ = ("ids", "moods", "songs", "version")

    def __init__(self, version: int) -> None:
        self.version = version
        self.moods: dict[str, frozenset[str]] = {}
        self.songs: dict[str, Song | None] = {}
        self.ids: frozenset[str] | None = None


class Catalog:
    """What the bot may ask of the catalog.

    A caller that read the catalog's version (``CatalogStore.queue_version`` in its own first
    batch, :meth:`version` otherwise) passes it as ``version=`` to :meth:`songs`,
    :meth:`ids_by_moods` and :meth:`ids`: what this process already read at that version is
    reused, the rest is read with the version it is of and kept. Without ``version`` they read
    Redis."""

    def __init__(self, redis: Redis, *, rng: random.Random | None = None) -> None:
        self.store = CatalogStore(redis)
        self.rng = rng or random.Random()
        self._cache = _Cache(-1)

    async def version(self) -> int:
        return await self.store.version()

    def _at(self, version: int | None) -> _Cache | None:
        """The cache when it is of ``version`` (a stale one is dropped)."""
        if version is None:
            return None
        if self._cache.version != version:
            self._cache = _Cache(version)
        return self._cache

    def _keep(self, version: int) -> _Cache:
        """The cache to keep what was just read at ``version`` in (a new one for a new version)."""
        if self._cache.version != version:
            self._cache = _Cache(version)
        return self._cache

    async def song(self, song_id: str) -> Song | None:
        return await self.store.get(song_id)

    async def songs(self, song_ids: Sequence[str], *, version: int | None = None) -> list[Song]:
        """The known songs among ``song_ids``, in that order (unknown ids are left out)."""
        cache = self._at(version)
        if cache is None:
            return [s for s in await self.store.get_many(song_ids) if s is not None]
        missing = [i for i in dict.fromkeys(song_ids) if i not in cache.songs]
        if missing:
            read_at, got = await self.store.songs_at_version(missing)
            kept = self._keep(read_at)
            kept.songs.update(zip(missing, got, strict=True))
            if kept is not cache:  # the catalog changed since the caller's version: use this read
                found = dict(zip(missing, got, strict=True))
                return [s for i in song_ids if (s := found.get(i, cache.songs.get(i))) is not None]
        return [s for i in song_ids if (s := cache.songs[i]) is not None]

    async def count(self) -> int:
        return await self.store.count()

    async def ids_by_moods(self, moods: Iterable[str], *, version: int | None = None) -> set[str]:
        """Ids of songs tagged with any of ``moods`` (an emotion label works as a mood)."""
        cache = self._at(version)
        if cache is None:
            return await self.store.ids_by_any_mood(moods)
        wanted = {normalize_mood(m) for m in moods}
        missing = wanted - cache.moods.keys()
        sets = {m: cache.moods[m] for m in wanted - missing}
        if missing:
            read_at, got = await self.store.moods_at_version(missing)
            kept = self._keep(read_at)
            for mood, members in got.items():
                kept.moods[mood] = sets[mood] = frozenset(members)
        return set().union(*sets.values())

    async def ids(self, *, version: int | None = None) -> set[str]:
        """Ids of every song in the catalog."""
        cache = self._at(version)
        if cache is None:
            return await self.store.ids()
        if cache.ids is None:
            read_at, got = await self.store.ids_at_version()
            self._keep(read_at).ids = frozenset(got)
            return got
        return set(cache.ids)

    async def neighbours(
        self, song: Song, k: int, *, exclude: Iterable[str] = ()
    ) -> tuple[list[Song], set[str]]:
        """Up to ``k`` songs near ``song`` without listening to it: its artist's songs first (up
        to half, more when too few others share a mood), then songs sharing the most moods with it (the same script, Hangul or not, breaks ties before
        chance). Never the song itself nor one in ``exclude``. Returns the songs and which
        likeness picked them: a subset of ``{"artist", "mood", "other"}`` ("other": neither, for a song
        without moods).

        Candidates are the songs that share a mood with it (all songs when it has none), at most
        :data:`NEIGHBOUR_POOL` of them, sampled.
        """
        if k <= 0:
            return [], set()
        skip = set(exclude) | {song.id}
        pool = await (self.ids_by_moods(song.moods) if song.moods else self.store.ids())
        candidates = sorted(pool - skip)
        if len(candidates) > NEIGHBOUR_POOL:
            candidates = self.rng.sample(candidates, NEIGHBOUR_POOL)
        artist = _artist_key(song.artist)
        moods = {normalize_mood(m) for m in song.moods}
        language = song_language(song)

        def score(other: Song) -> tuple[int, int, int, float]:
            same_artist = int(bool(artist) and _artist_key(other.artist) == artist)
            shared = len(moods & {normalize_mood(m) for m in other.moods})
            other_language = int(song_language(other) != language)
            return (-same_artist, -shared, other_language, self.rng.random())

        ranked = sorted(await self.songs(candidates), key=score)
        by_artist = [s for s in ranked if score(s)[0]]
        others = [s for s in ranked if not score(s)[0]]
        cap = (k + 1) // 2  # the artist leads with up to half; the mood has the rest
        head = by_artist[:cap]
        rest = others[: k - len(head)]
        ranked = head + rest + by_artist[cap : cap + k - len(head) - len(rest)]
        kinds = {"artist" if score(s)[0] else "mood" if score(s)[1] else "other" for s in ranked}
        return ranked, kinds
