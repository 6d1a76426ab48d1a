"""One batch of commands several stores add to: a non-transactional pipeline sent as one round trip.

A command's first batch may carry what other stores need at the same time (its rate limit, the
catalog's version, the user's state): each store queues its commands and reads its replies by the
index :meth:`Batch.add` gave it. A non-transactional pipeline may mix cluster slots (a script or a
transaction may not: each queued script stays in one slot). On a cluster a batch whose connection
dropped (a failover) is sent again, whole, once the cluster answers: what a batch holds is reads and
idempotent steps (a rate limit's token may then be taken twice, a stricter limit for a moment).

Scripts are sent as ``EVALSHA`` with no ``SCRIPT EXISTS`` before them (what redis-py's pipelines do
for a registered script: one more round trip each time); a server that does not know one yet
answers ``NOSCRIPT`` and that script alone is loaded and run again (once per server).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError

from storage.connection import RETRYABLE, Redis, is_cluster, patiently


class Batch:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._queued: list[Callable[[Redis], object]] = []
        self._count = 0
        self._scripts: dict[int, tuple[AsyncScript, list[Any], list[Any]]] = {}
        self._replies: list[Any] | None = None

    def add(self, queue: Callable[[Redis], object]) -> int:
        """Queue one command (``queue`` calls it on the pipeline); its reply's index."""
        self._queued.append(queue)
        self._count += 1
        return self._count - 1

    def script(self, script: AsyncScript, keys: Sequence[str], args: Sequence[Any]) -> int:
        """Queue one run of a registered script (all its keys in one slot); its reply's index."""
        index = self.add(  # not pipe.evalsha: a cluster pipeline refuses that method
            lambda pipe: pipe.execute_command("EVALSHA", script.sha, len(keys), *keys, *args)  # type: ignore[no-untyped-call]
        )
        self._scripts[index] = (script, list(keys), list(args))
        return index

    async def execute(self) -> list[Any]:
        """Send the batch; every reply, in order (a command's error is raised)."""
        replies = await self._send() if not is_cluster(self.redis) else await patiently(self._send)
        for index, (script, keys, args) in self._scripts.items():
            if isinstance(replies[index], NoScriptError):  # loads it, then runs it
                replies[index] = await script(keys=keys, args=args)
        for reply in replies:
            if isinstance(reply, Exception):
                raise reply
        self._replies = replies
        return replies

    async def _send(self) -> list[Any]:
        pipe = self.redis.pipeline(transaction=False)
        for queue in self._queued:
            queue(pipe)
        replies = list(await pipe.execute(raise_on_error=False))
        for reply in replies:  # a dropped node, handed back in place of a reply: send again
            if isinstance(reply, RETRYABLE):
                raise reply
        return replies

    def reply(self, index: int) -> Any:
        if self._replies is None:
            raise RuntimeError("the batch has not been sent")
        return self._replies[index]
