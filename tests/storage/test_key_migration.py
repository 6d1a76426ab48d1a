"""The key migration on a real redis-server: a keyspace written with the old key names (raw
commands, in the shapes the old stores wrote) is read back through today's stores after it."""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from typing import Any

import pytest

from contract.settings import RelaySettings
from storage import keys
from storage.catalog import CatalogStore
from storage.connection import Redis
from storage.conversations import ConversationStore
from storage.job_streams import JobStreams
from storage.kakao import KakaoStateStore
from storage.key_migration import OLD_SHAPES, classify, migrate
from storage.lyrics import LyricsStore
from storage.stories import StoryStore
from storage.votes import VoteStore

pytestmark = pytest.mark.single_redis(
    reason="the migration refuses a cluster: it runs on one server, before a cluster import"
)

NOW = 1_000_000.0
DAY = 24 * 3600

CH = "discord:4455:6677"  # a channel id with ':' in it
OTHER = "web:room1"
WRITER = "discord:11"
VOTER = "discord:12"
MOOD_USER = "discord:42"
KAKAO_USER = "kakao:abc"


def id_off_shard(channel: str, tail: str) -> str:
    """An old-style id (hex) whose first two digits name another shard than ``channel``'s."""
    head = (keys.relay_shard(channel) + 1) % keys.RELAY_SHARDS
    return f"{head:02x}{tail}"


def id_on_shard(channel: str, tail: str) -> str:
    return keys.relay_id_prefix(channel) + tail


@dataclass(frozen=True)
class Old:
    """The ids of the old keyspace :func:`write_old_keyspace` builds."""

    story: str = id_off_shard(CH, "a1b2c3d4e5")  # CH's active story: gets a new id
    open_round: str = id_off_shard(CH, "0badf00d"[:6])  # its open round: gets a new id
    done_round: str = id_off_shard(CH, "d0d0d0")  # finished: keeps its id
    archived: str = id_off_shard(CH, "aaaaaaaaaa")  # archived in CH: keeps its id
    other_story: str = id_on_shard(OTHER, "bbbbbbbbbb")  # OTHER's active story: already fits
    other_archived: str = id_off_shard(OTHER, "cccccccccc")


OLD = Old()


def line(text: str, author: str, *, at: float, round_id: str = "", source: str = "human") -> str:
    data = {
        "text": text,
        "author_id": author,
        "author_name": author.split(":")[-1],
        "source": source,
        "at": at,
        "chars": len(text),
        "round_id": round_id,
    }
    return json.dumps(data, ensure_ascii=False)


def story_fields(story_id: str, channel: str, status: str, chars: int) -> dict[Any, Any]:
    fields: dict[Any, Any] = {
        "id": story_id,
        "channel": channel,
        "title": "바다",
        "genre": "",
        "language": "ko",
        "status": status,
        "created_by": WRITER,
        "created_by_name": "11",
        "created_at": repr(NOW - DAY),
        "updated_at": repr(NOW - 60),
        "chars": str(chars),
    }
    if status == "archived":
        fields |= {"ended_at": repr(NOW - 3600), "ended_by": WRITER}
    return fields


async def write_old_keyspace(redis: Redis) -> None:
    """A norae Redis as the old key names left it (raw commands only)."""
    p = "norae:"
    # --- relay: CH has an active story with two lines (one a round's winner) and an open round
    first = line("파도가 밀려왔다.", WRITER, at=NOW - 600)
    won = line("소녀는 노래했다.", WRITER, at=NOW - 300, round_id=OLD.done_round, source="model")
    chars = len("파도가 밀려왔다.") + len("소녀는 노래했다.")
    story = f"{p}relay:story:{OLD.story}"
    await redis.hset(story, mapping=story_fields(OLD.story, CH, "active", chars))
    await redis.rpush(f"{story}:lines", first, won)
    await redis.sadd(f"{story}:applied", OLD.done_round)
    await redis.set(f"{p}relay:channel:{CH}:story", OLD.story)
    for key in (story, f"{story}:lines", f"{story}:applied", f"{p}relay:channel:{CH}:story"):
        await redis.expire(key, 30 * DAY)
    await redis.zadd(f"{p}relay:channel:{CH}:writers", {WRITER: NOW - 300})
    await redis.expire(f"{p}relay:channel:{CH}:writers", DAY)

    rnd = f"{p}relay:round:{OLD.open_round}"
    await redis.hset(
        rnd,
        mapping={
            "id": OLD.open_round,
            "channel": CH,
            "story_id": OLD.story,
            "created_at": repr(NOW - 120),
            "opened_by": WRITER,
            "opened_by_name": "11",
            "keyword": "",
            "max_new_tokens": "24",
            "rerolls": "0",
            "deadline": repr(NOW + 600),
            "state": "open",
            "candidates": json.dumps(["하늘이 맑았다.", "비가 내렸다."], ensure_ascii=False),
            "ncandidates": "2",
            "message_ref": "discord:9001",
        },
    )
    await redis.hset(f"{rnd}:votes", mapping={VOTER: "2"})
    await redis.sadd(f"{rnd}:addr:127.0.0.1", "web:v1")
    await redis.set(f"{p}relay:channel:{CH}:round", OLD.open_round)
    await redis.set(f"{p}relay:message:discord:9001", OLD.open_round, ex=7 * DAY)
    await redis.zadd(f"{p}relay:rounds:due", {OLD.open_round: NOW + 600})

    done = f"{p}relay:round:{OLD.done_round}"
    await redis.hset(
        done,
        mapping={
            "id": OLD.done_round,
            "channel": CH,
            "story_id": OLD.story,
            "state": "done",
            "candidates": json.dumps(["소녀는 노래했다."], ensure_ascii=False),
            "ncandidates": "1",
            "winner": "1",
            "line": "2",
        },
    )
    await redis.expire(done, 7 * DAY)
    await redis.set(f"{p}relay:message:discord:9000", OLD.done_round, ex=7 * DAY)

    # proposals for CH's next continuation
    proposal = {"kind": "keyword", "value": "별", "norm": "별", "user_id": WRITER}
    await redis.hset(
        f"{p}relay:channel:{CH}:proposals",
        "1",
        json.dumps(proposal | {"user_name": "11", "at": NOW, "id": "1"}, ensure_ascii=False),
    )
    await redis.set(f"{p}relay:channel:{CH}:proposal_seq", "1")
    await redis.hset(f"{p}relay:channel:{CH}:proposal_votes", f"keyword:{VOTER}", "1")

    # OTHER: an active story whose id already fits its shard
    other = f"{p}relay:story:{OLD.other_story}"
    await redis.hset(other, mapping=story_fields(OLD.other_story, OTHER, "active", 2))
    await redis.rpush(f"{other}:lines", line("hi", "web:x", at=NOW))
    await redis.set(f"{p}relay:channel:{OTHER}:story", OLD.other_story)

    # two archived stories, one per channel, in the channel archives and the global one
    for story_id, channel, ended in (
        (OLD.archived, CH, NOW - 7200),
        (OLD.other_archived, OTHER, NOW - 3600),
    ):
        key = f"{p}relay:story:{story_id}"
        await redis.hset(key, mapping=story_fields(story_id, channel, "archived", 5))
        await redis.rpush(f"{key}:lines", line(f"끝 {story_id}", WRITER, at=ended - 10))
        await redis.zadd(f"{p}relay:channel:{channel}:archive", {story_id: ended})
        await redis.zadd(f"{p}relay:archive", {story_id: ended})
    await redis.lpush(f"{p}events:recent:{CH}", json.dumps({"type": "line_added", "n": 2}))

    # --- the song catalog: two songs, their moods and one audio vector
    for song_id, title, mood in (("s1", "밤편지", "calm"), ("s2", "Celebrity", "happy")):
        await redis.hset(
            f"{p}catalog:song:{song_id}",
            mapping={
                "title": title,
                "artist": "IU",
                "url": f"https://example.org/{song_id}",
                "moods": json.dumps([mood]),
                "lyrics": "",
                "audio": "",
                "audio_sig": "",
                "language": "ko",
                "updated": repr(NOW),
            },
        )
        await redis.sadd(f"{p}catalog:songs", song_id)
        await redis.sadd(f"{p}catalog:mood:{mood}", song_id)
        await redis.zadd(f"{p}catalog:moods", {mood: 1})
    await redis.hset(f"{p}catalog:features", "s1", struct.pack("<3f", 0.5, 1.0, 2.0))
    await redis.hset(
        f"{p}catalog:index",
        mapping={"version": "v1", "count": "1", "dim": "3", "metric": "angular", "n_trees": "4"},
    )

    # --- lyrics: one artist, one song
    song = {
        "id": "h1",
        "title": "좋은 날",
        "sections": [[None, ["오늘 참 좋은 날"]]],
        "language": "ko",
        "source": "",
    }
    await redis.zadd(f"{p}lyrics:artists", {"iu\0IU": 0})
    await redis.hset(f"{p}lyrics:artist:iu:songs", "h1", json.dumps(song, ensure_ascii=False))

    # --- a mood conversation
    turn = {
        "user": "오늘 좀 우울해",
        "reply": "이 노래를 들어 봐요",
        "kind": "mood",
        "emotion": "sadness",
        "score": 0.8,
        "songs": ["s1"],
        "at": NOW,
    }
    await redis.rpush(f"{p}mood:user:{MOOD_USER}:turns", json.dumps(turn, ensure_ascii=False))
    await redis.hset(
        f"{p}mood:user:{MOOD_USER}:state", mapping={"policy": "lift", "language": "ko"}
    )
    await redis.lpush(f"{p}mood:user:{MOOD_USER}:recent", "s1")
    await redis.hset(f"{p}mood:user:{MOOD_USER}:messages", "discord:77", json.dumps(["s1"]))
    for suffix in ("turns", "state", "recent", "messages"):
        await redis.expire(f"{p}mood:user:{MOOD_USER}:{suffix}", 30 * DAY)

    # --- the Kakao skill's state
    await redis.set(f"{p}kakao:pending:{KAKAO_USER}", json.dumps({"state": "pending"}), ex=600)
    await redis.set(f"{p}kakao:lyrics:{KAKAO_USER}", json.dumps({"artist": "IU"}), ex=DAY)
    await redis.set(f"{p}kakao:last-delivery:{KAKAO_USER}", "d1", ex=120)
    await redis.set(f"{p}kakao:delivery:d1", json.dumps({"state": "pending"}), ex=120)

    # --- an old job stream with its consumer group and one pending (delivered, unacked) entry
    stream = f"{p}jobs:generate"
    await redis.xgroup_create(stream, keys.JOB_GROUP, id="0", mkstream=True)
    await redis.xadd(stream, {"job": b'{"id": "j1"}'})
    await redis.xreadgroup(keys.JOB_GROUP, "w-old", {stream: ">"}, count=10)

    # --- short-lived bookkeeping, names that did not change, and a stranger
    await redis.hset(f"{p}limit:write:user:{WRITER}", mapping={"tokens": "3", "at": repr(NOW)})
    await redis.set(f"{p}result:j0", b"{}", ex=600)
    await redis.xadd(f"{p}replies:client-1", {"result": b"{}"})
    await redis.set(keys.worker_heartbeat("w-old"), json.dumps({"kinds": ["generate"]}), ex=15)
    await redis.xadd(keys.dead_letter_stream(), {"kind": "generate", "reason": "x"})
    await redis.set(f"{p}mystery:thing", "?")


def new_story_id() -> str:
    return keys.relay_id_prefix(CH) + OLD.story[2:]


def new_round_id() -> str:
    return keys.relay_id_prefix(CH) + OLD.open_round[2:]


async def names(redis: Redis) -> set[str]:
    return {k.decode() async for k in redis.scan_iter(match="norae:*")}


async def dump(redis: Redis) -> dict[str, Any]:
    """Every key with its contents (for "nothing changed")."""
    out: dict[str, Any] = {}
    for name in sorted(await names(redis)):
        out[name] = (await redis.type(name), await redis.dump(name))
    return out


class NoModel:
    async def generate(self, prompts: list[str], **_: Any) -> list[list[str]]:
        raise AssertionError("no model is asked in these tests")


# --- the tests ---------------------------------------------------------------------------------


def test_today_s_names_are_never_taken_for_old_ones() -> None:
    today = [
        keys.job_stream("generate", 3),
        keys.dead_letter_stream(),
        keys.reply_stream("c{1}"),
        keys.job_result("j", keys.reply_stream("c")),
        keys.worker_heartbeat("w"),
        keys.relay_active_story(CH),
        keys.relay_story(OLD.story),
        keys.relay_story_lines(OLD.story),
        keys.relay_story_applied(OLD.story),
        keys.relay_channel_archive(CH),
        keys.relay_archive(5),
        keys.relay_recent_writers(CH),
        keys.relay_open_round(CH),
        keys.relay_round(OLD.open_round),
        keys.relay_round_votes(OLD.open_round),
        keys.relay_round_due(7),
        keys.relay_round_message("discord:1"),
        keys.relay_proposals(CH),
        keys.relay_proposal_votes(CH),
        keys.relay_proposal_seq(CH),
        keys.catalog_song("s1"),
        keys.catalog_songs(),
        keys.catalog_mood("calm"),
        keys.catalog_moods(),
        keys.catalog_features(),
        keys.catalog_index(),
        keys.lyrics_artists(),
        keys.lyrics_songs("iu"),
        keys.events_recent(CH),
        *keys.mood_user_keys("web:{odd}"),
        keys.kakao_pending(KAKAO_USER),
        keys.kakao_last_lyrics(KAKAO_USER),
        keys.kakao_delivery(KAKAO_USER, "d1"),
        keys.kakao_last_delivery(KAKAO_USER),
        keys.rate_bucket("write", "user:discord:1"),
        keys.relay_round_address_voters(OLD.open_round, "::1"),
    ]
    for name in today:
        assert classify(name)[0] in ("new", "unchanged"), name


def test_old_names_keep_their_last_segment_and_braces_in_ids() -> None:
    kind, found = classify("norae:mood:user:web:{odd}:x:turns")
    assert kind == "old" and found is not None
    assert found.shape.new_name is not None
    assert found.shape.family == "mood"
    from storage.key_migration import IdMap

    assert found.shape.new_name(found.match, IdMap()) == keys.mood_turns("web:{odd}:x")
    kind, found = classify(f"norae:relay:channel:{CH}:proposal_votes")
    assert found is not None and found.match["ch"] == CH
    assert classify("norae:catalog:elsewhere") == ("unknown", None)
    assert all(shape.pattern.pattern.startswith("norae:") for shape in OLD_SHAPES)


async def test_an_old_keyspace_reads_back_through_today_s_stores(redis: Redis) -> None:
    await write_old_keyspace(redis)
    report = await migrate(redis)

    assert report.new_story_ids == {OLD.story: new_story_id()}
    assert report.new_round_ids == {OLD.open_round: new_round_id()}
    assert report.conflicts == []
    assert report.unknown == ["norae:mystery:thing"]
    assert await redis.get("norae:mystery:thing") == b"?"
    assert report.deleted["bookkeeping"] == 4
    assert report.split == {"norae:relay:rounds:due": 1, "norae:relay:archive": 2}
    # nothing of an old shape is left
    left = [n for n in await names(redis) if classify(n)[0] == "old"]
    assert left == []

    # the active story, under its new id, with its lines; its TTL came along
    stories = StoryStore(redis)
    story = await stories.active(CH)
    assert story is not None and story.id == new_story_id() and story.channel == CH
    assert story.title == "바다" and story.status == "active" and story.line_count == 2
    got = await stories.lines(story.id)
    assert [li.text for li in got] == ["파도가 밀려왔다.", "소녀는 노래했다."]
    assert got[1].round_id == OLD.done_round  # a finished round keeps its id
    assert 29 * DAY < await redis.ttl(keys.relay_story(story.id)) <= 30 * DAY
    other = await stories.active(OTHER)
    assert other is not None and other.id == OLD.other_story
    assert await stories.recent_writers(CH, now=NOW, window_s=DAY) == {WRITER}

    # the archives: every channel's, one channel's, their ids kept
    archived = await stories.archived()
    assert [s.id for s in archived] == [OLD.other_archived, OLD.archived]
    assert [s.id for s in await stories.archived(CH)] == [OLD.archived]
    assert await stories.archived_count() == 2
    exported = await stories.export(OLD.archived)
    assert exported is not None and exported[1][0].text == f"끝 {OLD.archived}"

    # the open round: found by channel, by message and by deadline; old and new votes count
    votes = VoteStore(redis)
    rid = new_round_id()
    assert await votes.open_round_id(CH) == rid
    assert await votes.round_for_message("discord:9001") == rid
    assert await votes.round_for_message("discord:9000") == OLD.done_round
    assert await votes.due(NOW + 601) == [rid]
    rnd = await votes.get(rid)
    assert rnd is not None and rnd.story_id == new_story_id() and rnd.state == "open"
    assert await redis.smembers(keys.relay_round_address_voters(rid, "127.0.0.1")) == {b"web:v1"}

    from bot.relay.service import RelayService

    relay = RelayService(redis, NoModel(), RelaySettings(quorum=0), clock=lambda: NOW + 10)
    result = await relay.vote(rid, WRITER, 2)
    assert result.accepted and result.voters == 2
    assert await votes.votes(rid) == {VOTER: 2, WRITER: 2}
    (closed,) = await relay.close_due_rounds(now=NOW + 601)
    assert closed.round_id == rid and closed.winner == 2 and closed.counts == [0, 2]
    assert closed.line is not None and closed.line.text == "비가 내렸다."
    after = await stories.lines(new_story_id())
    assert [li.text for li in after][-1] == "비가 내렸다." and after[-1].round_id == rid
    assert await votes.open_round_id(CH) is None

    # the round reservation finds the channel free, in its own shard
    new_round, created = await votes.reserve(
        CH,
        new_story_id(),
        user_id=WRITER,
        user_name="11",
        keyword="",
        max_new_tokens=8,
        now=NOW + 700,
        reserve_until=NOW + 760,
    )
    assert created and keys.relay_shard_of_id(new_round) == keys.relay_shard(CH)

    # proposals and events
    (proposal,) = await votes.proposals(CH)
    assert proposal.value == "별" and proposal.votes == 1
    from storage.events import EventBus

    assert (await EventBus(redis).recent(CH))[0]["type"] == "line_added"

    # the catalog by mood, its vectors and index
    catalog = CatalogStore(redis)
    assert await catalog.ids_by_mood("calm") == {"s1"}
    assert await catalog.ids_by_mood("happy") == {"s2"}
    assert await catalog.moods() == {"calm": 1, "happy": 1}
    song = await catalog.get("s1")
    assert song is not None and song.title == "밤편지" and song.moods == ("calm",)
    assert await catalog.features() == {"s1": struct.pack("<3f", 0.5, 1.0, 2.0)}
    index = await catalog.index()
    assert index is not None and index.version == "v1"

    # lyrics
    lyrics = LyricsStore(redis)
    assert await lyrics.artists() == ["IU"]
    assert [s.title for s in await lyrics.songs("iu")] == ["좋은 날"]

    # the mood conversation, with its TTL
    talks = ConversationStore(redis, ttl_s=30 * DAY, max_turns=10, recent_size=5)
    (turn,) = await talks.turns(MOOD_USER)
    assert turn.user_text == "오늘 좀 우울해" and turn.song_ids == ("s1",)
    assert (await talks.state(MOOD_USER)).policy == "lift"
    assert await talks.recent(MOOD_USER) == ["s1"]
    assert await talks.list_for(MOOD_USER, "discord:77") == ("s1",)
    assert await redis.ttl(keys.mood_turns(MOOD_USER)) > 29 * DAY
    assert await talks.forget(MOOD_USER) == 4  # "forget me" finds every key

    # Kakao: the late answer and the last lyrics request; delivery claims are gone
    kakao = KakaoStateStore(redis)
    assert await kakao.pending(KAKAO_USER) == {"state": "pending"}
    assert await kakao.last_lyrics(KAKAO_USER) == {"artist": "IU"}
    assert await redis.get(keys.kakao_last_delivery(KAKAO_USER)) == b"d1"
    assert await redis.exists("norae:kakao:delivery:d1") == 0

    # the job stream kept its group and its pending entry: another worker claims it
    streams = JobStreams(redis)
    (entry,) = await streams.claim_stale("generate", "w-new", min_idle_ms=0, count=10)
    assert entry.raw == b'{"id": "j1"}' and entry.deliveries == 2
    assert await redis.exists("norae:jobs:generate") == 0

    # names that did not change are where they were
    assert await redis.exists(keys.worker_heartbeat("w-old"), keys.dead_letter_stream()) == 2
    for gone in ("norae:limit:write:user:discord:11", "norae:result:j0", "norae:replies:client-1"):
        assert await redis.exists(gone) == 0


async def test_a_second_run_changes_nothing(redis: Redis) -> None:
    await write_old_keyspace(redis)
    first = await migrate(redis)
    assert first.changes > 0
    before = await dump(redis)
    second = await migrate(redis)
    assert second.changes == 0 and second.conflicts == []
    assert not second.moved and not second.deleted and not second.split
    assert second.unknown == ["norae:mystery:thing"]
    assert await dump(redis) == before


async def test_a_dry_run_changes_nothing_and_says_what_a_run_would_do(redis: Redis) -> None:
    await write_old_keyspace(redis)
    before = await dump(redis)
    dry = await migrate(redis, dry_run=True)
    assert await dump(redis) == before
    assert ("story", OLD.story, new_story_id()) in dry.actions
    assert ("round", OLD.open_round, new_round_id()) in dry.actions
    assert ("move", "norae:catalog:songs", keys.catalog_songs()) in dry.actions
    assert ("move", f"norae:relay:story:{OLD.story}", keys.relay_story(new_story_id())) in (
        dry.actions
    )
    assert ("delete", "norae:kakao:delivery:d1", "") in dry.actions
    assert ("split", "norae:relay:archive", "2") in dry.actions
    real = await migrate(redis)
    assert dict(dry.moved) == dict(real.moved)
    assert dict(dry.deleted) == dict(real.deleted)
    assert dry.split == real.split and dry.changes == real.changes


async def test_a_conflict_is_reported_and_nothing_is_overwritten(redis: Redis) -> None:
    await redis.sadd("norae:catalog:songs", "old-song")
    await redis.sadd(keys.catalog_songs(), "new-song")
    await redis.sadd("norae:catalog:mood:calm", "old-song")
    dry = await migrate(redis, dry_run=True)
    assert dry.conflicts == [("norae:catalog:songs", keys.catalog_songs())]
    report = await migrate(redis)
    assert report.conflicts == [("norae:catalog:songs", keys.catalog_songs())]
    assert report.moved == {"catalog": 1}
    assert await redis.smembers("norae:catalog:songs") == {b"old-song"}
    assert await redis.smembers(keys.catalog_songs()) == {b"new-song"}
    assert await redis.smembers(keys.catalog_mood("calm")) == {b"old-song"}
    again = await migrate(redis)  # still reported, still untouched
    assert again.conflicts == report.conflicts and again.changes == 0


async def test_a_split_keeps_members_a_shard_set_already_has(redis: Redis) -> None:
    archived = id_off_shard(OTHER, "dddddddddd")
    await redis.hset(
        f"norae:relay:story:{archived}", mapping=story_fields(archived, OTHER, "archived", 1)
    )
    await redis.zadd("norae:relay:archive", {archived: 5.0})
    shard_archive = keys.relay_archive(keys.relay_shard(OTHER))
    await redis.zadd(shard_archive, {"ffnewstory00": 9.0})
    await migrate(redis)
    assert await redis.zrange(shard_archive, 0, -1, withscores=True) == [
        (archived.encode(), 5.0),
        (b"ffnewstory00", 9.0),
    ]
    assert await redis.exists("norae:relay:archive") == 0


async def test_a_new_id_that_is_taken_gets_another(redis: Redis) -> None:
    await write_old_keyspace(redis)
    await redis.hset(keys.relay_story(new_story_id()), mapping={"id": new_story_id()})
    report = await migrate(redis)
    chosen = report.new_story_ids[OLD.story]
    assert chosen != new_story_id() and keys.relay_shard_of_id(chosen) == keys.relay_shard(CH)
    story = await StoryStore(redis).active(CH)
    assert story is not None and story.id == chosen and story.line_count == 2
    rnd = await VoteStore(redis).get(new_round_id())
    assert rnd is not None and rnd.story_id == chosen


@pytest.mark.parametrize("cut_after", ["story id", "story"])
async def test_a_run_cut_short_is_finished_by_the_next(redis: Redis, cut_after: str) -> None:
    """A run stopped after it wrote the story's new id (or moved the story): the next run
    finishes the same plan."""
    await write_old_keyspace(redis)
    new = new_story_id()
    await redis.hset(f"norae:relay:story:{OLD.story}", "id", new)
    await redis.set(f"norae:relay:channel:{CH}:story", new, keepttl=True)
    await redis.hset(f"norae:relay:round:{OLD.open_round}", "story_id", new)
    if cut_after == "story":
        for suffix in ("", ":lines", ":applied"):
            await redis.rename(
                f"norae:relay:story:{OLD.story}{suffix}", keys.relay_story(new) + suffix
            )
    report = await migrate(redis)
    assert report.conflicts == []
    story = await StoryStore(redis).active(CH)
    assert story is not None and story.id == new and story.line_count == 2
    assert [n for n in await names(redis) if classify(n)[0] == "old"] == []


class Bars:
    """Records the progress a migration reports."""

    def __init__(self) -> None:
        self.done: dict[str, int] = {}
        self.totals: dict[str, int | None] = {}

    def __call__(self, stage: str, total: int | None) -> Bars.Bar:
        self.totals[stage] = total
        self.done[stage] = 0
        return Bars.Bar(self, stage)

    class Bar:
        def __init__(self, bars: Bars, stage: str) -> None:
            self.bars, self.stage = bars, stage

        def update(self, n: int = 1) -> None:
            self.bars.done[self.stage] += n

        def close(self) -> None:
            pass


async def test_a_larger_keyspace_moves_in_chunks_and_reports_progress(redis: Redis) -> None:
    songs, archived = 1300, 1100  # more than one pipeline chunk each
    pipe = redis.pipeline(transaction=False)
    for n in range(songs):
        pipe.hset(f"norae:catalog:song:s{n}", mapping={"title": f"song {n}", "moods": '["calm"]'})
        pipe.sadd("norae:catalog:songs", f"s{n}")
        pipe.sadd("norae:catalog:mood:calm", f"s{n}")
    for n in range(archived):
        story_id = f"{n % 256:02x}{n:010x}"
        channel = f"web:room{n % 7}"
        pipe.hset(
            f"norae:relay:story:{story_id}", mapping=story_fields(story_id, channel, "archived", 1)
        )
        pipe.zadd("norae:relay:archive", {story_id: float(n)})
    await pipe.execute()
    bars = Bars()
    report = await migrate(redis, bar_for=bars)
    assert report.moved == {"catalog": songs + 2, "relay": archived}
    assert report.split == {"norae:relay:archive": archived}
    assert bars.done["scan"] == songs + 2 + archived + 1
    assert bars.done["move"] == bars.totals["move"] == songs + 2 + archived
    catalog = CatalogStore(redis)
    assert await catalog.count() == songs and len(await catalog.ids_by_mood("calm")) == songs
    stories = StoryStore(redis)
    assert await stories.archived_count() == archived
    newest = await stories.archived(count=3)
    assert [s.title for s in newest] == ["바다"] * 3
    assert newest[0].id == f"{(archived - 1) % 256:02x}{archived - 1:010x}"
    assert await stories.archived_count("web:room3") == 0  # channel archives were not written


async def test_a_start_can_tell_an_unmigrated_redis(redis: Redis) -> None:
    from storage.key_migration import has_old_keys

    assert not await has_old_keys(redis)
    await write_old_keyspace(redis)
    assert await has_old_keys(redis)
    await migrate(redis)
    assert not await has_old_keys(redis)
