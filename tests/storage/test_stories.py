"""Relay stories on a real redis-server: one active story, atomic limits, undo, archive."""

from __future__ import annotations

import asyncio

import pytest

from storage import keys
from storage.connection import Redis
from storage.stories import (
    AlreadyApplied,
    NoActiveStory,
    NotAllowed,
    NothingToUndo,
    StoryFull,
    StoryStore,
)

CH = "web:room1"


async def _start(store: StoryStore, channel: str = CH, user: str = "u1") -> str:
    story, created = await store.start(
        channel, title="바다", genre="동화", language="ko", user_id=user, user_name="Ann", now=1.0
    )
    assert created
    return story.id


async def _add(store: StoryStore, sid: str, text: str, **kw: object) -> object:
    args: dict[str, object] = {
        "text": text,
        "author_id": "u1",
        "author_name": "Ann",
        "source": "human",
        "now": 2.0,
        "max_lines": 100,
        "max_chars": 1000,
    }
    args.update(kw)
    return await store.add_line(sid, CH, **args)  # type: ignore[arg-type]


def test_relay_keys_have_the_prefix() -> None:
    for key in (
        keys.relay_active_story(CH),
        keys.relay_story("s"),
        keys.relay_story_lines("s"),
        keys.relay_archive(0),
        keys.relay_round("r"),
        keys.relay_round_due(0),
        keys.relay_proposals(CH),
    ):
        assert key.startswith("norae:relay:")


async def test_concurrent_starts_make_one_story(redis: Redis) -> None:
    store = StoryStore(redis)
    got = await asyncio.gather(
        *[
            store.start(
                CH, title=f"t{i}", genre="", language="ko", user_id=str(i), user_name="x", now=1.0
            )
            for i in range(20)
        ]
    )
    assert sum(created for _s, created in got) == 1
    assert len({s.id for s, _c in got}) == 1
    assert (await store.active_id(CH)) == got[0][0].id


async def test_lines_keep_author_source_and_time_and_page(redis: Redis) -> None:
    store = StoryStore(redis)
    sid = await _start(store)
    for i in range(5):
        await _add(store, sid, f"line {i}", source="model" if i % 2 else "human", now=10.0 + i)
    page = await store.lines(sid, 2, 2)
    assert [(ln.number, ln.text, ln.source, ln.at) for ln in page] == [
        (3, "line 2", "human", 12.0),
        (4, "line 3", "model", 13.0),
    ]
    assert [ln.number for ln in await store.last_lines(sid, 2)] == [4, 5]
    story = await store.get(sid)
    assert story is not None and story.line_count == 5 and story.chars == 30


async def test_size_limits_hold_under_concurrency(redis: Redis) -> None:
    store = StoryStore(redis)
    sid = await _start(store)
    results = await asyncio.gather(
        *[_add(store, sid, "0123456789", max_chars=55) for _ in range(20)], return_exceptions=True
    )
    assert sum(not isinstance(r, Exception) for r in results) == 5
    assert all(isinstance(r, StoryFull) for r in results if isinstance(r, Exception))
    with pytest.raises(StoryFull) as info:
        await _add(store, sid, "x", max_lines=5)
    assert info.value.what == "lines"


async def test_once_applies_a_round_once(redis: Redis) -> None:
    store = StoryStore(redis)
    sid = await _start(store)
    await _add(store, sid, "winner", once="r1")
    with pytest.raises(AlreadyApplied):
        await _add(store, sid, "winner", once="r1")
    assert len(await store.lines(sid)) == 1


async def test_undo_only_by_author_or_moderator(redis: Redis) -> None:
    store = StoryStore(redis)
    sid = await _start(store)
    with pytest.raises(NothingToUndo):
        await store.undo(sid, CH, user_id="u1", moderator=False)
    await _add(store, sid, "mine")
    with pytest.raises(NotAllowed):
        await store.undo(sid, CH, user_id="u2", moderator=False)
    line = await store.undo(sid, CH, user_id="u1", moderator=False)
    assert line.text == "mine" and line.number == 1
    await _add(store, sid, "again")
    await store.undo(sid, CH, user_id="mod", moderator=True)
    story = await store.get(sid)
    assert story is not None and story.line_count == 0 and story.chars == 0


async def test_end_archives_and_lists_and_blocks_writes(redis: Redis) -> None:
    store = StoryStore(redis)
    sid = await _start(store)
    await _add(store, sid, "once upon a time")
    with pytest.raises(NotAllowed):
        await store.end(sid, CH, user_id="u2", moderator=False, now=5.0)
    assert await store.end(sid, CH, user_id="u1", moderator=False, now=5.0)
    with pytest.raises(NoActiveStory):
        await _add(store, sid, "too late")
    assert await store.active(CH) is None
    assert [s.id for s in await store.archived(CH)] == [sid]
    assert [s.id for s in await store.archived()] == [sid]
    got = await store.export(sid)
    assert got is not None and got[0].status == "archived" and got[1][0].text == "once upon a time"
    # An empty story is discarded rather than archived.
    sid2 = await _start(store)
    assert not await store.end(sid2, CH, user_id="u1", moderator=False, now=6.0)
    assert await store.get(sid2) is None and await store.archived_count(CH) == 1


async def test_recent_writers_window(redis: Redis) -> None:
    store = StoryStore(redis)
    await store.touch_writer(CH, "old", now=100.0, window_s=60)
    await store.touch_writer(CH, "new", now=150.0, window_s=60)
    assert await store.recent_writers(CH, now=170.0, window_s=60) == {"new"}


async def test_write_line_appends_touches_the_writer_and_returns_the_story(redis: Redis) -> None:
    store = StoryStore(redis)
    sid = await _start(store)
    line, story = await store.write_line(
        CH,
        text="첫 줄",
        author_id="u2",
        author_name="Bo",
        now=10.0,
        max_lines=5,
        max_chars=100,
        writers_window_s=60,
    )
    assert (line.number, line.text, line.author_id, line.source) == (1, "첫 줄", "u2", "human")
    assert story.id == sid and story.line_count == 1 and story.chars == len("첫 줄")
    assert story == await store.get(sid)
    assert "u2" in await store.recent_writers(CH, now=20.0, window_s=60)
    assert [x.text for x in await store.lines(sid)] == ["첫 줄"]
    with pytest.raises(StoryFull):
        await store.write_line(
            CH,
            text="x" * 200,
            author_id="u2",
            author_name="Bo",
            now=11.0,
            max_lines=5,
            max_chars=100,
            writers_window_s=60,
        )
    with pytest.raises(NoActiveStory):
        await store.write_line(
            "web:other",
            text="y",
            author_id="u2",
            author_name="Bo",
            now=12.0,
            max_lines=5,
            max_chars=100,
            writers_window_s=60,
        )
    got = await store.export(sid)
    assert got is not None and got[0].line_count == 1 and len(got[1]) == 1


async def test_write_line_finds_the_channels_active_story_itself(redis: Redis) -> None:
    store = StoryStore(redis)
    kw: dict[str, object] = {
        "author_id": "u2",
        "author_name": "Bo",
        "now": 10.0,
        "max_lines": 2,
        "max_chars": 100,
        "writers_window_s": 60,
    }
    with pytest.raises(NoActiveStory):  # no story at all
        await store.write_line(CH, text="a", **kw)  # type: ignore[arg-type]
    first = await _start(store)
    line, story = await store.write_line(CH, text="a", **kw)  # type: ignore[arg-type]
    assert story.id == first and line.number == 1
    await store.write_line(CH, text="b", **kw)  # type: ignore[arg-type]
    with pytest.raises(StoryFull) as full:
        await store.write_line(CH, text="c", **kw)  # type: ignore[arg-type]
    assert (full.value.what, full.value.used) == ("lines", 2)
    assert await store.end(first, CH, user_id="u1", moderator=False, now=11.0)
    with pytest.raises(NoActiveStory):  # the story ended: no line joins it, nor any other
        await store.write_line(CH, text="d", **kw)  # type: ignore[arg-type]
    second = await _start(store)
    line, story = await store.write_line(CH, text="e", **kw)  # type: ignore[arg-type]
    assert story.id == second != first and line.number == 1
    assert [x.text for x in await store.lines(first)] == ["a", "b"]
    assert [x.text for x in await store.lines(second)] == ["e"]


async def test_write_line_refuses_a_pointer_to_another_shards_story(redis: Redis) -> None:
    # Never written by norae (a story id starts with its channel's shard); refused, not followed.
    store = StoryStore(redis)
    stray = "zz" + "0" * 12
    await redis.set(keys.relay_active_story(CH), stray)
    with pytest.raises(NoActiveStory):
        await store.write_line(
            CH,
            text="a",
            author_id="u2",
            author_name="Bo",
            now=1.0,
            max_lines=5,
            max_chars=100,
            writers_window_s=60,
        )
    assert await redis.exists(keys.relay_story_lines(stray)) == 0
