"""Assertions on what the bot sent, phrased as Discord's rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from tests.discord_harness.harness import DiscordHarness, Dispatched
from tests.discord_harness.rest import RecordedRequest

# interaction callback types
PONG, CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE = 1, 4, 5, 6
UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL = 7, 8, 9

CALLBACK_ROUTE = "/interactions/{interaction_id}/{token}/callback"
FOLLOWUP_ROUTE = "/webhooks/{application_id}/{token}"
ORIGINAL_ROUTE = "/webhooks/{application_id}/{token}/messages/@original"
MESSAGE_LIMIT = 2000
EMBEDS_LIMIT = 6000


def callback_of(harness: DiscordHarness[Any], interaction: Dispatched) -> RecordedRequest:
    """The accepted callback that answered ``interaction`` (exactly one is allowed)."""
    calls = [
        r
        for r in harness.rest.find("POST", CALLBACK_ROUTE, interaction_id=interaction.id)
        if r.status < 400
    ]
    assert len(calls) == 1, f"expected one accepted callback, got {calls}"
    return calls[0]


def assert_callback(
    harness: DiscordHarness[Any], interaction: Dispatched, callback_type: int
) -> RecordedRequest:
    call = callback_of(harness, interaction)
    assert call.json["type"] == callback_type, (
        f"callback type {call.json['type']}, expected {callback_type}: {call.json}"
    )
    return call


def assert_deferred_before_model_call(
    harness: DiscordHarness[Any], interaction: Dispatched
) -> RecordedRequest:
    """The interaction was deferred (type 5) before any job was enqueued on its behalf, i.e.
    before the first job enqueued after the interaction arrived. Needs ``harness.watch_jobs``."""
    call = assert_callback(harness, interaction, DEFERRED_CHANNEL_MESSAGE)
    jobs = [j for j in harness.jobs if j.seq > interaction.seq]
    assert jobs, "no model job was enqueued after the interaction (is watch_jobs set up?)"
    assert call.seq < jobs[0].seq, (
        f"deferred at #{call.seq}, but a {jobs[0].kind} job was enqueued first at #{jobs[0].seq}"
    )
    return call


def followups_of(harness: DiscordHarness[Any], interaction: Dispatched) -> list[RecordedRequest]:
    """Accepted follow-up messages and edits of the original response, in order."""
    return [
        r
        for r in harness.requests_for(interaction)
        if r.route in (FOLLOWUP_ROUTE, ORIGINAL_ROUTE)
        and r.method in ("POST", "PATCH")
        and r.status < 400
    ]


def assert_safe_message(request: RecordedRequest) -> dict[str, Any]:
    """Within Discord's size limits, and ``allowed_mentions`` pings nobody. Returns the body."""
    body = request.json
    assert isinstance(body, dict), f"{request} has no JSON body"
    content = body.get("content") or ""
    assert len(content) <= MESSAGE_LIMIT, f"{len(content)} chars > {MESSAGE_LIMIT}"
    embeds_size = sum(_embed_chars(e) for e in body.get("embeds") or [])
    assert embeds_size <= EMBEDS_LIMIT, f"embeds hold {embeds_size} chars > {EMBEDS_LIMIT}"
    mentions = body.get("allowed_mentions")
    assert mentions is not None, f"{request} sends no allowed_mentions (Discord's default pings)"
    assert mentions.get("parse") == [], f"allowed_mentions parses {mentions.get('parse')}"
    assert not mentions.get("users") and not mentions.get("roles"), mentions
    assert not mentions.get("replied_user"), mentions
    return body


def assert_safe_followup(harness: DiscordHarness[Any], interaction: Dispatched) -> dict[str, Any]:
    """The interaction got a follow-up (or original edit) that is safe to echo; its body."""
    sent = followups_of(harness, interaction)
    assert sent, f"no follow-up for the interaction; saw {harness.requests_for(interaction)}"
    return assert_safe_message(sent[-1])


def iter_components(components: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component, action rows and containers opened."""
    for component in components:
        yield component
        yield from iter_components(component.get("components") or [])
        if isinstance(component.get("accessory"), dict):
            yield component["accessory"]


def assert_component_sent(
    requests: Iterable[RecordedRequest], custom_id: str
) -> tuple[RecordedRequest, dict[str, Any]]:
    """Some request sent a component with ``custom_id``: that request and the component."""
    requests = list(requests)
    for request in requests:
        body = request.json if isinstance(request.json, dict) else {}
        body = body.get("data", body) if "type" in body and "data" in body else body
        for component in iter_components(body.get("components") or []):
            if component.get("custom_id") == custom_id:
                return request, component
    raise AssertionError(f"no component with custom_id {custom_id!r} in {requests}")


def assert_file_attached(
    requests: Iterable[RecordedRequest], filename: str
) -> tuple[RecordedRequest, bytes]:
    """Some request uploaded a file named ``filename``: that request and the file's bytes."""
    requests = list(requests)
    for request in requests:
        for f in request.files:
            if f.filename == filename:
                body = request.json if isinstance(request.json, dict) else {}
                names = [a.get("filename") for a in body.get("attachments") or []]
                assert filename in names, f"payload_json attachments {names} miss {filename}"
                return request, f.content
    raise AssertionError(f"no file named {filename!r} in {requests}")


def _embed_chars(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for f in embed.get("fields") or []:
        total += len(f.get("name") or "") + len(f.get("value") or "")
    return total
