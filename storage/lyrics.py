"""Imported songs, per artist: a hash per artist (content hash -> song JSON) and an artist index.

Adding a song is one Lua script: ``HSETNX`` on the song's content hash makes de-duplication atomic
when two imports run at once, and the artist joins the index (a sorted set of
``"<folded name>\\0<display name>"`` with equal scores, so ``ZRANGEBYLEX`` answers prefix
searches) in the same step. The first spelling of an artist's name is the one shown.
"""

from __future__ import annotations

import asyncio
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from storage import keys
from storage.connection import Redis

MAX_ARTIST_CHARS = 100
ADD_CONCURRENCY = 32

_SEP = "\0"

# KEYS: songs hash, artist index. ARGV: content hash, song JSON, folded name, display name.
_ADD_SONG = """
local existing = redis.call('ZRANGEBYLEX', KEYS[2], '[' .. ARGV[3] .. '\\0', '[' .. ARGV[3] .. '\\1', 'LIMIT', 0, 1)
if #existing == 0 then
    redis.call('ZADD', KEYS[2], 0, ARGV[3] .. '\\0' .. ARGV[4])
end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
    return {1, ARGV[1]}
end
return {0, redis.call('HGET', KEYS[1], ARGV[1])}
"""


def fold_artist(name: str) -> str:
    """The artist's identity: NFC, casefolded, single spaces ("IU" and " iu " are one artist)."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def clean_artist(name: str) -> str:
    """The display name: NFC, single spaces; raises ValueError when unusable."""
    display = " ".join(unicodedata.normalize("NFC", name).replace(_SEP, "").split())
    if not display:
        raise ValueError("the artist name is empty")
    if len(display) > MAX_ARTIST_CHARS:
        raise ValueError(f"the artist name is longer than {MAX_ARTIST_CHARS} characters")
    return display


@dataclass(frozen=True)
class StoredSong:
    """A song as stored: ``sections`` are ``(header or None, lines)``; ``id`` is its content hash."""

    id: str
    title: str
    sections: tuple[tuple[str | None, tuple[str, ...]], ...]
    language: str
    source: str = ""

    @property
    def body(self) -> str:
        return "\n\n".join("\n".join(lines) for _, lines in self.sections if lines)

    def to_json(self) -> str:
        data = {
            "id": self.id,
            "title": self.title,
            "sections": [[name, list(lines)] for name, lines in self.sections],
            "language": self.language,
            "source": self.source,
        }
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: bytes | str) -> StoredSong:
        data: dict[str, Any] = json.loads(raw)
        sections = tuple(
            (name if isinstance(name, str) else None, tuple(str(line) for line in lines))
            for name, lines in data.get("sections", [])
        )
        return cls(
            id=str(data["id"]),
            title=str(data.get("title", "")),
            sections=sections,
            language=str(data.get("language", "en")),
            source=str(data.get("source", "")),
        )


@dataclass(frozen=True)
class AddResult:
    """``added`` False: a song with the same content hash was there (titled ``existing_title``)."""

    added: bool
    song_id: str
    existing_title: str | None = None


class LyricsStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._add = redis.register_script(_ADD_SONG)

    async def add_song(self, artist: str, song: StoredSong) -> AddResult:
        display = clean_artist(artist)
        folded = fold_artist(display)
        got = cast(
            list[Any],
            await self._add(
                keys=[keys.lyrics_songs(folded), keys.lyrics_artists()],
                args=[song.id, song.to_json(), folded, display],
            ),
        )
        if int(got[0]) == 1:
            return AddResult(True, song.id)
        return AddResult(False, song.id, StoredSong.from_json(got[1]).title)

    async def add_songs(self, artist: str, songs: Sequence[StoredSong]) -> list[AddResult]:
        """Add many songs (a few at a time); results in the order given."""
        results: list[AddResult] = []
        for start in range(0, len(songs), ADD_CONCURRENCY):
            chunk = songs[start : start + ADD_CONCURRENCY]
            # Within one chunk, equal songs race: HSETNX lets exactly one of them in.
            results.extend(await asyncio.gather(*(self.add_song(artist, s) for s in chunk)))
        return results

    async def songs(self, artist: str) -> list[StoredSong]:
        raw = cast(
            dict[bytes, bytes], await self.redis.hgetall(keys.lyrics_songs(fold_artist(artist)))
        )
        return sorted((StoredSong.from_json(v) for v in raw.values()), key=lambda s: s.id)

    async def song_count(self, artist: str) -> int:
        return int(await self.redis.hlen(keys.lyrics_songs(fold_artist(artist))))

    async def artist_name(self, name: str) -> str | None:
        """The display name of an imported artist spelled ``name`` in any case, else ``None``."""
        folded = fold_artist(name)
        if not folded:
            return None
        found = await self._range(folded + _SEP, folded + "\1", 1)
        return found[0] if found else None

    async def artists(self, prefix: str = "", limit: int = 25) -> list[str]:
        """Display names whose folded name starts with ``prefix``, in order of folded name."""
        folded = fold_artist(prefix)
        if not folded:
            return await self._range("", "", limit)
        return await self._range(folded, folded + "\U0010ffff", limit)

    async def all_artists(self, limit: int = 10_000) -> list[str]:
        return await self._range("", "", limit)

    async def _range(self, low: str, high: str, limit: int) -> list[str]:
        members = cast(
            list[bytes],
            await self.redis.zrangebylex(
                keys.lyrics_artists(),
                f"[{low}".encode() if low else b"-",
                f"[{high}".encode() if high else b"+",
                start=0,
                num=limit,
            ),
        )
        return [m.decode().split(_SEP, 1)[-1] for m in members]
