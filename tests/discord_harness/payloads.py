"""Gateway and REST payloads in the shapes of Discord's API documentation (v10).

Ids are snowflake strings. Guild interactions carry ``member`` (with its ``user``), DM ones ``user``.
Only the fields discord.py reads, plus the ones Discord always sends, are filled; pass ``**extra``
to a builder to add or override any field.
"""

from __future__ import annotations

import itertools
import secrets
import time
from datetime import UTC, datetime
from typing import Any

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000
ALL_PERMISSIONS = str((1 << 50) - 1)
MEMBER_PERMISSIONS = "2248473465835073"  # @everyone's default set

# interaction types
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
# application command option types
SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, BOOLEAN, NUMBER = 1, 2, 3, 4, 5, 10
# component types
BUTTON, STRING_SELECT = 2, 3
# channel types
GUILD_TEXT, DM = 0, 1


class Snowflakes:
    """Fresh, increasing snowflakes (time-based as Discord's), and stable ones per key."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._named: dict[str, int] = {}

    def next(self) -> str:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return str((ms << 22) | (next(self._counter) & 0x3FFFFF))

    def for_key(self, key: str) -> str:
        if key not in self._named:
            self._named[key] = int(self.next())
        return str(self._named[key])


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def user_payload(user_id: str, username: str, *, bot: bool = False, **extra: Any) -> JSON:
    return {
        "id": str(user_id),
        "username": username,
        "discriminator": "0",
        "global_name": None if bot else username.title(),
        "avatar": None,
        "bot": bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
        **extra,
    }


def member_payload(
    user: JSON, *, roles: list[str] | None = None, permissions: str | None = None, **extra: Any
) -> JSON:
    """A guild member; ``permissions`` is set only inside interactions, as Discord does."""
    member: JSON = {
        "user": user,
        "nick": None,
        "avatar": None,
        "roles": roles or [],
        "joined_at": now_iso(),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
        **extra,
    }
    if permissions is not None:
        member["permissions"] = permissions
    return member


def text_channel_payload(
    channel_id: str, guild_id: str, name: str = "general", **extra: Any
) -> JSON:
    return {
        "id": str(channel_id),
        "type": GUILD_TEXT,
        "guild_id": str(guild_id),
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
        **extra,
    }


def dm_channel_payload(channel_id: str, recipient: JSON, **extra: Any) -> JSON:
    return {
        "id": str(channel_id),
        "type": DM,
        "last_message_id": None,
        "recipients": [recipient],
        "flags": 0,
        **extra,
    }


def guild_create_payload(
    guild_id: str,
    *,
    owner_id: str,
    channels: list[JSON],
    members: list[JSON],
    name: str = "norae test guild",
    locale: str = "ko",
    **extra: Any,
) -> JSON:
    """GUILD_CREATE: the guild object plus the extra fields the gateway adds."""
    everyone = {
        "id": str(guild_id),
        "name": "@everyone",
        "permissions": MEMBER_PERMISSIONS,
        "position": 0,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }
    return {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [everyone],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": locale,
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        # GUILD_CREATE extras
        "joined_at": now_iso(),
        "large": False,
        "unavailable": False,
        "member_count": len(members),
        "voice_states": [],
        "members": members,
        "channels": channels,
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        **extra,
    }


def ready_payload(
    bot_user: JSON,
    application_id: str,
    *,
    shard: tuple[int, int],
    guild_ids: list[str],
    **extra: Any,
) -> JSON:
    return {
        "v": 10,
        "user": bot_user,
        "guilds": [{"id": str(g), "unavailable": True} for g in guild_ids],
        "session_id": secrets.token_hex(16),
        "resume_gateway_url": "wss://gateway.invalid",
        "shard": list(shard),
        "application": {"id": str(application_id), "flags": 0},
        "private_channels": [],
        "relationships": [],
        **extra,
    }


def message_payload(
    message_id: str,
    channel_id: str,
    author: JSON,
    *,
    content: str = "",
    guild_id: str | None = None,
    member: JSON | None = None,
    **extra: Any,
) -> JSON:
    """A message object; with ``guild_id`` and ``member`` it is a MESSAGE_CREATE in a guild."""
    message: JSON = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
        **extra,
    }
    if guild_id is not None:
        message["guild_id"] = str(guild_id)
        if member is not None:  # MESSAGE_CREATE sends the member without its user
            message["member"] = {k: v for k, v in member.items() if k != "user"}
    return message


def reaction_payload(
    *,
    user_id: str,
    channel_id: str,
    message_id: str,
    emoji: str,
    guild_id: str | None = None,
    member: JSON | None = None,
    message_author_id: str | None = None,
    added: bool = True,
) -> JSON:
    """MESSAGE_REACTION_ADD (``added``) or MESSAGE_REACTION_REMOVE for a unicode emoji."""
    data: JSON = {
        "user_id": str(user_id),
        "channel_id": str(channel_id),
        "message_id": str(message_id),
        "emoji": {"id": None, "name": emoji},
        "burst": False,
        "type": 0,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if added:
        data["burst_colors"] = []
        if member is not None and guild_id is not None:
            data["member"] = member
        if message_author_id is not None:
            data["message_author_id"] = str(message_author_id)
    return data


def option(name: str, value: Any, *, focused: bool = False) -> JSON:
    """A command option; its type follows the Python value (str, int, float, bool)."""
    if isinstance(value, bool):
        kind = BOOLEAN
    elif isinstance(value, int):
        kind = INTEGER
    elif isinstance(value, float):
        kind = NUMBER
    else:
        kind = STRING
    data: JSON = {"name": name, "type": kind, "value": value}
    if focused:
        data["focused"] = True
    return data


def command_data(
    command: str,
    options: dict[str, Any] | None = None,
    *,
    command_id: str,
    focused: str | None = None,
    guild_id: str | None = None,
) -> JSON:
    """``data`` of a chat-input command. ``command`` is the full name: "relay start" is the
    subcommand ``start`` of the group ``relay``, its options nested in the subcommand."""
    root, *subs = command.split()
    opts = [option(k, v, focused=k == focused) for k, v in (options or {}).items()]
    for depth in reversed(range(len(subs))):
        # the innermost name is a subcommand, an outer one a subcommand group
        kind = SUB_COMMAND if depth == len(subs) - 1 else SUB_COMMAND_GROUP
        opts = [{"name": subs[depth], "type": kind, "options": opts}]
    data: JSON = {"id": str(command_id), "name": root, "type": 1, "options": opts}
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    return data


def component_data(
    custom_id: str, *, component_type: int = BUTTON, values: list[str] | None = None
) -> JSON:
    data: JSON = {"custom_id": custom_id, "component_type": component_type}
    if component_type == STRING_SELECT:
        data["values"] = values or []
    return data


def interaction_payload(
    *,
    interaction_id: str,
    application_id: str,
    interaction_type: int,
    data: JSON,
    channel: JSON,
    user: JSON,
    guild_id: str | None = None,
    member: JSON | None = None,
    message: JSON | None = None,
    locale: str = "ko",
    guild_locale: str = "ko",
    **extra: Any,
) -> JSON:
    """INTERACTION_CREATE. In a guild the user rides in ``member``; in a DM in ``user``."""
    payload: JSON = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": interaction_type,
        "data": data,
        "channel_id": channel["id"],
        "channel": channel,
        "token": "itok-" + secrets.token_urlsafe(24),
        "version": 1,
        "locale": locale,
        "app_permissions": ALL_PERMISSIONS,
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    if guild_id is not None:
        payload["guild_id"] = str(guild_id)
        payload["guild"] = {"id": str(guild_id), "locale": guild_locale, "features": []}
        payload["guild_locale"] = guild_locale
        payload["member"] = member or member_payload(user, permissions=MEMBER_PERMISSIONS)
        payload["authorizing_integration_owners"] = {"0": str(guild_id)}
        payload["context"] = 0  # GUILD
    else:
        payload["user"] = user
        payload["authorizing_integration_owners"] = {"0": "0"}
        payload["context"] = 1  # BOT_DM
    if message is not None:
        payload["message"] = message
    payload.update(extra)
    return payload
