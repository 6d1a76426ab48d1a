"""Relay rounds and proposals in Redis: candidates, deadlines, votes, atomic close.

A round's life: ``pending`` (reserved while the model writes; the channel's ``SET NX`` pointer
keeps it to one round per channel) -> ``open`` (candidates posted, votes counted) -> ``closed``
(counted, winner chosen, not yet in the story) -> ``done``. A reservation whose writer died becomes
``dropped``; a round whose story ended becomes ``cancelled``.

Every unfinished round sits in its shard's sorted set scored by its deadline
(``keys.relay_round_due``), so any process, including one started after a crash, finds due rounds
with one pipelined ``ZRANGEBYSCORE`` per shard. A
``closed`` round stays there, re-scored to ``closed_at + grace``: if the process that closed it dies
before the winner joins the story, another process finishes the job after the grace period.

Votes live in a hash per round, user id -> candidate number: a later vote overwrites the earlier,
and a double tap writes the same field twice, so it counts once.

Decisions:

- Ties go to the lowest candidate number (the close script keeps the first maximum). It is the rule
  users can check by looking at the message, and it needs no vote timestamps.
- With no votes, ``keep_first`` picks candidate 1 and ``drop`` picks nothing (a setting).
- Finished rounds and their votes expire after ``FINISHED_TTL_S`` (a week): enough for late
  lookups by message, without keeping every round forever.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from storage import keys
from storage.connection import Redis

FINISHED_TTL_S = 7 * 24 * 3600
PROPOSALS_TTL_S = 30 * 24 * 3600

NoVotePolicy = Literal["keep_first", "drop"]
ProposalKind = Literal["keyword", "length"]


class VoteError(Exception):
    """A vote or round operation was refused; subclasses say why."""


class RoundNotFound(VoteError):
    pass


class RoundNotOpen(VoteError):
    def __init__(self, round_id: str, state: str) -> None:
        super().__init__(f"round {round_id} is {state}")
        self.round_id = round_id
        self.state = state


class BadChoice(VoteError):
    def __init__(self, choices: int) -> None:
        super().__init__(f"choose 1-{choices}")
        self.choices = choices


class RerollConflict(VoteError):
    """Someone else rerolled the round first."""


class ProposalNotFound(VoteError):
    pass


class TooManyProposals(VoteError):
    pass


class TooManyVoters(VoteError):
    """The caller's address already has its cap of voters in the round."""


@dataclass(frozen=True, slots=True)
class VoterCap:
    """At most ``cap`` voters of one round from one ``address`` (already pseudonymised)."""

    address: str
    cap: int


@dataclass(frozen=True, slots=True)
class Cast:
    """A vote recorded by :meth:`VoteStore.cast`, with the round's votes right after it."""

    previous: int | None
    voters: int
    candidates: int  # how many the round has
    ballots: dict[str, int]  # user id -> choice
    channel: str  # the round's


@dataclass(frozen=True, slots=True)
class Round:
    id: str
    channel: str
    story_id: str
    state: str
    candidates: list[str]
    deadline: float
    created_at: float
    opened_by: str
    opened_by_name: str
    keyword: str
    max_new_tokens: int
    rerolls: int
    winner: int | None = None  # 1-based candidate number, None when nothing won
    counts: list[int] = field(default_factory=list)
    reason: str = ""
    note: str = ""
    line_number: int | None = None
    message_ref: str = ""


@dataclass(frozen=True, slots=True)
class Closed:
    """The result of the one call that closed a round."""

    round: Round
    winner: int | None
    counts: list[int]


@dataclass(frozen=True, slots=True)
class Proposal:
    id: str
    kind: ProposalKind
    value: str
    user_id: str
    user_name: str
    at: float
    votes: int = 0


# KEYS: channel pointer, round hash, due set. ARGV: round id, reserve-until, round key prefix,
# now, ttl, field/value pairs. The current round's hash is named from the pointer (not in KEYS):
# its id starts with the channel's shard, so it is in the same cluster slot as KEYS. A pointer whose round finished or vanished is stale and replaced
# (self-healing after a crash), and so is a reservation whose lease ran out: its writer died.
_RESERVE = """
local cur = redis.call('GET', KEYS[1])
if cur then
  local st = redis.call('HGET', ARGV[3] .. cur, 'state')
  if st == 'pending' then
    local due = tonumber(redis.call('ZSCORE', KEYS[3], cur) or '0')
    if due > tonumber(ARGV[4]) then return {0, cur} end
    redis.call('HSET', ARGV[3] .. cur, 'state', 'dropped', 'closed_at', ARGV[4], 'reason', 'lease')
    redis.call('EXPIRE', ARGV[3] .. cur, tonumber(ARGV[5]))
    redis.call('ZREM', KEYS[3], cur)
  elseif st == 'open' or st == 'closed' then
    return {0, cur}
  end
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'state', 'pending', unpack(ARGV, 6))
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
return {1, ARGV[1]}
"""

# KEYS: round hash, due set. ARGV: round id, lease end. A live writer extends its reservation;
# 0 when it is no longer pending (dropped after a lapse, or cancelled).
_RENEW = """
if redis.call('HGET', KEYS[1], 'state') ~= 'pending' then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[1], 'deadline', ARGV[2])
return 1
"""

# KEYS: round hash, due set, votes. ARGV: round id, candidates json, count, deadline,
# mode ('open' from pending | 'reroll' of an open round), expected rerolls.
_PUBLISH = """
local st = redis.call('HGET', KEYS[1], 'state')
if not st then return {-1, ''} end
if ARGV[5] == 'open' then
  if st ~= 'pending' then return {-2, st} end
else
  if st ~= 'open' then return {-2, st} end
  if redis.call('HGET', KEYS[1], 'rerolls') ~= ARGV[6] then return {-3, st} end
  redis.call('DEL', KEYS[3])
  redis.call('HINCRBY', KEYS[1], 'rerolls', 1)
end
redis.call('HSET', KEYS[1], 'state', 'open', 'candidates', ARGV[2], 'ncandidates', ARGV[3],
  'deadline', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
return {1, 'open'}
"""

# KEYS: round hash, votes. ARGV: user id, choice. Returns {1, previous choice or '', voters}.
_VOTE = """
local h = redis.call('HMGET', KEYS[1], 'state', 'ncandidates')
if not h[1] then return {-1, '', 0} end
if h[1] ~= 'open' then return {-2, h[1], 0} end
local c = tonumber(ARGV[2])
if not c or c < 1 or c > tonumber(h[2]) then return {-3, h[2], 0} end
local prev = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return {1, prev or '', redis.call('HLEN', KEYS[2])}
"""

# KEYS: round hash, votes, the round's voters from the caller's address. ARGV: user id, choice,
# the round's channel as the caller knows it ('' for any), voters per address (0: no cap), ttl.
# _VOTE with the channel check and the address cap of the web (one round trip). Returns
# {1, previous choice or '', voters, ncandidates, every vote as user/choice pairs, channel}, or
# {-1} missing (or another channel's), {-4} the address's cap is full, or _VOTE's -2/-3.
_CAST = """
local h = redis.call('HMGET', KEYS[1], 'state', 'ncandidates', 'channel')
if not h[1] then return {-1, '', 0} end
if ARGV[3] ~= '' and h[3] ~= ARGV[3] then return {-1, '', 0} end
local cap = tonumber(ARGV[4])
if cap > 0 and redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 0 then
  if redis.call('SCARD', KEYS[3]) >= cap then return {-4, '', 0} end
  redis.call('SADD', KEYS[3], ARGV[1])
  redis.call('EXPIRE', KEYS[3], tonumber(ARGV[5]))
end
if h[1] ~= 'open' then return {-2, h[1], 0} end
local c = tonumber(ARGV[2])
if not c or c < 1 or c > tonumber(h[2]) then return {-3, h[2], 0} end
local prev = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return {1, prev or '', redis.call('HLEN', KEYS[2]), tonumber(h[2]), redis.call('HGETALL', KEYS[2]),
  h[3]}
"""

# KEYS: round hash, votes. ARGV: user, choice. Withdraws the vote only if it is still that choice
# (a removed reaction must not undo a later vote for another candidate). Returns 1 withdrawn,
# 0 nothing to withdraw, -2 round not open.
_UNVOTE = """
if redis.call('HGET', KEYS[1], 'state') ~= 'open' then return -2 end
if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[2], ARGV[1])
  return 1
end
return 0
"""

# KEYS: round hash, votes, due set, channel pointer.
# ARGV: round id, now, force ('1'/'0'), no-vote policy, grace, reason, cancel ('1'/'0'), ttl.
# Returns {1, winner, counts json} closed now; {2} dropped/cancelled; {0} not due;
# {3} already closed (not finished); {-1} missing; {-2, state} finished.
_CLOSE = """
local h = redis.call('HMGET', KEYS[1], 'state', 'deadline', 'ncandidates')
local st = h[1]
local now = tonumber(ARGV[2])
if not st then redis.call('ZREM', KEYS[3], ARGV[1]); return {-1} end
local function release(state)
  redis.call('HSET', KEYS[1], 'state', state, 'closed_at', ARGV[2], 'reason', ARGV[6])
  redis.call('ZREM', KEYS[3], ARGV[1])
  if redis.call('GET', KEYS[4]) == ARGV[1] then redis.call('DEL', KEYS[4]) end
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[8]))
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[8]))
end
if st == 'pending' then
  local due = tonumber(redis.call('ZSCORE', KEYS[3], ARGV[1]) or '0')
  if ARGV[7] == '1' or ARGV[3] == '1' or due <= now then release(ARGV[7] == '1' and 'cancelled' or 'dropped'); return {2} end
  return {0}
end
if st == 'closed' then return {3} end
if st ~= 'open' then return {-2, st} end
if ARGV[7] == '1' then release('cancelled'); return {2} end
if ARGV[3] ~= '1' and tonumber(h[2]) > now then return {0} end
local n = tonumber(h[3])
local counts = {}
for i = 1, n do counts[i] = 0 end
for _, v in ipairs(redis.call('HVALS', KEYS[2])) do
  local c = tonumber(v)
  if c and c >= 1 and c <= n then counts[c] = counts[c] + 1 end
end
local winner, best = 0, 0
for i = 1, n do
  if counts[i] > best then best = counts[i]; winner = i end
end
if winner == 0 and ARGV[4] == 'keep_first' and n > 0 then winner = 1 end
local encoded = cjson.encode(counts)
redis.call('HSET', KEYS[1], 'state', 'closed', 'winner', winner, 'counts', encoded,
  'closed_at', ARGV[2], 'reason', ARGV[6])
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[5]), ARGV[1])
return {1, winner, encoded}
"""

# KEYS: round hash, votes, due set, channel pointer. ARGV: round id, note, line number, ttl.
# Returns 1 for the one caller that finishes the round, 0 for everyone else.
_FINISH = """
if redis.call('HGET', KEYS[1], 'state') ~= 'closed' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'done', 'note', ARGV[2], 'line', ARGV[3])
redis.call('ZREM', KEYS[3], ARGV[1])
if redis.call('GET', KEYS[4]) == ARGV[1] then redis.call('DEL', KEYS[4]) end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4]))
return 1
"""

# KEYS: proposals, seq, proposal votes. ARGV: kind, normalized value, json (without id), max per
# kind, ttl (a channel's proposals expire when nobody proposes for that long).
_PROPOSE = """
local same = 0
for _, raw in ipairs(redis.call('HVALS', KEYS[1])) do
  local p = cjson.decode(raw)
  if p['kind'] == ARGV[1] then
    same = same + 1
    if p['norm'] == ARGV[2] then return {0, p['id']} end
  end
end
if same >= tonumber(ARGV[4]) then return {-1, ''} end
local id = tostring(redis.call('INCR', KEYS[2]))
local p = cjson.decode(ARGV[3])
p['id'] = id
redis.call('HSET', KEYS[1], id, cjson.encode(p))
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], tonumber(ARGV[5])) end
return {1, id}
"""

# KEYS: proposals, proposal votes. ARGV: proposal id, user id.
_VOTE_PROPOSAL = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return {-1, ''} end
local kind = cjson.decode(raw)['kind']
local field = kind .. ':' .. ARGV[2]
local prev = redis.call('HGET', KEYS[2], field)
redis.call('HSET', KEYS[2], field, ARGV[1])
local ttl = redis.call('TTL', KEYS[1])
if ttl > 0 then redis.call('EXPIRE', KEYS[2], ttl) end
return {1, prev or ''}
"""

# KEYS: proposals, proposal votes. ARGV: the proposal ids to remove (and the votes for them).
_CLEAR_PROPOSALS = """
local gone = {}
for i = 1, #ARGV do
  gone[ARGV[i]] = true
  redis.call('HDEL', KEYS[1], ARGV[i])
end
local all = redis.call('HGETALL', KEYS[2])
for i = 1, #all, 2 do
  if gone[all[i + 1]] then redis.call('HDEL', KEYS[2], all[i]) end
end
return #ARGV
"""


def _s(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def new_round_id(channel: str) -> str:
    """Random; it starts with the channel's relay shard (``storage/keys.py``)."""
    return keys.relay_id_prefix(channel) + secrets.token_hex(4)


def _int_or_none(value: str) -> int | None:
    return int(value) if value not in ("", "0") else None


def _round(fields: dict[bytes, bytes]) -> Round | None:
    if not fields:
        return None
    f = {_s(k): _s(v) for k, v in fields.items()}
    return Round(
        id=f["id"],
        channel=f["channel"],
        story_id=f.get("story_id", ""),
        state=f.get("state", ""),
        candidates=[str(c) for c in json.loads(f.get("candidates") or "[]")],
        deadline=float(f.get("deadline") or 0),
        created_at=float(f.get("created_at") or 0),
        opened_by=f.get("opened_by", ""),
        opened_by_name=f.get("opened_by_name", ""),
        keyword=f.get("keyword", ""),
        max_new_tokens=int(f.get("max_new_tokens") or 0),
        rerolls=int(f.get("rerolls") or 0),
        winner=_int_or_none(f.get("winner", "")),
        counts=[int(c) for c in json.loads(f.get("counts") or "[]")],
        reason=f.get("reason", ""),
        note=f.get("note", ""),
        line_number=_int_or_none(f.get("line", "")),
        message_ref=f.get("message_ref", ""),
    )


def _counts(raw: Any) -> list[int]:
    # cjson encodes an all-zero array as a JSON array, but an empty Lua table as "{}".
    decoded = json.loads(_s(raw))
    return [int(c) for c in decoded] if isinstance(decoded, list) else []


class VoteStore:
    """Typed operations on relay rounds and proposals."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._reserve = redis.register_script(_RESERVE)
        self._renew = redis.register_script(_RENEW)
        self._publish = redis.register_script(_PUBLISH)
        self._vote = redis.register_script(_VOTE)
        self._cast = redis.register_script(_CAST)
        self._unvote = redis.register_script(_UNVOTE)
        self._close = redis.register_script(_CLOSE)
        self._finish = redis.register_script(_FINISH)
        self._propose = redis.register_script(_PROPOSE)
        self._vote_proposal = redis.register_script(_VOTE_PROPOSAL)
        self._clear_proposals = redis.register_script(_CLEAR_PROPOSALS)

    # --- rounds: reading -------------------------------------------------------------------

    async def get(self, round_id: str) -> Round | None:
        fields = cast(dict[bytes, bytes], await self.redis.hgetall(keys.relay_round(round_id)))
        return _round(fields)

    async def open_round_id(self, channel: str) -> str | None:
        raw = cast(bytes | None, await self.redis.get(keys.relay_open_round(channel)))
        return _s(raw) or None

    async def votes(self, round_id: str) -> dict[str, int]:
        raw = cast(dict[bytes, bytes], await self.redis.hgetall(keys.relay_round_votes(round_id)))
        return {_s(k): int(v) for k, v in raw.items()}

    async def due(self, now: float, limit: int = 100) -> list[str]:
        """Ids of rounds whose deadline (or recovery time) has passed, at most ``limit`` per
        shard: one pipeline over every shard's deadlines."""
        pipe = self.redis.pipeline(transaction=False)
        for shard in range(keys.RELAY_SHARDS):
            pipe.zrangebyscore(keys.relay_round_due(shard), "-inf", now, start=0, num=limit)
        return [_s(r) for rows in await pipe.execute() for r in cast(list[bytes], rows)]

    async def round_for_message(self, message_ref: str) -> str | None:
        raw = cast(bytes | None, await self.redis.get(keys.relay_round_message(message_ref)))
        return _s(raw) or None

    # --- rounds: writing -------------------------------------------------------------------

    async def reserve(
        self,
        channel: str,
        story_id: str,
        *,
        user_id: str,
        user_name: str,
        keyword: str,
        max_new_tokens: int,
        now: float,
        reserve_until: float,
    ) -> tuple[str, bool]:
        """Claim the channel's one round while the model writes: (round id, True), or the id
        of the round already open or being written and False.

        ``reserve_until`` is a lease: the writer renews it (:meth:`renew`) while it works, and a
        reservation past its lease is taken over here (or dropped by the ticker)."""
        round_id = new_round_id(channel)
        fields = {
            "id": round_id,
            "channel": channel,
            "story_id": story_id,
            "created_at": repr(now),
            "opened_by": user_id,
            "opened_by_name": user_name,
            "keyword": keyword,
            "max_new_tokens": str(max_new_tokens),
            "rerolls": "0",
            "deadline": repr(reserve_until),
        }
        args: list[str] = [
            round_id,
            repr(reserve_until),
            keys.relay_round(round_id).removesuffix(round_id),  # this shard's round keys
            repr(now),
            str(FINISHED_TTL_S),
        ]
        for k, v in fields.items():
            args += [k, v]
        created, got = await self._reserve(
            keys=[
                keys.relay_open_round(channel),
                keys.relay_round(round_id),
                keys.relay_round_due_for(round_id),
            ],
            args=args,
        )
        return _s(got), bool(created)

    async def renew(self, round_id: str, *, until: float) -> bool:
        """Extend a reservation while its writer works; False once it is no longer pending."""
        renewed = await self._renew(
            keys=[keys.relay_round(round_id), keys.relay_round_due_for(round_id)],
            args=[round_id, repr(until)],
        )
        return bool(int(renewed))

    async def publish(
        self,
        round_id: str,
        candidates: list[str],
        *,
        deadline: float,
        reroll_of: int | None = None,
    ) -> None:
        """Post candidates: open a reserved round, or (``reroll_of`` = the rerolls count read
        before generating) replace an open round's candidates, clearing its votes."""
        code, state = await self._publish(
            keys=[
                keys.relay_round(round_id),
                keys.relay_round_due_for(round_id),
                keys.relay_round_votes(round_id),
            ],
            args=[
                round_id,
                json.dumps(candidates, ensure_ascii=False),
                len(candidates),
                repr(deadline),
                "open" if reroll_of is None else "reroll",
                "" if reroll_of is None else str(reroll_of),
            ],
        )
        code = int(code)
        if code == -1:
            raise RoundNotFound(round_id)
        if code == -2:
            raise RoundNotOpen(round_id, _s(state))
        if code == -3:
            raise RerollConflict(round_id)

    async def vote(self, round_id: str, user_id: str, choice: int) -> tuple[int | None, int]:
        """Record (or replace) a user's vote; returns (their previous choice, voters so far)."""
        code, info, voters = await self._vote(
            keys=[keys.relay_round(round_id), keys.relay_round_votes(round_id)],
            args=[user_id, choice],
        )
        code = int(code)
        if code == -1:
            raise RoundNotFound(round_id)
        if code == -2:
            raise RoundNotOpen(round_id, _s(info))
        if code == -3:
            raise BadChoice(int(_s(info) or 0))
        prev = _s(info)
        return (int(prev) if prev else None), int(voters)

    async def cast(
        self,
        round_id: str,
        user_id: str,
        choice: int,
        *,
        channel: str | None = None,
        voter_cap: VoterCap | None = None,
    ) -> Cast:
        """:meth:`vote`, and every vote of the round after it, in one round trip. ``channel``:
        a round of another channel counts as missing; ``voter_cap``: the web's cap of voters per
        address (:class:`TooManyVoters` past it; the voter joins the address's set even when the
        round is no longer open, as a separate check before the vote would)."""
        address = voter_cap.address if voter_cap is not None else ""
        reply = await self._cast(
            keys=[
                keys.relay_round(round_id),
                keys.relay_round_votes(round_id),
                keys.relay_round_address_voters(round_id, address),
            ],
            args=[
                user_id,
                choice,
                channel or "",
                voter_cap.cap if voter_cap is not None else 0,
                FINISHED_TTL_S,
            ],
        )
        code = int(reply[0])
        if code == -1:
            raise RoundNotFound(round_id)
        if code == -4:
            raise TooManyVoters(round_id)
        if code == -2:
            raise RoundNotOpen(round_id, _s(reply[1]))
        if code == -3:
            raise BadChoice(int(_s(reply[1]) or 0))
        prev = _s(reply[1])
        flat = cast(list[bytes], reply[4])
        ballots = {_s(k): int(v) for k, v in zip(flat[::2], flat[1::2], strict=True)}
        return Cast(
            int(prev) if prev else None, int(reply[2]), int(reply[3]), ballots, _s(reply[5])
        )

    async def unvote(self, round_id: str, user_id: str, choice: int) -> bool:
        """Withdraw a user's vote if it is still ``choice``; False when there was none to take."""
        code = int(
            await self._unvote(
                keys=[keys.relay_round(round_id), keys.relay_round_votes(round_id)],
                args=[user_id, choice],
            )
        )
        if code == -2:
            raise RoundNotOpen(round_id, "closed")
        return code == 1

    async def close(
        self,
        rnd: Round,
        *,
        now: float,
        force: bool,
        policy: NoVotePolicy,
        grace_s: float,
        reason: str,
        cancel: bool = False,
    ) -> tuple[
        Literal["closed", "released", "not_due", "closing", "missing", "finished"], Closed | None
    ]:
        """Close a round atomically: exactly one caller gets ``("closed", Closed)``."""
        reply = await self._close(
            keys=[
                keys.relay_round(rnd.id),
                keys.relay_round_votes(rnd.id),
                keys.relay_round_due_for(rnd.id),
                keys.relay_open_round(rnd.channel),
            ],
            args=[
                rnd.id,
                repr(now),
                "1" if force else "0",
                policy,
                grace_s,
                reason,
                "1" if cancel else "0",
                FINISHED_TTL_S,
            ],
        )
        code = int(reply[0])
        if code == 1:
            winner = int(reply[1]) or None
            counts = _counts(reply[2])
            return "closed", Closed(rnd, winner, counts)
        status = {2: "released", 0: "not_due", 3: "closing", -1: "missing"}.get(code, "finished")
        return cast(Any, status), None

    async def finish(self, rnd: Round, *, note: str, line_number: int | None) -> bool:
        """Mark a closed round done and free the channel; True only for the first caller."""
        done = await self._finish(
            keys=[
                keys.relay_round(rnd.id),
                keys.relay_round_votes(rnd.id),
                keys.relay_round_due_for(rnd.id),
                keys.relay_open_round(rnd.channel),
            ],
            args=[rnd.id, note, line_number or 0, FINISHED_TTL_S],
        )
        return bool(done)

    async def forget(self, round_id: str) -> None:
        """Drop a due entry whose round hash is gone (expired or deleted by hand)."""
        await self.redis.zrem(keys.relay_round_due_for(round_id), round_id)

    async def attach_message(self, round_id: str, message_ref: str) -> None:
        """Remember which posted message shows the round (reaction votes find it by message)."""
        # Two slots on a cluster: the lookup first, so a round never names a message that does
        # not lead back to it.
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(keys.relay_round_message(message_ref), round_id, ex=FINISHED_TTL_S)
        pipe.hset(keys.relay_round(round_id), "message_ref", message_ref)
        await pipe.execute()

    # --- proposals -------------------------------------------------------------------------

    async def propose(
        self,
        channel: str,
        *,
        kind: ProposalKind,
        value: str,
        norm: str,
        user_id: str,
        user_name: str,
        now: float,
        max_per_kind: int,
        ttl_s: int = PROPOSALS_TTL_S,
    ) -> tuple[str, bool]:
        """Add a proposal: (id, True), or the id of an equal one and False."""
        data = {
            "kind": kind,
            "value": value,
            "norm": norm,
            "user_id": user_id,
            "user_name": user_name,
            "at": now,
        }
        code, proposal_id = await self._propose(
            keys=[
                keys.relay_proposals(channel),
                keys.relay_proposal_seq(channel),
                keys.relay_proposal_votes(channel),
            ],
            args=[kind, norm, json.dumps(data, ensure_ascii=False), max_per_kind, ttl_s],
        )
        if int(code) == -1:
            raise TooManyProposals(kind)
        return _s(proposal_id), int(code) == 1

    async def vote_proposal(self, channel: str, proposal_id: str, user_id: str) -> str | None:
        """Vote for a proposal (one vote per user per kind); returns the previous choice."""
        code, prev = await self._vote_proposal(
            keys=[keys.relay_proposals(channel), keys.relay_proposal_votes(channel)],
            args=[proposal_id, user_id],
        )
        if int(code) == -1:
            raise ProposalNotFound(proposal_id)
        return _s(prev) or None

    async def proposals(self, channel: str) -> list[Proposal]:
        """The channel's proposals with their vote counts, oldest first."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hgetall(keys.relay_proposals(channel))
        pipe.hvals(keys.relay_proposal_votes(channel))
        raw, votes = await pipe.execute()
        tally: dict[str, int] = {}
        for v in cast(list[bytes], votes):
            tally[_s(v)] = tally.get(_s(v), 0) + 1
        out: list[Proposal] = []
        for pid, blob in cast(dict[bytes, bytes], raw).items():
            data: dict[str, Any] = json.loads(blob)
            out.append(
                Proposal(
                    id=_s(pid),
                    kind="length" if data.get("kind") == "length" else "keyword",
                    value=str(data.get("value", "")),
                    user_id=str(data.get("user_id", "")),
                    user_name=str(data.get("user_name", "")),
                    at=float(data.get("at", 0)),
                    votes=tally.get(_s(pid), 0),
                )
            )
        out.sort(key=lambda p: int(p.id) if p.id.isdigit() else 0)
        return out

    async def clear_proposals(self, channel: str, proposal_ids: list[str]) -> None:
        if proposal_ids:
            await self._clear_proposals(
                keys=[keys.relay_proposals(channel), keys.relay_proposal_votes(channel)],
                args=proposal_ids,
            )
