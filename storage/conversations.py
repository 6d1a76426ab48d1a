"""The mood companion's memory of one user: recent turns, the last list offered, the policy, and
which songs were recommended lately.

Keys per user (``keys.mood_user_keys``), all with the same TTL, renewed on every write (a user who
stays away long enough is forgotten without asking):

- ``mood_turns``: the last ``max_turns`` exchanges, oldest first (JSON per list item);
- ``mood_state``: a hash (policy, last list, its kind, last curated answer, language);
- ``mood_recent``: recommended song ids, newest first, each id at most once, trimmed to the
  no-repeat window. Its tail is the oldest recommendation: what may repeat first.

- ``mood_messages``: which song list each platform message showed.

A reply is recorded by one script (turn, state fields, recent songs, every TTL), so a reader never
sees a new list with the old history; :meth:`ConversationStore.snapshot` reads the state, the
recent songs and the last turns in one read-only script, which may ride in a caller's batch. The user's keys share one hash tag (one slot).
:meth:`ConversationStore.forget` deletes exactly the user's keys by name, never by pattern: a
pattern built from one id also matches others (Kakao ids may hold ":", so "kakao:kforget:*" was
also the start of "kakao:kforget:x"'s keys).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from storage import keys
from storage.batches import Batch
from storage.connection import Redis

MAX_MESSAGES = 50  # song-list messages remembered per user

# KEYS: turns, state, recent. ARGV: turn json, max turns, ttl, recent size, n (state field names
# and values, 2 per field), the n field arguments, then the recommended song ids (first first).
_RECORD = """
local ttl = ARGV[3]
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
redis.call('EXPIRE', KEYS[1], ttl)
local n = tonumber(ARGV[5])
if n > 0 then redis.call('HSET', KEYS[2], unpack(ARGV, 6, 5 + n)) end
redis.call('EXPIRE', KEYS[2], ttl)
local first = 6 + n
local size = tonumber(ARGV[4])
if #ARGV >= first and size > 0 then
  local ids = {}
  for i = #ARGV, first, -1 do
    redis.call('LREM', KEYS[3], 0, ARGV[i])
    ids[#ids + 1] = ARGV[i]
  end
  redis.call('LPUSH', KEYS[3], unpack(ids))
  redis.call('LTRIM', KEYS[3], 0, size - 1)
end
redis.call('EXPIRE', KEYS[3], ttl)
return 1
"""


# KEYS: turns, state, recent. ARGV: how many of the last turns (0: none).
# The state, the recent songs and the last turns, read together (a script: atomic, and it may ride in
# a caller's non-transactional batch, where a MULTI may not).
_SNAPSHOT = """
local n = tonumber(ARGV[1])
local turns = {}
if n > 0 then turns = redis.call('LRANGE', KEYS[1], -n, -1) end
return {redis.call('HGETALL', KEYS[2]), redis.call('LRANGE', KEYS[3], 0, -1), turns}
"""


def _s(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value


@dataclass(frozen=True, slots=True)
class Turn:
    """One exchange: what the user wrote and what the companion answered."""

    user_text: str
    reply: str
    kind: str = "mood"  # mood | pick | crisis
    emotion: str = ""
    score: float = 0.0
    song_ids: tuple[str, ...] = ()
    at: float = field(default_factory=time.time)

    def to_json(self) -> str:
        return json.dumps(
            {
                "user": self.user_text,
                "reply": self.reply,
                "kind": self.kind,
                "emotion": self.emotion,
                "score": self.score,
                "songs": list(self.song_ids),
                "at": self.at,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: bytes | str) -> Turn | None:
        try:
            got = json.loads(raw)
            return cls(
                user_text=str(got.get("user", "")),
                reply=str(got.get("reply", "")),
                kind=str(got.get("kind", "mood")),
                emotion=str(got.get("emotion", "")),
                score=float(got.get("score", 0.0)),
                song_ids=tuple(str(s) for s in got.get("songs", [])),
                at=float(got.get("at", 0.0)),
            )
        except (ValueError, TypeError, AttributeError):
            return None


@dataclass(frozen=True, slots=True)
class MoodState:
    policy: str | None = None
    last_list: tuple[str, ...] = ()
    last_kind: str = ""  # mood | similar: what the last list was
    last_answer: str | None = None  # id of the last curated answer ("" after a generated one)
    language: str | None = None

    @classmethod
    def from_fields(cls, raw: Mapping[bytes, bytes]) -> MoodState:
        got = {_s(k): _s(v) for k, v in raw.items()}
        try:
            last_list = tuple(str(s) for s in json.loads(got.get("last_list") or "[]"))
        except ValueError:
            last_list = ()
        return cls(
            policy=got.get("policy") or None,
            last_list=last_list,
            last_kind=got.get("last_kind", ""),
            last_answer=got.get("last_answer"),
            language=got.get("language") or None,
        )


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What one message needs of a user's memory, read together."""

    state: MoodState
    recent: list[str]  # recently recommended song ids, newest first
    turns: list[Turn]  # the last turns asked for, oldest first


class ConversationStore:
    """Typed access to one user's mood-companion state."""

    def __init__(self, redis: Redis, *, ttl_s: int, max_turns: int, recent_size: int) -> None:
        if ttl_s <= 0 or max_turns <= 0 or recent_size < 0:
            raise ValueError("ttl_s and max_turns must be positive, recent_size not negative")
        self.redis = redis
        self.ttl_s = ttl_s
        self.max_turns = max_turns
        self.recent_size = recent_size
        self._record = redis.register_script(_RECORD)
        self._snapshot = redis.register_script(_SNAPSHOT)

    @staticmethod
    def user_keys(user: str) -> list[str]:
        return [keys.mood_turns(user), keys.mood_state(user), keys.mood_recent(user)]

    # --- reads -----------------------------------------------------------------------------

    async def state(self, user: str) -> MoodState:
        raw = cast(dict[bytes, bytes], await self.redis.hgetall(keys.mood_state(user)))
        return MoodState.from_fields(raw)

    async def snapshot(self, user: str, *, turns: int = 0, batch: Batch | None = None) -> Snapshot:
        """The state, the recent songs and the last ``turns`` turns (none for 0), read together;
        in ``batch`` (sent here) with whatever else the caller queued there."""
        batch = batch or Batch(self.redis)
        index = batch.script(self._snapshot, self.user_keys(user), [max(0, turns)])
        await batch.execute()
        raw_state, raw_recent, raw_turns = cast(list[list[bytes]], batch.reply(index))
        return Snapshot(
            MoodState.from_fields(dict(zip(raw_state[::2], raw_state[1::2], strict=True))),
            [_s(r) for r in raw_recent],
            [t for t in (Turn.from_json(r) for r in raw_turns) if t is not None],
        )

    async def turns(self, user: str, limit: int | None = None) -> list[Turn]:
        """The kept turns, oldest first (the newest ``limit`` of them when given)."""
        start = 0 if limit is None else -max(limit, 1)
        raws = cast(list[bytes], await self.redis.lrange(keys.mood_turns(user), start, -1))
        return [t for t in (Turn.from_json(r) for r in raws) if t is not None]

    async def recent(self, user: str) -> list[str]:
        """Recently recommended song ids, newest first."""
        raws = cast(list[bytes], await self.redis.lrange(keys.mood_recent(user), 0, -1))
        return [_s(r) for r in raws]

    # --- writes ----------------------------------------------------------------------------

    async def set_policy(self, user: str, policy: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.mood_state(user), "policy", policy)
            pipe.expire(keys.mood_state(user), self.ttl_s)
            await pipe.execute()

    async def record(
        self,
        user: str,
        turn: Turn,
        *,
        recommended: Sequence[str] = (),
        last_list: Sequence[str] | None = None,
        last_kind: str | None = None,
        last_answer: str | None = None,
        language: str | None = None,
    ) -> None:
        """Keep ``turn``, remember ``recommended`` songs, and update the state fields given
        (``None`` leaves a field as it is) — all at once, every key's TTL renewed."""
        turns_key, state_key, recent_key = self.user_keys(user)
        fields: dict[str, str] = {}
        if last_list is not None:
            fields["last_list"] = json.dumps(list(last_list))
        if last_kind is not None:
            fields["last_kind"] = last_kind
        if last_answer is not None:
            fields["last_answer"] = last_answer
        if language is not None:
            fields["language"] = language
        ids = list(dict.fromkeys(recommended))
        pairs = [item for pair in fields.items() for item in pair]
        await self._record(
            keys=[turns_key, state_key, recent_key],
            args=[
                turn.to_json(),
                self.max_turns,
                self.ttl_s,
                self.recent_size,
                len(pairs),
                *pairs,
                *ids,
            ],
        )

    async def attach_list(self, user: str, message_ref: str, song_ids: Sequence[str]) -> None:
        """Remember which list a platform message showed, so a pick under it picks from it."""
        key = keys.mood_messages(user)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, message_ref, json.dumps(list(song_ids)))
            pipe.expire(key, self.ttl_s)
            await pipe.execute()
        if int(await self.redis.hlen(key)) > MAX_MESSAGES:
            # old messages lose their list (a pick there uses the latest list): keep it small
            fields = cast(list[bytes], await self.redis.hkeys(key))
            stale = [f for f in fields if _s(f) != message_ref][: len(fields) - MAX_MESSAGES]
            if stale:
                await self.redis.hdel(key, *stale)

    async def list_for(self, user: str, message_ref: str) -> tuple[str, ...] | None:
        raw = cast(bytes | None, await self.redis.hget(keys.mood_messages(user), message_ref))
        if raw is None:
            return None
        return tuple(str(s) for s in json.loads(raw))

    async def forget(self, user: str) -> int:
        """Delete everything kept about ``user`` and nothing else; the number of keys deleted."""
        return int(await self.redis.delete(*keys.mood_user_keys(user)))
