"""Relay stories in Redis: one active story per channel, its lines, and the archive.

A story is a metadata hash (``keys.relay_story``) plus a list of JSON lines
(``keys.relay_story_lines``). The channel's active story id lives in ``keys.relay_active_story``;
starting, adding, undoing and ending are Lua scripts that check that pointer first, so a line can
never land in a story that another process just ended, and the size limit holds under concurrency.

Decisions:

- Story ids are random (12 hex characters after the channel's two-digit relay shard, see
  ``storage/keys.py``), not a counter: the web reader page ``/stories/<id>`` is public, and a
  guessable id would let anyone walk the stories of private channels.
- Ending a story that has no lines discards it instead of archiving an empty page.
- An active story lives while people use it: a story nobody wrote in expires after a day, one
  with lines after 30 days without a new line (both settings of the relay); every line renews it.
  Ending a story is the archive path: an archived story never expires.
- Applying a vote winner passes the round id as ``once``: the id is remembered in a set next to the
  story, so a winner that two processes (or a retry after a crash) both apply joins the story once.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, cast

from storage import keys
from storage.connection import Redis

Source = Literal["human", "model"]

ACTIVE = "active"
ARCHIVED = "archived"

# An active story's keys expire when nobody touches it: an abandoned story cannot pile up.
# Ending a story archives it, and archived stories are kept.
EMPTY_STORY_TTL_S = 24 * 3600
IDLE_STORY_TTL_S = 30 * 24 * 3600


class StoryError(Exception):
    """A story operation was refused; subclasses say why."""


class NoActiveStory(StoryError):
    """The channel has no active story (or the one asked for has ended)."""


class StoryFull(StoryError):
    def __init__(self, what: Literal["lines", "chars"], used: int, limit: int) -> None:
        super().__init__(f"story full: {used}/{limit} {what}")
        self.what = what
        self.used = used
        self.limit = limit


class AlreadyApplied(StoryError):
    """The round's winner is already in the story."""


class NothingToUndo(StoryError):
    pass


class NotAllowed(StoryError):
    """Only the author (or the story's starter, for ``end``) or a moderator may do this."""


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    channel: str
    title: str
    genre: str
    language: str
    status: str
    created_by: str
    created_by_name: str
    created_at: float
    ended_at: float | None
    line_count: int
    chars: int


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # 1-based position in the story
    text: str
    author_id: str
    author_name: str
    source: Source
    at: float
    round_id: str | None = None


# KEYS: active pointer, story hash. ARGV: story id, ttl, then field/value pairs.
# Returns {1, id} when started now, {0, existing id} when the channel already has one.
_START = """
local cur = redis.call('GET', KEYS[1])
if cur then return {0, cur} end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
redis.call('HSET', KEYS[2], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[2]))
return {1, ARGV[1]}
"""

# KEYS: active pointer, story hash, lines, applied set.
# ARGV: story id, line json, chars, max lines, max chars, once ('' or round id), now, idle ttl.
_ADD = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {-1, 0} end
if ARGV[6] ~= '' and redis.call('SISMEMBER', KEYS[4], ARGV[6]) == 1 then return {-2, 0} end
local n = redis.call('LLEN', KEYS[3])
if n >= tonumber(ARGV[4]) then return {-3, n} end
local chars = tonumber(redis.call('HGET', KEYS[2], 'chars') or '0')
if chars + tonumber(ARGV[3]) > tonumber(ARGV[5]) then return {-4, chars} end
if ARGV[6] ~= '' then redis.call('SADD', KEYS[4], ARGV[6]) end
n = redis.call('RPUSH', KEYS[3], ARGV[2])
redis.call('HINCRBY', KEYS[2], 'chars', ARGV[3])
redis.call('HSET', KEYS[2], 'updated_at', ARGV[7])
for i = 1, 4 do redis.call('EXPIRE', KEYS[i], tonumber(ARGV[8])) end
return {n, 0}
"""

# KEYS: the channel's active pointer, the channel's recent writers.
# ARGV: the channel's story key prefix, line json, chars, max lines, max chars, now, idle ttl,
# author id, writers window, the lines key suffix, the applied key suffix, the channel's shard (two
# hex digits).
# A person's line in the channel's active story, whichever it is: the pointer is read here, and the
# story's keys are named from it. They are in the pointer's slot: a story id starts with its
# channel's relay shard (storage/keys.py), as _RESERVE in storage/votes.py names a round's keys from
# the channel's round pointer; an id of any other shape is refused as no active story. _ADD's checks
# and append, the author counted among the channel's recent writers, and the story hash as it is
# now, in one round trip. Returns {n, 0, story fields, story id}, or {-1, 0} (no active story),
# {-3, lines} or {-4, chars} (full).
_WRITE = """
local id = redis.call('GET', KEYS[1])
if not id or string.sub(id, 1, 2) ~= ARGV[12] then return {-1, 0} end
local story = ARGV[1] .. id
local lines = story .. ARGV[10]
local n = redis.call('LLEN', lines)
if n >= tonumber(ARGV[4]) then return {-3, n} end
local chars = tonumber(redis.call('HGET', story, 'chars') or '0')
if chars + tonumber(ARGV[3]) > tonumber(ARGV[5]) then return {-4, chars} end
n = redis.call('RPUSH', lines, ARGV[2])
redis.call('HINCRBY', story, 'chars', ARGV[3])
redis.call('HSET', story, 'updated_at', ARGV[6])
local ttl = tonumber(ARGV[7])
for _, key in ipairs({KEYS[1], story, lines, story .. ARGV[11]}) do redis.call('EXPIRE', key, ttl) end
local window = tonumber(ARGV[9])
redis.call('ZADD', KEYS[2], ARGV[6], ARGV[8])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[6]) - window)
redis.call('EXPIRE', KEYS[2], math.max(1, math.floor(window)))
return {n, 0, redis.call('HGETALL', story), id}
"""

# KEYS: active pointer, story hash, lines, applied set. ARGV: story id, user id,
# moderator ('1'/'0'), idle ttl.
_UNDO = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {-1, ''} end
local last = redis.call('LINDEX', KEYS[3], -1)
if not last then return {-2, ''} end
local line = cjson.decode(last)
if ARGV[3] ~= '1' and tostring(line['author_id']) ~= ARGV[2] then return {-3, last} end
local n = redis.call('LLEN', KEYS[3])
redis.call('RPOP', KEYS[3])
redis.call('HINCRBY', KEYS[2], 'chars', -tonumber(line['chars']))
for i = 1, 4 do redis.call('EXPIRE', KEYS[i], tonumber(ARGV[4])) end
return {n, last}
"""

# KEYS: active pointer, story hash, lines, applied set, channel archive, global archive.
# ARGV: story id, now, user id, moderator ('1'/'0'). Returns 1 archived, 0 discarded (empty),
# -1 not active, -2 not allowed.
_END = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if ARGV[4] ~= '1' and redis.call('HGET', KEYS[2], 'created_by') ~= ARGV[3] then return -2 end
redis.call('DEL', KEYS[1], KEYS[4])
if redis.call('LLEN', KEYS[3]) == 0 then
  redis.call('DEL', KEYS[2], KEYS[3])
  return 0
end
redis.call('HSET', KEYS[2], 'status', 'archived', 'ended_at', ARGV[2], 'ended_by', ARGV[3])
redis.call('PERSIST', KEYS[2])
redis.call('PERSIST', KEYS[3])
redis.call('ZADD', KEYS[5], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[6], ARGV[2], ARGV[1])
return 1
"""


def _s(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def _of_channel(story_id: str, channel: str) -> bool:
    """Whether ``story_id`` can be one of ``channel``'s stories: every story id starts with its
    channel's relay shard. One that does not is not the channel's active story (and on a cluster
    its keys are in another slot than the channel's, so no script could check it)."""
    return keys.relay_shard_of_id(story_id) == keys.relay_shard(channel)


def new_story_id(channel: str) -> str:
    """Random, so not guessable; it starts with the channel's relay shard (``storage/keys.py``)."""
    return keys.relay_id_prefix(channel) + secrets.token_hex(6)


def story_key_parts(channel: str) -> tuple[str, str, str, str]:
    """How a script names the keys of ``channel``'s stories from a story id: (the story hash's
    prefix, the lines key's suffix, the applied set's suffix, the channel's shard as two hex
    digits, which every id of its stories starts with)."""
    shard = keys.relay_id_prefix(channel)
    story = keys.relay_story(shard)
    return (
        story.removesuffix(shard),
        keys.relay_story_lines(shard).removeprefix(story),
        keys.relay_story_applied(shard).removeprefix(story),
        shard,
    )


def _story(fields: dict[bytes, bytes], line_count: int) -> Story | None:
    if not fields:
        return None
    f = {_s(k): _s(v) for k, v in fields.items()}
    return Story(
        id=f["id"],
        channel=f["channel"],
        title=f.get("title", ""),
        genre=f.get("genre", ""),
        language=f.get("language", ""),
        status=f.get("status", ACTIVE),
        created_by=f.get("created_by", ""),
        created_by_name=f.get("created_by_name", ""),
        created_at=float(f.get("created_at") or 0),
        ended_at=float(f["ended_at"]) if f.get("ended_at") else None,
        line_count=line_count,
        chars=int(f.get("chars") or 0),
    )


def _line_json(
    text: str, author_id: str, author_name: str, source: Source, now: float, once: str | None
) -> str:
    """A line as the add and write scripts store it."""
    data = {
        "text": text,
        "author_id": author_id,
        "author_name": author_name,
        "source": source,
        "at": now,
        "chars": len(text),
        "round_id": once or "",
    }
    return json.dumps(data, ensure_ascii=False)


def _refuse_if_full(code: int, used: int, max_lines: int, max_chars: int) -> None:
    """The add and write scripts' "full" answers as :class:`StoryFull`."""
    if code == -3:
        raise StoryFull("lines", used, max_lines)
    if code == -4:
        raise StoryFull("chars", used, max_chars)


# Lines read again and again (every show reads its whole story) are parsed once: a line's stored
# JSON and its number give the same (frozen) Line, so the latest ones are kept by that key.
LINE_CACHE = 16384


@lru_cache(maxsize=LINE_CACHE)
def _line(raw: bytes | str, number: int) -> Line:
    data: dict[str, Any] = json.loads(raw)
    return Line(
        number=number,
        text=str(data["text"]),
        author_id=str(data["author_id"]),
        author_name=str(data.get("author_name", "")),
        source="model" if data.get("source") == "model" else "human",
        at=float(data.get("at", 0)),
        round_id=data.get("round_id") or None,
    )


class StoryStore:
    """Typed operations on relay stories; the only code that spells their keys' contents."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._start = redis.register_script(_START)
        self._add = redis.register_script(_ADD)
        self._write = redis.register_script(_WRITE)
        self._undo = redis.register_script(_UNDO)
        self._end = redis.register_script(_END)

    # --- reading ---------------------------------------------------------------------------

    async def active_id(self, channel: str) -> str | None:
        raw = cast(bytes | None, await self.redis.get(keys.relay_active_story(channel)))
        return _s(raw) or None

    async def get(self, story_id: str) -> Story | None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.hgetall(keys.relay_story(story_id))
        pipe.llen(keys.relay_story_lines(story_id))
        fields, count = await pipe.execute()
        return _story(cast(dict[bytes, bytes], fields), int(count))

    async def active(self, channel: str) -> Story | None:
        story_id = await self.active_id(channel)
        return await self.get(story_id) if story_id else None

    async def lines(self, story_id: str, start: int = 0, count: int | None = None) -> list[Line]:
        """Lines ``start`` (0-based) onwards, at most ``count`` of them (all when None)."""
        stop = -1 if count is None else start + count - 1
        if count is not None and count <= 0:
            return []
        raw = cast(
            list[bytes], await self.redis.lrange(keys.relay_story_lines(story_id), start, stop)
        )
        return [_line(r, start + i + 1) for i, r in enumerate(raw)]

    async def last_lines(self, story_id: str, count: int) -> list[Line]:
        """The newest ``count`` lines, oldest first (what a prompt is built from)."""
        total = int(await self.redis.llen(keys.relay_story_lines(story_id)))
        start = max(0, total - count)
        return await self.lines(story_id, start, total - start)

    async def archived(
        self, channel: str | None = None, offset: int = 0, count: int = 10
    ) -> list[Story]:
        """Archived stories, newest first: one channel's, or every channel's when None (merged
        from the shards' archives: one pipeline)."""
        if channel is not None:
            key = keys.relay_channel_archive(channel)
            raw = await self.redis.zrevrange(key, offset, offset + count - 1)
            ids = [_s(i) for i in cast(list[bytes], raw)]
        else:
            pipe = self.redis.pipeline(transaction=False)
            for shard in range(keys.RELAY_SHARDS):
                pipe.zrevrange(keys.relay_archive(shard), 0, offset + count - 1, withscores=True)
            scored = [
                (float(score), _s(i))
                for rows in await pipe.execute()
                for i, score in cast(list[tuple[bytes, float]], rows)
            ]
            scored.sort(reverse=True)
            ids = [i for _score, i in scored[offset : offset + count]]
        stories = [await self.get(i) for i in ids]
        return [s for s in stories if s is not None]

    async def archived_count(self, channel: str | None = None) -> int:
        if channel is not None:
            return int(await self.redis.zcard(keys.relay_channel_archive(channel)))
        pipe = self.redis.pipeline(transaction=False)
        for shard in range(keys.RELAY_SHARDS):
            pipe.zcard(keys.relay_archive(shard))
        return sum(int(n) for n in await pipe.execute())

    # --- writing ---------------------------------------------------------------------------

    async def start(
        self,
        channel: str,
        *,
        title: str,
        genre: str,
        language: str,
        user_id: str,
        user_name: str,
        now: float,
        ttl_s: int = EMPTY_STORY_TTL_S,
    ) -> tuple[Story, bool]:
        """Start the channel's story; returns (story, True), or (the active story, False).

        A story nobody writes in expires after ``ttl_s``; its first line gives it the idle
        lifetime of :meth:`add_line`."""
        story_id = new_story_id(channel)
        fields: dict[str, str] = {
            "id": story_id,
            "channel": channel,
            "title": title,
            "genre": genre,
            "language": language,
            "status": ACTIVE,
            "created_by": user_id,
            "created_by_name": user_name,
            "created_at": repr(now),
            "updated_at": repr(now),
            "chars": "0",
        }
        args: list[str] = [story_id, str(ttl_s)]
        for k, v in fields.items():
            args += [k, v]
        created, got = await self._start(
            keys=[keys.relay_active_story(channel), keys.relay_story(story_id)], args=args
        )
        story = await self.get(_s(got))
        if story is None:  # the pointer outlived its story: never expected, but never loop
            raise NoActiveStory(channel)
        return story, bool(created)

    async def add_line(
        self,
        story_id: str,
        channel: str,
        *,
        text: str,
        author_id: str,
        author_name: str,
        source: Source,
        now: float,
        max_lines: int,
        max_chars: int,
        once: str | None = None,
        idle_ttl_s: int = IDLE_STORY_TTL_S,
    ) -> Line:
        """Append a line to the channel's active story, within the size limits, atomically.

        ``once`` (a round id) makes the append idempotent. Raises :class:`NoActiveStory`,
        :class:`StoryFull` or :class:`AlreadyApplied`.
        """
        raw = _line_json(text, author_id, author_name, source, now, once)
        if not _of_channel(story_id, channel):
            raise NoActiveStory(channel)
        code, used = await self._add(
            keys=[
                keys.relay_active_story(channel),
                keys.relay_story(story_id),
                keys.relay_story_lines(story_id),
                keys.relay_story_applied(story_id),
            ],
            args=[
                story_id,
                raw,
                len(text),
                max_lines,
                max_chars,
                once or "",
                repr(now),
                idle_ttl_s,
            ],
        )
        code = int(code)
        if code == -1:
            raise NoActiveStory(channel)
        if code == -2:
            raise AlreadyApplied(once)
        _refuse_if_full(code, int(used), max_lines, max_chars)
        return _line(raw, code)

    async def write_line(
        self,
        channel: str,
        *,
        text: str,
        author_id: str,
        author_name: str,
        now: float,
        max_lines: int,
        max_chars: int,
        writers_window_s: float,
        idle_ttl_s: int = IDLE_STORY_TTL_S,
    ) -> tuple[Line, Story]:
        """A person's line in the channel's active story (whichever it is when the line lands):
        :meth:`add_line` and :meth:`touch_writer` in one atomic step, with the story as it is after
        the line (one round trip; its ``id`` says which story). Raises :class:`NoActiveStory` or
        :class:`StoryFull`."""
        raw = _line_json(text, author_id, author_name, "human", now, None)
        story_prefix, lines_suffix, applied_suffix, shard = story_key_parts(channel)
        reply = await self._write(
            keys=[keys.relay_active_story(channel), keys.relay_recent_writers(channel)],
            args=[
                story_prefix,
                raw,
                len(text),
                max_lines,
                max_chars,
                repr(now),
                idle_ttl_s,
                author_id,
                repr(float(writers_window_s)),
                lines_suffix,
                applied_suffix,
                shard,
            ],
        )
        code, used = int(reply[0]), int(reply[1])
        if code == -1:
            raise NoActiveStory(channel)
        _refuse_if_full(code, used, max_lines, max_chars)
        flat = cast(list[bytes], reply[2])
        story = _story(dict(zip(flat[::2], flat[1::2], strict=True)), code)
        if story is None or story.id != _s(reply[3]):  # written in the same step: never expected
            raise NoActiveStory(channel)
        return _line(raw, code), story

    async def undo(
        self,
        story_id: str,
        channel: str,
        *,
        user_id: str,
        moderator: bool,
        idle_ttl_s: int = IDLE_STORY_TTL_S,
    ) -> Line:
        """Remove the last line if ``user_id`` wrote it (or a moderator asks)."""
        if not _of_channel(story_id, channel):
            raise NoActiveStory(channel)
        code, raw = await self._undo(
            keys=[
                keys.relay_active_story(channel),
                keys.relay_story(story_id),
                keys.relay_story_lines(story_id),
                keys.relay_story_applied(story_id),
            ],
            args=[story_id, user_id, "1" if moderator else "0", idle_ttl_s],
        )
        code = int(code)
        if code == -1:
            raise NoActiveStory(channel)
        if code == -2:
            raise NothingToUndo(story_id)
        if code == -3:
            raise NotAllowed(_line(raw, 0).author_name)
        return _line(raw, code)

    async def end(
        self, story_id: str, channel: str, *, user_id: str, moderator: bool, now: float
    ) -> bool:
        """Archive the story (True), or discard it when it has no lines (False)."""
        if not _of_channel(story_id, channel):
            raise NoActiveStory(channel)
        code = int(
            await self._end(
                keys=[
                    keys.relay_active_story(channel),
                    keys.relay_story(story_id),
                    keys.relay_story_lines(story_id),
                    keys.relay_story_applied(story_id),
                    keys.relay_channel_archive(channel),
                    keys.relay_archive(keys.relay_shard(channel)),
                ],
                args=[story_id, repr(now), user_id, "1" if moderator else "0"],
            )
        )
        if code == -1:
            raise NoActiveStory(channel)
        if code == -2:
            raise NotAllowed("end")
        return code == 1

    async def export(self, story_id: str) -> tuple[Story, list[Line]] | None:
        """A story and all its lines (for Markdown/plain-text export, the reader page and a page
        of the story), read together in one round trip."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hgetall(keys.relay_story(story_id))
        pipe.lrange(keys.relay_story_lines(story_id), 0, -1)
        fields, raw = await pipe.execute()
        lines = [_line(r, i + 1) for i, r in enumerate(cast(list[bytes], raw))]
        story = _story(cast(dict[bytes, bytes], fields), len(lines))
        return None if story is None else (story, lines)

    # --- recent writers (the quorum's electorate) ------------------------------------------

    async def touch_writer(
        self, channel: str, user_id: str, *, now: float, window_s: float
    ) -> None:
        key = keys.relay_recent_writers(channel)
        pipe = self.redis.pipeline(transaction=True)
        pipe.zadd(key, {user_id: now})
        pipe.zremrangebyscore(key, "-inf", now - window_s)
        pipe.expire(key, max(1, int(window_s)))
        await pipe.execute()

    async def recent_writers(self, channel: str, *, now: float, window_s: float) -> set[str]:
        raw = cast(
            list[bytes],
            await self.redis.zrangebyscore(
                keys.relay_recent_writers(channel), now - window_s, "+inf"
            ),
        )
        return {_s(r) for r in raw}
