"""The relay in the web chat, through aiohttp's test client: JSON API, live events, reader page."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer

from bot.inference import InferenceBusy, InferenceClient
from bot.relay.service import RelayService
from bot.web.app import create_app
from contract.settings import RelaySettings, Settings
from storage import keys
from storage.connection import Redis
from tests.bot.test_relay import Clock, Scripted
from tests.worker_support import running_worker

Client = TestClient[web.Request, web.Application]
ROOM = "/api/rooms/room1"
# A browser that asks for English (without the header it would read Korean).
ENGLISH = {"Accept-Language": "en"}
LINES = ["첫째 문장입니다.", "둘째 문장입니다.", "셋째 문장입니다."]


@asynccontextmanager
async def serve(redis: Redis, relay: RelayService, users: int = 2) -> AsyncIterator[list[Client]]:
    """One app, one browser (its own cookie jar, English) per user; the ticker runs every 50 ms."""
    app = create_app(redis, InferenceClient(redis), settings=Settings(), relay=relay, tick_s=0.05)
    server = TestServer(app)
    clients = [TestClient(server, headers=ENGLISH) for _ in range(users)]
    for c in clients:
        await c.start_server()
        await c.get("/")  # a browser loads the page (and gets its id cookie) first
    await _until_listening(redis)
    try:
        yield clients
    finally:
        for c in reversed(clients):
            await c.close()


async def _until_listening(redis: Redis) -> None:
    """The app's event forwarder has subscribed (events published before that are lost)."""
    for _ in range(100):
        subs = await redis.pubsub_numsub(keys.events_channel("web"))
        if subs and subs[0][1]:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the app never subscribed to web events")


async def post(client: Client, path: str, body: dict[str, Any], status: int = 200) -> Any:
    resp = await client.post(f"{ROOM}/{path}", json=body)
    data = await resp.json()
    assert resp.status == status, data
    return data


async def error(resp: ClientResponse, status: int = 400) -> str:
    assert resp.status == status and resp.content_type == "application/json"
    data = await resp.json()
    assert set(data) <= {"error", "messages", "code", "round_id"}
    assert "Traceback" not in data["error"]
    return str(data["error"])


async def next_event(resp: ClientResponse, kind: str, timeout: float = 5.0) -> dict[str, Any]:
    """The next SSE event of ``kind`` (earlier events of other kinds are skipped)."""

    async def read() -> dict[str, Any]:
        while True:
            line = (await resp.content.readline()).decode()
            if line.startswith("data: "):
                event: dict[str, Any] = json.loads(line[6:])
                if event["type"] == kind:
                    return event

    return await asyncio.wait_for(read(), timeout)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def relay(redis: Redis, clock: Clock) -> RelayService:
    return RelayService(redis, Scripted(LINES), RelaySettings(round_seconds=30), clock=clock)


# --- a whole story ---------------------------------------------------------------------------


async def test_a_whole_story_over_http(redis: Redis, relay: RelayService, clock: Clock) -> None:
    async with serve(redis, relay) as (ann, bo):
        started = await post(ann, "start", {"nick": "Ann", "title": "바다", "genre": "동화"}, 201)
        story_id = started["story"]["id"]
        assert started["created"] and "Started" in started["message"]
        again = await post(bo, "start", {"nick": "Bo", "title": "other"})
        assert not again["created"] and again["story"]["id"] == story_id

        wrote = await post(
            ann, "write", {"nick": "Ann", "text": "옛날 옛적에 바닷가 마을이 있었다."}
        )
        assert wrote["line"]["number"] == 1 and wrote["line"]["author_name"] == "Ann"

        rnd = await post(bo, "continue", {"nick": "Bo", "keyword": "파도", "length": "short"}, 201)
        assert rnd["candidates"] == LINES and rnd["keyword"] == "파도"
        assert rnd["counts"] == [0, 0, 0]
        state = await (await ann.get(ROOM)).json()
        assert state["round"]["id"] == rnd["id"] and state["story"]["line_count"] == 1

        await post(ann, "vote", {"round_id": rnd["id"], "choice": 2})
        voted = await post(bo, "vote", {"round_id": rnd["id"], "choice": 2})
        assert voted["counts"] == [0, 2, 0]

        clock.now += 31  # the app's ticker closes it
        for _ in range(100):
            if (await (await ann.get(f"{ROOM}/round")).json())["round"] is None:
                break
            await asyncio.sleep(0.05)
        shown = await (await bo.get(f"{ROOM}/show")).json()
        assert shown["text"] == "옛날 옛적에 바닷가 마을이 있었다.\n둘째 문장입니다."
        assert [line["source"] for line in shown["lines"]] == ["human", "model"]

        md = await ann.get(f"{ROOM}/export?format=md")
        assert md.status == 200 and md.content_type == "text/markdown"
        assert "attachment" in md.headers["Content-Disposition"]
        assert f"{story_id}.md" in md.headers["Content-Disposition"]
        assert (await md.text()).startswith("# 바다")
        txt = await ann.get(f"{ROOM}/export?format=txt")
        assert txt.content_type == "text/plain" and "둘째 문장입니다." in await txt.text()

        refused = await error(await bo.post(f"{ROOM}/end", json={"nick": "Bo"}))
        assert "Ann" in refused  # only the starter may end it
        ended = await post(ann, "end", {"nick": "Ann"})
        assert ended["archived"] and ended["story"]["status"] == "archived"

        listed = await (await bo.get(f"{ROOM}/stories")).json()
        assert listed["total"] == 1 and listed["stories"][0]["id"] == story_id
        page = await bo.get(f"/stories/{story_id}")
        body = await page.text()
        assert page.status == 200 and "바다" in body and "둘째 문장입니다." in body
        got = await (await bo.get(f"/api/stories/{story_id}")).json()
        assert len(got["lines"]) == 2
        download = await bo.get(f"/api/stories/{story_id}/export?format=txt")
        assert download.status == 200 and "옛날 옛적에" in await download.text()
        assert (await bo.get("/stories/nope")).status == 404


async def test_a_continuation_with_a_real_worker(redis: Redis, tiny_gpt2: Path) -> None:
    from models.generation import LocalGenerator
    from models.handlers import GenerateHandler
    from models.loading import load_causal_lm

    handler = GenerateHandler(LocalGenerator(load_causal_lm(str(tiny_gpt2))))
    settings = RelaySettings(new_tokens_default=8, new_tokens_min=4, new_tokens_max=16)
    async with (
        running_worker(redis, {"generate": handler}),
        InferenceClient(redis, timeout_s=20) as model,
    ):
        relay = RelayService(redis, model, settings)
        async with serve(redis, relay, users=1) as (ann,):
            await post(ann, "start", {"nick": "Ann", "title": "밤"}, 201)
            await post(ann, "write", {"nick": "Ann", "text": "달이 떴다."})
            rnd = await post(ann, "continue", {"nick": "Ann", "length": 8}, 201)
            assert 1 <= len(rnd["candidates"]) <= 3 and rnd["max_new_tokens"] == 8


# --- votes -----------------------------------------------------------------------------------


async def test_two_users_and_double_taps_count_exactly(redis: Redis, clock: Clock) -> None:
    # The timer alone closes the round here: Ann, the room's one writer, votes first.
    timer_only = RelaySettings(round_seconds=30, platform_quorum={})
    relay = RelayService(redis, Scripted(LINES), timer_only, clock=clock)
    async with serve(redis, relay) as (ann, bo):
        await post(ann, "start", {"nick": "Ann"}, 201)
        rnd = await post(ann, "continue", {"nick": "Ann"}, 201)
        taps = [post(ann, "vote", {"round_id": rnd["id"], "choice": 1}) for _ in range(5)]
        taps += [post(bo, "vote", {"round_id": rnd["id"], "choice": 3}) for _ in range(5)]
        await asyncio.gather(*taps)
        state = await (await bo.get(ROOM)).json()
        assert state["round"]["counts"] == [1, 0, 1] and state["round"]["voters"] == 2
        assert state["round"]["my_vote"] == 3
        changed = await post(bo, "vote", {"round_id": rnd["id"], "choice": 1})
        assert changed["previous"] == 3 and changed["counts"] == [2, 0, 0]


# --- live events -----------------------------------------------------------------------------


async def test_the_room_channel_streams_round_and_vote_events(
    redis: Redis, relay: RelayService, clock: Clock
) -> None:
    async with serve(redis, relay) as (ann, watcher):
        other_room = await watcher.get("/api/rooms/elsewhere/events")
        stream = await watcher.get(f"{ROOM}/events")
        assert stream.headers["Content-Type"] == "text/event-stream"
        assert (await next_event(stream, "hello"))["channel"] == "web:room1"

        await post(ann, "start", {"nick": "Ann", "title": "밤"}, 201)
        assert (await next_event(stream, "story_started"))["by"] == "Ann"
        await post(ann, "write", {"nick": "Ann", "text": "달이 떴다."})
        assert (await next_event(stream, "line_added"))["line"]["text"] == "달이 떴다."

        rnd = await post(ann, "continue", {"nick": "Ann"}, 201)
        assert (await next_event(stream, "writing"))["by"] == "Ann"
        opened = await next_event(stream, "round_opened")
        assert opened["round"]["id"] == rnd["id"] and opened["round"]["candidates"] == LINES

        await post(ann, "vote", {"round_id": rnd["id"], "choice": 3})
        votes = await next_event(stream, "votes")
        assert votes == {
            "type": "votes",
            "channel": "web:room1",
            "round_id": rnd["id"],
            "counts": [0, 0, 1],
            "voters": 1,
        }

        # Ann is the room's only writer: her vote closes the round (web rooms' quorum is 1).
        closed = await next_event(stream, "round_closed")
        assert closed["winner"] == 3 and closed["counts"] == [0, 0, 1]
        assert closed["line"]["text"] == "셋째 문장입니다." and closed["reason"] == "quorum"

        await post(ann, "propose", {"nick": "Ann", "kind": "keyword", "value": "별"}, 201)
        [proposal] = (await next_event(stream, "proposals"))["proposals"]
        assert proposal["value"] == "별" and "user_id" in proposal

        # Nothing from room1 leaked into the other room's stream.
        assert (await next_event(other_room, "hello"))["channel"] == "web:elsewhere"
        with pytest.raises(TimeoutError):
            await next_event(other_room, "round_opened", timeout=0.2)


async def test_a_round_closes_once_everyone_writing_in_the_room_has_voted(
    redis: Redis, relay: RelayService, clock: Clock
) -> None:
    async with serve(redis, relay, users=3) as (ann, bo, passer_by):
        await post(ann, "start", {"nick": "Ann"}, 201)
        await post(bo, "write", {"nick": "Bo", "text": "바람이 분다."})
        rnd = await post(ann, "continue", {"nick": "Ann"}, 201)
        stream = await passer_by.get(f"{ROOM}/events")
        await next_event(stream, "hello")

        # A reader who never wrote votes, and so does Ann: Bo, a writer, has not voted yet.
        first = await post(passer_by, "vote", {"round_id": rnd["id"], "choice": 1})
        second = await post(ann, "vote", {"round_id": rnd["id"], "choice": 2})
        assert first["closed"] is None and second["closed"] is None
        assert (await (await ann.get(f"{ROOM}/round")).json())["round"]["voters"] == 2

        last = await post(bo, "vote", {"round_id": rnd["id"], "choice": 2})
        assert last["closed"]["reason"] == "quorum" and last["closed"]["winner"] == 2
        assert last["closed"]["line"]["text"] == LINES[1]
        closed = await next_event(stream, "round_closed")
        assert closed["line"]["text"] == LINES[1] and closed["line"]["number"] == 2
        state = await (await passer_by.get(ROOM)).json()
        assert state["round"] is None and [x["text"] for x in state["lines"]][-1] == LINES[1]
        assert clock.now == 1_000_000.0  # no time passed: not the timer


async def test_the_activity_is_kept_for_the_next_page_load(
    redis: Redis, relay: RelayService
) -> None:
    async with serve(redis, relay) as (ann, bo):
        assert (await (await ann.get(f"{ROOM}/activity")).json()) == {"events": []}
        await post(ann, "start", {"nick": "Ann", "title": "밤"}, 201)
        await post(ann, "write", {"nick": "Ann", "text": "달이 떴다."})
        rnd = await post(ann, "continue", {"nick": "Ann"}, 201)
        await post(bo, "vote", {"round_id": rnd["id"], "choice": 2})  # a reader: kept open
        await post(ann, "vote", {"round_id": rnd["id"], "choice": 2})  # closes it

        # A browser that comes later (or reloads) reads what happened, oldest first.
        late = (await (await bo.get(f"{ROOM}/activity")).json())["events"]
        kinds = [e["type"] for e in late]
        assert kinds == ["story_started", "line_added", "round_opened", "round_closed"]
        assert late[0]["by"] == "Ann" and late[0]["story"]["title"] == "밤"
        assert late[-1]["line"]["text"] == LINES[1] and late[-1]["winner"] == 2
        assert len({e["id"] for e in late}) == 4  # the page drops the live copy by its id
        assert [e["at"] for e in late] == sorted(e["at"] for e in late)
        assert all(e["channel"] == "web:room1" for e in late)
        # Another room has its own.
        assert (await (await bo.get("/api/rooms/elsewhere/activity")).json()) == {"events": []}


async def test_every_round_view_says_how_many_rerolls_it_may_have(
    redis: Redis, clock: Clock
) -> None:
    settings = RelaySettings(round_seconds=30, max_rerolls=1)
    relay = RelayService(redis, Scripted(LINES), settings, clock=clock)
    async with serve(redis, relay) as (ann, bo):
        await post(ann, "start", {"nick": "Ann"}, 201)
        rnd = await post(ann, "continue", {"nick": "Ann"}, 201)
        assert rnd["rerolls"] == 0 and rnd["max_rerolls"] == 1
        state = await (await bo.get(ROOM)).json()
        assert state["round"]["max_rerolls"] == 1
        rerolled = await post(bo, "reroll", {"nick": "Bo"})
        assert rerolled["rerolls"] == 1 and rerolled["max_rerolls"] == 1
        current = (await (await bo.get(f"{ROOM}/round")).json())["round"]
        assert current["rerolls"] == current["max_rerolls"] == 1
        assert "limit" in await error(await bo.post(f"{ROOM}/reroll", json={"nick": "Bo"}))


async def test_proposals_steer_the_next_continuation(redis: Redis, relay: RelayService) -> None:
    async with serve(redis, relay) as (ann, bo):
        await post(ann, "start", {"nick": "Ann"}, 201)
        first = await post(ann, "propose", {"nick": "Ann", "kind": "keyword", "value": "별"}, 201)
        second = await post(bo, "propose", {"nick": "Bo", "kind": "keyword", "value": "달"}, 201)
        await post(ann, "propose", {"nick": "Ann", "kind": "length", "value": "short"}, 201)
        for c in (ann, bo):
            await post(c, "proposals/vote", {"proposal_id": second["proposal"]["id"]})
        listed = await (await ann.get(f"{ROOM}/proposals")).json()
        votes = {p["value"]: p["votes"] for p in listed["proposals"]}
        assert votes == {"별": 0, "달": 2, "short": 0} and first["created"]
        rnd = await post(bo, "continue", {"nick": "Bo"}, 201)
        assert rnd["keyword"] == "달" and rnd["max_new_tokens"] == relay.settings.new_tokens_min
        assert (await (await ann.get(f"{ROOM}/proposals")).json())["proposals"] == []


async def test_reroll_and_undo(redis: Redis, relay: RelayService) -> None:
    async with serve(redis, relay) as (ann, bo):
        await post(ann, "start", {"nick": "Ann"}, 201)
        await post(ann, "write", {"nick": "Ann", "text": "하나."})
        rnd = await post(ann, "continue", {"nick": "Ann"}, 201)
        await post(bo, "vote", {"round_id": rnd["id"], "choice": 1})
        rerolled = await post(bo, "reroll", {"nick": "Bo"})
        assert rerolled["id"] == rnd["id"] and rerolled["rerolls"] == 1
        assert rerolled["counts"] == [0, 0, 0]
        assert "author" in await error(await bo.post(f"{ROOM}/undo", json={"nick": "Bo"}))
        undone = await post(ann, "undo", {"nick": "Ann"})
        assert undone["line"]["text"] == "하나." and undone["story"]["line_count"] == 0


# --- errors ----------------------------------------------------------------------------------


async def test_errors_are_400_json_with_clear_messages(
    redis: Redis, relay: RelayService, clock: Clock
) -> None:
    async with serve(redis, relay, users=1) as (ann,):
        no_story = await ann.post(f"{ROOM}/write", json={"nick": "Ann", "text": "hi"})
        assert "no story" in await error(no_story)
        await post(ann, "start", {"nick": "Ann"}, 201)
        assert "empty" in await error(
            await ann.post(f"{ROOM}/write", json={"nick": "Ann", "text": "   "})
        )
        too_long = await ann.post(f"{ROOM}/write", json={"nick": "Ann", "text": "가" * 600})
        assert "limit is 500" in await error(too_long)
        assert "nick" in await error(await ann.post(f"{ROOM}/write", json={"text": "hi"}))
        assert "nick" in await error(
            await ann.post(f"{ROOM}/write", json={"nick": "\u202e ", "text": "hi"})
        )
        assert "JSON" in await error(
            await ann.post(
                f"{ROOM}/write", data=b"{nope", headers={"Content-Type": "application/json"}
            )
        )
        assert "application/json" in await error(
            await ann.post(f"{ROOM}/write", data=b"nick=Ann"), 415
        )
        huge = json.dumps({"nick": "Ann", "text": "x" * 20_000})
        assert await error(
            await ann.post(
                f"{ROOM}/write", data=huge, headers={"Content-Type": "application/json"}
            ),
            413,
        )
        extra = await ann.post(f"{ROOM}/write", json={"nick": "A", "text": "t", "admin": True})
        assert "admin" in await error(extra)
        assert "language" in await error(
            await ann.post("/api/rooms/room2/start", json={"nick": "A", "language": "fr"})
        )
        bad_length = await ann.post(f"{ROOM}/continue", json={"nick": "A", "length": 9999})
        assert "Length must be" in await error(bad_length)
        assert "page" in await error(await ann.get(f"{ROOM}/show?page=0"))
        assert "format" in await error(await ann.get(f"{ROOM}/export?format=pdf"))

        rnd = await post(ann, "continue", {"nick": "Ann"}, 201)
        assert "already open" in await error(
            await ann.post(f"{ROOM}/continue", json={"nick": "Ann"})
        )
        elsewhere = await ann.post(
            "/api/rooms/room2/vote", json={"round_id": rnd["id"], "choice": 1}
        )
        assert "no such round" in await error(elsewhere)
        assert "1 to 3" in await error(
            await ann.post(f"{ROOM}/vote", json={"round_id": rnd["id"], "choice": 7})
        )
        clock.now += 31
        for _ in range(100):
            if (await (await ann.get(f"{ROOM}/round")).json())["round"] is None:
                break
            await asyncio.sleep(0.05)
        late = await ann.post(f"{ROOM}/vote", json={"round_id": rnd["id"], "choice": 1})
        assert "closed" in await error(late)


@pytest.mark.parametrize("page", ["²", "①", "٣", "３", "-1", "1.5", "1e3", "9" * 7, "", "0x1"])
async def test_a_page_that_is_not_ascii_digits_is_400(
    redis: Redis, relay: RelayService, page: str
) -> None:
    # "²".isdigit() is True but int("²") raises: the page is read strictly, and refused.
    async with serve(redis, relay, users=1) as (ann,):
        await post(ann, "start", {"nick": "Ann"}, 201)
        for path in ("show", "stories"):
            message = await error(await ann.get(f"{ROOM}/{path}", params={"page": page}))
            assert "page" in message and "1" in message


async def test_a_line_or_keyword_of_invisible_characters_is_refused(
    redis: Redis, relay: RelayService
) -> None:
    async with serve(redis, relay, users=1) as (ann,):
        await post(ann, "start", {"nick": "Ann"}, 201)
        for text in ("\u200b\u200b", "\u202e\u2066\u2069", "\ufeff", "\u3164", "\u200d \u2060"):
            refused = await ann.post(f"{ROOM}/write", json={"nick": "Ann", "text": text})
            assert "empty" in await error(refused)
            keyword = await ann.post(f"{ROOM}/continue", json={"nick": "Ann", "keyword": text})
            assert "keyword is empty" in await error(keyword)
        # Nothing was stored and no model ran (no round opened).
        state = await (await ann.get(ROOM)).json()
        assert state["lines"] == [] and state["round"] is None
        assert relay.inference.prompts == []  # type: ignore[attr-defined]


async def test_a_busy_model_is_503(redis: Redis) -> None:
    class Busy:
        async def generate(self, prompts: list[str], **params: Any) -> list[list[str]]:
            raise InferenceBusy(detail="1000 generate jobs waiting")

    relay = RelayService(redis, Busy(), RelaySettings())
    async with serve(redis, relay, users=1) as (ann,):
        await post(ann, "start", {"nick": "Ann"}, 201)
        resp = await ann.post(f"{ROOM}/continue", json={"nick": "Ann"})
        assert "busy" in await error(resp, 503)
        state = await (await ann.get(ROOM)).json()
        assert state["round"] is None  # the channel is free again


# --- escaping --------------------------------------------------------------------------------


async def test_user_text_is_escaped_on_the_reader_page(redis: Redis, relay: RelayService) -> None:
    async with serve(redis, relay, users=1) as (ann,):
        started = await post(ann, "start", {"nick": "<b>Ann</b>", "title": "<i>t</i>"}, 201)
        await post(ann, "write", {"nick": "<b>Ann</b>", "text": "<script>alert(1)</script> & co"})
        page = await ann.get(f"/stories/{started['story']['id']}")
        body = await page.text()
        assert "<script>alert" not in body and "<i>t</i>" not in body and "<b>Ann" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in body
        assert "&lt;i&gt;t&lt;/i&gt;" in body
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
