"""Who acts and where: one value type for the ids of every platform.

Each platform spells its ids its own way in Redis keys, stories and votes; those spellings are
kept (stored data stays readable) and live here only: ``discord:<id>``, ``kakao:<id>``,
``web-<browser hash>`` for a web visitor and ``web:<room>`` for a web room, ``cli:<name>`` for
the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

Platform = Literal["discord", "kakao", "web", "cli"]
PLATFORMS: tuple[Platform, ...] = get_args(Platform)


def _split(key: str, web_sep: str) -> tuple[Platform, str]:
    if key.startswith("web" + web_sep):
        return "web", key[4:]
    head, sep, rest = key.partition(":")
    if sep and rest and head in PLATFORMS and head != "web":
        return head, rest
    raise ValueError(f"not an id norae stores: {key!r}")


@dataclass(frozen=True, slots=True)
class Actor:
    """A person on one platform."""

    platform: Platform
    id: str

    @property
    def key(self) -> str:
        """The stored spelling (Redis keys, story authors, voters)."""
        if self.platform == "web":
            return f"web-{self.id}"
        return f"{self.platform}:{self.id}"

    def __str__(self) -> str:
        return self.key

    @classmethod
    def parse(cls, key: str) -> Actor:
        return cls(*_split(key, "-"))

    @classmethod
    def discord(cls, user_id: int | str) -> Actor:
        return cls("discord", str(user_id))

    @classmethod
    def kakao(cls, user_id: str) -> Actor:
        return cls("kakao", user_id)

    @classmethod
    def web(cls, browser: str) -> Actor:
        return cls("web", browser)


@dataclass(frozen=True, slots=True)
class Channel:
    """A place where a story is told and votes are counted: a Discord channel, a Kakao chat
    (a group chat, or the 1:1 chat with one user), a web room."""

    platform: Platform
    id: str

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.id}"

    def __str__(self) -> str:
        return self.key

    @classmethod
    def parse(cls, key: str) -> Channel:
        return cls(*_split(key, ":"))

    @classmethod
    def discord(cls, channel_id: int | str) -> Channel:
        return cls("discord", str(channel_id))

    @classmethod
    def kakao(cls, chat_id: str) -> Channel:
        return cls("kakao", chat_id)

    @classmethod
    def web(cls, room: str) -> Channel:
        return cls("web", room)
