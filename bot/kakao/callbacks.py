"""Kakao's callbacks: the one-time URL a slow answer is POSTed to, and what may be called.

The skill POSTs only to a ``callbackUrl`` that :func:`callback_target` allows: ``https``
(``http`` only with ``NORAE_KAKAO_CALLBACK_ALLOW_HTTP``, for local tests), no user info, and a
host on ``NORAE_KAKAO_CALLBACK_HOSTS`` (default ``bot-api.kakao.com``, where Open Builder's
one-time URLs point: ``https://bot-api.kakao.com/v1/bots/<bot>/callback/<token>``), on the
default port unless the entry names one. Redirects are not followed. Any other URL is never
called: it is logged (by host; its path holds a token) and the answer comes within the reply
budget as if there were no callback.

A callback URL is valid for a minute. A callback the receiver refuses (an HTTP error, or HTTP 200
with ``"status": "FAIL"`` / ``"ERROR"`` in its JSON body, as Kakao's callback API answers) or
that cannot be delivered is logged and counted in :attr:`CallbackPoster.counts`, never raised;
the one-time URL cannot be used twice, so it is not retried.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import aiohttp
from yarl import URL

from contract.settings import KakaoSettings

log = logging.getLogger(__name__)

CALLBACK_VALID_S = 60.0
CALLBACK_WORK_S = 50.0  # leaves time to deliver before the callback URL expires
CALLBACK_POST_S = 8.0
MAX_CALLBACK_URL_CHARS = 2000


def callback_target(raw: str | None, settings: KakaoSettings) -> URL | None:
    """The callback URL to POST to, when it is one the settings allow; None otherwise.

    Allowed: ``https`` (``http`` too with ``callback_allow_http``), no user info, and a host on
    ``callback_hosts``: ``host`` or ``.domain`` on the scheme's default port, ``host:port``
    on that port. Hosts are compared in their ASCII (IDNA) form, so look-alikes do not pass.
    """
    if not raw or len(raw) > MAX_CALLBACK_URL_CHARS:
        return None
    try:
        url = URL(raw.strip())
        host = (url.raw_host or "").lower()
        port = url.explicit_port
    except ValueError:  # yarl refuses it (bad port, bad IPv6, backslashes...)
        return None
    schemes = ("https", "http") if settings.callback_allow_http else ("https",)
    if not url.is_absolute() or url.scheme not in schemes or not host:
        return None
    if url.user is not None or url.password is not None:
        return None
    default_port = {"https": 443, "http": 80}[url.scheme]
    for entry in settings.callback_hosts:
        name, want = _host_entry(entry)
        if want is None and port is not None and port != default_port:
            continue
        if want is not None and url.port != want:
            continue
        if host == name or (name.startswith(".") and host.endswith(name)):
            return url
    return None


def _host_entry(entry: str) -> tuple[str, int | None]:
    """``"bot-api.kakao.com"`` / ``".kakao.com"`` / ``"127.0.0.1:8080"`` / ``"[::1]:8080"`` ->
    (host, port or None for the default port)."""
    if entry.startswith("["):
        name, _, rest = entry[1:].partition("]")
        port = rest.removeprefix(":")
    elif entry.count(":") == 1:
        name, _, port = entry.partition(":")
    else:
        name, port = entry, ""
    return name, int(port) if port.isascii() and port.isdigit() else None


def host_for_log(raw: str | None) -> str:
    """The host a callback URL names, for a log line (its path holds a one-time token)."""
    try:
        host = URL(raw or "").raw_host or "?"
    except ValueError:
        host = "?"
    return repr(host[:80])


class CallbackPoster:
    """POSTs answers to callback URLs over one HTTP session (open while the app runs)."""

    def __init__(self) -> None:
        self.session: aiohttp.ClientSession | None = None
        self.counts: dict[str, int] = {"delivered": 0, "failed": 0}

    async def open(self) -> None:
        self.session = aiohttp.ClientSession()

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()

    async def post(self, url: URL, response: dict[str, Any], started: float) -> None:
        """POST ``response`` once to ``url`` (one that :func:`callback_target` allowed); a
        redirect is not followed, a late answer is dropped (its URL has expired)."""
        host = url.raw_host
        if time.monotonic() - started > CALLBACK_VALID_S:
            log.warning("kakao: callback to %s is late; its URL has expired, answer dropped", host)
            return
        if self.session is None:
            log.warning("kakao: callback to %s dropped: the app is not running", host)
            return
        try:
            async with self.session.post(
                url,
                json=response,
                timeout=aiohttp.ClientTimeout(total=CALLBACK_POST_S),
                allow_redirects=False,
            ) as resp:
                if 300 <= resp.status < 400:
                    self._failed(host, f"answered a redirect ({resp.status}); not followed")
                elif resp.status >= 400:
                    detail = (await resp.text())[:200]
                    self._failed(host, f"refused ({resp.status}): {detail}")
                elif (status := await _refusal(resp)) is not None:
                    self._failed(host, f"refused in its body ({resp.status}): {status}")
                else:
                    self.counts["delivered"] += 1
                    log.info("kakao: callback delivered to %s (%s)", host, resp.status)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            self._failed(host, f"failed: {exc or type(exc).__name__}")

    def _failed(self, host: str | None, why: str) -> None:
        """A callback that did not reach the user: logged and counted (``counts["failed"]``);
        its one-time URL cannot be asked again, so there is nothing to retry."""
        self.counts["failed"] += 1
        log.warning("kakao: callback to %s %s", host, why)


async def _refusal(resp: aiohttp.ClientResponse) -> str | None:
    """Kakao's callback API answers HTTP 200 with ``{"status": "SUCCESS"}``, or with ``"FAIL"`` /
    ``"ERROR"`` (and a ``message``) when it refused the callback: the refusal, or None."""
    try:
        body = json.loads(await resp.text())
    except (ValueError, UnicodeDecodeError):
        return None  # not JSON: the HTTP status is all there is
    if not isinstance(body, dict):
        return None
    status = str(body.get("status") or "").upper()
    if status in ("FAIL", "FAILED", "ERROR"):
        message = str(body.get("message") or "")[:200]
        return f"{status} {message}".strip()
    return None
