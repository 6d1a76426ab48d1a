"""Token buckets in Redis: how often one user or one address may do an action.

A bucket holds up to ``burst`` tokens and gains ``per_s`` tokens a second; an action takes one. One
Lua script checks every bucket an action touches (the user's and the address's) and takes a token
from each only when all of them have one, so a refused request costs nothing. Each bucket expires
once it would be full again: an idle user leaves no key behind.

On a Redis Cluster a user's and an address's buckets live in different slots, and one script may
not touch both: there the buckets are taken slot by slot, and a later slot's refusal gives back the
tokens already taken (so a refused request still costs nothing, give or take a concurrent request
that saw the briefly taken token).

The caller passes the clock (``now``): tests step it instead of sleeping, and every process agrees
on time closely enough for buckets measured in seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from redis.crc import key_slot

from storage import keys
from storage.batches import Batch
from storage.connection import Redis, is_cluster

# KEYS: buckets. ARGV: now, then burst and per-second rate for each key.
# Returns {1, 0} taken, or {0, seconds until every bucket has a token}.
_TAKE = """
local now = tonumber(ARGV[1])
local wait = 0
local state = {}
for i, key in ipairs(KEYS) do
  local burst = tonumber(ARGV[2 * i])
  local rate = tonumber(ARGV[2 * i + 1])
  local h = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(h[1]) or burst
  local at = tonumber(h[2]) or now
  if now > at then tokens = math.min(burst, tokens + (now - at) * rate) end
  if tokens < 1 then
    local need = (1 - tokens) / rate
    if need > wait then wait = need end
  end
  state[i] = {tokens, burst, rate}
end
if wait > 0 then return {0, tostring(wait)} end
for i, key in ipairs(KEYS) do
  local tokens, burst, rate = state[i][1] - 1, state[i][2], state[i][3]
  redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', key, math.ceil((burst - tokens) / rate * 1000) + 1000)
end
return {1, '0'}
"""

# KEYS: buckets. ARGV: burst for each key. Gives back the token of a refused request.
_REFUND = """
for i, key in ipairs(KEYS) do
  local tokens = tonumber(redis.call('HGET', key, 'tokens'))
  if tokens then
    redis.call('HSET', key, 'tokens', tostring(math.min(tonumber(ARGV[i]), tokens + 1)))
  end
end
return 1
"""

# KEYS: the capped set. ARGV: member, cap, ttl. Returns 1 when the member is (now) in the set.
_ADMIT = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
"""


@dataclass(frozen=True, slots=True)
class Bucket:
    """One bucket to take a token from: its key subject and its size."""

    action: str
    subject: str
    burst: float
    per_s: float


class RateLimitStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._take = redis.register_script(_TAKE)
        self._admit = redis.register_script(_ADMIT)
        self._refund = redis.register_script(_REFUND)

    async def take(self, buckets: list[Bucket], *, now: float) -> float:
        """Take one token from every bucket: 0.0, or (nothing taken) seconds to wait."""
        if not buckets:
            return 0.0
        taken: list[Bucket] = []
        for group in self._by_slot(buckets):
            wait = await self._take_together(group, now=now)
            if wait > 0:
                await self.refund(taken)
                return wait
            taken += group
        return 0.0

    def _by_slot(self, buckets: list[Bucket]) -> list[list[Bucket]]:
        """The buckets one script may touch together: all of them on one server, those of one
        cluster slot on a cluster."""
        if not is_cluster(self.redis):
            return [buckets] if buckets else []
        groups: dict[int, list[Bucket]] = {}
        for b in buckets:
            groups.setdefault(key_slot(keys.rate_bucket(b.action, b.subject).encode()), []).append(
                b
            )
        return list(groups.values())

    def queue_take(self, batch: Batch, buckets: list[Bucket], *, now: float) -> Taking:
        """:meth:`take` riding in a caller's batch (one script per slot); the caller settles the
        :class:`Taking` once the batch is sent."""
        queued = [
            (batch.script(self._take, *self._take_args(group, now)), group)
            for group in self._by_slot(buckets)
        ]
        return Taking(self, batch, queued)

    @staticmethod
    def _take_args(buckets: list[Bucket], now: float) -> tuple[list[str], list[str]]:
        args: list[str] = [repr(now)]
        for b in buckets:
            args += [repr(float(b.burst)), repr(float(b.per_s))]
        return [keys.rate_bucket(b.action, b.subject) for b in buckets], args

    async def _take_together(self, buckets: list[Bucket], *, now: float) -> float:
        """:meth:`take` for buckets of one slot: one script."""
        bucket_keys, args = self._take_args(buckets, now)
        return _wait(await self._take(keys=bucket_keys, args=args))

    async def refund(self, buckets: list[Bucket]) -> None:
        """Give back a token taken for a request that was then refused (bad input)."""
        for group in self._by_slot(buckets):
            await self._refund(
                keys=[keys.rate_bucket(b.action, b.subject) for b in group],
                args=[repr(float(b.burst)) for b in group],
            )

    async def admit_voter(self, round_id: str, address: str, user: str, *, cap: int) -> bool:
        """Let ``user`` vote in the round unless ``cap`` others from ``address`` already did."""
        admitted = await self._admit(
            keys=[keys.relay_round_address_voters(round_id, address)],
            args=[user, cap, 7 * 24 * 3600],
        )
        return bool(int(admitted))


def _wait(reply: list[bytes | str | int]) -> float:
    """The take script's reply as seconds to wait (0.0: taken)."""
    ok, wait = reply
    if int(ok) == 1:
        return 0.0
    raw = wait.decode() if isinstance(wait, bytes) else str(wait)
    return max(0.001, float(raw))


class Taking:
    """A take queued in a batch (:meth:`RateLimitStore.queue_take`)."""

    def __init__(
        self, store: RateLimitStore, batch: Batch, queued: list[tuple[int, list[Bucket]]]
    ) -> None:
        self.store = store
        self.batch = batch
        self.queued = queued

    async def settle(self) -> float:
        """0.0 when every bucket gave a token; else seconds to wait, and nothing is kept taken
        (a slot that gave its token while another refused gets it back)."""
        waits = [(_wait(self.batch.reply(i)), group) for i, group in self.queued]
        wait = max((w for w, _group in waits), default=0.0)
        if wait > 0:
            taken = [b for w, group in waits if w == 0 for b in group]
            if taken:
                await self.store.refund(taken)
        return wait


def retry_after_s(wait: float) -> int:
    """Whole seconds to tell a client (at least one)."""
    return max(1, math.ceil(wait))
