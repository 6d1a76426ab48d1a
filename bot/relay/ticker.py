"""Closes relay rounds on time and tells the front end that owns each channel.

Every bot process runs one ticker (``norae up`` and the Discord bot both do); it is safe to run
several at once: only the process whose close applied a round gets its result, so each round is
announced once. Results travel as ``round_closed`` events on the :class:`EventBus`, with the closing
text in Korean and English, and are kept in the channel's recent events (the web page shows them
after a reload).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

from bot.relay.service import RelayService, RoundResult
from storage.events import EventBus

log = logging.getLogger(__name__)

TICK_S = 1.0


def round_closed_event(result: RoundResult) -> dict[str, Any]:
    """The round's data, its ``note`` (a catalog code, "" when the winner joined) and the closing
    text in every language (``messages``): each front door shows its reader's."""
    return {
        "type": "round_closed",
        "round_id": result.round_id,
        "story_id": result.story_id,
        "candidates": result.candidates,
        "counts": result.counts,
        "winner": result.winner,
        "line": dataclasses.asdict(result.line) if result.line is not None else None,
        "reason": result.reason,
        "note": result.note,
        "messages": result.messages,
    }


async def announce(bus: EventBus, result: RoundResult) -> None:
    await bus.publish(result.channel, round_closed_event(result), keep=True)


async def run_ticker(relay: RelayService, bus: EventBus, *, interval_s: float = TICK_S) -> None:
    """Close due rounds every ``interval_s`` until cancelled; errors are logged, never fatal."""
    while True:
        try:
            for result in await relay.close_due_rounds():
                await announce(bus, result)
        except asyncio.CancelledError:
            raise
        except Exception:  # a tick must never kill the process: the next one retries
            log.exception("relay ticker failed; retrying")
        await asyncio.sleep(interval_s)
