"""Drive a real discord.py bot with no network: gateway events in, REST calls out to the stand-in.

``start()`` points discord.py at the stand-in, logs in (``GET /users/@me`` and the application
info; discord.py runs ``setup_hook`` inside ``login``), then feeds READY per shard and GUILD_CREATE
straight into the bot's connection state — the parsers the gateway websocket would call — and waits
for ``on_ready``. No websocket is ever opened.

An event goes in with :meth:`DiscordHarness.dispatch`: the parser runs synchronously and the
handler tasks it spawns (command tree, views, ``on_*`` listeners) are collected, so a test can
``await`` exactly the work one event caused.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import discord
import discord.http

from tests.discord_harness import payloads as p
from tests.discord_harness.clock import EventClock
from tests.discord_harness.rest import FakeDiscordREST, RecordedRequest

JSON = dict[str, Any]
BotT = TypeVar("BotT", bound=discord.Client)
CAPTURED_LOGGERS = ("discord", "bot", "cogs", "storage", "tests")


@dataclass
class Dispatched:
    """One gateway event fed to the bot, and the handler tasks it started."""

    seq: int
    event: str
    payload: JSON
    tasks: set[asyncio.Task[Any]]

    async def done(self, timeout: float = 10.0) -> None:
        """Wait for every handler this event started (command, view callback, listeners)."""
        if self.tasks:
            await asyncio.wait_for(asyncio.gather(*self.tasks, return_exceptions=True), timeout)

    @property
    def id(self) -> str:
        return str(self.payload["id"])

    @property
    def token(self) -> str:
        return str(self.payload["token"])


@dataclass(frozen=True)
class EnqueuedJob:
    seq: int
    at: float
    kind: str


@dataclass
class Member:
    """A user the test plays, with the payloads that describe them."""

    user: JSON
    member: JSON

    @property
    def id(self) -> str:
        return str(self.user["id"])


class ErrorLog(logging.Handler):
    """Collects ERROR records: discord.py logs (and swallows) exceptions raised by handlers."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class World:
    """The guild, channel and people the events happen among."""

    guild_id: str
    channel: JSON
    owner: Member
    members: dict[str, Member] = field(default_factory=dict)


class DiscordHarness(Generic[BotT]):
    """One bot on one stand-in. ``DiscordHarness[NoraeBot]`` types ``harness.bot``."""

    def __init__(
        self,
        bot: BotT,
        rest: FakeDiscordREST | None = None,
        *,
        token: str = "stand-in-token",
        guild_ready_timeout: float = 0.05,
        setup: Callable[[BotT], Awaitable[None]] | None = None,
    ) -> None:
        """``setup(bot)`` runs after login (so after ``setup_hook``) and before READY."""
        self.bot = bot
        self.setup = setup
        self.clock = rest.clock if rest is not None else EventClock()
        self.rest = rest or FakeDiscordREST(self.clock)
        self.ids = self.rest.ids
        self.token = token
        self.guild_ready_timeout = guild_ready_timeout
        self.events: list[Dispatched] = []
        self.jobs: list[EnqueuedJob] = []
        self.errors = ErrorLog()
        self._old_base: str | None = None
        owner = self._new_member("owner", user=self.rest.owner)
        guild_id = self.ids.next()
        self.world = World(
            guild_id=guild_id,
            channel=p.text_channel_payload(self.ids.next(), guild_id, "relay"),
            owner=owner,
        )

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        for name in CAPTURED_LOGGERS:
            logging.getLogger(name).addHandler(self.errors)
        await self.rest.start()
        self._old_base = discord.http.Route.BASE
        discord.http.Route.BASE = self.rest.base_url
        await self.bot.login(self.token)  # GET /users/@me, application info, setup_hook
        if self.setup is not None:
            await self.setup(self.bot)
        await self._connect_shards()

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.bot.close()
        if self._old_base is not None:
            discord.http.Route.BASE = self._old_base
            self._old_base = None
        await self.rest.close()
        for name in CAPTURED_LOGGERS:
            logging.getLogger(name).removeHandler(self.errors)

    async def __aenter__(self) -> DiscordHarness[BotT]:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _connect_shards(self) -> None:
        """What AutoShardedClient.launch_shards and each shard's websocket would deliver."""
        bot = self.bot
        state = bot._connection
        state.guild_ready_timeout = self.guild_ready_timeout
        if isinstance(bot, discord.AutoShardedClient):
            if bot.shard_count is None:
                bot.shard_count, _, _ = await bot.http.get_bot_gateway()
            shard_count = bot.shard_count
            shard_ids = list(bot.shard_ids or range(shard_count))
            state.shard_count = shard_count
            state.shard_ids = shard_ids  # type: ignore[attr-defined]
        else:
            shard_count, shard_ids = 1, [0]
        bot_member = p.member_payload(self.rest.bot_user)
        guild_shard = (int(self.world.guild_id) >> 22) % shard_count
        for shard_id in shard_ids:
            guilds = [self.world.guild_id] if shard_id == guild_shard else []
            ready = p.ready_payload(
                self.rest.bot_user,
                self.rest.application_id,
                shard=(shard_id, shard_count),
                guild_ids=guilds,
            )
            self.dispatch("READY", ready)
        if guild_shard in shard_ids:
            self.dispatch(
                "GUILD_CREATE",
                p.guild_create_payload(
                    self.world.guild_id,
                    owner_id=self.world.owner.id,
                    channels=[self.world.channel],
                    members=[bot_member, self.world.owner.member],
                ),
            )
        await asyncio.wait_for(bot.wait_until_ready(), timeout=10)

    # --- people ------------------------------------------------------------------------

    def _new_member(self, name: str, *, user: JSON | None = None) -> Member:
        user = user or p.user_payload(self.ids.next(), name)
        return Member(user, p.member_payload(user, permissions=p.MEMBER_PERMISSIONS))

    def member(self, name: str) -> Member:
        """A member of the test guild, made on first use."""
        if name not in self.world.members:
            self.world.members[name] = self._new_member(name)
        return self.world.members[name]

    @property
    def bot_user_id(self) -> str:
        return str(self.rest.bot_user["id"])

    # --- events in ---------------------------------------------------------------------

    def dispatch(self, event: str, payload: JSON) -> Dispatched:
        """Feed one gateway DISPATCH (``t`` = ``event``, ``d`` = ``payload``) to the bot."""
        if event == "INTERACTION_CREATE":
            self.rest.register_interaction(payload)
        parser = self.bot._connection.parsers[event]
        before = asyncio.all_tasks()
        seq, _ = self.clock.tick()
        parser(payload)
        spawned = asyncio.all_tasks() - before
        dispatched = Dispatched(seq, event, payload, spawned)
        self.events.append(dispatched)
        return dispatched

    async def send(self, event: str, payload: JSON, timeout: float = 10.0) -> Dispatched:
        """:meth:`dispatch` and wait for its handlers."""
        dispatched = self.dispatch(event, payload)
        await dispatched.done(timeout)
        return dispatched

    def _interaction(
        self,
        interaction_type: int,
        data: JSON,
        user: Member | None,
        *,
        dm: bool,
        message: JSON | None = None,
        **extra: Any,
    ) -> Dispatched:
        who = user or self.member("user")
        channel = (
            p.dm_channel_payload(self.ids.for_key(f"dm:{who.id}"), who.user)
            if dm
            else self.world.channel
        )
        payload = p.interaction_payload(
            interaction_id=self.ids.next(),
            application_id=self.rest.application_id,
            interaction_type=interaction_type,
            data=data,
            channel=channel,
            user=who.user,
            guild_id=None if dm else self.world.guild_id,
            member=None if dm else who.member,
            message=message,
            **extra,
        )
        return self.dispatch("INTERACTION_CREATE", payload)

    def slash(
        self,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        user: Member | None = None,
        dm: bool = False,
        **extra: Any,
    ) -> Dispatched:
        """A chat-input command: ``slash("relay start", {"prompt": "옛날"})`` (type 2)."""
        data = p.command_data(
            command, options, command_id=self.ids.for_key(f"cmd:{command.split()[0]}")
        )
        return self._interaction(p.APPLICATION_COMMAND, data, user, dm=dm, **extra)

    def autocomplete(
        self,
        command: str,
        options: dict[str, Any],
        focused: str,
        *,
        user: Member | None = None,
        dm: bool = False,
    ) -> Dispatched:
        """What Discord sends while the user types into option ``focused`` (type 4)."""
        data = p.command_data(
            command,
            options,
            command_id=self.ids.for_key(f"cmd:{command.split()[0]}"),
            focused=focused,
        )
        return self._interaction(p.AUTOCOMPLETE, data, user, dm=dm)

    def click(
        self,
        message: JSON,
        custom_id: str,
        *,
        user: Member | None = None,
        dm: bool = False,
        **extra: Any,
    ) -> Dispatched:
        """A button press on ``message`` (a message the stand-in returned; type 3). ``extra``
        goes into the payload, e.g. ``locale="en-US"``."""
        return self._interaction(
            p.MESSAGE_COMPONENT, p.component_data(custom_id), user, dm=dm, message=message, **extra
        )

    def say(self, content: str, *, user: Member | None = None, dm: bool = False) -> Dispatched:
        """MESSAGE_CREATE from a user, in the test channel or in their DM with the bot."""
        who = user or self.member("user")
        if dm:
            channel_id = self.ids.for_key(f"dm:{who.id}")
            msg = p.message_payload(self.ids.next(), channel_id, who.user, content=content)
        else:
            msg = p.message_payload(
                self.ids.next(),
                self.world.channel["id"],
                who.user,
                content=content,
                guild_id=self.world.guild_id,
                member=who.member,
            )
        return self.dispatch("MESSAGE_CREATE", msg)

    def react(self, message: JSON, emoji: str, *, user_id: str, added: bool = True) -> Dispatched:
        """MESSAGE_REACTION_ADD (or _REMOVE with ``added=False``) by ``user_id`` on ``message``."""
        guild_id = message.get("guild_id")
        member = next((m.member for m in self.world.members.values() if m.id == user_id), None)
        if member is None and user_id == self.bot_user_id:
            member = p.member_payload(self.rest.bot_user)
        payload = p.reaction_payload(
            user_id=user_id,
            channel_id=message["channel_id"],
            message_id=message["id"],
            emoji=emoji,
            guild_id=guild_id,
            member=member,
            message_author_id=message["author"]["id"],
            added=added,
        )
        return self.dispatch(
            "MESSAGE_REACTION_ADD" if added else "MESSAGE_REACTION_REMOVE", payload
        )

    # --- REST out ----------------------------------------------------------------------

    async def wait_for_request(
        self,
        method: str,
        route: str,
        *,
        where: Callable[[RecordedRequest], bool] | None = None,
        timeout: float = 10.0,
        **params: str,
    ) -> RecordedRequest:
        """The first successful request to ``route`` (a stand-in template) that matches."""
        deadline = time.monotonic() + timeout
        while True:
            for request in self.rest.find(method, route, **params):
                if request.status < 400 and (where is None or where(request)):
                    return request
            if time.monotonic() > deadline:
                seen = "\n  ".join(repr(r) for r in self.rest.requests)
                raise AssertionError(
                    f"no {method} {route} {params} within {timeout}s; saw:\n  {seen}"
                )
            await asyncio.sleep(0.01)

    def requests_for(self, interaction: Dispatched) -> list[RecordedRequest]:
        """The callback and webhook requests that answered one interaction, in order."""
        return [
            r
            for r in self.rest.requests
            if r.params.get("interaction_id") == interaction.id
            or r.params.get("token") == interaction.token
        ]

    # --- jobs --------------------------------------------------------------------------

    def watch_jobs(self, streams: Any) -> None:
        """Record each job enqueued through ``streams`` (a JobStreams) on the harness clock, so
        "deferred before any model call" compares two sequence numbers, not two timestamps."""
        enqueue = streams.enqueue

        async def recording_enqueue(kind: str, data: bytes, **kwargs: Any) -> Any:
            seq, at = self.clock.tick()
            self.jobs.append(EnqueuedJob(seq, at, kind))
            return await enqueue(kind, data, **kwargs)

        streams.enqueue = recording_enqueue

    # --- errors ------------------------------------------------------------------------

    def error_messages(self) -> list[str]:
        return [r.getMessage() + _exc_text(r) for r in self.errors.records]

    def assert_no_errors(self, ignore: Iterable[str] = ()) -> None:
        """discord.py logs a handler's exception and goes on; a test should not."""
        assert not self.rest.failures, "the stand-in failed:\n" + "\n".join(self.rest.failures)
        unknown = self.rest.unhandled()
        assert not unknown, f"the bot called routes the stand-in does not know: {unknown}"
        bad = [m for m in self.error_messages() if not any(s in m for s in ignore)]
        assert not bad, "handlers logged errors:\n" + "\n".join(bad)

    @contextlib.contextmanager
    def expect_errors(self) -> Iterator[ErrorLog]:
        """Errors logged inside the block are expected: they are checked by the test, then dropped."""
        start = len(self.errors.records)
        yield self.errors
        del self.errors.records[start:]


def _exc_text(record: logging.LogRecord) -> str:
    if record.exc_info and record.exc_info[1] is not None:
        return f": {record.exc_info[1]!r}"
    return ""
