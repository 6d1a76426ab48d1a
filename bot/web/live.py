"""Live updates for browsers: the rooms' watchers, fed by one event listener per process.

Each process runs one Redis pub/sub listener (:class:`storage.events.EventBus`, platform
``"web"``) and copies every event to the browsers watching its channel here, so an action taken
through any process (or a round closed by any process's ticker) shows up in every browser. The
stream a browser reads is the relay's ``GET /api/rooms/<room>/events`` (:mod:`bot.web.relay`).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from storage.events import EventBus


class RoomHub:
    """Browsers watching each channel: every live event is copied to their queues.

    A queue that stays full (a browser that stopped reading) loses events rather than memory; the
    page re-reads the room's state whenever it reconnects.
    """

    QUEUE_SIZE = 256

    def __init__(self) -> None:
        self._rooms: dict[str, set[asyncio.Queue[dict[str, Any] | None]]] = {}
        self.closed = False

    def subscribe(self, channel: str) -> asyncio.Queue[dict[str, Any] | None]:
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(self.QUEUE_SIZE)
        self._rooms.setdefault(channel, set()).add(queue)
        return queue

    def unsubscribe(self, channel: str, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        watchers = self._rooms.get(channel)
        if watchers is None:
            return
        watchers.discard(queue)
        if not watchers:
            del self._rooms[channel]

    def watchers(self, channel: str) -> int:
        return len(self._rooms.get(channel, ()))

    def dispatch(self, event: dict[str, Any]) -> None:
        for queue in self._rooms.get(str(event.get("channel", "")), ()):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(event)

    def close(self) -> None:
        """End every live stream (the server is stopping)."""
        self.closed = True
        for watchers in self._rooms.values():
            for queue in watchers:
                with contextlib.suppress(asyncio.QueueEmpty):
                    while queue.full():
                        queue.get_nowait()
                queue.put_nowait(None)


async def forward_events(bus: EventBus, hub: RoomHub) -> None:
    """Copy the web platform's events to the browsers watching each room, until cancelled."""
    async for event in bus.listen("web"):
        hub.dispatch(event)
