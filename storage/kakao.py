"""State of the Kakao skill: late answers, the last lyrics request, and deliveries already
answered (Kakao may deliver one request twice; the second gets the first one's answer)."""

from __future__ import annotations

import json
from typing import Any, cast

from storage import keys
from storage.connection import Redis

_PENDING = json.dumps({"state": "pending"})

# KEYS: the user's latest delivery digest, the delivery; ARGV: digest, ttl, pending body.
_CLAIM_NEXT = """
if redis.call('GET', KEYS[1]) == ARGV[1] and redis.call('EXISTS', KEYS[2]) == 1 then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[2])
return 1
"""


class KakaoStateStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._claim_next = redis.register_script(_CLAIM_NEXT)

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
        await self.redis.delete(
            keys.kakao_last_lyrics(user), keys.kakao_pending(user), keys.kakao_last_delivery(user)
        )

    # --- deliveries ----------------------------------------------------------------------------

    async def claim_delivery(self, user: str, digest: str, ttl_s: int) -> bool:
        """True for the first caller with this delivery digest (SET NX); False for a repeat."""
        key = keys.kakao_delivery(user, digest)
        return bool(await self.redis.set(key, _PENDING, nx=True, ex=ttl_s))

    async def claim_next(self, user: str, digest: str, ttl_s: int) -> bool:
        """Like :meth:`claim_delivery` for a digest of a request's content, which a person may
        also send twice on purpose: a repeat only while it is still the user's latest request
        (nothing else from them came in between) and within ``ttl_s``. Atomic (Lua)."""
        got = await self._claim_next(
            keys=[keys.kakao_last_delivery(user), keys.kakao_delivery(user, digest)],
            args=[digest, ttl_s, _PENDING],
        )
        return int(cast(int, got)) == 1

    async def delivery(self, user: str, digest: str) -> dict[str, Any] | None:
        raw = cast(bytes | None, await self.redis.get(keys.kakao_delivery(user, digest)))
        return cast(dict[str, Any], json.loads(raw)) if raw else None

    async def finish_delivery(
        self, user: str, digest: str, response: dict[str, Any], ttl_s: int
    ) -> None:
        """Keep the answer for repeats (only while the claim still stands: SET XX)."""
        body = json.dumps({"state": "done", "response": response}, ensure_ascii=False)
        await self.redis.set(keys.kakao_delivery(user, digest), body, xx=True, ex=ttl_s)

    async def release_delivery(self, user: str, digest: str) -> None:
        """Forget a claim whose answer must not be repeated (it failed, or it said "not yet")."""
        await self.redis.delete(keys.kakao_delivery(user, digest))
