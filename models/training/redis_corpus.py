"""Training text that lives in Redis: stories archived by ``/relay end`` and imported lyrics.

This is how the generator "keeps learning new novels while writing": ``norae train generator
--from-redis`` adds every archived story to the relay corpus and every imported artist's songs
(with their artist tag) to the lyrics corpus.
"""

from __future__ import annotations

import logging

from models.training.corpus import Song
from storage.connection import Redis
from storage.lyrics import LyricsStore
from storage.stories import StoryStore

log = logging.getLogger(__name__)

PAGE = 100


async def archived_story_texts(redis: Redis) -> list[str]:
    stories = StoryStore(redis)
    texts: list[str] = []
    total = await stories.archived_count()
    for offset in range(0, total, PAGE):
        for story in await stories.archived(None, offset, PAGE):
            exported = await stories.export(story.id)
            if exported is not None and exported[1]:
                texts.append("\n".join(line.text for line in exported[1]))
    log.info("read %d archived stories from Redis", len(texts))
    return texts


async def imported_songs(redis: Redis) -> list[Song]:
    store = LyricsStore(redis)
    songs: list[Song] = []
    for artist in await store.all_artists():
        for stored in await store.songs(artist):
            body = "\n\n".join("\n".join(lines) for _header, lines in stored.sections)
            if body.strip():
                songs.append(Song(artist, stored.title, body))
    log.info("read %d imported songs from Redis", len(songs))
    return songs


async def read_redis_corpus(redis: Redis) -> tuple[list[str], list[Song]]:
    return await archived_story_texts(redis), await imported_songs(redis)
