"""Warm every heavy analyser before a process takes traffic.

Building Kiwi (kiwipiepy, the Korean morpheme analyser behind the novelty guard) and loading its
model takes seconds and holds the GIL the whole time, even in a worker thread: a process that built
it on its first Korean lyrics request stalled every other request meanwhile (Discord interactions
missed their 3-second window, Kakao its 5 seconds). So the web app (web chat and Kakao skill)
warms up in its start-up hook, before it listens, and the Discord bot in ``setup_hook``, before it
connects. A feature that adds a heavy analyser adds its warm-up to :data:`ANALYSERS`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


def _novelty_guard() -> None:
    from bot.novelty import token_forms

    token_forms("봄비가 내리는 밤에 노래를 불러요")  # builds Kiwi and loads its model


ANALYSERS: list[Callable[[], object]] = [_novelty_guard]

_warm = False


def warm_analysers() -> None:
    """Build every analyser once per process (later calls return at once)."""
    global _warm
    if _warm:
        return
    started = time.perf_counter()
    for warm in ANALYSERS:
        warm()
    _warm = True
    log.info("analysers ready in %.1fs", time.perf_counter() - started)


async def warm_up() -> None:
    """:func:`warm_analysers` off the event loop (start-up hooks await it before serving)."""
    await asyncio.to_thread(warm_analysers)
