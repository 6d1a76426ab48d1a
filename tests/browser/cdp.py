"""A headless Chromium driven over the DevTools protocol (aiohttp websocket, no extra packages).

Debian's ``chromium`` package is the browser; nothing is downloaded. Console errors, uncaught
exceptions and the browser's own error log (a resource that failed to load, such as a missing
favicon) are collected so a test can assert the page ran cleanly.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

from bot.cli.embedded_redis import free_port

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1200,1000",
]


# What the browser answers when a page is asked something while it is being replaced.
NAVIGATING = ("navigated or closed", "Cannot find context", "Execution context was destroyed")


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self._next = 0
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.errors: list[str] = []
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for msg in self.ws:
            data = json.loads(msg.data)
            if "id" in data and data["id"] in self._waiting:
                self._waiting.pop(data["id"]).set_result(data)
            elif data.get("method") == "Runtime.exceptionThrown":
                details = data["params"]["exceptionDetails"]
                self.errors.append(details.get("exception", {}).get("description") or str(details))
            elif (
                data.get("method") == "Runtime.consoleAPICalled"
                and data["params"]["type"] == "error"
            ):
                args = data["params"]["args"]
                self.errors.append(" ".join(str(a.get("value")) for a in args))
            elif data.get("method") == "Log.entryAdded":
                entry = data["params"]["entry"]
                if entry.get("level") == "error":
                    self.errors.append(f"{entry.get('text')} {entry.get('url', '')}".strip())

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._next += 1
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[self._next] = fut
        await self.ws.send_json({"id": self._next, "method": method, "params": params})
        reply = await asyncio.wait_for(fut, timeout=30)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    async def js(self, expression: str) -> Any:
        """Evaluate in the page (awaiting promises) and return the value."""
        result = await self.send(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in result:
            raise AssertionError(f"page error: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_for(self, expression: str, timeout: float = 20.0) -> Any:
        """Poll a page expression until it is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                value = await self.js(expression)
            except RuntimeError as exc:  # asked while the page was being replaced: ask again
                if not any(gone in str(exc) for gone in NAVIGATING):
                    raise
                value = None
            if value:
                return value
            await asyncio.sleep(0.1)
        raise AssertionError(f"timed out waiting for: {expression}")

    async def accept_language(self, value: str) -> None:
        """Send ``value`` as the browser's Accept-Language from now on (pages, fetches, events)."""
        await self.send("Network.enable")
        await self.send("Network.setExtraHTTPHeaders", headers={"Accept-Language": value})

    async def goto(self, url: str) -> None:
        """Open ``url`` and wait until its document (not the one before it) has loaded."""
        await self.js("window.__before_goto = true")
        await self.send("Page.navigate", url=url)
        await self.wait_for("!window.__before_goto && document.readyState === 'complete'")

    async def reload(self) -> None:
        """Reload the page and wait until the new document has loaded."""
        await self.js("window.__before_reload = true")
        await self.send("Page.reload")
        await self.wait_for("!window.__before_reload && document.readyState === 'complete'")

    async def screenshot(self, path: Path) -> Path:
        data = (await self.send("Page.captureScreenshot", format="png"))["data"]
        await asyncio.to_thread(path.write_bytes, base64.b64decode(data))
        return path

    async def close(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    binary = chromium_path()
    assert binary is not None
    port = free_port()
    # The browser's helper processes may still write its profile as it stops: cleanup is best effort.
    with tempfile.TemporaryDirectory(
        prefix="norae-chromium-", ignore_cleanup_errors=True
    ) as profile:
        proc = subprocess.Popen(  # noqa: ASYNC220 - started once, before any await on it
            [
                binary,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--remote-debugging-port={port}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            async with aiohttp.ClientSession() as http:
                pages: list[dict[str, Any]] = []
                for _ in range(100):
                    with contextlib.suppress(aiohttp.ClientError):
                        pages = await (await http.get(f"http://127.0.0.1:{port}/json")).json()
                        if any(p["type"] == "page" for p in pages):
                            break
                    await asyncio.sleep(0.1)
                url = next(p for p in pages if p["type"] == "page")["webSocketDebuggerUrl"]
                async with http.ws_connect(url, max_msg_size=0) as ws:
                    browser = Browser(ws)
                    await browser.send("Runtime.enable")
                    await browser.send("Page.enable")
                    await browser.send("Log.enable")
                    try:
                        yield browser
                    finally:
                        await browser.close()
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
