"""Which Redis a command talks to: the one place every ``norae`` command asks.

1. ``NORAE_REDIS_URL`` when it is set;
2. else the server a live ``norae up`` (or any command that started the embedded Redis) runs
   for this data folder: its URL is in ``<data dir>/redis/url`` (see ``bot/cli/embedded_redis.py``);
3. else nothing, and :class:`NoRedis` says in Korean and English how to get one.
"""

from __future__ import annotations

from pathlib import Path

from bot.cli.embedded_redis import live_url, wait_for_live_url
from contract.settings import Settings

NO_REDIS = (
    "Redis를 찾지 못했습니다. 다른 터미널에서 `norae up`을 먼저 실행하거나 NORAE_REDIS_URL을 "
    "설정하세요. / No Redis found: start `norae up` in another terminal first, or set "
    "NORAE_REDIS_URL."
)


class NoRedis(RuntimeError):
    def __init__(self) -> None:
        super().__init__(NO_REDIS)


def embedded_dir(settings: Settings) -> Path:
    """Where the embedded Redis keeps its data, lock and URL file."""
    return settings.data_dir / "redis"


def find_redis_url(settings: Settings, *, wait: bool = False) -> str | None:
    """NORAE_REDIS_URL, else the live embedded server's URL, else None. ``wait``: give an
    owner that is still starting its server a few seconds."""
    if settings.redis.url:
        return settings.redis.url
    if wait:
        return wait_for_live_url(embedded_dir(settings))
    return live_url(embedded_dir(settings))


def redis_url(settings: Settings) -> str:
    """:func:`find_redis_url` or :class:`NoRedis`."""
    url = find_redis_url(settings, wait=True)
    if url is None:
        raise NoRedis
    return url
