"""Rate limits refuse with SlowDown: a catalog code that says, in whole seconds, when to retry."""

from __future__ import annotations

from bot import texts
from bot.limits import Limiter, SlowDown
from contract.settings import LimitSettings, Rate
from storage.connection import Redis
from tests.bot.refusals import refused

NOW = 1_000_000.0


def limiter(redis: Redis, **settings: object) -> Limiter:
    one = Rate(burst=1, per_minute=6)  # one at once, then one every ten seconds
    limits = LimitSettings.model_validate({"write": one, "identity": one, **settings})
    return Limiter(redis, limits, clock=lambda: NOW)


async def test_too_fast_is_refused_with_the_seconds_to_wait(redis: Redis) -> None:
    limits = limiter(redis)
    await limits.check("write", user="discord:1")
    with refused(SlowDown, "slow-down", seconds=10) as slow:
        await limits.check("write", user="discord:1")
    assert slow.value.action == "write" and slow.value.retry_after == 10
    assert slow.value.message("ko") == "조금 천천히 해 주세요. 10초 뒤에 다시 할 수 있어요."
    assert slow.value.message("en") == texts.text("slow-down", "en", seconds=10)
    await limits.check("write", user="discord:2")  # another user has a bucket of their own


async def test_new_web_identities_are_refused_with_their_own_text(redis: Redis) -> None:
    limits = limiter(redis)
    await limits.check("identity", address="203.0.113.5")
    with refused(SlowDown, "too-many-identities", seconds=10) as slow:
        await limits.check("identity", address="203.0.113.5")
    assert slow.value.action == "identity" and "쿠키" in slow.value.message("ko")


async def test_a_refused_token_given_back_and_limits_off(redis: Redis) -> None:
    limits = limiter(redis)
    await limits.check("write", user="web:a")
    await limits.refund("write", user="web:a")  # a typo costs nothing
    await limits.check("write", user="web:a")
    off = limiter(redis, enabled=False)
    for _ in range(5):
        await off.check("write", user="web:a")


async def test_a_toll_rides_in_a_batch_and_refuses_like_a_check(redis: Redis) -> None:
    from storage.batches import Batch

    limits = limiter(redis)
    first = limits.toll("write", user="web:t", address="203.0.113.9")
    batch = Batch(redis)
    first.queue(batch)
    read = batch.add(lambda pipe: pipe.get("norae:test:{t}:nothing"))
    await batch.execute()
    await first.settle()
    assert first.taken and batch.reply(read) is None
    second = limits.toll("write", user="web:t", address="203.0.113.9")
    batch = Batch(redis)
    second.queue(batch)
    await batch.execute()
    with refused(SlowDown, "slow-down", seconds=10):
        await second.settle()
    assert not second.taken
    await second.refund()  # took nothing: gives nothing back
    with refused(SlowDown, "slow-down", seconds=10):
        await limits.check("write", user="web:t")
    await first.refund()  # the token it took comes back
    await limits.check("write", user="web:t", address="203.0.113.9")
