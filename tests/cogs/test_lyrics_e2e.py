"""``/lyrics`` end to end: gateway payloads into the real discord.py, REST out to the stand-in,
real Redis, and a real worker (see tests/discord_harness/README.md).

The ``generate`` worker runs a :class:`GenerateHandler` over a scripted generator, so what the
model "writes" — a copy of the artist first, then new lines — and so the novelty guard's path are
deterministic. What the user sees is read back from the requests the stand-in recorded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, cast

import pytest

from bot import texts as catalog
from bot.discord_bot import NoraeBot
from bot.lyrics.importing import parse_text
from cogs.lyrics import Lyrics, take_custom_id
from models.handlers import GenerateHandler
from models.worker import Worker, WorkerConfig
from storage.connection import Redis
from tests.bot.test_lyrics import (
    COPIED_LINE,
    EN_ARTIST,
    KO_ARTIST,
    NEW_LINES,
    ScriptedGenerator,
    _seed,
)
from tests.discord_harness import (
    DiscordHarness,
    Dispatched,
    RecordedRequest,
    assert_callback,
    assert_component_sent,
    assert_deferred_before_model_call,
    assert_safe_followup,
    assert_safe_message,
    followups_of,
)
from tests.discord_harness import payloads as p
from tests.discord_harness.assertions import (
    AUTOCOMPLETE_RESULT,
    DEFERRED_CHANNEL_MESSAGE,
    iter_components,
)
from tests.worker_support import running_worker

Harness = DiscordHarness[NoraeBot]

FIELD_LIMIT = 1024
EMBED_LIMIT = 6000
COPYING = "\n".join([NEW_LINES[0], COPIED_LINE, NEW_LINES[1]])  # lifts a line of the artist's
FIRST_TAKE = "\n".join(NEW_LINES)
SECOND_TAKE = "\n".join(
    ["바람이 창문을 두드린다", "오래된 편지를 다시 읽는다", "너의 이름이 번진다"]
)


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def generator() -> ScriptedGenerator:
    """Call 1 copies the artist (rejected by the novelty guard), call 2 is new, call 3 another."""
    return ScriptedGenerator([COPYING, FIRST_TAKE, SECOND_TAKE])


@pytest.fixture
async def lyrics_worker(redis: Redis, generator: ScriptedGenerator) -> AsyncIterator[Worker]:
    config = WorkerConfig(block_ms=100, max_wait_ms=20, heartbeat_interval_s=60)
    async with running_worker(redis, {"generate": GenerateHandler(generator)}, config) as worker:
        yield worker


@pytest.fixture
async def seeded(discord_harness: Harness) -> Harness:
    """The harness with four artists imported through the cog's own service."""
    await _seed(lyrics_cog(discord_harness).lyrics)
    return discord_harness


# --- helpers ---------------------------------------------------------------------------------


def lyrics_cog(h: Harness) -> Lyrics:
    """The loaded cog (load_extension executes cogs/lyrics.py afresh: compare by name)."""
    cog = h.bot.get_cog("Lyrics")
    assert cog is not None and type(cog).__module__ == "cogs.lyrics", "cogs.lyrics did not load"
    return cast(Lyrics, cog)


async def lyrics(h: Harness, options: dict[str, Any]) -> Dispatched:
    interaction = h.slash("lyrics", options, user=h.member("alice"))
    await interaction.done(timeout=30)
    return interaction


def the_embed(body: dict[str, Any]) -> dict[str, Any]:
    """The one embed of a song message, checked against Discord's embed limits."""
    [embed] = cast(list[dict[str, Any]], body["embeds"])
    assert embed["fields"], embed
    assert all(len(f["value"]) <= FIELD_LIMIT for f in embed["fields"])
    assert all(len(f["name"]) <= 256 for f in embed["fields"]) and len(embed["fields"]) <= 25
    assert len(embed["title"]) <= 256 and len(embed["author"]["name"]) <= 256
    total = len(embed["title"]) + len(embed["author"]["name"]) + len(embed["footer"]["text"])
    total += sum(len(f["name"]) + len(f["value"]) for f in embed["fields"])
    assert total <= EMBED_LIMIT, total
    return embed


def song_lines(embed: dict[str, Any]) -> list[str]:
    return [line for f in embed["fields"] for line in f["value"].split("\n")]


def custom_ids(request: RecordedRequest) -> list[str]:
    body = request.json if isinstance(request.json, dict) else {}
    return [
        str(c["custom_id"])
        for c in iter_components(body.get("components") or [])
        if "custom_id" in c
    ]


# --- autocomplete ----------------------------------------------------------------------------


async def test_artist_autocomplete_offers_imported_artists(seeded: Harness) -> None:
    h = seeded
    typed = h.autocomplete("lyrics", {"artist": "Isa"}, focused="artist", user=h.member("alice"))
    await typed.done()
    choices = assert_callback(h, typed, AUTOCOMPLETE_RESULT).json["data"]["choices"]
    assert choices[0] == {"name": "Isaac Watts", "value": "Isaac Watts"}

    empty = h.autocomplete("lyrics", {"artist": ""}, focused="artist", user=h.member("bob"))
    await empty.done()
    choices = assert_callback(h, empty, AUTOCOMPLETE_RESULT).json["data"]["choices"]
    assert [c["value"] for c in choices] == ["Isaac Watts", EN_ARTIST, "김영랑", KO_ARTIST]
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)

    korean = h.autocomplete(
        "lyrics", {"artist": "소월", "theme": "봄"}, focused="artist", user=h.member("bob")
    )
    await korean.done()
    choices = assert_callback(h, korean, AUTOCOMPLETE_RESULT).json["data"]["choices"]
    assert choices[0]["value"] == KO_ARTIST
    assert h.jobs == []  # autocomplete never calls the model


# --- writing ---------------------------------------------------------------------------------


async def test_lyrics_defers_then_posts_a_safe_embed_with_another_take(
    lyrics_worker: Worker, generator: ScriptedGenerator, seeded: Harness
) -> None:
    h = seeded
    interaction = await lyrics(h, {"artist": KO_ARTIST, "theme": "봄비 골목길", "lines": 6})
    assert_deferred_before_model_call(h, interaction)  # type 5 before the generate job
    assert [j.kind for j in h.jobs] == ["generate", "generate"]  # a copy, then a new take

    body = assert_safe_followup(h, interaction)  # embeds ≤ 6000, allowed_mentions parse []
    assert body["allowed_mentions"]["parse"] == []
    embed = the_embed(body)
    assert embed["title"] == "봄비 골목길"
    assert embed["author"]["name"] == f"{KO_ARTIST} 스타일"  # the harness's locale is ko
    assert song_lines(embed) == NEW_LINES
    assert COPIED_LINE not in str(body)  # the novelty guard threw the copy away
    candidates = lyrics_cog(h).lyrics.settings.candidates
    assert embed["footer"]["text"] == (
        f"한국어 · 모델 호출 2번 · 원곡과 너무 비슷한 초안 {candidates}개는 버렸어요"
    )

    cid = take_custom_id(KO_ARTIST, "봄비 골목길", 6, None)
    _, button = assert_component_sent(followups_of(h, interaction), cid)
    assert button["label"] == catalog.text("discord-lyrics-again", "ko") and len(cid) <= 100
    assert custom_ids(followups_of(h, interaction)[-1]) == [cid]
    assert generator.requests[0].prompts[0].endswith("\n\n봄비 골목길\n")  # the title starts it


async def test_another_take_writes_a_new_song(
    lyrics_worker: Worker, generator: ScriptedGenerator, seeded: Harness
) -> None:
    h = seeded
    first = await lyrics(h, {"artist": KO_ARTIST.upper(), "theme": "봄비 골목길", "lines": 6})
    message = followups_of(h, first)[-1].response  # the message the stand-in created
    cid = take_custom_id(KO_ARTIST, "봄비 골목길", 6, None)
    jobs_before = len(h.jobs)

    click = h.click(message, cid, user=h.member("bob"))
    await click.done(timeout=30)
    assert_deferred_before_model_call(h, click)
    assert [j.kind for j in h.jobs[jobs_before:]] == ["generate"]
    again = assert_safe_followup(h, click)
    embed = the_embed(again)
    assert song_lines(embed) == SECOND_TAKE.split("\n")
    assert song_lines(embed) != song_lines(the_embed(assert_safe_followup(h, first)))
    assert embed["title"] == "봄비 골목길" and KO_ARTIST in embed["author"]["name"]
    assert custom_ids(followups_of(h, click)[-1]) == [cid]  # the new song can be retaken too
    assert generator.requests[-1].prompts[0].endswith("\n\n봄비 골목길\n")


async def test_another_take_on_a_message_from_before_a_restart(
    lyrics_worker: Worker, generator: ScriptedGenerator, seeded: Harness
) -> None:
    """No view of this process knows the message: the button's custom_id alone is enough."""
    h = seeded
    generator.script = [FIRST_TAKE]
    cid = take_custom_id(EN_ARTIST, None, None, "ko")
    old = p.message_payload(
        h.ids.next(),
        h.world.channel["id"],
        h.rest.bot_user,
        guild_id=h.world.guild_id,
        components=[{"type": 1, "components": [{"type": 2, "style": 2, "custom_id": cid}]}],
    )
    click = h.click(old, cid, user=h.member("carol"), locale="en-US")
    await click.done(timeout=30)
    assert_callback(h, click, DEFERRED_CHANNEL_MESSAGE)
    body = assert_safe_followup(h, click)
    embed = the_embed(body)
    assert embed["author"]["name"] == f"in the style of {EN_ARTIST}"  # the clicker's language
    assert embed["footer"]["text"].startswith("Korean · 1 model call")
    _, button = assert_component_sent(followups_of(h, click), cid)
    assert button["label"] == "Another take"
    assert embed["title"] == NEW_LINES[0]  # no theme: the first line names the song
    assert song_lines(embed) == NEW_LINES[1:]


# --- refusals --------------------------------------------------------------------------------


async def test_an_unknown_artist_gets_the_closest_names(
    lyrics_worker: Worker, seeded: Harness
) -> None:
    h = seeded
    interaction = await lyrics(h, {"artist": "소월"})
    assert_callback(h, interaction, DEFERRED_CHANNEL_MESSAGE)
    body = assert_safe_followup(h, interaction)
    # the harness's locale is ko
    assert body["content"] == catalog.text(
        "lyrics-unknown-artist-closest", "ko", name="소월", closest=KO_ARTIST
    )
    assert not body.get("embeds") and not body.get("components")

    ping = await lyrics(h, {"artist": "@everyone"})
    body = assert_safe_followup(h, ping)  # allowed_mentions parse []: the echo pings nobody
    assert body["content"] == catalog.text("lyrics-unknown-artist", "ko", name="@everyone")

    near = await lyrics(h, {"artist": "Test Hymnst"})
    assert assert_safe_followup(h, near)["content"].startswith(
        catalog.text(
            "lyrics-unknown-artist-closest", "ko", name="Test Hymnst", closest="Test Hymnist"
        )
    )
    assert h.jobs == []  # an unknown artist never reaches the model


async def test_lines_out_of_range_and_no_artists_are_answered(
    lyrics_worker: Worker, discord_harness: Harness
) -> None:
    h = discord_harness
    nobody = await lyrics(h, {"artist": "아무나"})
    assert assert_safe_followup(h, nobody)["content"] == (  # the harness's locale is ko
        "아직 가사를 배운 가수가 없어요. 관리자에게 가사 가져오기를 부탁해 주세요."
    )
    await _seed(lyrics_cog(h).lyrics)
    few = await lyrics(h, {"artist": KO_ARTIST, "lines": 2})
    assert assert_safe_followup(h, few)["content"] == catalog.text(
        "lyrics-bad-lines", "ko", min=4, max=32
    )
    assert h.jobs == []
    for request in followups_of(h, nobody) + followups_of(h, few):
        assert_safe_message(request)


# --- bugs found by these tests, pinned until the cog is fixed ---------------------------------

LONG_ARTIST = "The Extraordinarily Long-Named Chamber Choir of Seoul Station"  # 61 chars


async def test_a_long_artist_name_still_gets_its_song_and_another_take(
    lyrics_worker: Worker, generator: ScriptedGenerator, seeded: Harness
) -> None:
    h = seeded
    generator.script = [FIRST_TAKE, SECOND_TAKE]
    text = "Morning light on the silent hills\nthe river runs to the sea\n"
    parsed = parse_text(text, source="long.txt", name="long")
    await lyrics_cog(h).lyrics.import_parsed(parsed, LONG_ARTIST)
    with h.expect_errors():
        first = await lyrics(h, {"artist": LONG_ARTIST, "lines": 6})
        errors = h.error_messages()
    assert errors == [], errors  # today: ValueError from AnotherTake.__init__
    embed = the_embed(assert_safe_followup(h, first))
    assert embed["author"]["name"] == catalog.text("discord-lyrics-style", "ko", artist=LONG_ARTIST)
    [cid] = custom_ids(followups_of(h, first)[-1])
    assert len(cid) <= 100
    click = h.click(followups_of(h, first)[-1].response, cid, user=h.member("bob"))
    await click.done(timeout=30)
    again = the_embed(assert_safe_followup(h, click))
    assert again["author"]["name"] == catalog.text("discord-lyrics-style", "ko", artist=LONG_ARTIST)
