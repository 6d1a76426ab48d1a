"""Token buckets on a real redis-server: bursts, refill by the clock, all-or-nothing, expiry."""

from __future__ import annotations

from storage import keys
from storage.connection import Redis
from storage.rate_limits import Bucket, RateLimitStore


def bucket(subject: str = "user:a", burst: float = 3, per_s: float = 0.5) -> Bucket:
    return Bucket("write", subject, burst, per_s)


async def test_a_burst_then_one_token_per_refill(redis: Redis) -> None:
    store = RateLimitStore(redis)
    assert [await store.take([bucket()], now=100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = await store.take([bucket()], now=100.0)
    assert wait == 2.0  # 0.5 tokens a second: the next one in 2 s
    assert await store.take([bucket()], now=101.0) == 1.0
    assert await store.take([bucket()], now=102.0) == 0.0
    assert await store.take([bucket()], now=102.0) > 0


async def test_a_refusal_takes_nothing_from_any_bucket(redis: Redis) -> None:
    store = RateLimitStore(redis)
    user, addr = bucket("user:a", burst=1), bucket("addr:x", burst=5)
    assert await store.take([user, addr], now=0.0) == 0.0
    assert await store.take([user, addr], now=0.0) > 0  # the user's bucket is empty
    others = [bucket(f"user:{n}", burst=1) for n in "bcdefgh"]
    taken = [await store.take([o, addr], now=0.0) for o in others]
    assert taken.count(0.0) == 4  # the address had 5: one went to a, none to a's refusal


async def test_buckets_expire_once_full_again(redis: Redis) -> None:
    store = RateLimitStore(redis)
    await store.take([bucket(burst=10, per_s=1.0)], now=0.0)
    ttl_ms = await redis.pttl(keys.rate_bucket("write", "user:a"))
    assert 0 < ttl_ms <= 2_000  # one token to regain (1 s) plus a second


async def test_refund_gives_back_at_most_the_burst(redis: Redis) -> None:
    store = RateLimitStore(redis)
    b = bucket(burst=1)
    await store.take([b], now=0.0)
    await store.refund([b])
    await store.refund([b])
    assert await store.take([b], now=0.0) == 0.0
    assert await store.take([b], now=0.0) > 0


async def test_voters_per_address_are_capped_and_known_voters_stay(redis: Redis) -> None:
    store = RateLimitStore(redis)
    admitted = [await store.admit_voter("r1", "addr", f"u{i}", cap=3) for i in range(6)]
    assert admitted == [True, True, True, False, False, False]
    assert await store.admit_voter("r1", "addr", "u1", cap=3)  # changing a vote is fine
    assert await store.admit_voter("r2", "addr", "u9", cap=3)  # another round, another count
    assert await redis.ttl(keys.relay_round_address_voters("r1", "addr")) > 0
