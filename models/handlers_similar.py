"""The ``similar`` job: songs that sound like a given song, from the Annoy index of audio features.

The handler memory-maps the index version named by the Redis pointer (``storage/catalog.py``) from
its index directory. Before a batch it re-reads the pointer (at most every ``reload_check_s``) and,
when a new import has moved it, opens the new version and drops the old one: no restart needed.
A query in flight keeps the version it started with. The worker never imports librosa: vectors
were computed at import time, so this kind has no numba cold start.

A song that is in the catalog but not in the index (no audio, or imported after the index was
built) gets an empty answer with ``found=False``, so callers can fall back without an error. No
index at all is an error with the code ``no-index``. The request and result are the contract's
(:class:`~contract.jobs.SimilarRequest`, :class:`~contract.jobs.SimilarResult`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Hashable
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from contract.jobs import ErrorCode, SimilarRequest, SimilarResult
from models.handlers import HandlerError
from storage.catalog import CatalogStore
from storage.connection import Redis, connect

if TYPE_CHECKING:  # annoy is loaded by the worker only
    from contract.settings import Settings
    from models.song_index import SongIndex

log = logging.getLogger(__name__)


class NoIndex(HandlerError):
    """No index has been built yet (or its files are not on this worker's disk): ``no-index``."""

    code = ErrorCode.NO_INDEX


class SimilarHandler:
    kind = SimilarRequest.kind
    payload_model = SimilarRequest

    def __init__(
        self,
        index_dir: Path,
        *,
        redis: Redis | None = None,
        redis_url: str | None = None,
        search_k: int = -1,
        reload_check_s: float = 1.0,
    ) -> None:
        if redis is None and redis_url is None:
            raise ValueError("SimilarHandler needs a Redis client or URL (for the index pointer)")
        self.index_dir = index_dir
        self.search_k = search_k
        self.reload_check_s = reload_check_s
        self._redis = redis
        self._redis_url = redis_url
        self._owns_redis = redis is None
        self._index: SongIndex | None = None
        self._checked_at = float("-inf")
        self._lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> SimilarHandler:
        cs = settings.catalog
        return cls(
            cs.index_path(settings.data_dir),
            redis_url=settings.redis.url,
            search_k=cs.search_k,
            reload_check_s=cs.reload_check_s,
        )

    @property
    def version(self) -> str | None:
        return self._index.version if self._index is not None else None

    def group_key(self, payload: SimilarRequest) -> Hashable:
        return "all"

    async def run(self, payloads: list[SimilarRequest]) -> list[BaseModel]:
        index = await self.current_index()
        return await asyncio.to_thread(self._answer, index, payloads)

    def _answer(self, index: SongIndex, payloads: list[SimilarRequest]) -> list[BaseModel]:
        out: list[BaseModel] = []
        for p in payloads:
            if p.song_id not in index:
                out.append(
                    SimilarResult(song_ids=[], distances=[], found=False, version=index.version)
                )
                continue
            found = index.similar(p.song_id, p.k, exclude=p.exclude)
            out.append(
                SimilarResult(
                    song_ids=[n.song_id for n in found],
                    distances=[round(n.distance, 5) for n in found],
                    version=index.version,
                )
            )
        return out

    async def current_index(self) -> SongIndex:
        """The index the pointer names, reloading when it moved (checked every reload_check_s)."""
        async with self._lock:
            now = time.monotonic()
            if self._index is None or now - self._checked_at >= self.reload_check_s:
                self._checked_at = now
                version = await CatalogStore(self._client()).index_version()
                if version is None:
                    raise NoIndex("no song index yet: run `norae catalog import` first")
                if self._index is None or version != self._index.version:
                    await self._open(version)
            assert self._index is not None
            return self._index

    async def _open(self, version: str) -> None:
        from models.song_index import SongIndex

        try:
            index = await asyncio.to_thread(
                SongIndex.load, self.index_dir, version, search_k=self.search_k
            )
        except FileNotFoundError:
            if self._index is not None:
                log.error(
                    "index %s is not in %s; still serving %s",
                    version,
                    self.index_dir,
                    self._index.version,
                )
                return
            raise NoIndex(f"index {version} is not in the worker's index directory") from None
        old, self._index = self._index, index
        log.info(
            "serving song index %s (%d songs)%s",
            version,
            len(index),
            f", was {old.version}" if old else "",
        )
        # The old forest is not unloaded here: a batch may still be reading it in a thread. It is
        # unmapped when the last reference goes.

    def _client(self) -> Redis:
        if self._redis is None:
            assert self._redis_url is not None
            self._redis = connect(self._redis_url, max_connections=4)
        return self._redis

    async def close(self) -> None:
        if self._owns_redis and self._redis is not None:
            await self._redis.aclose()
            self._redis = None
        self._index = None
