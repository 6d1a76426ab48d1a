"""Every group of keys that one Lua script or transaction touches hashes to one cluster slot.

These checks need no cluster: they compute slots the way Redis Cluster does (CRC16 of the hash tag,
``redis.crc.key_slot``), for ordinary ids and for ids full of braces, colons and non-ASCII text.
The suites themselves also run against a real 3-master cluster in CI.
"""

from __future__ import annotations

from redis.crc import key_slot

from storage import keys
from storage.conversations import ConversationStore
from storage.stories import new_story_id, story_key_parts
from storage.votes import new_round_id

CHANNELS = [
    "discord:123456789012345678",
    "kakao:abc",
    "web:room1",
    "web:{oops}",
    "web:}{",
    "web:}",
    "web:{",
    "web:{}",
    "web:방:하나",
    "",
]
USERS = ["discord:1", "kakao:k{x}", "web-abc", "web:}{", "kakao:", "web:사람"]


def slot(key: str) -> int:
    return key_slot(key.encode())


def one_slot(*names: str) -> bool:
    return len({slot(n) for n in names}) == 1


def test_a_channel_its_stories_rounds_and_shard_indexes_share_a_slot() -> None:
    for channel in CHANNELS:
        story = new_story_id(channel)
        rnd = new_round_id(channel)
        shard = keys.relay_shard(channel)
        group = [
            keys.relay_active_story(channel),
            keys.relay_channel_archive(channel),
            keys.relay_recent_writers(channel),
            keys.relay_open_round(channel),
            keys.relay_proposals(channel),
            keys.relay_proposal_votes(channel),
            keys.relay_proposal_seq(channel),
            keys.events_recent(channel),
            keys.relay_story(story),
            keys.relay_story_lines(story),
            keys.relay_story_applied(story),
            keys.relay_archive(shard),
            keys.relay_round(rnd),
            keys.relay_round_votes(rnd),
            keys.relay_round_due(shard),
            keys.relay_round_due_for(rnd),
            keys.relay_round_address_voters(rnd, "203.0.113.7"),
        ]
        assert one_slot(*group), channel
        assert keys.relay_shard_of_id(story) == keys.relay_shard_of_id(rnd) == shard


def test_ids_start_with_their_shard_and_stay_short() -> None:
    story, rnd = new_story_id("web:room1"), new_round_id("web:room1")
    assert story[:2] == rnd[:2] == keys.relay_id_prefix("web:room1")
    assert len(story) == 14 and len(rnd) == 10  # fits a Discord custom_id with room to spare
    assert new_story_id("web:room1") != story  # random


def test_an_id_of_any_shape_still_names_one_key_family() -> None:
    # a mistyped reader link: no hex prefix, braces, nothing
    for odd in ["zz", "{x}", "", "7", "Z9abc"]:
        assert one_slot(keys.relay_story(odd), keys.relay_story_lines(odd))
        assert 0 <= keys.relay_shard_of_id(odd) < keys.RELAY_SHARDS


def test_relay_shards_spread_channels() -> None:
    shards = {keys.relay_shard(f"discord:{n}") for n in range(2000)}
    assert len(shards) == keys.RELAY_SHARDS
    slots = {slot(keys.relay_round_due(s)) for s in range(keys.RELAY_SHARDS)}
    assert len(slots) == keys.RELAY_SHARDS  # one slot per shard: they spread over the masters


def test_a_users_keys_share_a_slot_and_never_another_users_key() -> None:
    for user in USERS:
        group = [
            *keys.mood_user_keys(user),
            keys.kakao_pending(user),
            keys.kakao_last_lyrics(user),
            keys.kakao_last_delivery(user),
            keys.kakao_delivery(user, "d1"),
        ]
        assert one_slot(*group), user
        # the mood record script and the snapshot transaction
        assert one_slot(*ConversationStore.user_keys(user)), user
    every = [k for u in USERS for k in keys.mood_user_keys(u)]
    assert len(every) == len(set(every))  # "web:}{" and "web:)(" would share a slot, not a key


def test_catalog_and_lyrics_keys_each_share_a_slot() -> None:
    assert one_slot(
        keys.catalog_song("s1"),
        keys.catalog_songs(),
        keys.catalog_mood("calm"),
        keys.catalog_moods(),
        keys.catalog_features(),
        keys.catalog_index(),
        keys.catalog_version(),
    )
    assert one_slot(keys.lyrics_artists(), keys.lyrics_songs("iu"), keys.lyrics_songs("{x}"))


def test_a_job_result_lives_beside_its_reply_stream() -> None:
    for client in ["c1", "abc{d}", "0f" * 16]:
        reply = keys.reply_stream(client)
        assert keys.is_reply_stream(reply)
        assert one_slot(reply, keys.job_result("job-1", reply))
    assert not keys.is_reply_stream(keys.job_stream("generate"))
    assert not keys.is_reply_stream("norae:replies:{}")


def test_job_streams_name_their_kind_and_partition() -> None:
    names = [keys.job_stream("generate", p) for p in range(8)]
    assert [keys.job_stream_of(n) for n in names] == [("generate", p) for p in range(8)]
    assert len({slot(n) for n in names}) == 8  # partitions spread over slots
    assert keys.job_stream_of(keys.reply_stream("c")) is None


def test_rate_buckets_of_one_subject_share_a_slot() -> None:
    for subject in ["user:discord:1", "addr:203.0.113.7", "user:web:{x}"]:
        assert one_slot(keys.rate_bucket("write", subject), keys.rate_bucket("vote", subject))


def test_the_write_script_names_a_channels_story_keys_as_keys_py_does() -> None:
    # The line-writing script reads the channel's pointer and names the story's keys from it.
    for channel in CHANNELS:
        story = new_story_id(channel)
        prefix, lines, applied, shard = story_key_parts(channel)
        assert story.startswith(shard)
        assert prefix + story == keys.relay_story(story)
        assert prefix + story + lines == keys.relay_story_lines(story)
        assert prefix + story + applied == keys.relay_story_applied(story)
        assert one_slot(keys.relay_active_story(channel), prefix + story + lines)
