"""A stand-in for Discord's REST API: an aiohttp server on loopback that records every request.

discord.py builds every URL, the webhook and interaction-callback ones included, from
``discord.http.Route.BASE``; :class:`DiscordHarness` points that at :attr:`FakeDiscordREST.base_url`.
The server answers the calls a bot makes with minimal valid JSON in the shapes of Discord's API
documentation and keeps the rules tests care about: an interaction is answered once and within
3 s, follow-ups need an answered interaction, a programmed 429 carries ``retry_after`` and the
``X-RateLimit-*`` / ``Via`` headers discord.py reads before it waits and retries.
"""

from __future__ import annotations

import json
import re
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import BodyPartReader, web

from tests.discord_harness.clock import EventClock
from tests.discord_harness.payloads import Snowflakes, message_payload, user_payload

API_PREFIX = "/api/v10"
INTERACTION_DEADLINE_S = 3.0

JSON = dict[str, Any]


@dataclass(frozen=True)
class RecordedFile:
    field: str  # the multipart field, e.g. "files[0]"
    filename: str
    content: bytes


@dataclass
class RecordedRequest:
    """One request as the stand-in saw it. ``seq`` and ``at`` share the harness clock."""

    seq: int
    at: float  # time.monotonic() when the request arrived
    method: str
    path: str  # without the /api/v10 prefix
    route: str  # the template it matched, e.g. "/webhooks/{application_id}/{token}"
    params: dict[str, str]  # the template's placeholders
    query: dict[str, str]
    json: Any  # the JSON body, or payload_json of a multipart body; None when there is none
    files: list[RecordedFile] = field(default_factory=list)
    status: int = 0  # what the stand-in answered
    response: Any = None  # and the JSON it answered with (a message for a follow-up)

    @property
    def filenames(self) -> list[str]:
        return [f.filename for f in self.files]

    def __repr__(self) -> str:  # short, so assertion failures stay readable
        return f"<#{self.seq} {self.method} {self.path} -> {self.status}>"


@dataclass
class ProgrammedResponse:
    method: str
    route: str
    status: int
    body: Any
    headers: dict[str, str]
    times: int


@dataclass
class InteractionRecord:
    """What the stand-in knows of an interaction the harness dispatched."""

    payload: JSON
    sent_at: float
    answered: bool = False
    original: JSON | None = None  # the @original message once there is one


Handler = Callable[["FakeDiscordREST", web.Request, RecordedRequest], Any]

# (method, template) → handler name; the first match wins, so specific templates come first.
ROUTES: list[tuple[str, str, str]] = [
    ("GET", "/users/@me", "_get_me"),
    ("GET", "/oauth2/applications/@me", "_get_application"),
    ("GET", "/applications/@me", "_get_application"),
    ("GET", "/gateway/bot", "_get_gateway_bot"),
    ("GET", "/gateway", "_get_gateway_bot"),
    ("POST", "/users/@me/channels", "_create_dm"),
    ("POST", "/interactions/{interaction_id}/{token}/callback", "_interaction_callback"),
    ("GET", "/webhooks/{application_id}/{token}/messages/@original", "_get_original"),
    ("PATCH", "/webhooks/{application_id}/{token}/messages/@original", "_edit_original"),
    ("DELETE", "/webhooks/{application_id}/{token}/messages/@original", "_no_content"),
    ("GET", "/webhooks/{application_id}/{token}/messages/{message_id}", "_get_message"),
    ("PATCH", "/webhooks/{application_id}/{token}/messages/{message_id}", "_edit_message"),
    ("DELETE", "/webhooks/{application_id}/{token}/messages/{message_id}", "_no_content"),
    ("POST", "/webhooks/{application_id}/{token}", "_followup"),
    ("POST", "/channels/{channel_id}/messages", "_create_message"),
    ("GET", "/channels/{channel_id}/messages/{message_id}", "_get_message"),
    ("PATCH", "/channels/{channel_id}/messages/{message_id}", "_edit_message"),
    ("DELETE", "/channels/{channel_id}/messages/{message_id}", "_no_content"),
    ("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", "_no_content"),
    ("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", "_no_content"),
    (
        "DELETE",
        "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}",
        "_no_content",
    ),
    ("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions", "_no_content"),
    ("POST", "/channels/{channel_id}/typing", "_no_content"),
    ("PUT", "/applications/{application_id}/commands", "_sync_commands"),
    ("GET", "/applications/{application_id}/commands", "_get_commands"),
    ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", "_sync_commands"),
    ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", "_get_commands"),
]


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[a-z_]+\})", template)
    pattern = "".join(f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(pattern)


_COMPILED = [(m, t, _template_regex(t), h) for m, t, h in ROUTES]


def match_route(method: str, path: str) -> tuple[str, dict[str, str], str | None]:
    """The template a request matches, its placeholders, and the handler name (None: unknown)."""
    for m, template, regex, handler in _COMPILED:
        found = regex.fullmatch(path)
        if m == method and found:
            return template, found.groupdict(), handler
    return path, {}, None


class FakeDiscordREST:
    """The stand-in server. ``await start()``, point discord.py at :attr:`base_url`, ``await close()``."""

    def __init__(
        self,
        clock: EventClock | None = None,
        *,
        snowflakes: Snowflakes | None = None,
        bot_user: JSON | None = None,
        shard_count: int = 1,
    ) -> None:
        self.clock = clock or EventClock()
        self.ids = snowflakes or Snowflakes()
        self.bot_user: JSON = bot_user or user_payload(self.ids.next(), "norae", bot=True)
        self.application_id = self.bot_user["id"]  # as for every bot made since 2020
        self.owner: JSON = user_payload(self.ids.next(), "owner")
        self.shard_count = shard_count
        self.requests: list[RecordedRequest] = []
        self.messages: dict[str, JSON] = {}
        self.commands: dict[str | None, list[JSON]] = {}  # guild id (None: global) → commands
        self.interactions: dict[str, InteractionRecord] = {}
        self.failures: list[str] = []  # the stand-in's own exceptions (a harness bug)
        self._programmed: list[ProgrammedResponse] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))  # a free port, known before the site starts
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    # --- programming -------------------------------------------------------------------

    def respond(
        self,
        method: str,
        route: str,
        *,
        status: int,
        body: Any = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests to ``route`` (a template from :data:`ROUTES`)."""
        self._programmed.append(
            ProgrammedResponse(method, route, status, body, dict(headers or {}), times)
        )

    def rate_limit_once(
        self, method: str, route: str, *, retry_after: float = 0.5, is_global: bool = False
    ) -> None:
        """The next request to ``route`` gets a 429 as Discord sends it; discord.py should retry."""
        self.respond(
            method,
            route,
            status=429,
            body={
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": is_global,
            },
            headers={
                "Via": "1.1 google",  # discord.py treats a 429 without it as a Cloudflare ban
                "Retry-After": str(max(1, round(retry_after))),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                "X-RateLimit-Bucket": "stand-in-bucket",
                "X-RateLimit-Scope": "global" if is_global else "user",
            },
        )

    def register_interaction(self, payload: JSON) -> None:
        """Called by the gateway feeder: the stand-in now accepts callbacks for this interaction."""
        self.interactions[payload["id"]] = InteractionRecord(payload, time.monotonic())

    # --- queries -----------------------------------------------------------------------

    def find(
        self, method: str | None = None, route: str | None = None, **params: str
    ) -> list[RecordedRequest]:
        """Recorded requests by method, route template and placeholder values, in order."""
        return [
            r
            for r in self.requests
            if (method is None or r.method == method)
            and (route is None or r.route == route)
            and all(r.params.get(k) == v for k, v in params.items())
        ]

    def unhandled(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.route == r.path and r.status == 404]

    # --- the server --------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        try:
            return await self._answer(request)
        except Exception:
            # answered 400, not 500: discord.py would retry a 500 for seconds
            self.failures.append(traceback.format_exc())
            return _error(400, 0, "the stand-in failed; see FakeDiscordREST.failures")

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path.startswith(API_PREFIX):
            path = path[len(API_PREFIX) :]
        template, params, handler_name = match_route(request.method, path)
        body, files = await _read_body(request)
        seq, at = self.clock.tick()
        recorded = RecordedRequest(
            seq=seq,
            at=at,
            method=request.method,
            path=path,
            route=template,
            params=params,
            query=dict(request.query),
            json=body,
            files=files,
        )
        self.requests.append(recorded)
        response = self._programmed_response(request.method, template)
        if response is None:
            if handler_name is None:
                response = _error(404, 0, f"the stand-in has no route {request.method} {path}")
            else:
                handler: Handler = getattr(type(self), handler_name)
                response = handler(self, request, recorded)
        recorded.status = response.status
        if response.body and response.content_type == "application/json":
            recorded.response = json.loads(response.body)  # type: ignore[arg-type]
        return response

    def _programmed_response(self, method: str, route: str) -> web.Response | None:
        for programmed in self._programmed:
            if programmed.method == method and programmed.route == route and programmed.times > 0:
                programmed.times -= 1
                return _json(programmed.status, programmed.body, programmed.headers)
        return None

    # --- route handlers ----------------------------------------------------------------

    def _get_me(self, request: web.Request, rec: RecordedRequest) -> web.Response:
        return _json(200, self.bot_user)

    def _get_application(self, request: web.Request, rec: RecordedRequest) -> web.Response:
        return _json(
            200,
            {
                "id": self.application_id,
                "name": self.bot_user["username"],
                "description": "",
                "icon": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": self.owner,
                "team": None,
                "verify_key": "0" * 64,
                "flags": 0,
                "summary": "",
            },
        )

    def _get_gateway_bot(self, request: web.Request, rec: RecordedRequest) -> web.Response:
        return _json(
            200,
            {
                "url": "wss://gateway.invalid",
                "shards": self.shard_count,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            },
        )

    def _create_dm(self, request: web.Request, rec: RecordedRequest) -> web.Response:
        recipient = str((rec.json or {}).get("recipient_id"))
        channel_id = str(self.ids.for_key(f"dm:{recipient}"))
        return _json(
            200,
            {
                "id": channel_id,
                "type": 1,
                "last_message_id": None,
                "recipients": [user_payload(recipient, f"user{recipient[-4:]}")],
            },
        )

    def _interaction_callback(self, request: web.Request, rec: RecordedRequest) -> web.Response:
        record = self.interactions.get(rec.params["interaction_id"])
        if record is None or record.payload["token"] != rec.params["token"]:
            return _error(404, 10062, "Unknown interaction")
        if time.monotonic() - record.sent_at > INTERACTION_DEADLINE_S:
            return _error(404, 10062, "Unknown interaction")  # what Discord says after 3 s
        if record.answered:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        record.answered = True
        body = rec.json or {}
        callback_type = body.get("type")
        resource: JSON = {"type": callback_type}
        interaction: JSON = {"id": record.payload["id"], "type": record.payload["type"]}
        if callback_type in (4, 5, 7):  # a message: new, loading, or the component's own
            if callback_type == 7 and "message" in record.payload:
                message = dict(record.payload["message"])
                message.update(_message_fields(body.get("data") or {}))
                self.messages[message["id"]] = message
            else:
                message = self._store_message(
                    record.payload["channel_id"],
                    body.get("data") or {},
                    rec.files,
                    interaction=record.payload,
                    loading=callback_type == 5,
                )
                record.original = message
            resource["message"] = message
            interaction["response_message_id"] = message["id"]
            interaction["response_message_loading"] = callback_type == 5
            flags = (body.get("data") or {}).get("flags", 0) or 0
            interaction["response_message_ephemeral"] = bool(flags & 64)
        if request.query.get("with_response") in ("1", "true", "True"):
            return _json(200, {"interaction": interaction, "resource": resource})
        return _json(204, None)

    def _webhook_interaction(self, rec: RecordedRequest) -> InteractionRecord | None:
        for record in self.interactions.values():
            if record.payload["token"] == rec.params["token"]:
                return record
        return None

    def _followup(self, request: web.Request, rec: RecordedRequest) -> web.Response:
        record = self._webhook_interaction(rec)
        if record is None or not record.answered:
            return _error(404, 10015, "Unknown Webhook")
        message = self._store_message(
            record.payload["channel_id"], rec.json or {}, rec.files, interaction=record.payload
        )
        return _json(200, message)

    def _get_original(self, request: web.Request, rec: RecordedRequest) -> web.Response:
        record = self._webhook_interaction(rec)
        if record is None or record.original is None:
            return _error(404, 10008, "Unknown Message")
        return _json(200, record.original)

    def _edit_original(self, request: web.Request, rec: RecordedRequest) -> web.Response:
        record = self._webhook_interaction(rec)
        if record is None or not record.answered:
            return _error(404, 10015, "Unknown Webhook")
        if record.original is None:  # a component's deferred update edits the component's message
            record.original = dict(record.payload.get("message") or {}) or None
        if record.original is None:
            return _error(404, 10008, "Unknown Message")
        record.original.update(_message_fields(rec.json or {}, rec.files))
        record.original["flags"] = int(record.original.get("flags", 0)) & ~128  # loading done
        self.messages[record.original["id"]] = record.original
        return _json(200, record.original)

    def _create_message(self, request: web.Request, rec: RecordedRequest) -> web.Response:
        return _json(200, self._store_message(rec.params["channel_id"], rec.json or {}, rec.files))

    def _get_message(self, request: web.Request, rec: RecordedRequest) -> web.Response:
        message = self.messages.get(rec.params["message_id"])
        if message is None:
            return _error(404, 10008, "Unknown Message")
        return _json(200, message)

    def _edit_message(self, request: web.Request, rec: RecordedRequest) -> web.Response:
        message = self.messages.get(rec.params["message_id"])
        if message is None:
            return _error(404, 10008, "Unknown Message")
        message.update(_message_fields(rec.json or {}, rec.files))
        message["edited_timestamp"] = _now()
        return _json(200, message)

    def _sync_commands(self, request: web.Request, rec: RecordedRequest) -> web.Response:
        guild_id = rec.params.get("guild_id")
        synced = []
        for command in rec.json or []:
            synced.append(
                {
                    "id": str(self.ids.for_key(f"cmd:{guild_id}:{command['name']}")),
                    "application_id": self.application_id,
                    "version": str(self.ids.next()),
                    "default_member_permissions": None,
                    "type": 1,
                    "description": "",
                    "options": [],
                    "nsfw": False,
                    **({"guild_id": guild_id} if guild_id else {}),
                    **command,
                }
            )
        self.commands[guild_id] = synced
        return _json(200, synced)

    def _get_commands(self, request: web.Request, rec: RecordedRequest) -> web.Response:
        return _json(200, self.commands.get(rec.params.get("guild_id"), []))

    def _no_content(self, request: web.Request, rec: RecordedRequest) -> web.Response:
        return _json(204, None)

    def _store_message(
        self,
        channel_id: str,
        body: JSON,
        files: list[RecordedFile],
        *,
        interaction: JSON | None = None,
        loading: bool = False,
    ) -> JSON:
        message = message_payload(
            self.ids.next(),
            channel_id,
            self.bot_user,
            guild_id=(interaction or {}).get("guild_id"),
        )
        message.update(_message_fields(body, files))
        if loading:
            message["flags"] = 128  # "the bot is thinking…"
        if interaction is not None:
            user = interaction.get("user") or interaction["member"]["user"]
            message["interaction_metadata"] = {
                "id": interaction["id"],
                "type": interaction["type"],
                "user": user,
                "authorizing_integration_owners": {},
            }
            message["webhook_id"] = self.application_id
        self.messages[message["id"]] = message
        return message


def _message_fields(body: JSON, files: list[RecordedFile] | None = None) -> JSON:
    """The fields of a message that a create/edit body sets (Discord ignores allowed_mentions)."""
    fields: JSON = {}
    for key in ("content", "embeds", "components", "tts", "poll"):
        if key in body and body[key] is not None:
            fields[key] = body[key]
    if "flags" in body and body["flags"] is not None:
        fields["flags"] = int(body["flags"]) & ~(1 << 12)  # suppress-notifications is not kept
    attachments: list[JSON] = []
    for index, f in enumerate(files or []):
        attachment_id = str(1_000_000 + index)
        attachments.append(
            {
                "id": attachment_id,
                "filename": f.filename,
                "size": len(f.content),
                "url": f"https://cdn.invalid/attachments/{attachment_id}/{f.filename}",
                "proxy_url": f"https://media.invalid/attachments/{attachment_id}/{f.filename}",
            }
        )
    if attachments or "attachments" in body:
        fields["attachments"] = attachments
    return fields


async def _read_body(request: web.Request) -> tuple[Any, list[RecordedFile]]:
    if not request.can_read_body:
        return None, []
    if request.content_type.startswith("multipart/"):
        body: Any = None
        files: list[RecordedFile] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            data = await part.read()
            if part.name == "payload_json":
                body = json.loads(data)
            else:
                files.append(RecordedFile(part.name or "", part.filename or "", bytes(data)))
        return body, files
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        return raw.decode("utf-8", "replace"), []


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    if status == 204 or body is None:
        return web.Response(status=204 if body is None else status, headers=headers)
    # discord.py parses JSON only when Content-Type is exactly "application/json" (no charset)
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(status=status, body=json.dumps(body).encode(), headers=all_headers)


def _error(status: int, code: int, message: str) -> web.Response:
    return _json(status, {"code": code, "message": message})


def _now() -> str:
    return datetime.now(UTC).isoformat()
