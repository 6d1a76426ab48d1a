"""Per-user state of the Kakao skill: late answers and the last lyrics request."""

from __future__ import annotations

import json
from typing import Any, cast

from storage import keys
from storage.connection import Redis


class KakaoStateStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def last_lyrics(self, user: str) -> dict[str, Any] | None:
        raw = cast(bytes | None, await self.redis.get(keys.kakao_last_lyrics(user)))
        return cast(dict[str, Any], json.loads(raw)) if raw else None

    async def set_last_lyrics(self, user: str, request: dict[str, Any], ttl_s: int) -> None:
        await self.redis.set(keys.kakao_last_lyrics(user), json.dumps(request), ex=ttl_s)

    async def pending(self, user: str) -> dict[str, Any] | None:
        raw = cast(bytes | None, await self.redis.get(keys.kakao_pending(user)))
        return cast(dict[str, Any], json.loads(raw)) if raw else None

    async def set_pending(self, user: str, state: dict[str, Any], ttl_s: int) -> None:
        body = json.dumps(state, ensure_ascii=False)
        await self.redis.set(keys.kakao_pending(user), body, ex=ttl_s)

    async def clear_pending(self, user: str) -> None:
        await self.redis.delete(keys.kakao_pending(user))

    async def forget(self, user: str) -> None:
        await self.redis.delete(keys.kakao_last_lyrics(user), keys.kakao_pending(user))
