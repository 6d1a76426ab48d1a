"""Abuse limits for every platform: token buckets per user and per address (storage/rate_limits.py).

Platforms call :meth:`Limiter.check` at their front door with the action a request is about to do
(``start``, ``write``, ``continue``, ``vote``, ``propose``, ``mood``, ``lyrics``,
``lyrics_import``); the web also
passes the client's address. A refusal raises :class:`SlowDown`, which each platform renders as its
"slow down" answer (web: 429 with ``Retry-After``). Services stay unaware of limits.

A crisis message is never refused: the mood action is checked by the caller only after it knows
the message is not one (see ``bot.web.app`` and ``bot.kakao.skill``).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable

from bot.errors import UserError
from contract.settings import LimitSettings
from storage.batches import Batch
from storage.connection import Redis
from storage.rate_limits import Bucket, RateLimitStore, Taking, retry_after_s
from storage.votes import VoterCap

log = logging.getLogger(__name__)

ACTIONS = (
    "start",
    "write",
    "continue",
    "vote",
    "propose",
    "mood",
    "lyrics",
    "lyrics_import",
    "identity",
)


def pseudonym(who: str) -> str:
    """A user id or address as it appears in limit keys: hashed, so Redis keeps no address and
    "forget me" has no key naming the user to find."""
    return hashlib.sha256(f"norae-limit:{who}".encode()).hexdigest()[:20]


class SlowDown(UserError):
    """Too many ``action``s too fast: ``slow-down`` (or ``too-many-identities`` for new web
    visitors), which tells the reader in how many whole ``seconds`` to try again; ``retry_after``
    is that wait, for a ``Retry-After`` header."""

    def __init__(self, code: str = "slow-down", /, *, action: str, seconds: int) -> None:
        super().__init__(code, seconds=seconds)
        self.action = action
        self.retry_after = seconds


class Limiter:
    def __init__(
        self,
        redis: Redis,
        settings: LimitSettings,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = RateLimitStore(redis)
        self.settings = settings
        self.clock = clock

    def buckets(self, action: str, user: str | None, address: str | None) -> list[Bucket]:
        rate = self.settings.rate(action)
        out: list[Bucket] = []
        if user:
            out.append(Bucket(action, f"user:{pseudonym(user)}", rate.burst, rate.per_s))
        if address:
            f = self.settings.address_factor if action != "identity" else 1.0
            subject = f"addr:{pseudonym(address)}"
            out.append(Bucket(action, subject, rate.burst * f, rate.per_s * f))
        return out

    async def check(
        self, action: str, *, user: str | None = None, address: str | None = None
    ) -> None:
        """Spend one ``action`` for the user (and address), or raise :class:`SlowDown`."""
        if not self.settings.enabled:
            return
        wait = await self.store.take(self.buckets(action, user, address), now=self.clock())
        self.refuse(action, user, address, wait)

    @staticmethod
    def refuse(action: str, user: str | None, address: str | None, wait: float) -> None:
        """Raise :class:`SlowDown` when ``wait`` (seconds until a token) is not 0."""
        if wait > 0:
            log.info("rate limit: %s refused for %s / %s (%.1fs)", action, user, address, wait)
            seconds = retry_after_s(wait)
            if action == "identity":
                raise SlowDown("too-many-identities", action=action, seconds=seconds)
            raise SlowDown("slow-down", action=action, seconds=seconds)

    def toll(self, action: str, *, user: str | None = None, address: str | None = None) -> Toll:
        """:meth:`check` for a command whose first batch only reads: the service queues the
        :class:`Toll` in that batch (no round trip of its own) and settles it once the batch is
        back, before it uses what it read."""
        return Toll(self, action, user, address)

    async def refund(
        self, action: str, *, user: str | None = None, address: str | None = None
    ) -> None:
        """Give back the token of a request refused as bad input: a typo costs nothing."""
        if self.settings.enabled:
            await self.store.refund(self.buckets(action, user, address))

    def voter_cap(self, address: str) -> VoterCap | None:
        """The cap of web voters per address in a round, for the vote itself to check in the same
        step (:meth:`bot.relay.service.RelayService.vote`); None when limits are off."""
        if not self.settings.enabled:
            return None
        return VoterCap(pseudonym(address), self.settings.voters_per_address)

    async def admit_voter(self, round_id: str, address: str, user: str) -> bool:
        """False when ``voters_per_address`` other web identities from ``address`` voted."""
        if not self.settings.enabled:
            return True
        return await self.store.admit_voter(
            round_id, pseudonym(address), user, cap=self.settings.voters_per_address
        )


class Toll:
    """One ``action``'s token, taken in a service's first batch (:meth:`Limiter.toll`).

    :meth:`queue` adds the take to the batch; :meth:`settle`, once the batch is back, raises
    :class:`SlowDown` on a refusal (the service then discards what the batch read). ``taken``
    says whether a token was spent (a front door gives it back for a request refused as bad
    input; one refused before its batch spent none)."""

    def __init__(
        self, limiter: Limiter, action: str, user: str | None, address: str | None
    ) -> None:
        self.limiter = limiter
        self.action = action
        self.user = user
        self.address = address
        self.taken = False
        self._taking: Taking | None = None

    def queue(self, batch: Batch) -> None:
        if not self.limiter.settings.enabled:
            return
        buckets = self.limiter.buckets(self.action, self.user, self.address)
        self._taking = self.limiter.store.queue_take(batch, buckets, now=self.limiter.clock())

    async def settle(self) -> None:
        if self._taking is None:
            return
        wait = await self._taking.settle()
        self._taking = None
        self.taken = wait == 0
        self.limiter.refuse(self.action, self.user, self.address, wait)

    async def refund(self) -> None:
        """Give back a token this toll took (nothing when it took none)."""
        if self.taken:
            self.taken = False
            await self.limiter.refund(self.action, user=self.user, address=self.address)
