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


class Catalog:
    """What the bot may ask of the catalog."""

    def __init__(self, redis: Redis, *, rng: random.Random | None = None) -> None:
        self.store = CatalogStore(redis)
        self.rng = rng or random.Random()

    async def song(self, song_id: str) -> Song | None:
        return await self.store.get(song_id)

    async def songs(self, song_ids: Sequence[str]) -> list[Song]:
        """The known songs among ``song_ids``, in that order (unknown ids are left out)."""
        return [s for s in await self.store.get_many(song_ids) if s is not None]

    async def count(self) -> int:
        return await self.store.count()

    async def ids_by_moods(self, moods: Iterable[str]) -> set[str]:
        """Ids of songs tagged with any of ``moods`` (an emotion label works as a mood)."""
        return await self.store.ids_by_any_mood(moods)

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
