"""Archived stories and imported lyrics in Redis become generator training text."""

from __future__ import annotations

from bot.relay.service import RelayService
from contract.artists import artist_tag
from contract.settings import RelaySettings
from models.training.corpus import format_song
from models.training.redis_corpus import read_redis_corpus
from storage.connection import Redis
from storage.lyrics import LyricsStore, StoredSong
from tests.bot.test_relay import Scripted


async def test_archived_stories_and_imported_songs_are_read(redis: Redis) -> None:
    relay = RelayService(redis, Scripted(["."]), RelaySettings())
    await relay.start("web:a", "u1", "하나", title="비")
    await relay.write("web:a", "u1", "하나", "비가 내렸다.")
    await relay.write("web:a", "u2", "둘", "우리는 우산을 폈다.")
    await relay.end("web:a", "u1")
    await relay.start("web:b", "u1", "하나")  # still active: not training text yet
    await relay.write("web:b", "u1", "하나", "아직 쓰는 중.")
    await LyricsStore(redis).add_song(
        "Test Poet",
        StoredSong(
            id="h1",
            title="Dawn",
            sections=(("Verse", ("first light", "on the hill")),),
            language="en",
        ),
    )

    texts, songs = await read_redis_corpus(redis)

    assert texts == ["비가 내렸다.\n우리는 우산을 폈다."]
    assert [(s.artist, s.title, s.lyrics) for s in songs] == [
        ("Test Poet", "Dawn", "first light\non the hill")
    ]
    # the songs enter the lyrics corpus with their artist tag, like the bundled poets
    assert format_song(songs[0]).startswith(artist_tag("Test Poet") + "\nDawn\n")
