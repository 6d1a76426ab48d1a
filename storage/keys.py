"""Every Redis key norae uses, in one place (as arq's ``constants.py``).

All keys start with ``norae:``. Nothing outside this module spells a key.

**Hash tags (Redis Cluster).** A cluster puts each key in one of 16,384 slots by the text between
the first ``{`` and the next ``}`` of its name when there is one (the hash tag), and a Lua script or
a MULTI may only touch keys of one slot. So every key carries a tag that puts together what one
script or transaction touches:

- relay: ``{rXX}``, a *relay shard* (one of :data:`RELAY_SHARDS`) chosen by the channel id. A
  channel's story pointer, proposals, writers and archive, its stories and rounds, their lines and
  votes, and the shard's round deadlines (``relay_round_due(shard)``) all share it. Story and round
  ids start with their shard as two hex digits, so ``/stories/<id>`` and a vote button find the
  slot from the id alone. The global indexes (all due rounds, all archived stories) are one key per
  shard, read together with a pipeline (one round trip per node);
- a person: ``{<user id>}``: the mood companion's conversation and the Kakao state of one user;
- rate limits: ``{<subject>}`` (one user or one network address);
- catalog and lyrics: ``{catalog}`` and ``{lyrics}``: each is a few MB at most and updated by
  scripts that touch its indexes together;
- job streams: ``{<kind>:<partition>}``: a kind's work can be spread over several streams
  (``NORAE_REDIS_JOB_PARTITIONS``), each in its own slot, read by every worker; a reply stream
  and the stored results of the jobs it asked for share the caller's tag ``{<client id>}``.

On one Redis server the tags change nothing but the names.
"""

from __future__ import annotations

import re
import zlib

PREFIX = "norae:"

# The number of relay shards. Fixed: changing it moves every channel to another shard (the keys of
# existing stories would no longer be found). 128 spreads over clusters of up to a few dozen masters.
RELAY_SHARDS = 128

_HEX2 = re.compile(r"[0-9a-f]{2}")


def tag(value: str) -> str:
    """``value`` as a hash tag's contents: braces would end or restart the tag, so they become
    parentheses (two ids that then look alike only share a slot, never a key)."""
    return value.replace("{", "(").replace("}", ")")


def hash_tag(key: str) -> str:
    """The hash tag of a key name (what Redis Cluster hashes), or the whole name without one."""
    start = key.find("{")
    if start >= 0:
        end = key.find("}", start + 1)
        if end > start + 1:
            return key[start + 1 : end]
    return key


JOB_GROUP = "workers"


def job_stream(kind: str, part: int = 0) -> str:
    """One stream per job kind and partition, read by the consumer group :data:`JOB_GROUP`."""
    return f"{PREFIX}jobs:{{{kind}:{part}}}"


_JOB_STREAM = re.compile(re.escape(PREFIX) + r"jobs:\{(?P<kind>[^{}:]+):(?P<part>[0-9]+)\}")


def job_stream_of(name: str) -> tuple[str, int] | None:
    """(kind, partition) of a job stream's name; None for any other name."""
    found = _JOB_STREAM.fullmatch(name)
    return (found["kind"], int(found["part"])) if found else None


def dead_letter_stream() -> str:
    return f"{PREFIX}jobs:dead"


def reply_stream(client_id: str) -> str:
    """Each bot process reads its answers from its own stream."""
    return f"{PREFIX}replies:{{{tag(client_id)}}}"


_REPLY_STREAM = re.compile(re.escape(PREFIX) + r"replies:\{[^{}]+\}")


def is_reply_stream(name: str) -> bool:
    return _REPLY_STREAM.fullmatch(name) is not None


def job_result(job_id: str, reply_to: str) -> str:
    """The published result of a job, next to its caller's reply stream (one slot): makes
    publishing idempotent by job id."""
    return f"{PREFIX}result:{{{hash_tag(reply_to)}}}:{job_id}"


def worker_heartbeat(worker_id: str) -> str:
    return f"{PREFIX}worker:{worker_id}"


def worker_heartbeat_pattern() -> str:
    return f"{PREFIX}worker:*"


# --- relay stories (storage/stories.py, storage/votes.py) -------------------------------------
# Channel ids are platform-prefixed by the caller ("discord:123", "web:room1"), so one Redis
# serves every platform without collisions.


def relay_shard(channel: str) -> int:
    """The relay shard of a channel (stable: CRC-32 of its id)."""
    return zlib.crc32(channel.encode()) % RELAY_SHARDS


def relay_shard_of_id(story_or_round_id: str) -> int:
    """The shard a story or round id was made in (its first two hex digits, see
    :func:`relay_id_prefix`); an id of any other shape (a mistyped link) gets a shard of its own."""
    head = story_or_round_id[:2]
    if _HEX2.fullmatch(head):
        return int(head, 16) % RELAY_SHARDS
    return zlib.crc32(story_or_round_id.encode()) % RELAY_SHARDS


def relay_id_prefix(channel: str) -> str:
    """What every story and round id of ``channel`` starts with: its shard, two hex digits."""
    return f"{relay_shard(channel):02x}"


def _relay(shard: int) -> str:
    return f"{PREFIX}relay:{{r{shard:02x}}}:"


def _channel(channel: str) -> str:
    return f"{_relay(relay_shard(channel))}channel:{channel}:"


def relay_active_story(channel: str) -> str:
    """The id of the channel's active story (a plain string; absent when none is active)."""
    return f"{_channel(channel)}story"


def relay_story(story_id: str) -> str:
    """A story's metadata hash."""
    return f"{_relay(relay_shard_of_id(story_id))}story:{story_id}"


def relay_story_lines(story_id: str) -> str:
    """A story's lines, oldest first, one JSON object per list item."""
    return f"{relay_story(story_id)}:lines"


def relay_story_applied(story_id: str) -> str:
    """Round ids whose winner already joined the story: applying a winner is idempotent."""
    return f"{relay_story(story_id)}:applied"


def relay_channel_archive(channel: str) -> str:
    """Archived story ids of one channel, scored by the time they ended."""
    return f"{_channel(channel)}archive"


def relay_archive(shard: int) -> str:
    """Archived story ids of every channel of one shard, scored by the time they ended."""
    return f"{_relay(shard)}archive"


def relay_recent_writers(channel: str) -> str:
    """User ids scored by when they last wrote in the channel (the quorum's electorate)."""
    return f"{_channel(channel)}writers"


def relay_open_round(channel: str) -> str:
    """The id of the channel's open (or being written) round; SET NX keeps it to one."""
    return f"{_channel(channel)}round"


def relay_round(round_id: str) -> str:
    """A round's hash: state, candidates, deadline."""
    return f"{_relay(relay_shard_of_id(round_id))}round:{round_id}"


def relay_round_votes(round_id: str) -> str:
    """user id -> chosen candidate number; a later vote overwrites the earlier one."""
    return f"{relay_round(round_id)}:votes"


def relay_round_due(shard: int) -> str:
    """Every unfinished round of one shard scored by its deadline: any process finds due rounds
    after a restart (reading every shard's)."""
    return f"{_relay(shard)}rounds:due"


def relay_round_due_for(round_id: str) -> str:
    """The deadlines of the shard ``round_id`` belongs to."""
    return relay_round_due(relay_shard_of_id(round_id))


def relay_round_message(message_ref: str) -> str:
    """The round a posted message (e.g. "discord:<message id>") shows, for reaction votes."""
    return f"{PREFIX}relay:message:{{{tag(message_ref)}}}"


def relay_proposals(channel: str) -> str:
    """proposal id -> JSON (kind, value, proposer) for the channel's next continuation."""
    return f"{_channel(channel)}proposals"


def relay_proposal_votes(channel: str) -> str:
    """ "<kind>:<user id>" -> proposal id: one vote per user per kind, a later vote replaces it."""
    return f"{_channel(channel)}proposal_votes"


def relay_proposal_seq(channel: str) -> str:
    """Counter for short, typeable proposal ids."""
    return f"{_channel(channel)}proposal_seq"


# --- song catalog (storage/catalog.py) ----------------------------------------------------------


def catalog_song(song_id: str) -> str:
    """A song's metadata hash (title, artist, url, moods JSON, lyrics, audio signature)."""
    return f"{PREFIX}{{catalog}}:song:{song_id}"


def catalog_songs() -> str:
    """The ids of every song in the catalog."""
    return f"{PREFIX}{{catalog}}:songs"


def catalog_mood(mood: str) -> str:
    """The ids of the songs tagged with one mood (lower-case)."""
    return f"{PREFIX}{{catalog}}:mood:{mood}"


def catalog_moods() -> str:
    """Every mood that tags at least one song, scored by how many songs it tags."""
    return f"{PREFIX}{{catalog}}:moods"


def catalog_features() -> str:
    """song id -> its raw (unstandardized) audio feature vector, little-endian float32 bytes."""
    return f"{PREFIX}{{catalog}}:features"


def catalog_version() -> str:
    """A counter every write of the catalog (songs, moods, vectors, the index pointer) increments:
    a process may keep what it read of the catalog while it is unchanged."""
    return f"{PREFIX}{{catalog}}:version"


def catalog_index() -> str:
    """The current song index version pointer and its description (a hash)."""
    return f"{PREFIX}{{catalog}}:index"


# --- lyrics (storage/lyrics.py) ------------------------------------------------------------
# ``artist_key`` is the artist's folded name (casefolded, single spaces), so "IU" and "iu" are one
# artist; the display name lives in the artist index.


def lyrics_artists() -> str:
    """Sorted set (all scores 0) of ``"<artist_key>\\0<display name>"``: prefix search by ZRANGEBYLEX."""
    return f"{PREFIX}{{lyrics}}:artists"


def lyrics_songs(artist_key: str) -> str:
    """Hash of one artist's songs: content hash -> song JSON (HSETNX makes dedupe atomic)."""
    return f"{PREFIX}{{lyrics}}:artist:{artist_key}:songs"


def events_channel(platform: str) -> str:
    """Pub/sub channel of live events for one front end (``discord``, ``web``, ``kakao``)."""
    return f"{PREFIX}events:{platform}"


def events_recent(channel: str) -> str:
    """A channel's latest kept events, newest first, one JSON object per list item."""
    return f"{_channel(channel)}events"


# --- mood companion (storage/conversations.py) -----------------------------------------------
# User ids are platform-prefixed by the caller ("discord:123", "web:abc", "kakao:<id>"), and a
# platform's own id may hold ":", "*", "[" … so a user's keys are never found by prefix or pattern
# ("kakao:kforget" is a prefix of "kakao:kforget:x"). Each key is the user id plus ":" plus a fixed
# suffix without ":", so two users never share a key, and mood_user_keys() lists every one of them:
# forgetting deletes exactly those.


def mood_user_prefix(user: str) -> str:
    """The common start of every key the mood companion keeps about ``user``."""
    return f"{PREFIX}mood:{{{tag(user)}}}:user:{user}:"


def mood_turns(user: str) -> str:
    """The user's last conversation turns, oldest first, one JSON object per list item."""
    return f"{mood_user_prefix(user)}turns"


def mood_state(user: str) -> str:
    """A hash: policy (match/lift), the last list offered, the last curated answer, language."""
    return f"{mood_user_prefix(user)}state"


def mood_recent(user: str) -> str:
    """Song ids recommended to the user, newest first, trimmed to the no-repeat window."""
    return f"{mood_user_prefix(user)}recent"


def kakao_pending(user: str) -> str:
    """A Kakao user's late answer (no callback): pending, or done with the response."""
    return f"{PREFIX}kakao:{{{tag(user)}}}:pending:{user}"


def kakao_last_lyrics(user: str) -> str:
    """A Kakao user's last lyrics request, for "another take"."""
    return f"{PREFIX}kakao:{{{tag(user)}}}:lyrics:{user}"


def kakao_delivery(user: str, digest: str) -> str:
    """One Kakao skill delivery of ``user`` (a hex digest of its callback URL or of its content): pending,
    or done with the response a repeat of it gets. Short-lived (seconds to two minutes)."""
    return f"{PREFIX}kakao:{{{tag(user)}}}:delivery:{user}:{digest}"


def kakao_last_delivery(user: str) -> str:
    """The digest of a Kakao user's latest request (a repeat must follow its original)."""
    return f"{PREFIX}kakao:{{{tag(user)}}}:last-delivery:{user}"


def mood_messages(user: str) -> str:
    """A hash: the platform message that showed a song list -> that list's song ids."""
    return f"{mood_user_prefix(user)}messages"


# --- abuse limits (storage/rate_limits.py) -----------------------------------------------------
# Subjects are "user:<platform-prefixed id>" or "addr:<network address>"; every key here expires.


def rate_bucket(action: str, subject: str) -> str:
    """A token bucket (hash: tokens, at) for one action of one user or address."""
    return f"{PREFIX}limit:{{{tag(subject)}}}:{action}:{subject}"


def relay_round_address_voters(round_id: str, address: str) -> str:
    """The web voters of one round who came from one network address (a capped set)."""
    return f"{relay_round(round_id)}:addr:{address}"


def mood_user_keys(user: str) -> list[str]:
    """Every key the mood companion keeps about ``user`` (add a new one here, or it outlives
    "forget me")."""
    return [mood_turns(user), mood_state(user), mood_recent(user), mood_messages(user)]
