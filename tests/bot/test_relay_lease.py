"""A continuation's reservation is a lease: a dead writer frees its channel within seconds.

The writer's death is played by a second process (a second service on the same Redis) whose clock
is past the first one's lease; the first writer is parked on a model that never answers, the way a
killed process never answers.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.relay.service import RelayError, RelayService
from contract.settings import RelaySettings
from storage import keys
from storage.connection import Redis
from tests.bot.test_relay import Clock, Scripted

CH = "web:lease"
LINES = ["첫째 문장입니다.", "둘째 문장입니다.", "셋째 문장입니다."]


class Stuck:
    """A model call that never returns (the writer's process is gone)."""

    def __init__(self) -> None:
        self.called = asyncio.Event()

    async def generate(self, prompts: list[str], **params: Any) -> list[list[str]]:
        self.called.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def _story(relay: RelayService) -> None:
    await relay.start(CH, "ann", "Ann")
    await relay.write(CH, "ann", "Ann", "옛날 옛적에")


async def test_a_dead_writers_reservation_lapses_within_its_lease(redis: Redis) -> None:
    clock = Clock()
    settings = RelaySettings(reservation_lease_s=10)
    dead = RelayService(redis, stuck := Stuck(), settings, clock=clock)
    await _story(dead)
    writer = asyncio.create_task(dead.continue_story(CH, "ann", "Ann"))
    await stuck.called.wait()
    round_id = (await dead.votes.open_round_id(CH)) or ""
    due = await redis.zscore(keys.relay_round_due_for(round_id), round_id)
    assert due is not None and due - clock.now == 10  # not the old 65 s

    later = Clock(clock.now + 5)
    alive = RelayService(redis, Scripted(LINES), settings, clock=later)
    try:
        await alive.continue_story(CH, "bo", "Bo")
        raise AssertionError("the lease still holds after 5 s")
    except RelayError as exc:
        assert exc.code == "relay-round-already-open" and exc.round_id == round_id

    later.now = clock.now + 11  # the writer never renewed: its lease is over
    view = await alive.continue_story(CH, "bo", "Bo")
    assert view.id != round_id and view.candidates
    assert (await alive.votes.get(round_id)).state == "dropped"  # type: ignore[union-attr]
    writer.cancel()
    await asyncio.gather(writer, return_exceptions=True)
    assert await alive.votes.open_round_id(CH) == view.id  # the dead writer's cleanup took nothing


async def test_a_live_writer_renews_its_lease(redis: Redis) -> None:
    clock = Clock()
    settings = RelaySettings(reservation_lease_s=1.0)  # renewed every third of a second
    slow = RelayService(redis, stuck := Stuck(), settings, clock=clock)
    await _story(slow)
    writer = asyncio.create_task(slow.continue_story(CH, "ann", "Ann"))
    await stuck.called.wait()
    round_id = (await slow.votes.open_round_id(CH)) or ""
    clock.now += 100  # much later, the writer still works and says so
    for _ in range(100):
        due = await redis.zscore(keys.relay_round_due_for(round_id), round_id)
        if due is not None and due > clock.now:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the writer never renewed its lease")
    other = RelayService(redis, Scripted(LINES), settings, clock=clock)
    try:
        await other.continue_story(CH, "bo", "Bo")
        raise AssertionError("a live writer lost its reservation")
    except RelayError as exc:
        assert exc.round_id == round_id
    writer.cancel()
    await asyncio.gather(writer, return_exceptions=True)
    assert await slow.votes.open_round_id(CH) is None  # a cancelled writer releases at once
