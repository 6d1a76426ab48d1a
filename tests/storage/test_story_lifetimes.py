"""Abandoned stories and rooms expire on a real redis-server; archived stories are kept."""

from __future__ import annotations

from storage import keys
from storage.connection import Redis
from storage.stories import StoryStore
from storage.votes import VoteStore

CH = "web:ttl"
DAY = 24 * 3600


async def _start(store: StoryStore, ttl_s: int = DAY) -> str:
    story, _ = await store.start(
        CH, title="t", genre="", language="ko", user_id="u", user_name="U", now=1.0, ttl_s=ttl_s
    )
    return story.id


async def _line(store: StoryStore, sid: str, text: str = "줄", idle: int = 30 * DAY) -> None:
    await store.add_line(
        sid,
        CH,
        text=text,
        author_id="u",
        author_name="U",
        source="human",
        now=2.0,
        max_lines=100,
        max_chars=10_000,
        once=f"r-{text}",
        idle_ttl_s=idle,
    )


async def test_a_started_story_nobody_writes_in_expires_after_a_day(redis: Redis) -> None:
    store = StoryStore(redis)
    sid = await _start(store)
    for key in (keys.relay_active_story(CH), keys.relay_story(sid)):
        assert 0 < await redis.ttl(key) <= DAY


async def test_every_line_renews_the_whole_story_and_ending_archives_it(redis: Redis) -> None:
    store = StoryStore(redis)
    sid = await _start(store)
    await _line(store, sid)
    story_keys = [
        keys.relay_active_story(CH),
        keys.relay_story(sid),
        keys.relay_story_lines(sid),
        keys.relay_story_applied(sid),
    ]
    for key in story_keys:
        assert DAY < await redis.ttl(key) <= 30 * DAY, key
    await store.undo(sid, CH, user_id="u", moderator=False, idle_ttl_s=7 * DAY)
    await _line(store, sid, "둘째", idle=7 * DAY)
    for key in story_keys:
        assert DAY < await redis.ttl(key) <= 7 * DAY, key
    assert await store.end(sid, CH, user_id="u", moderator=False, now=3.0)
    assert await redis.ttl(keys.relay_story(sid)) == -1  # archived: kept
    assert await redis.ttl(keys.relay_story_lines(sid)) == -1
    assert not await redis.exists(keys.relay_active_story(CH))


async def test_a_rooms_proposals_expire_with_it(redis: Redis) -> None:
    votes = VoteStore(redis)
    pid, _ = await votes.propose(
        CH,
        kind="keyword",
        value="비",
        norm="비",
        user_id="u",
        user_name="U",
        now=1.0,
        max_per_kind=5,
        ttl_s=DAY,
    )
    await votes.vote_proposal(CH, pid, "v")
    for key in (
        keys.relay_proposals(CH),
        keys.relay_proposal_seq(CH),
        keys.relay_proposal_votes(CH),
    ):
        assert 0 < await redis.ttl(key) <= DAY, key
