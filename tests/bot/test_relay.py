"""The relay service on a real redis-server, with a real worker and a tiny model where it matters."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from bot.inference import InferenceClient, InferenceTimeout
from bot.relay.service import RelayError, RelayService, RoundResult
from bot.relay.text import (
    build_prompt,
    clean_candidate,
    clean_candidates,
    cut_at_sentence_end,
    story_language,
)
from contract.settings import RelaySettings
from storage.connection import Redis
from storage.stories import Line
from tests.bot.refusals import refused
from tests.worker_support import running_worker

CH = "web:room1"
FAST = RelaySettings(
    new_tokens_default=8, new_tokens_min=4, new_tokens_max=16, generate_timeout_s=20
)


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Scripted:
    """A generator that answers from a script (one list per call) and records prompts."""

    def __init__(self, *answers: list[str], delay: float = 0.0) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []
        self.params: list[dict[str, Any]] = []
        self.delay = delay

    async def generate(
        self, prompts: list[str], *, timeout: float | None = None, **params: Any
    ) -> list[list[str]]:
        self.prompts.append(prompts[0])
        self.params.append(params)
        if self.delay:
            await asyncio.sleep(self.delay)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return [answer]


@pytest.fixture(scope="module")
def tiny_handler(tiny_gpt2: Path) -> Any:
    from models.generation import LocalGenerator
    from models.handlers import GenerateHandler
    from models.loading import load_causal_lm

    return GenerateHandler(LocalGenerator(load_causal_lm(str(tiny_gpt2))))


@pytest.fixture
async def model(redis: Redis, tiny_handler: Any) -> AsyncIterator[InferenceClient]:
    async with (
        running_worker(redis, {"generate": tiny_handler}),
        InferenceClient(redis, timeout_s=20) as client,
    ):
        yield client


# --- text rules -----------------------------------------------------------------------------


def test_cleaning_cuts_strips_and_drops() -> None:
    assert cut_at_sentence_end("그는 웃었다. 그리고 다시", 100) == "그는 웃었다."
    assert cut_at_sentence_end('She said "go!" and then', 100) == 'She said "go!"'
    assert cut_at_sentence_end("pi is 3.14 and more words here", 100) == "pi is 3.14 and more words"
    assert (
        clean_candidate(
            "\x07 @everyone hi <@123> there.\ufffd", prompt="", max_chars=50, language="en"
        )
        == "hi there."
    )
    assert clean_candidate("Title: 바다", prompt="", max_chars=50, language="ko") is None
    assert clean_candidate("  \n ", prompt="", max_chars=50, language="ko") is None
    prompt = "제목: 바다\n\n파도가 밀려왔다. 소녀는 노래했다."
    assert clean_candidate("소녀는 노래했다.", prompt=prompt, max_chars=50, language="ko") is None
    got = clean_candidates(
        ["비가 왔다.", "비가  왔다!", "", "해가 떴다."], prompt=prompt, max_chars=50, language="ko"
    )
    assert got == ["비가 왔다.", "해가 떴다."]


def test_prompt_keeps_title_and_newest_text_within_budget() -> None:
    lines = [f"line number {i}." for i in range(100)]
    prompt = build_prompt(title="Sea", genre="fable", lines=lines, context_chars=60)
    head, body = prompt.split("\n\n", 1)
    assert head == "Sea · fable"
    # the newest text, one story line per line, and a line break where the continuation starts
    assert body.endswith("line number 99.\n") and len(body) <= 61
    assert "Keyword" not in prompt and "storm" not in prompt
    assert (
        build_prompt(title="", genre="", lines=["하나.", "둘."], context_chars=60) == "하나.\n둘.\n"
    )
    assert build_prompt(title="바다", genre="", lines=[], context_chars=60) == "바다\n\n"


def test_a_candidate_that_starts_by_repeating_the_story_keeps_only_what_is_new() -> None:
    prompt = "비 오는 날\n\n하늘은 잿빛이었고 바람이 차가웠다.\n"
    raw = "하늘은 잿빛이었고 바람이 차가웠다. 민지는 우산을 폈다."
    assert (
        clean_candidate(raw, prompt=prompt, max_chars=200, language="ko") == "민지는 우산을 폈다."
    )
    # all of it repeated: nothing is left
    assert (
        clean_candidate(
            "하늘은 잿빛이었고 바람이 차가웠다.", prompt=prompt, max_chars=200, language="ko"
        )
        is None
    )


def test_story_language_follows_the_newest_lines() -> None:
    english = ["The storm had not stopped for three days and the sea was grey."]
    assert story_language(english, "ko") == "en"
    assert story_language(["비가 오는 날이었다. 민지는 우산을 들고 나갔다."], "en") == "ko"
    assert story_language(["ok"], "en") == "en"  # too little to tell: the declared language
    assert story_language([], "xx") == "ko"


# --- the whole story with the tiny model ------------------------------------------------------


async def test_a_whole_story_from_start_to_export(redis: Redis, model: InferenceClient) -> None:
    clock = Clock()
    relay = RelayService(redis, model, FAST, clock=clock)
    started = await relay.start(CH, "u1", "Ann", title="바다 이야기", genre="동화")
    assert started.created
    assert started.text("ko") == "새 이야기를 시작했어요: 바다 이야기"
    assert started.text("en-US") == "Started a new story: 바다 이야기."
    again = await relay.start(CH, "u2", "Bo", title="other")
    assert not again.created and again.story.id == started.story.id
    assert again.messages == {
        lang: texts.text("relay-already-started", lang, title="바다 이야기", lines=0)
        for lang in ("ko", "en")
    }
    assert "already has a story" in again.messages["en"] and "이미" in again.messages["ko"]
    for shown in [*started.messages.values(), *again.messages.values()]:
        assert started.story.id not in shown and "/relay" not in shown  # no ids, no syntax
    await relay.write(CH, "u1", "Ann", "옛날 옛적에 바닷가 마을이 있었다.")
    await relay.write(CH, "u2", "Bo", "Once upon a time the sea sang.")

    rnd = await relay.continue_story(CH, "u2", "Bo", keyword="파도", length="short")
    assert 1 <= len(rnd.candidates) <= 3 and rnd.max_new_tokens == 4 and rnd.keyword == "파도"
    assert all(c.strip() and "@" not in c for c in rnd.candidates)
    await relay.vote(rnd.id, "u1", 1)
    await relay.vote(rnd.id, "bot", len(rnd.candidates), is_bot=True)
    assert await relay.close_due_rounds() == []  # not due yet
    clock.now += FAST.round_seconds + 1
    [result] = await relay.close_due_rounds()
    assert result.winner == 1 and result.counts[0] == 1 and sum(result.counts) == 1
    assert (
        result.line is not None
        and result.line.source == "model"
        and result.line.text == rnd.candidates[0]
    )

    page = await relay.show(CH)
    assert page.pages == 1 and [ln.number for ln in page.lines] == [1, 2, 3]
    export = await relay.export(CH)
    assert export.markdown.startswith("# 바다 이야기") and rnd.candidates[0] in export.markdown
    assert "옛날 옛적에" in export.text and export.filename.endswith(started.story.id)
    # the byline is in the story's language (Korean here), or in the one asked for
    assert "3줄 (그중 1줄은 모델이 쓰고 투표로 골랐어요) · 함께 쓴 사람: Ann, Bo" in export.text
    english = await relay.export(CH, lang="en")
    assert "3 lines (1 by the model, chosen by vote); written by Ann, Bo" in english.markdown
    ended = await relay.end(CH, "u1")
    assert ended.archived
    listed = await relay.stories_page(CH)
    assert [s.id for s in listed.stories] == [started.story.id] and listed.stories[
        0
    ].line_count == 3
    story, lines = await relay.read(started.story.id)
    assert story.status == "archived" and len(lines) == 3
    with refused(RelayError, "relay-no-story"):
        await relay.write(CH, "u1", "Ann", "after the end")


async def test_two_concurrent_continues_make_one_round(
    redis: Redis, model: InferenceClient
) -> None:
    relay = RelayService(redis, model, FAST)
    await relay.start(CH, "u1", "Ann", title="t")
    await relay.write(CH, "u1", "Ann", "The night was quiet.")
    got = await asyncio.gather(
        relay.continue_story(CH, "u1", "Ann"),
        relay.continue_story(CH, "u2", "Bo"),
        return_exceptions=True,
    )
    rounds = [g for g in got if not isinstance(g, BaseException)]
    errors = [g for g in got if isinstance(g, RelayError)]
    assert len(rounds) == 1 and len(errors) == 1
    assert errors[0].round_id == rounds[0].id and errors[0].code == "relay-round-already-open"
    assert rounds[0].id not in errors[0].message("en")  # an internal id is no text for a person
    with refused(RelayError, "relay-round-already-open") as info:
        await relay.continue_story(CH, "u3", "Cy")
    assert info.value.round_id == rounds[0].id


async def test_restart_mid_round_closes_on_time_with_its_votes(
    redis: Redis, model: InferenceClient
) -> None:
    clock = Clock()
    first = RelayService(redis, model, FAST, clock=clock)
    await first.start(CH, "u1", "Ann", title="t")
    rnd = await first.continue_story(CH, "u1", "Ann")
    for user in ("a", "b", "c"):
        await first.vote(rnd.id, user, len(rnd.candidates))
    del first  # the bot process goes away; Redis keeps the round

    second = RelayService(redis, model, FAST, clock=clock)
    assert await second.close_due_rounds(rnd.deadline - 1) == []
    [result] = await second.close_due_rounds(rnd.deadline + 0.5)
    assert result.round_id == rnd.id and result.winner == len(rnd.candidates)
    assert result.counts[-1] == 3
    assert await second.close_due_rounds(rnd.deadline + 100) == []  # applied exactly once
    story = await second.stories.active(CH)
    assert story is not None and story.line_count == 1


# --- votes -------------------------------------------------------------------------------------


async def _round(relay: RelayService) -> str:
    await relay.start(CH, "u1", "Ann", title="t")
    return (await relay.continue_story(CH, "u1", "Ann")).id


async def test_fifty_concurrent_voters_with_double_taps(redis: Redis) -> None:
    clock = Clock()
    relay = RelayService(redis, Scripted(["하나.", "둘.", "셋."]), FAST, clock=clock)
    rid = await _round(relay)
    taps = [relay.vote(rid, f"user{i}", 1 + i % 3) for i in range(50) for _ in range(2)]
    taps += [relay.vote(rid, f"bot{i}", 1, is_bot=True) for i in range(10)]
    results = await asyncio.gather(*taps)
    assert sum(r.accepted for r in results) == 100
    clock.now += 61
    [result] = await relay.close_due_rounds()
    assert result.counts == [17, 17, 16] and result.winner == 1  # tie: the lowest number wins


async def test_later_vote_replaces_and_votes_after_close_are_refused(redis: Redis) -> None:
    clock = Clock()
    relay = RelayService(redis, Scripted(["하나.", "둘.", "셋."]), FAST, clock=clock)
    rid = await _round(relay)
    await relay.vote(rid, "a", 1)
    changed = await relay.vote(rid, "a", 3)
    assert changed.previous == 1 and changed.voters == 1
    with refused(RelayError, "relay-bad-choice", choices=3):
        await relay.vote(rid, "a", 4)
    clock.now += 61
    [result] = await relay.close_due_rounds()
    assert result.counts == [0, 0, 1] and result.line is not None and result.line.text == "셋."
    with refused(RelayError, "relay-round-closed") as info:
        await relay.vote(rid, "b", 1)
    assert info.value.round_id == rid
    with refused(RelayError, "relay-no-round"):
        await relay.vote("nope", "b", 1)


async def test_quorum_of_recent_writers_closes_early(redis: Redis) -> None:
    settings = FAST.model_copy(update={"quorum": 1.0})
    relay = RelayService(redis, Scripted(["하나.", "둘."]), settings)
    await relay.start(CH, "u1", "Ann", title="t")
    await relay.write(CH, "u2", "Bo", "hello.")
    rnd = await relay.continue_story(CH, "u1", "Ann")
    first = await relay.vote(rnd.id, "u1", 2)
    assert first.closed is None
    await relay.vote(rnd.id, "outsider", 1)
    done = await relay.vote(rnd.id, "u2", 2)
    assert done.closed is not None and done.closed.reason == "quorum" and done.closed.winner == 2
    assert await relay.open_round(CH) is None


async def test_a_web_room_closes_when_its_writers_voted_other_platforms_wait(
    redis: Redis,
) -> None:
    """The default settings: web rooms close early, Discord and Kakao channels on the timer."""
    clock = Clock()
    relay = RelayService(redis, Scripted(["하나.", "둘."]), FAST, clock=clock)
    assert FAST.quorum_for("web:x") == 1.0 and FAST.quorum_for("discord:1") == 0.0
    rounds = {}
    for channel in ("web:solo", "discord:42", "kakao:7"):
        await relay.start(channel, "u1", "Ann", title="t")
        rounds[channel] = (await relay.continue_story(channel, "u1", "Ann")).id
        outsider = await relay.vote(rounds[channel], "reader", 2)  # never wrote: no quorum
        assert outsider.closed is None
    solo = await relay.vote(rounds["web:solo"], "u1", 2)
    assert solo.closed is not None and solo.closed.reason == "quorum"
    assert solo.closed.line is not None and solo.closed.line.text == "둘."
    for channel in ("discord:42", "kakao:7"):
        assert (await relay.vote(rounds[channel], "u1", 2)).closed is None
        assert await relay.open_round(channel) is not None
    clock.now += 61
    closed = sorted(r.channel for r in await relay.close_due_rounds())
    assert closed == ["discord:42", "kakao:7"]


async def test_platform_quorum_can_be_set_and_turned_off(
    redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contract.settings import load_settings

    monkeypatch.setenv("NORAE_RELAY_PLATFORM_QUORUM", '{"kakao": 0.5}')
    settings = load_settings().relay
    assert settings.platform_quorum == {"kakao": 0.5}
    assert settings.quorum_for("web:a") == 0.0 and settings.quorum_for("kakao:a") == 0.5
    with pytest.raises(ValueError, match="platform_quorum"):
        RelaySettings(platform_quorum={"web": 2.0})
    timer_only = FAST.model_copy(update={"platform_quorum": {}})
    relay = RelayService(redis, Scripted(["하나.", "둘."]), timer_only)
    await relay.start("web:timer", "u1", "Ann", title="t")
    rnd = await relay.continue_story("web:timer", "u1", "Ann")
    assert (await relay.vote(rnd.id, "u1", 1)).closed is None


async def test_no_votes_drop_policy_and_reroll(redis: Redis) -> None:
    clock = Clock()
    gen = Scripted(["하나.", "둘."], ["셋.", "넷."])
    relay = RelayService(
        redis,
        gen,
        FAST.model_copy(update={"no_vote_policy": "drop", "max_rerolls": 1}),
        clock=clock,
    )
    rid = await _round(relay)
    await relay.vote(rid, "a", 1)
    rerolled = await relay.reroll(CH, "someone")
    assert rerolled.candidates == ["셋.", "넷."] and rerolled.rerolls == 1
    with refused(RelayError, "relay-reroll-limit", rerolls=1):
        await relay.reroll(CH, "someone")
    clock.now += 61
    [result] = await relay.close_due_rounds()
    assert result.winner is None and result.line is None and result.note == "relay-note-no-votes"
    assert result.text("en") == "Vote closed (1: 0, 2: 0). No votes, so nothing was added."
    assert (
        result.text("ko")
        == "투표가 끝났어요 (1번 0표, 2번 0표). 표가 없어서 아무것도 더하지 않았어요."
    )


# --- candidates ----------------------------------------------------------------------------------


async def test_too_few_usable_candidates_regenerates_once(redis: Redis) -> None:
    gen = Scripted(["", "@here", "  "], ["바람이 불었다. 그리고", "바람이 불었다.", "별이 떴다!"])
    relay = RelayService(redis, gen, FAST)
    await relay.start(CH, "u1", "Ann", title="t")
    rnd = await relay.continue_story(CH, "u1", "Ann")
    assert rnd.candidates == ["바람이 불었다.", "별이 떴다!"] and len(gen.prompts) == 2


async def test_unusable_model_output_releases_the_round(redis: Redis) -> None:
    relay = RelayService(redis, Scripted(["", " ", "<@1>"]), FAST)
    await relay.start(CH, "u1", "Ann", title="t")
    with refused(RelayError, "relay-no-continuation"):
        await relay.continue_story(CH, "u1", "Ann")
    relay.inference = Scripted(["하나.", "둘."])
    assert len((await relay.continue_story(CH, "u1", "Ann")).candidates) == 2


async def test_model_errors_reach_the_user_and_free_the_channel(redis: Redis) -> None:
    class Failing:
        async def generate(self, prompts: list[str], **params: Any) -> list[list[str]]:
            raise InferenceTimeout("model-offline", detail="no worker serves 'generate' jobs")

    relay = RelayService(redis, Failing(), FAST)
    await relay.start(CH, "u1", "Ann", title="t")
    with refused(RelayError, "model-offline") as info:
        await relay.continue_story(CH, "u1", "Ann")
    # told plainly, and still known as the model's failure (a front door answers 503 for it)
    assert "worker" not in info.value.message("en")
    assert isinstance(info.value.__context__, InferenceTimeout)
    assert await relay.votes.open_round_id(CH) is None


async def test_proposals_steer_the_next_continuation(redis: Redis) -> None:
    gen = Scripted(["하나.", "둘."])
    relay = RelayService(redis, gen, FAST)
    await relay.start(CH, "u1", "Ann", title="t")
    sea = await relay.propose(CH, "u1", "Ann", "keyword", "바다")
    storm = await relay.propose(CH, "u2", "Bo", "keyword", "폭풍")
    await relay.propose(CH, "u2", "Bo", "length", "long")
    assert not (await relay.propose(CH, "u3", "Cy", "keyword", " 바다 ")).created
    await relay.vote_proposal(CH, "u1", storm.proposal.id)
    await relay.vote_proposal(CH, "u2", storm.proposal.id)
    await relay.vote_proposal(CH, "u3", sea.proposal.id)
    assert not (await relay.vote_proposal(CH, "b", sea.proposal.id, is_bot=True)).accepted
    rnd = await relay.continue_story(CH, "u1", "Ann")
    assert rnd.keyword == "폭풍" and rnd.max_new_tokens == FAST.new_tokens_max
    # the keyword goes to the decoder (which works it into the text), not into the prompt
    assert gen.params[0]["keyword"] == "폭풍" and await relay.proposals(CH) == []
    with refused(RelayError, "relay-bad-length", min=FAST.new_tokens_min, max=FAST.new_tokens_max):
        await relay.propose(CH, "u1", "Ann", "length", "999")


# --- permissions and bad input -----------------------------------------------------------------


async def test_undo_permissions(redis: Redis) -> None:
    clock = Clock()
    relay = RelayService(redis, Scripted(["하나.", "둘."]), FAST, clock=clock)
    await relay.start(CH, "u1", "Ann", title="t")
    with refused(RelayError, "relay-nothing-to-undo"):
        await relay.undo(CH, "u1")
    await relay.write(CH, "u2", "Bo", "Bo's line.")
    with refused(RelayError, "relay-undo-not-yours", author="Bo"):
        await relay.undo(CH, "u1")
    undone = await relay.undo(CH, "u2")
    assert undone.line.text == "Bo's line." and undone.story.line_count == 0
    await relay.write(CH, "u2", "Bo", "again.")
    assert (await relay.undo(CH, "mod", moderator=True)).story.line_count == 0
    # A model line belongs to whoever asked for the continuation.
    rnd = await relay.continue_story(CH, "u3", "Cy")
    clock.now += 61
    await relay.close_due_rounds()
    with refused(RelayError, "relay-undo-not-yours", author="Cy"):
        await relay.undo(CH, "u1")
    assert (await relay.undo(CH, "u3")).line.round_id == rnd.id


async def test_bad_inputs_have_clear_errors_and_lose_nothing(redis: Redis) -> None:
    settings = FAST.model_copy(update={"max_line_chars": 20, "max_story_chars": 30})
    relay = RelayService(redis, Scripted(["하나.", "둘."]), settings)
    with refused(RelayError, "relay-no-story"):
        await relay.write(CH, "u1", "Ann", "hi")
    with refused(RelayError, "relay-no-story"):
        await relay.continue_story(CH, "u1", "Ann")
    with refused(RelayError, "relay-bad-language"):
        await relay.start(CH, "u1", "Ann", language="xx")
    with refused(RelayError, "relay-field-too-long", field="title", limit=100):
        await relay.start(CH, "u1", "Ann", title="t" * 101)
    await relay.start(CH, "u1", "Ann", title="t")
    await relay.write(CH, "u1", "Ann", "first line.")
    for bad in ["", "   \n\t "]:
        with refused(RelayError, "relay-empty-line"):
            await relay.write(CH, "u1", "Ann", bad)
    with refused(RelayError, "relay-line-too-long", length=21, limit=20) as info:
        await relay.write(CH, "u1", "Ann", "x" * 21)
    assert "21 characters" in info.value.message("en") and "21자" in info.value.message("ko")
    await relay.write(CH, "u1", "Ann", "second line.")
    with refused(RelayError, "relay-story-full", what="chars", limit=30):
        await relay.write(CH, "u1", "Ann", "third line.")
    for kw, length, code in [
        ("   ", None, "relay-empty-keyword"),
        (None, "huge", "relay-bad-length"),
        (None, 3, "relay-bad-length"),
    ]:
        with refused(RelayError, code):
            await relay.continue_story(CH, "u1", "Ann", keyword=kw, length=length)
    with refused(RelayError, "relay-no-open-round"):
        await relay.reroll(CH, "u1")
    with refused(RelayError, "relay-no-page", page=2, pages=1) as info:
        await relay.show(CH, 2)
    assert info.value.message("en") == "There is no page 2; the story has 1 page."
    with refused(RelayError, "relay-end-not-yours", starter="Ann"):
        await relay.end(CH, "u2")
    page = await relay.show(CH)
    assert page.text == "first line.\nsecond line."
    assert await relay.votes.open_round_id(CH) is None


async def test_show_paginates_whole_lines(redis: Redis) -> None:
    relay = RelayService(redis, Scripted(["a."]), FAST)
    await relay.start(CH, "u1", "Ann")
    for i in range(30):
        await relay.write(CH, "u1", "Ann", f"{i:02d} " + "가" * 96)
    pages = [await relay.show(CH, p, page_chars=500) for p in (1, 2, 3, 4, 5, 6)]
    assert all(len(p.text) <= 500 and p.pages == 6 for p in pages)
    assert [ln.number for p in pages for ln in p.lines] == list(range(1, 31))


async def test_ending_cancels_the_open_round(redis: Redis) -> None:
    relay = RelayService(redis, Scripted(["하나.", "둘."]), FAST)
    rid = await _round(relay)
    await relay.write(CH, "u1", "Ann", "a line.")
    ended = await relay.end(CH, "u1")
    assert ended.cancelled_round == rid and ended.archived
    with refused(RelayError, "relay-round-closed"):
        await relay.vote(rid, "a", 1)
    assert await relay.close_due_rounds(1e12) == []


def test_a_closed_round_is_told_in_both_languages_without_its_id() -> None:
    line = Line(2, "파도가 밀려왔다.", "u1", "Ann", "model", 0.0, "r1")
    won = RoundResult("r1", CH, "s1", ["하나.", "파도가 밀려왔다."], [1, 2], 2, line, "timer")
    assert won.messages == {
        "ko": "투표가 끝났어요 (1번 1표, 2번 2표). 2번 후보가 이야기에 이어졌어요.",
        "en": "Vote closed (1: 1, 2: 2). Candidate 2 joins the story.",
    }
    full = RoundResult("r1", CH, "s1", ["하나."], [1], 1, None, "quorum", "relay-note-story-full")
    assert (
        full.text("en")
        == "Vote closed (1: 1). The story is full, so the winner could not be added."
    )
    assert full.text("ko").endswith("이야기가 가득 차서 이긴 후보를 더하지 못했어요.")
    silent = RoundResult("r1", CH, "s1", ["하나."], [0], None, None, "timer")
    assert silent.text("en") == "Vote closed (1: 0). Nothing was added."
    for result in (won, full, silent):
        assert all("r1" not in text and "s1" not in text for text in result.messages.values())
