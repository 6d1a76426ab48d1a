"""Carry a Redis written by an older norae over to today's key names (``norae redis migrate``).

Every key now carries a Redis Cluster hash tag (``storage/keys.py``). The names norae used before
are spelled here and nowhere else: :data:`OLD_SHAPES` is the frozen table of them, each with the
family it belongs to and what becomes of it: moved (``RENAMENX``: an existing new key is never
overwritten, the pair is reported as a conflict), deleted (short-lived bookkeeping: delivery
claims, rate limits, stored job results, reply streams), or split (the two global sorted sets
become one per relay shard, scores kept). A ``RENAME`` keeps a key's TTL, and a job stream's
consumer group with its pending entries.

Relay ids. The new code finds a story's or a round's keys from the first two hex digits of its id
(``keys.relay_shard_of_id``), so an old id is still found by its own key. But the scripts that
touch a channel's keys together with its active story's or open round's keys need both in one
slot (on a cluster), and the round reservation looks the channel's round up in the channel's own
shard: every *active* story and every *unfinished* round whose id's shard is not its channel's
gets a new id (``keys.relay_id_prefix(channel) + old_id[2:]`` when free), and every reference to
it is rewritten first (the hash's ``id``, the channel's pointers, a round's ``story_id``, the
deadline, message lookups, a line's ``round_id``, the story's ``applied`` set), then its keys move
together (one script). Archived stories and finished rounds keep their ids.

The migration runs on one Redis server while the bot and the workers are stopped. Run twice, the
second run finds nothing to do. A run cut short is run again: references are rewritten before the
keys move, and a hash's ``id`` field already holding the new id is taken as the plan.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, cast

from redis.exceptions import ResponseError

from storage import keys
from storage.connection import Redis, is_cluster

Family = Literal["relay", "catalog", "lyrics", "events", "mood", "kakao", "jobs", "bookkeeping"]
FAMILIES: tuple[Family, ...] = (
    "relay",
    "catalog",
    "lyrics",
    "events",
    "mood",
    "kakao",
    "jobs",
    "bookkeeping",
)

# Story and round hashes: which state needs its id in its channel's shard.
_ARCHIVED = "archived"
_UNFINISHED_ROUND = frozenset({"pending", "open", "closed"})

CHUNK = 500  # keys per pipeline


def _decode(raw: bytes | str) -> str:
    """A key name or value as text; bytes that are not UTF-8 survive the round trip."""
    return raw.decode("utf-8", "surrogateescape") if isinstance(raw, bytes) else raw


def _encode(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape")


class IdMap:
    """Old relay id -> new id, for the stories and rounds that get a new one."""

    def __init__(self) -> None:
        self.stories: dict[str, str] = {}
        self.rounds: dict[str, str] = {}

    def story(self, story_id: str) -> str:
        return self.stories.get(story_id, story_id)

    def round(self, round_id: str) -> str:
        return self.rounds.get(round_id, round_id)


NameFor = Callable[[re.Match[str], IdMap], str]
Action = Literal["move", "delete", "split"]
Entity = Literal["story", "round"]


@dataclass(frozen=True, slots=True)
class OldShape:
    """One kind of old key name: ``pattern`` matches the whole name."""

    family: Family
    pattern: re.Pattern[str]
    action: Action
    new_name: NameFor | None = None  # for "move"
    entity: Entity | None = None  # a story's or a round's key: moves with its id


def _old(rest: str) -> re.Pattern[str]:
    return re.compile(re.escape(keys.PREFIX) + rest, re.DOTALL)


_CHANNEL_KEYS: dict[str, Callable[[str], str]] = {
    "story": keys.relay_active_story,
    "archive": keys.relay_channel_archive,
    "writers": keys.relay_recent_writers,
    "round": keys.relay_open_round,
    "proposals": keys.relay_proposals,
    "proposal_votes": keys.relay_proposal_votes,
    "proposal_seq": keys.relay_proposal_seq,
}
_KAKAO_KEYS: dict[str, Callable[[str], str]] = {
    "pending": keys.kakao_pending,
    "lyrics": keys.kakao_last_lyrics,
    "last-delivery": keys.kakao_last_delivery,
}

OLD_STORY = "relay:story:"
OLD_ROUND = "relay:round:"
OLD_ROUNDS_DUE = keys.PREFIX + "relay:rounds:due"
OLD_ARCHIVE = keys.PREFIX + "relay:archive"
OLD_MESSAGE = keys.PREFIX + "relay:message:"

# Old names whose start no new name shares: old even when an id in them holds a brace.
_SURELY_OLD: tuple[OldShape, ...] = (
    OldShape(
        "relay",
        _old(r"relay:channel:(?P<ch>.+):(?P<what>" + "|".join(_CHANNEL_KEYS) + ")"),
        "move",
        lambda m, _ids: _CHANNEL_KEYS[m["what"]](m["ch"]),
    ),
    OldShape(
        "relay",
        _old(OLD_STORY + r"(?P<id>[^:]+)"),
        "move",
        lambda m, ids: keys.relay_story(ids.story(m["id"])),
        "story",
    ),
    OldShape(
        "relay",
        _old(OLD_STORY + r"(?P<id>[^:]+):lines"),
        "move",
        lambda m, ids: keys.relay_story_lines(ids.story(m["id"])),
        "story",
    ),
    OldShape(
        "relay",
        _old(OLD_STORY + r"(?P<id>[^:]+):applied"),
        "move",
        lambda m, ids: keys.relay_story_applied(ids.story(m["id"])),
        "story",
    ),
    OldShape(
        "relay",
        _old(OLD_ROUND + r"(?P<id>[^:]+)"),
        "move",
        lambda m, ids: keys.relay_round(ids.round(m["id"])),
        "round",
    ),
    OldShape(
        "relay",
        _old(OLD_ROUND + r"(?P<id>[^:]+):votes"),
        "move",
        lambda m, ids: keys.relay_round_votes(ids.round(m["id"])),
        "round",
    ),
    OldShape(
        "relay",
        _old(OLD_ROUND + r"(?P<id>[^:]+):addr:(?P<addr>.+)"),
        "move",
        lambda m, ids: keys.relay_round_address_voters(ids.round(m["id"]), m["addr"]),
        "round",
    ),
    OldShape("relay", _old(r"relay:rounds:due"), "split"),
    OldShape("relay", _old(r"relay:archive"), "split"),
    OldShape(
        "events",
        _old(r"events:recent:(?P<ch>.+)"),
        "move",
        lambda m, _ids: keys.events_recent(m["ch"]),
    ),
    OldShape("catalog", _old(r"catalog:songs"), "move", lambda _m, _ids: keys.catalog_songs()),
    OldShape("catalog", _old(r"catalog:moods"), "move", lambda _m, _ids: keys.catalog_moods()),
    OldShape(
        "catalog", _old(r"catalog:features"), "move", lambda _m, _ids: keys.catalog_features()
    ),
    OldShape("catalog", _old(r"catalog:index"), "move", lambda _m, _ids: keys.catalog_index()),
    OldShape(
        "catalog",
        _old(r"catalog:song:(?P<id>.+)"),
        "move",
        lambda m, _ids: keys.catalog_song(m["id"]),
    ),
    OldShape(
        "catalog",
        _old(r"catalog:mood:(?P<mood>.+)"),
        "move",
        lambda m, _ids: keys.catalog_mood(m["mood"]),
    ),
    OldShape("lyrics", _old(r"lyrics:artists"), "move", lambda _m, _ids: keys.lyrics_artists()),
    OldShape(
        "lyrics",
        _old(r"lyrics:artist:(?P<artist>.+):songs"),
        "move",
        lambda m, _ids: keys.lyrics_songs(m["artist"]),
    ),
    OldShape(
        "mood",
        _old(r"mood:user:(?P<user>.+):(?P<suffix>[^:]+)"),
        "move",
        lambda m, _ids: keys.mood_user_prefix(m["user"]) + m["suffix"],
    ),
    OldShape(
        "kakao",
        _old(r"kakao:(?P<what>" + "|".join(_KAKAO_KEYS) + r"):(?P<user>.+)"),
        "move",
        lambda m, _ids: _KAKAO_KEYS[m["what"]](m["user"]),
    ),
    OldShape("bookkeeping", _old(r"kakao:delivery:.+"), "delete"),
    OldShape(
        "jobs",
        _old(r"jobs:(?P<kind>[^:{}]+)"),
        "move",
        lambda m, _ids: keys.job_stream(m["kind"], 0),
    ),
)

# Old names that start as some new names do (the new ones carry their tag right after it).
_OLD_UNLESS_TAGGED: tuple[OldShape, ...] = (
    OldShape(
        "relay",
        _old(r"relay:message:(?P<ref>.+)"),
        "move",
        lambda m, _ids: keys.relay_round_message(m["ref"]),
    ),
    OldShape("bookkeeping", _old(r"limit:.+"), "delete"),
    OldShape("bookkeeping", _old(r"result:.+"), "delete"),
    OldShape("bookkeeping", _old(r"replies:.+"), "delete"),
)

OLD_SHAPES: tuple[OldShape, ...] = _SURELY_OLD + _OLD_UNLESS_TAGGED

# Names that did not change.
_UNCHANGED = (
    re.compile(re.escape(keys.worker_heartbeat("")) + ".+", re.DOTALL),
    re.compile(re.escape(keys.dead_letter_stream())),
)


@dataclass(frozen=True, slots=True)
class Found:
    """An old key and what its shape says about it."""

    name: str
    shape: OldShape
    match: re.Match[str]

    @property
    def entity_id(self) -> str:
        return self.match["id"] if self.shape.entity else ""


Kind = Literal["old", "new", "unchanged", "unknown"]


def classify(name: str) -> tuple[Kind, Found | None]:
    """What a ``norae:`` key is: old (with its shape), new, unchanged, or of no known shape."""
    if any(p.fullmatch(name) for p in _UNCHANGED):
        return "unchanged", None
    for shape in _SURELY_OLD:
        found = shape.pattern.fullmatch(name)
        if found:
            return "old", Found(name, shape, found)
    if keys.hash_tag(name) != name:
        return "new", None
    for shape in _OLD_UNLESS_TAGGED:
        found = shape.pattern.fullmatch(name)
        if found:
            return "old", Found(name, shape, found)
    return "unknown", None


# --- the report -------------------------------------------------------------------------------


@dataclass
class Report:
    dry_run: bool = False
    moved: Counter[str] = field(default_factory=Counter)  # family -> keys renamed
    deleted: Counter[str] = field(default_factory=Counter)  # family -> keys deleted
    split: dict[str, int] = field(default_factory=dict)  # old set -> members carried over
    new_story_ids: dict[str, str] = field(default_factory=dict)
    new_round_ids: dict[str, str] = field(default_factory=dict)
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (old, existing new)
    unknown: list[str] = field(default_factory=list)
    already_new: int = 0
    unchanged: int = 0
    actions: list[tuple[str, str, str]] = field(default_factory=list)  # (verb, key, target)

    @property
    def changes(self) -> int:
        """What this run changed (or, dry, would change); 0 when there was nothing to do."""
        return (
            sum(self.moved.values())
            + sum(self.deleted.values())
            + sum(self.split.values())
            + len(self.new_story_ids)
            + len(self.new_round_ids)
        )


class Bar(Protocol):
    def update(self, n: int = 1) -> object: ...

    def close(self) -> None: ...


BarFactory = Callable[[str, int | None], Bar]


class _NoBar:
    def update(self, n: int = 1) -> object:
        return None

    def close(self) -> None:
        return None


def _no_bar(_desc: str, _total: int | None) -> Bar:
    return _NoBar()


class ClusterNotSupported(RuntimeError):
    """The migration runs on one server (then ``redis-cli --cluster import`` moves the data)."""


# --- Redis helpers -------------------------------------------------------------------------------

# KEYS: src1, dst1, src2, dst2, … Moves every existing source to its destination, all or none:
# returns -i when the i-th pair's destination exists (nothing moved), else how many moved.
_MOVE_TOGETHER = """
for i = 1, #KEYS, 2 do
  if redis.call('EXISTS', KEYS[i]) == 1 and redis.call('EXISTS', KEYS[i + 1]) == 1 then
    return -((i + 1) / 2)
  end
end
local n = 0
for i = 1, #KEYS, 2 do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('RENAME', KEYS[i], KEYS[i + 1])
    n = n + 1
  end
end
return n
"""


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def _pipelined(
    redis: Redis, items: Sequence[Any], queue: Callable[[Redis, Any], object]
) -> list[Any]:
    """One reply per item, ``queue`` adding its command; errors come back as exceptions."""
    out: list[Any] = []
    for chunk in _chunks(items):
        pipe = redis.pipeline(transaction=False)
        for item in chunk:
            queue(pipe, item)
        out += await pipe.execute(raise_on_error=False)
    return out


def _text(raw: object) -> str:
    if isinstance(raw, bytes | str):
        return _decode(raw)
    return ""


# --- the plan ----------------------------------------------------------------------------------


@dataclass
class _Hash:
    """What the plan needs of an old story or round hash."""

    key_id: str  # the id in its key name
    id: str  # its ``id`` field ("" when missing)
    channel: str
    state: str  # a story's status, a round's state
    story_id: str = ""


@dataclass
class _Plan:
    old: list[Found] = field(default_factory=list)
    stories: dict[str, _Hash] = field(default_factory=dict)
    rounds: dict[str, _Hash] = field(default_factory=dict)
    ids: IdMap = field(default_factory=IdMap)
    # the keys of each story and round by id (hash first when there is one)
    story_keys: dict[str, list[Found]] = field(default_factory=dict)
    round_keys: dict[str, list[Found]] = field(default_factory=dict)
    rounds_of_story: dict[str, list[str]] = field(default_factory=dict)


async def _scan(redis: Redis, report: Report, bar_for: BarFactory) -> list[Found]:
    total = int(await redis.dbsize())
    bar = bar_for("scan", total)
    old: list[Found] = []
    try:
        async for raw in redis.scan_iter(match=keys.PREFIX + "*", count=1000):
            bar.update(1)
            name = _decode(raw)
            kind, found = classify(name)
            if kind == "old" and found is not None:
                old.append(found)
            elif kind == "new":
                report.already_new += 1
            elif kind == "unchanged":
                report.unchanged += 1
            else:
                report.unknown.append(name)
    finally:
        bar.close()
    report.unknown.sort()
    return old


async def _read_hashes(redis: Redis, plan: _Plan) -> None:
    story_hashes = [f for f in plan.old if f.shape.entity == "story" and _is_hash(f)]
    round_hashes = [f for f in plan.old if f.shape.entity == "round" and _is_hash(f)]
    got = await _pipelined(
        redis,
        story_hashes,
        lambda p, f: p.hmget(_encode(f.name), ["id", "channel", "status"]),
    )
    for f, fields in zip(story_hashes, got, strict=True):
        id_, channel, status = (_text(v) for v in fields)
        plan.stories[f.entity_id] = _Hash(f.entity_id, id_, channel, status)
    got = await _pipelined(
        redis,
        round_hashes,
        lambda p, f: p.hmget(_encode(f.name), ["id", "channel", "state", "story_id"]),
    )
    for f, fields in zip(round_hashes, got, strict=True):
        id_, channel, state, story_id = (_text(v) for v in fields)
        plan.rounds[f.entity_id] = _Hash(f.entity_id, id_, channel, state, story_id)
        plan.rounds_of_story.setdefault(story_id, []).append(f.entity_id)


def _is_hash(found: Found) -> bool:
    """The story's or round's own hash (not its lines, votes …)."""
    prefix = keys.PREFIX + (OLD_STORY if found.shape.entity == "story" else OLD_ROUND)
    return found.name == prefix + found.entity_id


def _candidates(old_id: str, channel: str) -> Iterable[str]:
    """New ids for ``old_id`` in ``channel``'s shard: its own tail first, then derived ones
    (the same every run, so a run cut short and run again picks the same)."""
    prefix = keys.relay_id_prefix(channel)
    length = max(len(old_id) - 2, 4)
    yield prefix + old_id[2:]
    for n in range(1, 1000):
        yield prefix + hashlib.sha256(f"{old_id}:{n}".encode()).hexdigest()[:length]


async def _choose_ids(
    redis: Redis,
    entity: Entity,
    hashes: dict[str, _Hash],
    movable: Callable[[_Hash], bool],
    taken: set[str],
    chosen: dict[str, str],
) -> None:
    """Pick a new id for each hash whose id is not in its channel's shard."""
    new_key = keys.relay_story if entity == "story" else keys.relay_round
    for key_id, h in sorted(hashes.items()):
        if not h.channel or not movable(h):
            continue
        shard = keys.relay_shard(h.channel)
        if h.id and h.id != key_id and keys.relay_shard_of_id(h.id) == shard:
            chosen[key_id] = h.id  # an earlier run that was cut short chose it
            taken.add(h.id)
            continue
        if keys.relay_shard_of_id(key_id) == shard:
            continue
        for candidate in _candidates(key_id, h.channel):
            if candidate in taken or await redis.exists(new_key(candidate)):
                continue
            chosen[key_id] = candidate
            taken.add(candidate)
            break


async def _plan(redis: Redis, report: Report, bar_for: BarFactory) -> _Plan:
    plan = _Plan(old=await _scan(redis, report, bar_for))
    for f in plan.old:
        if f.shape.entity == "story":
            plan.story_keys.setdefault(f.entity_id, []).append(f)
        elif f.shape.entity == "round":
            plan.round_keys.setdefault(f.entity_id, []).append(f)
    await _read_hashes(redis, plan)
    await _choose_ids(
        redis,
        "story",
        plan.stories,
        lambda h: h.state != _ARCHIVED,
        set(plan.story_keys),
        plan.ids.stories,
    )
    await _choose_ids(
        redis,
        "round",
        plan.rounds,
        lambda h: h.state in _UNFINISHED_ROUND,
        set(plan.round_keys),
        plan.ids.rounds,
    )
    report.new_story_ids = dict(plan.ids.stories)
    report.new_round_ids = dict(plan.ids.rounds)
    return plan


# --- carrying it out ---------------------------------------------------------------------------


def _target(found: Found, ids: IdMap) -> str:
    assert found.shape.new_name is not None
    return found.shape.new_name(found.match, ids)


async def _first_existing(redis: Redis, *names: str) -> str | None:
    for name in names:
        if await redis.exists(_encode(name)):
            return name
    return None


async def _set_id(redis: Redis, name: str, new_id: str) -> None:
    """The hash's ``id`` field says its new id (the plan of a run cut short and run again)."""
    if await redis.exists(_encode(name)):
        await redis.hset(_encode(name), "id", new_id)


async def _replace_value(redis: Redis, name: str, old: str, new: str) -> None:
    """A string key that holds ``old`` holds ``new`` (its TTL kept)."""
    if _text(await redis.get(_encode(name))) == old:
        await redis.set(_encode(name), _encode(new), keepttl=True)


async def _move_together(redis: Redis, pairs: list[tuple[str, str]], report: Report) -> None:
    script = redis.register_script(_MOVE_TOGETHER)
    flat = [_encode(n) for pair in pairs for n in pair]
    moved = int(cast(int, await script(keys=flat)))
    if moved < 0:
        report.conflicts.append(pairs[-moved - 1])
    else:
        report.moved["relay"] += moved


async def _reid_story(redis: Redis, plan: _Plan, old_id: str, new_id: str, report: Report) -> None:
    h = plan.stories[old_id]
    await _set_id(redis, keys.PREFIX + OLD_STORY + old_id, new_id)
    await _replace_value(redis, keys.PREFIX + f"relay:channel:{h.channel}:story", old_id, new_id)
    for round_id in plan.rounds_of_story.get(old_id, []):
        r = plan.rounds[round_id]
        if r.story_id == old_id:
            for name in (keys.PREFIX + OLD_ROUND + round_id, keys.relay_round(round_id)):
                if _text(await redis.hget(_encode(name), "story_id")) == old_id:
                    await redis.hset(_encode(name), "story_id", new_id)
            r.story_id = new_id
    pairs = [(f.name, _target(f, plan.ids)) for f in plan.story_keys.get(old_id, [])]
    await _move_together(redis, pairs, report)


async def _reid_round(
    redis: Redis,
    plan: _Plan,
    old_id: str,
    new_id: str,
    messages: dict[str, list[str]],
    report: Report,
) -> None:
    r = plan.rounds[old_id]
    await _set_id(redis, keys.PREFIX + OLD_ROUND + old_id, new_id)
    await _replace_value(redis, keys.PREFIX + f"relay:channel:{r.channel}:round", old_id, new_id)
    score = await redis.zscore(OLD_ROUNDS_DUE, old_id)
    if score is not None:
        await redis.zadd(OLD_ROUNDS_DUE, {new_id: score})
        await redis.zrem(OLD_ROUNDS_DUE, old_id)
    for name in messages.get(old_id, []):
        await _replace_value(redis, name, old_id, new_id)
    if r.story_id:
        old_story = keys.PREFIX + OLD_STORY + r.story_id
        lines = await _first_existing(
            redis, old_story + ":lines", keys.relay_story_lines(r.story_id)
        )
        if lines is not None:
            await _rewrite_lines(redis, lines, old_id, new_id)
        applied = await _first_existing(
            redis, old_story + ":applied", keys.relay_story_applied(r.story_id)
        )
        if applied is not None and await redis.srem(_encode(applied), old_id):
            await redis.sadd(_encode(applied), new_id)
    pairs = [(f.name, _target(f, plan.ids)) for f in plan.round_keys.get(old_id, [])]
    await _move_together(redis, pairs, report)


async def _rewrite_lines(redis: Redis, name: str, old_id: str, new_id: str) -> None:
    """Lines that a round's winner wrote name the round: they name it by its new id."""
    raw = cast(list[bytes], await redis.lrange(_encode(name), 0, -1))
    for index, line in enumerate(raw):
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict) and data.get("round_id") == old_id:
            data["round_id"] = new_id
            await redis.lset(_encode(name), index, json.dumps(data, ensure_ascii=False))


async def _message_lookups(redis: Redis, plan: _Plan) -> dict[str, list[str]]:
    """round id -> the old message lookups that lead to it."""
    names = [f.name for f in plan.old if f.name.startswith(OLD_MESSAGE)]
    values = await _pipelined(redis, names, lambda p, n: p.get(_encode(n)))
    found: dict[str, list[str]] = {}
    for name, value in zip(names, values, strict=True):
        found.setdefault(_text(value), []).append(name)
    return found


async def _predict_conflicts(redis: Redis, pairs: list[tuple[Found, str]], report: Report) -> None:
    there = await _pipelined(redis, pairs, lambda p, pair: p.exists(_encode(pair[1])))
    for (found, target), exists in zip(pairs, there, strict=True):
        if exists:
            report.conflicts.append((found.name, target))
        else:
            report.moved[found.shape.family] += 1
            report.actions.append(("move", found.name, target))


async def _rename_all(
    redis: Redis, pairs: list[tuple[Found, str]], report: Report, bar: Bar
) -> None:
    for chunk in _chunks(pairs):
        pipe = redis.pipeline(transaction=False)
        for found, target in chunk:
            pipe.renamenx(_encode(found.name), _encode(target))
        replies = await pipe.execute(raise_on_error=False)
        for (found, target), reply in zip(chunk, replies, strict=True):
            if isinstance(reply, ResponseError):
                continue  # gone meanwhile (it expired)
            if isinstance(reply, Exception):
                raise reply
            if reply:
                report.moved[found.shape.family] += 1
            else:
                report.conflicts.append((found.name, target))
        bar.update(len(chunk))


async def _split(
    redis: Redis,
    source: str,
    targets_for: Callable[[list[str]], Awaitable[list[str]]],
    report: Report,
    dry_run: bool,
) -> None:
    """Carry a global sorted set's members (scores kept) into per-shard sets, a chunk at a time
    (each chunk one transaction); a member a target already holds keeps its score there. The
    emptied set is gone."""
    carried = 0
    while True:
        start = carried if dry_run else 0  # a run takes the carried members out
        rows = await redis.zrange(source, start, start + CHUNK - 1, withscores=True)
        members = [(_decode(m), float(s)) for m, s in cast(list[tuple[bytes, float]], rows)]
        if not members:
            break
        carried += len(members)
        if dry_run:
            continue
        targets = await targets_for([m for m, _score in members])
        pipe = redis.pipeline(transaction=True)
        for (member, score), target in zip(members, targets, strict=True):
            pipe.zadd(_encode(target), {_encode(member): score}, nx=True)
        pipe.zrem(source, *(_encode(m) for m, _score in members))
        await pipe.execute()
    if carried:
        report.split[source] = carried
        if dry_run:
            report.actions.append(("split", source, str(carried)))


async def _archive_targets(redis: Redis, story_ids: list[str]) -> list[str]:
    """Each archived story's shard archive: its channel's shard (from the story hash, new or old
    name), else the shard of its id."""
    names = [(keys.relay_story(i), keys.PREFIX + OLD_STORY + i) for i in story_ids]
    channels = await _pipelined(
        redis,
        [n for pair in names for n in pair],
        lambda p, n: p.hget(_encode(n), "channel"),
    )
    out = []
    for n, story_id in enumerate(story_ids):
        channel = _text(channels[2 * n]) or _text(channels[2 * n + 1])
        shard = keys.relay_shard(channel) if channel else keys.relay_shard_of_id(story_id)
        out.append(keys.relay_archive(shard))
    return out


async def migrate(redis: Redis, *, dry_run: bool = False, bar_for: BarFactory = _no_bar) -> Report:
    """Carry every old ``norae:`` key over to its new name (see the module docstring).

    ``dry_run``: change nothing; the report says what a run would do (``actions``)."""
    if is_cluster(redis):
        raise ClusterNotSupported
    report = Report(dry_run=dry_run)
    plan = await _plan(redis, report, bar_for)

    story_moved = set(plan.ids.stories)
    round_moved = set(plan.ids.rounds)
    simple = [
        (f, _target(f, plan.ids))
        for f in sorted(plan.old, key=lambda f: f.name)
        if f.shape.action == "move"
        and not (f.shape.entity == "story" and f.entity_id in story_moved)
        and not (f.shape.entity == "round" and f.entity_id in round_moved)
    ]
    doomed = [f for f in plan.old if f.shape.action == "delete"]
    splits = [f.name for f in plan.old if f.shape.action == "split"]

    if dry_run:
        for old_id, new_id in sorted(plan.ids.stories.items()):
            report.actions.append(("story", old_id, new_id))
            for f in sorted(plan.story_keys.get(old_id, []), key=lambda f: f.name):
                report.moved["relay"] += 1
                report.actions.append(("move", f.name, _target(f, plan.ids)))
        for old_id, new_id in sorted(plan.ids.rounds.items()):
            report.actions.append(("round", old_id, new_id))
            for f in sorted(plan.round_keys.get(old_id, []), key=lambda f: f.name):
                report.moved["relay"] += 1
                report.actions.append(("move", f.name, _target(f, plan.ids)))
        await _predict_conflicts(redis, simple, report)
        for f in sorted(doomed, key=lambda f: f.name):
            report.deleted[f.shape.family] += 1
            report.actions.append(("delete", f.name, ""))
    elif simple or doomed or story_moved or round_moved:
        bar = bar_for("move", len(simple) + len(doomed) + len(story_moved) + len(round_moved))
        try:
            for old_id, new_id in sorted(plan.ids.stories.items()):
                await _reid_story(redis, plan, old_id, new_id, report)
                bar.update(1)
            messages = await _message_lookups(redis, plan)
            for old_id, new_id in sorted(plan.ids.rounds.items()):
                await _reid_round(redis, plan, old_id, new_id, messages, report)
                bar.update(1)
            await _rename_all(redis, simple, report, bar)
            for chunk in _chunks(doomed):
                await redis.unlink(*(_encode(f.name) for f in chunk))
                for f in chunk:
                    report.deleted[f.shape.family] += 1
                bar.update(len(chunk))
        finally:
            bar.close()

    if OLD_ROUNDS_DUE in splits:

        async def due_targets(members: list[str]) -> list[str]:
            return [keys.relay_round_due_for(plan.ids.round(m)) for m in members]

        await _split(redis, OLD_ROUNDS_DUE, due_targets, report, dry_run)
    if OLD_ARCHIVE in splits:

        async def archive_targets(members: list[str]) -> list[str]:
            return await _archive_targets(redis, members)

        await _split(redis, OLD_ARCHIVE, archive_targets, report, dry_run)
    return report


# Old names that any Redis an older norae used for a while holds (one EXISTS answers).
_TELLTALE = (
    keys.PREFIX + "catalog:songs",
    keys.PREFIX + "lyrics:artists",
    OLD_ARCHIVE,
    OLD_ROUNDS_DUE,
)


async def has_old_keys(redis: Redis) -> bool:
    """Whether this Redis still holds what an older norae wrote under the old names (a cheap
    check for a start: the song catalog, the lyrics, the story archive or the round deadlines)."""
    return bool(await redis.exists(*_TELLTALE))
