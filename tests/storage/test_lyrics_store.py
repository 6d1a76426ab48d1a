"""The per-artist song store on a real redis-server: round trip, atomic dedupe, artist index."""

from __future__ import annotations

import asyncio

from storage.connection import Redis
from storage.lyrics import LyricsStore, StoredSong, fold_artist


def _song(song_id: str, title: str = "t") -> StoredSong:
    return StoredSong(
        id=song_id,
        title=title,
        sections=(("Verse 1", ("첫 줄", "둘째 줄")), (None, ("no header",))),
        language="ko",
        source="a.txt",
    )


async def test_round_trip(redis: Redis) -> None:
    store = LyricsStore(redis)
    song = _song("h1", "봄")
    assert (await store.add_song("김소월", song)).added
    assert await store.songs("김소월") == [song]
    assert await store.song_count("김소월") == 1
    assert song.body == "첫 줄\n둘째 줄\n\nno header"


async def test_duplicates_are_skipped_atomically(redis: Redis) -> None:
    store = LyricsStore(redis)
    results = await asyncio.gather(
        *(store.add_song("IU", _song("same", f"t{i}")) for i in range(8))
    )
    assert sum(r.added for r in results) == 1
    winner = next(r for r in results if r.added)
    assert winner.song_id == "same"
    titles = {r.existing_title for r in results if not r.added}
    assert len(titles) == 1 and titles != {None}
    assert await store.song_count("iu") == 1
    more = await store.add_songs("IU", [_song("x"), _song("same"), _song("y")])
    assert [r.added for r in more] == [True, False, True]


async def test_first_spelling_wins_and_lookup_ignores_case(redis: Redis) -> None:
    store = LyricsStore(redis)
    await store.add_song("Fanny  Crosby", _song("a"))
    await store.add_song("fanny crosby", _song("b"))
    assert await store.all_artists() == ["Fanny Crosby"]
    assert await store.artist_name("FANNY CROSBY") == "Fanny Crosby"
    assert await store.artist_name("Fanny") is None
    assert await store.song_count("Fanny Crosby") == 2
    assert fold_artist(" Fanny   CROSBY ") == "fanny crosby"


async def test_prefix_search(redis: Redis) -> None:
    store = LyricsStore(redis)
    for name in ["김소월", "김영랑", "윤동주", "Isaac Watts", "isaiah"]:
        await store.add_song(name, _song(name))
    assert await store.artists("김") == ["김소월", "김영랑"]
    assert await store.artists("isa") == ["Isaac Watts", "isaiah"]
    assert await store.artists("", limit=2) == ["Isaac Watts", "isaiah"]
    assert await store.artists("zzz") == []
