"""One sequence for everything a test orders: REST requests, dispatched events, enqueued jobs."""

from __future__ import annotations

import itertools
import time


class EventClock:
    """Hands out increasing sequence numbers with the monotonic time they were taken."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def tick(self) -> tuple[int, float]:
        return next(self._counter), time.monotonic()
