"""Relay rounds and proposals on a real redis-server: one round, votes by user, atomic close."""

from __future__ import annotations

import asyncio

import pytest

from storage.connection import Redis
from storage.votes import (
    BadChoice,
    Closed,
    NoVotePolicy,
    RerollConflict,
    RoundNotOpen,
    TooManyProposals,
    VoteStore,
)

CH = "discord:1"


async def _open(
    store: VoteStore, candidates: list[str] | None = None, deadline: float = 100.0
) -> str:
    rid, created = await store.reserve(
        CH,
        "s1",
        user_id="u1",
        user_name="Ann",
        keyword="",
        max_new_tokens=20,
        now=0.0,
        reserve_until=50.0,
    )
    assert created
    await store.publish(rid, candidates or ["a", "b", "c"], deadline=deadline)
    return rid


async def _close(
    store: VoteStore, rid: str, now: float = 200.0, policy: NoVotePolicy = "keep_first"
) -> tuple[str, Closed | None]:
    rnd = await store.get(rid)
    assert rnd is not None
    return await store.close(rnd, now=now, force=False, policy=policy, grace_s=10, reason="timer")


async def test_concurrent_reserves_make_one_round(redis: Redis) -> None:
    store = VoteStore(redis)
    got = await asyncio.gather(
        *[
            store.reserve(
                CH,
                "s1",
                user_id=str(i),
                user_name="x",
                keyword="",
                max_new_tokens=20,
                now=0.0,
                reserve_until=50.0,
            )
            for i in range(20)
        ]
    )
    assert sum(created for _r, created in got) == 1
    assert len({rid for rid, _c in got}) == 1


async def test_votes_replace_and_double_taps_count_once(redis: Redis) -> None:
    store = VoteStore(redis)
    rid = await _open(store)
    await asyncio.gather(*[store.vote(rid, f"u{i % 10}", 1 + i % 2) for i in range(40)])
    assert len(await store.votes(rid)) == 10
    prev, voters = await store.vote(rid, "u0", 3)
    assert prev is not None and voters == 10
    with pytest.raises(BadChoice):
        await store.vote(rid, "u0", 4)


async def test_close_once_with_tie_to_lowest_number(redis: Redis) -> None:
    store = VoteStore(redis)
    rid = await _open(store)
    for user, choice in [("a", 3), ("b", 2), ("c", 3), ("d", 2)]:
        await store.vote(rid, user, choice)
    status, _ = await _close(store, rid, now=50.0)
    assert status == "not_due"
    results = await asyncio.gather(*[_close(store, rid) for _ in range(10)])
    closed = [c for s, c in results if s == "closed" and c is not None]
    assert len(closed) == 1
    assert closed[0].counts == [0, 2, 2] and closed[0].winner == 2
    with pytest.raises(RoundNotOpen):
        await store.vote(rid, "e", 1)
    rnd = await store.get(rid)
    assert rnd is not None
    assert await store.finish(rnd, note="", line_number=3)
    assert not await store.finish(rnd, note="", line_number=3)
    assert await store.open_round_id(CH) is None and await store.due(1e12) == []


async def test_no_vote_policy(redis: Redis) -> None:
    store = VoteStore(redis)
    rid = await _open(store)
    _s, closed = await _close(store, rid, policy="drop")
    assert closed is not None and closed.winner is None and closed.counts == [0, 0, 0]
    rnd = await store.get(rid)
    assert rnd is not None
    await store.finish(rnd, note="", line_number=None)
    rid2 = await _open(store)
    _s, closed2 = await _close(store, rid2, policy="keep_first")
    assert closed2 is not None and closed2.winner == 1


async def test_deadlines_live_in_redis_and_stale_reservations_drop(redis: Redis) -> None:
    store = VoteStore(redis)
    rid, _ = await store.reserve(
        CH,
        "s1",
        user_id="u",
        user_name="x",
        keyword="",
        max_new_tokens=20,
        now=0.0,
        reserve_until=30.0,
    )
    assert await VoteStore(redis).due(29.0) == [] and await VoteStore(redis).due(31.0) == [rid]
    status, _ = await _close(store, rid, now=31.0)
    assert status == "released"
    assert await store.open_round_id(CH) is None
    with pytest.raises(RoundNotOpen):
        await store.publish(rid, ["late"], deadline=100.0)


async def test_reroll_clears_votes_and_refuses_a_stale_one(redis: Redis) -> None:
    store = VoteStore(redis)
    rid = await _open(store)
    await store.vote(rid, "a", 1)
    await store.publish(rid, ["x", "y"], deadline=300.0, reroll_of=0)
    rnd = await store.get(rid)
    assert rnd is not None and rnd.candidates == ["x", "y"] and rnd.rerolls == 1
    assert await store.votes(rid) == {}
    with pytest.raises(RerollConflict):
        await store.publish(rid, ["z", "w"], deadline=300.0, reroll_of=0)


async def test_proposals_dedupe_vote_and_clear(redis: Redis) -> None:
    store = VoteStore(redis)
    common = {"user_id": "u", "user_name": "x", "now": 1.0, "max_per_kind": 2}
    p1, new1 = await store.propose(CH, kind="keyword", value="Sea", norm="sea", **common)  # type: ignore[arg-type]
    p1b, new1b = await store.propose(CH, kind="keyword", value="sea", norm="sea", **common)  # type: ignore[arg-type]
    assert new1 and not new1b and p1 == p1b
    p2, _ = await store.propose(CH, kind="keyword", value="moon", norm="moon", **common)  # type: ignore[arg-type]
    with pytest.raises(TooManyProposals):
        await store.propose(CH, kind="keyword", value="sun", norm="sun", **common)  # type: ignore[arg-type]
    await store.vote_proposal(CH, p1, "a")
    assert await store.vote_proposal(CH, p2, "a") == p1  # a later vote replaces the earlier
    await store.vote_proposal(CH, p2, "b")
    votes = {p.value: p.votes for p in await store.proposals(CH)}
    assert votes == {"Sea": 0, "moon": 2}
    await store.clear_proposals(CH, [p1, p2])
    assert await store.proposals(CH) == []


# --- cast: the vote, the channel check, the address cap and the tally in one step -------------


async def test_cast_returns_the_tally_and_the_round_channel(redis: Redis) -> None:
    from storage.votes import Cast

    store = VoteStore(redis)
    rid = await _open(store)
    first = await store.cast(rid, "u1", 2, channel=CH)
    assert first == Cast(None, 1, 3, {"u1": 2}, CH)
    again = await store.cast(rid, "u2", 3)
    assert again.ballots == {"u1": 2, "u2": 3} and again.voters == 2
    changed = await store.cast(rid, "u1", 1, channel=CH)
    assert changed.previous == 2 and changed.ballots == {"u1": 1, "u2": 3}
    assert await store.votes(rid) == {"u1": 1, "u2": 3}


async def test_cast_refuses_another_channels_round_and_bad_votes(redis: Redis) -> None:
    from storage.votes import RoundNotFound

    store = VoteStore(redis)
    rid = await _open(store)
    with pytest.raises(RoundNotFound):
        await store.cast(rid, "u1", 1, channel="web:elsewhere")
    with pytest.raises(RoundNotFound):
        await store.cast("nope", "u1", 1)
    with pytest.raises(BadChoice):
        await store.cast(rid, "u1", 4)
    assert await store.votes(rid) == {}


async def test_cast_caps_the_voters_of_one_address(redis: Redis) -> None:
    from storage.rate_limits import RateLimitStore
    from storage.votes import TooManyVoters, VoterCap

    store = VoteStore(redis)
    rid = await _open(store)
    cap = VoterCap("addr", 2)
    await store.cast(rid, "u1", 1, voter_cap=cap)
    await store.cast(rid, "u2", 1, voter_cap=cap)
    with pytest.raises(TooManyVoters):
        await store.cast(rid, "u3", 1, voter_cap=cap)
    assert (await store.cast(rid, "u1", 2, voter_cap=cap)).previous == 1  # a change is fine
    assert (await store.cast(rid, "u3", 1, voter_cap=VoterCap("other", 2))).voters == 3
    # the same set as the separate admission check of storage/rate_limits.py
    assert not await RateLimitStore(redis).admit_voter(rid, "addr", "u4", cap=2)
