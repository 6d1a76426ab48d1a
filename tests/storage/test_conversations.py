"""Mood-companion state in Redis: bounded turns, no-repeat history, state fields, TTLs, forget."""

from __future__ import annotations

import pytest

from storage import keys
from storage.connection import Redis
from storage.conversations import MAX_MESSAGES, ConversationStore, MoodState, Turn

TTL = 3600


def store(redis: Redis, *, max_turns: int = 3, recent_size: int = 4) -> ConversationStore:
    return ConversationStore(redis, ttl_s=TTL, max_turns=max_turns, recent_size=recent_size)


async def test_turns_are_bounded_and_every_key_has_the_ttl(redis: Redis) -> None:
    s = store(redis)
    for i in range(5):
        await s.record("web:u", Turn(f"msg {i}", f"reply {i}", emotion="joy", score=0.5))
    turns = await s.turns("web:u")
    assert [t.user_text for t in turns] == ["msg 2", "msg 3", "msg 4"]
    assert turns[-1].emotion == "joy" and turns[-1].score == 0.5 and turns[-1].kind == "mood"
    assert [t.user_text for t in await s.turns("web:u", 1)] == ["msg 4"]
    await s.record("web:u", Turn("x", "y"), recommended=["a"], last_list=["a"], language="ko")
    for key in ConversationStore.user_keys("web:u"):
        assert 0 < await redis.ttl(key) <= TTL


async def test_recent_is_newest_first_unique_and_trimmed(redis: Redis) -> None:
    s = store(redis, recent_size=4)
    await s.record("web:u", Turn("1", "r"), recommended=["a", "b", "c"])
    assert await s.recent("web:u") == ["a", "b", "c"]
    await s.record("web:u", Turn("2", "r"), recommended=["d", "a", "d"])
    assert await s.recent("web:u") == ["d", "a", "b", "c"]  # "a" moved up, "d" once
    await s.record("web:u", Turn("3", "r"), recommended=["e"])
    assert await s.recent("web:u") == ["e", "d", "a", "b"]  # the oldest fell off


async def test_state_fields_change_only_when_given(redis: Redis) -> None:
    s = store(redis)
    assert (await s.state("web:u")).policy is None
    await s.set_policy("web:u", "lift")
    await s.record(
        "web:u",
        Turn("hi", "hello"),
        last_list=["a", "b"],
        last_kind="mood",
        last_answer="en:joy:1",
        language="en",
    )
    await s.record("web:u", Turn("again", "hello"))  # touches nothing in the state
    state = await s.state("web:u")
    assert state.policy == "lift" and state.last_list == ("a", "b") and state.last_kind == "mood"
    assert state.last_answer == "en:joy:1" and state.language == "en"
    await s.record("web:u", Turn("gen", "x"), last_answer="")
    assert (await s.state("web:u")).last_answer == ""


async def test_forget_removes_every_key_of_the_user_and_no_other(redis: Redis) -> None:
    s = store(redis)
    tricky, neighbour = "web:a*[b]", "web:aX[b]x"
    for user in (tricky, neighbour, "web:ab"):
        await s.record(user, Turn("m", "r"), recommended=["s1"], last_list=["s1"])
    assert await s.forget(tricky) == 3
    assert not [k async for k in redis.scan_iter() if tricky.encode() in k]
    for user in (neighbour, "web:ab"):
        assert await s.turns(user) and await s.recent(user) == ["s1"]
    assert await s.forget(tricky) == 0


LOOK_ALIKES = [
    "kakao:kforget",
    "kakao:kforget:x",
    "kakao:kforget:turns",  # its keys look like another user's key plus a suffix
    "kakao:kforget*",
    "kakao:kforget?",
    "kakao:kforge[t]",
    "kakao:kforge[a-z]",
    "kakao:kforget\\",
    "kakao:kforget:",
    "discord:kforget",
]


@pytest.mark.parametrize("gone", LOOK_ALIKES)
async def test_forget_touches_no_look_alike_id(redis: Redis, gone: str) -> None:
    s = store(redis)
    for user in LOOK_ALIKES:
        await s.record(user, Turn(f"{user} said", "r"), recommended=["s1"], last_list=["s1"])
        await s.set_policy(user, "lift")
        await s.attach_list(user, "kakao:m1", ["s1"])
    before = {k async for k in redis.scan_iter()}
    assert await s.forget(gone) == 4
    assert before - {k async for k in redis.scan_iter()} == {
        k.encode() for k in keys.mood_user_keys(gone)
    }
    for user in LOOK_ALIKES:
        if user != gone:
            (turn,) = await s.turns(user)
            assert turn.user_text == f"{user} said"
            assert (await s.state(user)).policy == "lift"
            assert await s.list_for(user, "kakao:m1") == ("s1",)


async def test_every_key_the_store_writes_is_one_forget_knows(redis: Redis) -> None:
    s = store(redis)
    user = "web:all"
    await s.record(user, Turn("m", "r"), recommended=["a"], last_list=["a"], language="ko")
    await s.set_policy(user, "lift")
    await s.attach_list(user, "web:m", ["a"])
    written = {k.decode() async for k in redis.scan_iter()}
    assert written == set(keys.mood_user_keys(user))
    assert await s.forget(user) == len(written)
    assert [k async for k in redis.scan_iter()] == []


async def test_unreadable_turns_are_skipped(redis: Redis) -> None:
    s = store(redis)
    await redis.rpush(keys.mood_turns("web:u"), b"not json", b'{"user": "ok", "reply": "r"}')
    assert [t.user_text for t in await s.turns("web:u")] == ["ok"]


def test_bad_sizes(redis: Redis) -> None:
    with pytest.raises(ValueError):
        ConversationStore(redis, ttl_s=0, max_turns=1, recent_size=1)


async def test_messages_remember_their_lists_and_are_forgotten(redis: Redis) -> None:
    s = store(redis)
    await s.attach_list("discord:1", "discord:100", ["a", "b"])
    await s.attach_list("discord:1", "discord:101", ["c"])
    assert await s.list_for("discord:1", "discord:100") == ("a", "b")
    assert await s.list_for("discord:1", "discord:999") is None
    assert 0 < await redis.ttl(keys.mood_messages("discord:1")) <= TTL
    for i in range(60):  # only the newest MAX_MESSAGES messages keep their list
        await s.attach_list("discord:1", f"discord:m{i}", ["x"])
    assert await redis.hlen(keys.mood_messages("discord:1")) <= MAX_MESSAGES
    assert await s.list_for("discord:1", "discord:m59") == ("x",)
    await s.forget("discord:1")
    assert await redis.exists(keys.mood_messages("discord:1")) == 0


async def test_a_record_is_one_script_and_a_snapshot_reads_what_it_wrote(redis: Redis) -> None:
    store = ConversationStore(redis, ttl_s=100, max_turns=2, recent_size=3)
    await store.record("web:s", Turn("a", "b"), recommended=["x", "y"], last_list=["x", "y"])
    await store.record(
        "web:s", Turn("c", "d"), recommended=["z", "x"], last_answer="ko:sadness:1", language="ko"
    )
    await store.record("web:s", Turn("e", "f"))
    snap = await store.snapshot("web:s", turns=5)
    assert [t.user_text for t in snap.turns] == ["c", "e"]  # trimmed to max_turns
    assert snap.recent == ["z", "x", "y"]  # newest first, each once, trimmed to recent_size
    assert snap.state.last_list == ("x", "y")  # left as it was: not given since
    assert (snap.state.last_answer, snap.state.language) == ("ko:sadness:1", "ko")
    assert (await store.snapshot("web:s")).turns == []  # no turns asked for, none read
    for key in store.user_keys("web:s"):
        assert 0 < await redis.ttl(key) <= 100
    empty = await store.snapshot("web:nobody", turns=3)
    assert (empty.state, empty.recent, empty.turns) == (MoodState(), [], [])
