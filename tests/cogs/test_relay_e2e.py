"""``/relay`` end to end: gateway payloads into the real discord.py, REST out to the stand-in,
real Redis, and the real worker on the tiny GPT-2 (see tests/discord_harness/README.md).

Every subcommand is driven as Discord sends it; what the user sees is read back from the requests
the stand-in recorded, and what was stored from the relay service over real Redis. The harness's
clients and guild speak Korean (``locale`` "ko"): the texts are the Korean catalog texts.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import unquote

from bot import texts as catalog
from bot.discord_bot import NoraeBot
from bot.relay.service import RoundView
from bot.relay.ticker import announce
from cogs.common import NUMBERS
from cogs.relay import Relay
from models.worker import Worker
from tests.discord_harness import (
    DiscordHarness,
    Dispatched,
    Member,
    RecordedRequest,
    assert_callback,
    assert_deferred_before_model_call,
    assert_safe_followup,
    assert_safe_message,
    followups_of,
)
from tests.discord_harness import payloads as p
from tests.discord_harness.assertions import (
    CHANNEL_MESSAGE,
    FOLLOWUP_ROUTE,
    MESSAGE_LIMIT,
    iter_components,
)

Harness = DiscordHarness[NoraeBot]

MESSAGES_ROUTE = "/channels/{channel_id}/messages"
REACTION_ROUTE = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"
EPHEMERAL = 1 << 6
MANAGE_MESSAGES = 1 << 13
SHORT = "16"  # RelaySettings.new_tokens_min: the fewest tokens the tiny model is asked for


# --- helpers ---------------------------------------------------------------------------------


def relay_cog(h: Harness) -> Relay:
    """The loaded cog. load_extension executes cogs/relay.py afresh, so its class is not the
    ``Relay`` imported here: compare by name, not with isinstance."""
    cog = h.bot.get_cog("Relay")
    assert cog is not None and type(cog).__qualname__ == "Relay", "cogs.relay did not load"
    assert type(cog).__module__ == "cogs.relay"
    return cast(Relay, cog)


def channel_of(h: Harness) -> str:
    return f"discord:{h.world.channel['id']}"


def moderator(h: Harness, name: str = "mod") -> Member:
    """A member whose interactions carry Manage Messages."""
    if name not in h.world.members:
        user = p.user_payload(h.ids.next(), name)
        perms = str(int(p.MEMBER_PERMISSIONS) | MANAGE_MESSAGES)
        h.world.members[name] = Member(user, p.member_payload(user, permissions=perms))
    return h.world.members[name]


def other_bot(h: Harness, name: str = "otherbot") -> Member:
    """Another bot in the guild (its reactions arrive with ``member.user.bot``)."""
    if name not in h.world.members:
        user = p.user_payload(h.ids.next(), name, bot=True)
        h.world.members[name] = Member(user, p.member_payload(user))
    return h.world.members[name]


async def relay(
    h: Harness, sub: str, options: dict[str, Any] | None = None, *, user: Member, **extra: Any
) -> Dispatched:
    """``/relay <sub>`` by ``user``, waited for to the end of its handler. ``extra`` goes into the
    interaction, e.g. ``locale="en-US"``."""
    interaction = h.slash(f"relay {sub}", options, user=user, **extra)
    await interaction.done(timeout=30)
    return interaction


def assert_safe_data(data: dict[str, Any]) -> str:
    """A message body within Discord's limit that pings nobody; its content."""
    content = str(data.get("content") or "")
    assert len(content) <= MESSAGE_LIMIT, f"{len(content)} chars > {MESSAGE_LIMIT}"
    mentions = data.get("allowed_mentions")
    assert mentions is not None and mentions.get("parse") == [], mentions
    assert not mentions.get("users") and not mentions.get("roles"), mentions
    assert not mentions.get("replied_user"), mentions
    return content


def public_reply(h: Harness, interaction: Dispatched) -> str:
    """The content of the interaction's visible answer (callback type 4), checked safe."""
    data = assert_callback(h, interaction, CHANNEL_MESSAGE).json["data"]
    assert not (data.get("flags") or 0) & EPHEMERAL, f"ephemeral, expected public: {data}"
    return assert_safe_data(data)


def private_reply(h: Harness, interaction: Dispatched) -> str:
    """The content of the interaction's ephemeral answer (callback type 4, flags 64)."""
    data = assert_callback(h, interaction, CHANNEL_MESSAGE).json["data"]
    assert (data.get("flags") or 0) & EPHEMERAL, f"public, expected ephemeral: {data}"
    return str(data["content"])


def followup_text(h: Harness, interaction: Dispatched) -> str:
    return str(assert_safe_followup(h, interaction)["content"])


def custom_ids(request: RecordedRequest) -> list[str]:
    body = request.json if isinstance(request.json, dict) else {}
    return [
        str(c["custom_id"])
        for c in iter_components(body.get("components") or [])
        if "custom_id" in c
    ]


async def open_round(h: Harness) -> RoundView:
    view = await relay_cog(h).relay.open_round(channel_of(h))
    assert view is not None, "no open round in the channel"
    return view


async def post_round(
    h: Harness, user: Member, options: dict[str, Any] | None = None
) -> tuple[Dispatched, RoundView, dict[str, Any]]:
    """``/relay continue``: the interaction, the round it opened, the round message it posted."""
    interaction = await relay(h, "continue", {"length": SHORT, **(options or {})}, user=user)
    view = await open_round(h)
    request = followups_of(h, interaction)[-1]
    assert custom_ids(request) == [
        f"relay:vote:{view.id}:{n}" for n in range(1, len(view.candidates) + 1)
    ]
    return interaction, view, request.response


async def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.01)


async def story_lines(h: Harness) -> list[tuple[str, str, str]]:
    """The active story's lines as (text, author id, source), read back from Redis."""
    service = relay_cog(h).relay
    story = await service.stories.active(channel_of(h))
    assert story is not None
    return [(ln.text, ln.author_id, ln.source) for ln in await service.stories.lines(story.id)]


# --- start / write ---------------------------------------------------------------------------


async def test_start_then_a_second_start_shows_the_story(discord_harness: Harness) -> None:
    h = discord_harness
    alice, bob = h.member("alice"), h.member("bob")
    first = await relay(h, "start", {"title": "바다 이야기", "genre": "동화"}, user=alice)
    service = relay_cog(h).relay
    story = await service.stories.active(channel_of(h))
    assert story is not None and story.title == "바다 이야기" and story.genre == "동화"
    assert story.created_by == alice.id and story.language == "ko"
    assert public_reply(h, first) == catalog.text(
        "discord-relay-started", "ko", title="바다 이야기"
    )
    assert story.id not in public_reply(h, first)  # no internal ids

    await relay(h, "write", {"text": "옛날 옛적에 바닷가 마을이 있었다."}, user=alice)
    second = await relay(h, "start", {"title": "다른 이야기", "language": "en"}, user=bob)
    assert public_reply(h, second) == (
        "이 채널에는 이미 이야기가 있어요: 바다 이야기 (1줄). 먼저 /릴레이 끝내기로 끝내 주세요."
    )
    english = await relay(h, "start", user=bob, locale="en-US")
    assert public_reply(h, english) == (
        "This channel already has a story: 바다 이야기 (1 line). Use /relay end to finish it first."
    )
    again = await service.stories.active(channel_of(h))
    assert again is not None and again.id == story.id and again.title == "바다 이야기"
    assert h.jobs == []  # starting never calls the model


async def test_write_adds_a_line_and_refuses_empty_or_overlong_text(
    discord_harness: Harness,
) -> None:
    h = discord_harness
    alice = h.member("alice")
    early = await relay(h, "write", {"text": "누구 없나요?"}, user=alice)
    assert private_reply(h, early) == catalog.text("relay-no-story", "ko")

    await relay(h, "start", user=alice)
    wrote = await relay(h, "write", {"text": "@everyone  옛날  옛적에 <@1234>"}, user=alice)
    assert public_reply(h, wrote) == "**Alice**: @everyone 옛날 옛적에 <@1234>"  # pings nobody

    empty = await relay(h, "write", {"text": " \n\t "}, user=alice)
    assert private_reply(h, empty) == catalog.text("relay-empty-line", "ko")
    limit = relay_cog(h).relay.settings.max_line_chars
    long = await relay(h, "write", {"text": "가" * (limit + 1)}, user=alice, locale="en-GB")
    assert private_reply(h, long) == (
        f"That line is {limit + 1} characters; the limit is {limit}. Split it into shorter lines."
    )
    assert await story_lines(h) == [("@everyone 옛날 옛적에 <@1234>", alice.id, "human")]


# --- continue / rounds -----------------------------------------------------------------------


async def test_continue_defers_then_posts_a_round_with_buttons_and_reactions(
    model_worker: Worker, discord_harness: Harness
) -> None:
    h = discord_harness
    alice, bob = h.member("alice"), h.member("bob")
    await relay(h, "start", {"title": "등대"}, user=alice)
    await relay(h, "write", {"text": "등대지기는 밤마다 불을 켰다."}, user=alice)
    jobs_before = len(h.jobs)

    interaction, view, message = await post_round(h, bob, {"keyword": "파도"})
    assert_deferred_before_model_call(h, interaction)  # type 5 before the generate job
    assert [j.kind for j in h.jobs[jobs_before:]] == ["generate"]
    assert view.keyword == "파도" and view.max_new_tokens == int(SHORT)
    assert len(view.candidates) == relay_cog(h).relay.settings.candidates == 3
    text = followup_text(h, interaction)  # ≤ 2000 chars, allowed_mentions parse []
    closes = f"<t:{int(view.deadline)}:R>"  # the reader's client writes the time left
    header = catalog.text("discord-round", "ko", closes=closes)
    keyword = catalog.text("discord-round-keyword", "ko", keyword="파도")
    assert text.startswith(f"{header} · {keyword}\n") and view.id not in text
    for number, candidate in zip(NUMBERS, view.candidates, strict=False):
        assert f"{number} {candidate}" in text

    reactions = h.rest.find("PUT", REACTION_ROUTE, message_id=message["id"])
    assert [unquote(r.params["emoji"]) for r in reactions] == list(NUMBERS[:3])
    assert all(r.status == 204 for r in reactions)
    service = relay_cog(h).relay
    assert await service.round_for_message(f"discord:{message['id']}") == view.id

    # a second continue during the round points to the open one and never calls the model
    jobs_before = len(h.jobs)
    second = await relay(h, "continue", {"keyword": "바람"}, user=alice)
    assert followup_text(h, second) == catalog.text("relay-round-already-open", "ko")
    assert len(h.jobs) == jobs_before
    assert (await open_round(h)).id == view.id


async def test_votes_by_buttons_and_reactions_are_exact_and_the_close_is_announced(
    model_worker: Worker, discord_harness: Harness
) -> None:
    h = discord_harness
    alice, bob, carol, dave = (h.member(n) for n in ("alice", "bob", "carol", "dave"))
    await relay(h, "start", user=alice)
    _, view, message = await post_round(h, alice)
    service = relay_cog(h).relay

    # buttons: alice double-taps 1
    taps = [h.click(message, f"relay:vote:{view.id}:1", user=alice) for _ in range(2)]
    for tap in taps:
        await tap.done()
    assert [private_reply(h, t) for t in taps] == [
        catalog.text("discord-vote-counted", "ko", choice=1)
    ] * 2
    english = h.click(message, f"relay:vote:{view.id}:1", user=alice, locale="en-US")
    await english.done()
    assert private_reply(h, english) == "Your vote: 1."

    # reactions: the bot's own (as Discord echoes them), another bot, a stray emoji
    for number in NUMBERS[:3]:
        await h.react(message, number, user_id=h.bot_user_id).done()
    await h.react(message, NUMBERS[2], user_id=other_bot(h).id).done()
    await h.react(message, "🎉", user_id=dave.id).done()
    # bob: add → remove → add of 2️⃣
    for added in (True, False, True):
        await h.react(message, NUMBERS[1], user_id=bob.id, added=added).done()
    # carol: a reaction, then a button: the later vote replaces the earlier
    await h.react(message, NUMBERS[2], user_id=carol.id).done()
    await h.click(message, f"relay:vote:{view.id}:2", user=carol).done()

    assert await service.votes.votes(view.id) == {alice.id: 1, bob.id: 2, carol.id: 2}

    results = await service.close_due_rounds(now=view.deadline + 1)
    assert [(r.round_id, r.counts, r.winner, r.reason) for r in results] == [
        (view.id, [1, 2, 0], 2, "timer")
    ]
    await announce(relay_cog(h).bus, results[0])  # what the ticker does with its results
    closing = await h.wait_for_request("POST", MESSAGES_ROUTE, channel_id=h.world.channel["id"])
    assert assert_safe_message(closing)["content"] == (  # the guild's language
        "투표가 끝났어요(1번 1표, 2번 2표, 3번 0표). 2번 후보가 이야기에 더해졌어요."
    )
    assert (await story_lines(h))[-1] == (view.candidates[1], alice.id, "model")

    late = h.click(message, f"relay:vote:{view.id}:3", user=dave)
    await late.done()
    assert private_reply(h, late) == catalog.text("relay-round-closed", "ko")
    assert await service.votes.votes(view.id) == {alice.id: 1, bob.id: 2, carol.id: 2}


async def test_the_ticker_closes_a_due_round_and_announces_it(
    model_worker: Worker, discord_harness: Harness
) -> None:
    h = discord_harness
    alice, bob = h.member("alice"), h.member("bob")
    service = relay_cog(h).relay
    service.settings = service.settings.model_copy(update={"round_seconds": 1.5})
    await relay(h, "start", user=alice)
    _, view, message = await post_round(h, alice)
    await h.click(message, f"relay:vote:{view.id}:3", user=bob).done()

    # relay-ticker (every 1 s) → EventBus "discord" → the cog's listener → channel message
    closing = await h.wait_for_request(
        "POST", MESSAGES_ROUTE, channel_id=h.world.channel["id"], timeout=6
    )
    assert assert_safe_message(closing)["content"] == catalog.text(
        "discord-round-added", "ko", counts="1번 0표, 2번 0표, 3번 1표", winner=3
    )
    assert await service.open_round(channel_of(h)) is None
    assert await story_lines(h) == [(view.candidates[2], alice.id, "model")]


async def test_reroll_posts_new_candidates_for_the_same_round(
    model_worker: Worker, discord_harness: Harness
) -> None:
    h = discord_harness
    alice, bob = h.member("alice"), h.member("bob")
    await relay(h, "start", user=alice)
    none_open = await relay(h, "reroll", user=bob)
    assert followup_text(h, none_open) == catalog.text("relay-no-open-round", "ko")

    _, view, message = await post_round(h, alice)
    await h.click(message, f"relay:vote:{view.id}:1", user=alice).done()
    reroll = await relay(h, "reroll", user=bob)
    assert_deferred_before_model_call(h, reroll)
    rerolled = await open_round(h)
    assert rerolled.id == view.id and rerolled.rerolls == 1 and rerolled.deadline >= view.deadline
    posted = followups_of(h, reroll)[-1]
    assert custom_ids(posted) == [
        f"relay:vote:{view.id}:{n}" for n in range(1, len(rerolled.candidates) + 1)
    ]
    closes = f"<t:{int(rerolled.deadline)}:R>"
    assert followup_text(h, reroll).startswith(catalog.text("discord-round", "ko", closes=closes))
    service = relay_cog(h).relay
    assert await service.votes.votes(view.id) == {}  # a reroll clears the votes
    assert await service.round_for_message(f"discord:{posted.response['id']}") == view.id
    await h.wait_for_request("PUT", REACTION_ROUTE, message_id=posted.response["id"])


async def test_propose_keyword_and_length_steer_the_next_continue(
    model_worker: Worker, discord_harness: Harness
) -> None:
    h = discord_harness
    alice, bob = h.member("alice"), h.member("bob")
    await relay(h, "start", user=alice)
    kw = await relay(h, "propose", {"kind": "keyword", "value": "등대"}, user=alice)
    service = relay_cog(h).relay
    [proposal] = await service.proposals(channel_of(h))
    assert public_reply(h, kw) == "키워드를 제안했어요: 등대"
    same = await relay(h, "propose", {"kind": "keyword", "value": "등대"}, user=bob)
    assert public_reply(h, same) == catalog.text(
        "discord-relay-proposed-before", "ko", kind="keyword", value="등대"
    )
    length = await relay(h, "propose", {"kind": "length", "value": "short"}, user=bob)
    assert public_reply(h, length) == "길이를 제안했어요: short"
    bad = await relay(h, "propose", {"kind": "length", "value": "9999"}, user=bob)
    assert private_reply(h, bad) == catalog.text("relay-bad-length", "ko", min=16, max=160)
    backed = await relay(h, "support", {"proposal": proposal.id}, user=bob)
    assert public_reply(h, backed) == "키워드 제안 “등대”에 표를 줬어요."
    assert [(x.kind, x.value) for x in await service.proposals(channel_of(h))] == [
        ("keyword", "등대"),
        ("length", "short"),
    ]

    interaction = await relay(h, "continue", user=bob)  # names neither: the proposals win
    view = await open_round(h)
    assert view.keyword == "등대" and view.max_new_tokens == service.settings.new_tokens_min
    assert catalog.text("discord-round-keyword", "ko", keyword="등대") in followup_text(
        h, interaction
    )
    assert await service.proposals(channel_of(h)) == []  # used up by the continuation


async def test_a_rate_limited_followup_still_delivers_the_round(
    model_worker: Worker, discord_harness: Harness
) -> None:
    h = discord_harness
    alice = h.member("alice")
    await relay(h, "start", user=alice)
    h.rest.rate_limit_once("POST", FOLLOWUP_ROUTE, retry_after=0.4)
    interaction, view, message = await post_round(h, alice)

    posts = h.rest.find("POST", FOLLOWUP_ROUTE, token=interaction.token)
    assert [r.status for r in posts] == [429, 200]
    assert posts[1].at - posts[0].at >= 0.4  # discord.py waited retry_after, then retried
    assert posts[1].json == posts[0].json
    closes = f"<t:{int(view.deadline)}:R>"
    assert followup_text(h, interaction).startswith(
        catalog.text("discord-round", "ko", closes=closes)
    )
    service = relay_cog(h).relay
    assert await service.round_for_message(f"discord:{message['id']}") == view.id
    await h.wait_for_request("PUT", REACTION_ROUTE, message_id=message["id"])


# --- undo / show / end / export / stories ----------------------------------------------------


async def test_undo_by_the_author_or_a_moderator_only(discord_harness: Harness) -> None:
    h = discord_harness
    alice, bob, mod = h.member("alice"), h.member("bob"), moderator(h)
    await relay(h, "start", user=alice)
    await relay(h, "write", {"text": "첫 줄."}, user=alice)
    await relay(h, "write", {"text": "둘째 줄."}, user=bob)

    refused = await relay(h, "undo", user=alice)  # not the author of the last line
    assert private_reply(h, refused) == catalog.text("relay-undo-not-yours", "ko", author="Bob")
    own = await relay(h, "undo", user=bob)
    assert public_reply(h, own) == "2번째 줄을 지웠어요: 둘째 줄."
    refused = await relay(h, "undo", user=bob, locale="en-US")
    assert private_reply(h, refused).startswith("Only the author of the last line")
    by_mod = await relay(h, "undo", user=mod, locale="en-US")
    assert public_reply(h, by_mod) == "Removed line 1: 첫 줄."
    assert await story_lines(h) == []
    nothing = await relay(h, "undo", user=mod)
    assert private_reply(h, nothing) == catalog.text("relay-nothing-to-undo", "ko")


async def test_show_pages_stay_within_discord_limits(discord_harness: Harness) -> None:
    h = discord_harness
    alice = h.member("alice")
    await relay(h, "start", {"title": "긴 이야기"}, user=alice)
    lines = [f"@here {i}번째 줄 " + "가나다라마바사 " * 55 for i in range(5)]
    for text in lines:
        await relay(h, "write", {"text": text}, user=alice)

    first = public_reply(h, await relay(h, "show", user=alice))
    assert first.startswith("**긴 이야기** (1/2쪽)\n")
    second = public_reply(h, await relay(h, "show", {"page": 2}, user=alice, locale="en-US"))
    assert second.startswith("**긴 이야기** (page 2/2)\n")
    shown = first.split("\n", 1)[1].split("\n") + second.split("\n", 1)[1].split("\n")
    assert shown == [t.strip() for t in lines]  # whole lines, in order, none lost
    missing = await relay(h, "show", {"page": 3}, user=alice)
    assert private_reply(h, missing) == catalog.text("relay-no-page", "ko", page=3, pages=2)


async def test_export_attaches_markdown_and_text(discord_harness: Harness) -> None:
    h = discord_harness
    alice, bob = h.member("alice"), h.member("bob")
    nothing = await relay(h, "export", user=alice)
    assert private_reply(h, nothing) == catalog.text("relay-no-story", "ko")

    await relay(h, "start", user=alice)
    await relay(h, "write", {"text": "@everyone 비가 내렸다."}, user=alice)
    await relay(h, "write", {"text": "우산이 없었다."}, user=bob)
    exported = await relay(h, "export", user=bob)

    story = await relay_cog(h).relay.stories.active(channel_of(h))
    assert story is not None
    callback = assert_callback(h, exported, CHANNEL_MESSAGE)
    assert callback.filenames == [f"story-{story.id}.md", f"story-{story.id}.txt"]
    assert assert_safe_data(callback.json["data"]) == catalog.text("discord-untitled", "ko")
    # an interaction callback names its files in data.attachments (a message send, at the top)
    attachments = callback.json["data"]["attachments"]
    assert [a["filename"] for a in attachments] == callback.filenames
    markdown, text = (f.content for f in callback.files)
    # the words around the lines are in the story's language (Korean: started without one)
    untitled = catalog.text("relay-export-untitled", "ko")
    assert markdown.decode().startswith(f"# {untitled}\n")
    assert "@everyone 비가 내렸다.\n" in markdown.decode() and "우산이 없었다." in markdown.decode()
    assert text.decode().startswith(f"{untitled}\n=====\n")
    assert "함께 쓴 사람: Alice, Bob" in text.decode()


async def test_end_archives_the_story_and_stories_lists_it(discord_harness: Harness) -> None:
    h = discord_harness
    alice, bob, mod = h.member("alice"), h.member("bob"), moderator(h)
    empty = await relay(h, "stories", user=bob)
    assert public_reply(h, empty) == catalog.text("discord-relay-no-stories", "ko")

    await relay(h, "start", {"title": "등대지기"}, user=alice)
    await relay(h, "write", {"text": "불이 꺼졌다."}, user=bob)
    story = await relay_cog(h).relay.stories.active(channel_of(h))
    assert story is not None
    refused = await relay(h, "end", user=bob)
    assert private_reply(h, refused) == catalog.text("relay-end-not-yours", "ko", starter="Alice")
    ended = await relay(h, "end", user=alice)
    assert public_reply(h, ended) == "“등대지기” 이야기를 보관했어요(1줄)."
    assert await relay_cog(h).relay.stories.active(channel_of(h)) is None
    gone = await relay(h, "show", user=alice)
    assert private_reply(h, gone) == catalog.text("relay-no-story", "ko")

    await relay(h, "start", user=bob)
    discarded = await relay(h, "end", user=mod)  # a moderator may end anyone's story
    assert public_reply(h, discarded) == catalog.text("discord-relay-discarded", "ko")

    listed = await relay(h, "stories", user=bob)
    assert public_reply(h, listed) == "보관한 이야기 (1/1쪽, 모두 1편):\n• 등대지기 (1줄)"
    in_english = await relay(h, "stories", user=bob, locale="en-US")
    assert public_reply(h, in_english) == (
        "Archived stories (page 1/1, 1 in all):\n• 등대지기 (1 line)"
    )
    beyond = await relay(h, "stories", {"page": 2}, user=bob)
    assert private_reply(h, beyond) == catalog.text("relay-no-stories-page", "ko", page=2, pages=1)


# --- bugs found by these tests, fixed in the cog --------------------------------------------


async def test_a_superscript_length_gets_an_answer(discord_harness: Harness) -> None:
    h = discord_harness
    alice = h.member("alice")
    await relay(h, "start", user=alice)
    with h.expect_errors():
        interaction = await relay(h, "continue", {"length": "²"}, user=alice)
        errors = h.error_messages()
    assert errors == [], errors
    assert followup_text(h, interaction) == catalog.text("relay-bad-length", "ko", min=16, max=160)
    assert h.jobs == []


async def test_a_failed_announcement_does_not_silence_later_ones(
    model_worker: Worker, discord_harness: Harness
) -> None:
    h = discord_harness
    alice = h.member("alice")
    cog = relay_cog(h)
    channel_id = h.world.channel["id"]
    await relay(h, "start", user=alice)
    _, first, _ = await post_round(h, alice)
    h.rest.respond(
        "POST", MESSAGES_ROUTE, status=403, body={"code": 50013, "message": "Missing Permissions"}
    )
    with h.expect_errors():
        [result] = await cog.relay.close_due_rounds(now=first.deadline + 1)
        await announce(cog.bus, result)
        await wait_until(
            lambda: any(
                r.status == 403 for r in h.rest.find("POST", MESSAGES_ROUTE, channel_id=channel_id)
            )
        )
        _, second, _ = await post_round(h, alice)
        [result] = await cog.relay.close_due_rounds(now=second.deadline + 1)
        await announce(cog.bus, result)
        closing = await h.wait_for_request(
            "POST", MESSAGES_ROUTE, channel_id=channel_id, timeout=1.5
        )
    assert closing.json["content"].startswith("투표가 끝났어요(")
