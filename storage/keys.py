"""Every Redis key norae uses, in one place (as arq's ``constants.py``).

All keys start with ``norae:``. Nothing outside this module spells a key.
"""

from __future__ import annotations

PREFIX = "norae:"

JOB_GROUP = "workers"


def job_stream(kind: str) -> str:
    """One stream per job kind, read by the consumer group :data:`JOB_GROUP`."""
    return f"{PREFIX}jobs:{kind}"


def dead_letter_stream() -> str:
    return f"{PREFIX}jobs:dead"


def reply_stream(client_id: str) -> str:
    """Each bot process reads its answers from its own stream."""
    return f"{PREFIX}replies:{client_id}"


def job_result(job_id: str) -> str:
    """The published result of a job: makes publishing idempotent by job id."""
    return f"{PREFIX}result:{job_id}"


def worker_heartbeat(worker_id: str) -> str:
    return f"{PREFIX}worker:{worker_id}"


def worker_heartbeat_pattern() -> str:
    return f"{PREFIX}worker:*"


# --- relay stories (storage/stories.py, storage/votes.py) -------------------------------------
# Channel ids are platform-prefixed by the caller ("discord:123", "web:room1"), so one Redis
# serves every platform without collisions.


def relay_active_story(channel: str) -> str:
    """The id of the channel's active story (a plain string; absent when none is active)."""
    return f"{PREFIX}relay:channel:{channel}:story"


def relay_story(story_id: str) -> str:
    """A story's metadata hash."""
    return f"{PREFIX}relay:story:{story_id}"


def relay_story_lines(story_id: str) -> str:
    """A story's lines, oldest first, one JSON object per list item."""
    return f"{PREFIX}relay:story:{story_id}:lines"


def relay_story_applied(story_id: str) -> str:
    """Round ids whose winner already joined the story: applying a winner is idempotent."""
    return f"{PREFIX}relay:story:{story_id}:applied"


def relay_channel_archive(channel: str) -> str:
    """Archived story ids of one channel, scored by the time they ended."""
    return f"{PREFIX}relay:channel:{channel}:archive"


def relay_archive() -> str:
    """Archived story ids of every channel, scored by the time they ended."""
    return f"{PREFIX}relay:archive"


def relay_recent_writers(channel: str) -> str:
    """User ids scored by when they last wrote in the channel (the quorum's electorate)."""
    return f"{PREFIX}relay:channel:{channel}:writers"


def relay_open_round(channel: str) -> str:
    """The id of the channel's open (or being written) round; SET NX keeps it to one."""
    return f"{PREFIX}relay:channel:{channel}:round"


def relay_round(round_id: str) -> str:
    """A round's hash: state, candidates, deadline."""
    return f"{PREFIX}relay:round:{round_id}"


def relay_round_votes(round_id: str) -> str:
    """user id -> chosen candidate number; a later vote overwrites the earlier one."""
    return f"{PREFIX}relay:round:{round_id}:votes"


def relay_round_due() -> str:
    """Every unfinished round scored by its deadline: any process finds due rounds after a restart."""
    return f"{PREFIX}relay:rounds:due"


def relay_round_message(message_ref: str) -> str:
    """The round a posted message (e.g. "discord:<message id>") shows, for reaction votes."""
    return f"{PREFIX}relay:message:{message_ref}"


def relay_proposals(channel: str) -> str:
    """proposal id -> JSON (kind, value, proposer) for the channel's next continuation."""
    return f"{PREFIX}relay:channel:{channel}:proposals"


def relay_proposal_votes(channel: str) -> str:
    """ "<kind>:<user id>" -> proposal id: one vote per user per kind, a later vote replaces it."""
    return f"{PREFIX}relay:channel:{channel}:proposal_votes"


def relay_proposal_seq(channel: str) -> str:
    """Counter for short, typeable proposal ids."""
    return f"{PREFIX}relay:channel:{channel}:proposal_seq"


# --- song catalog (storage/catalog.py) ----------------------------------------------------------


def catalog_song(song_id: str) -> str:
    """A song's metadata hash (title, artist, url, moods JSON, lyrics, audio signature)."""
    return f"{PREFIX}catalog:song:{song_id}"


def catalog_songs() -> str:
    """The ids of every song in the catalog."""
    return f"{PREFIX}catalog:songs"


def catalog_mood(mood: str) -> str:
    """The ids of the songs tagged with one mood (lower-case)."""
    return f"{PREFIX}catalog:mood:{mood}"


def catalog_moods() -> str:
    """Every mood that tags at least one song, scored by how many songs it tags."""
    return f"{PREFIX}catalog:moods"


def catalog_features() -> str:
    """song id -> its raw (unstandardized) audio feature vector, little-endian float32 bytes."""
    return f"{PREFIX}catalog:features"


def catalog_index() -> str:
    """The current song index version pointer and its description (a hash)."""
    return f"{PREFIX}catalog:index"


# --- lyrics (storage/lyrics.py) ------------------------------------------------------------
# ``artist_key`` is the artist's folded name (casefolded, single spaces), so "IU" and "iu" are one
# artist; the display name lives in the artist index.


def lyrics_artists() -> str:
    """Sorted set (all scores 0) of ``"<artist_key>\\0<display name>"``: prefix search by ZRANGEBYLEX."""
    return f"{PREFIX}lyrics:artists"


def lyrics_songs(artist_key: str) -> str:
    """Hash of one artist's songs: content hash -> song JSON (HSETNX makes dedupe atomic)."""
    return f"{PREFIX}lyrics:artist:{artist_key}:songs"


def events_channel(platform: str) -> str:
    """Pub/sub channel of live events for one front end (``discord``, ``web``, ``kakao``)."""
    return f"{PREFIX}events:{platform}"


def events_recent(channel: str) -> str:
    """A channel's latest kept events, newest first, one JSON object per list item."""
    return f"{PREFIX}events:recent:{channel}"


# --- mood companion (storage/conversations.py) -----------------------------------------------
# User ids are platform-prefixed by the caller ("discord:123", "web:abc", "kakao:<id>"), and a
# platform's own id may hold ":", "*", "[" … so a user's keys are never found by prefix or pattern
# ("kakao:kforget" is a prefix of "kakao:kforget:x"). Each key is the user id plus ":" plus a fixed
# suffix without ":", so two users never share a key, and mood_user_keys() lists every one of them:
# forgetting deletes exactly those.


def mood_user_prefix(user: str) -> str:
    """The common start of every key the mood companion keeps about ``user``."""
    return f"{PREFIX}mood:user:{user}:"


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
    return f"{PREFIX}kakao:pending:{user}"


def kakao_last_lyrics(user: str) -> str:
    """A Kakao user's last lyrics request, for "another take"."""
    return f"{PREFIX}kakao:lyrics:{user}"


def kakao_delivery(digest: str) -> str:
    """One Kakao skill delivery (a hex digest of its callback URL or of its content): pending,
    or done with the response a repeat of it gets. Short-lived (seconds to two minutes)."""
    return f"{PREFIX}kakao:delivery:{digest}"


def kakao_last_delivery(user: str) -> str:
    """The digest of a Kakao user's latest request (a repeat must follow its original)."""
    return f"{PREFIX}kakao:last-delivery:{user}"


def mood_messages(user: str) -> str:
    """A hash: the platform message that showed a song list -> that list's song ids."""
    return f"{mood_user_prefix(user)}messages"


# --- abuse limits (storage/rate_limits.py) -----------------------------------------------------
# Subjects are "user:<platform-prefixed id>" or "addr:<network address>"; every key here expires.


def rate_bucket(action: str, subject: str) -> str:
    """A token bucket (hash: tokens, at) for one action of one user or address."""
    return f"{PREFIX}limit:{action}:{subject}"


def relay_round_address_voters(round_id: str, address: str) -> str:
    """The web voters of one round who came from one network address (a capped set)."""
    return f"{PREFIX}relay:round:{round_id}:addr:{address}"


def mood_user_keys(user: str) -> list[str]:
    """Every key the mood companion keeps about ``user`` (add a new one here, or it outlives
    "forget me")."""
    return [mood_turns(user), mood_state(user), mood_recent(user), mood_messages(user)]
