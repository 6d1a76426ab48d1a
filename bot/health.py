"""Is norae up: Redis answers, and which model workers are alive (``/healthz``, ``norae health``)."""

from __future__ import annotations

from storage.connection import Redis, ping
from storage.job_streams import JobStreams


async def health(redis: Redis) -> dict[str, object]:
    """``{"ok", "redis", "workers": [{"id", "kinds"}]}``; ``ok`` is whether Redis answers."""
    ok = await ping(redis)
    workers = await JobStreams(redis).live_workers() if ok else []
    return {
        "ok": ok,
        "redis": ok,
        "workers": [{"id": w.get("id"), "kinds": w.get("kinds")} for w in workers],
    }
