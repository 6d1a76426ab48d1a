"""HTTP/1.1 written by hand, for what aiohttp's client will not send (header bytes that are not
UTF-8, a lying Content-Length, a body without a content type)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence


async def raw_request(
    host: str,
    port: int,
    method: str,
    path: bytes,
    headers: Sequence[tuple[bytes, bytes]] = (),
    body: bytes = b"",
    *,
    content_length: bool = True,
) -> tuple[int, bytes]:
    """Send one request on a fresh connection; the status and the body of the answer."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        head = [method.encode() + b" " + path + b" HTTP/1.1", b"Host: " + host.encode()]
        head += [name + b": " + value for name, value in headers]
        if content_length:
            head.append(b"Content-Length: " + str(len(body)).encode())
        head.append(b"Connection: close")
        writer.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
    status_line, _, rest = answer.partition(b"\r\n")
    _, _, payload = rest.partition(b"\r\n\r\n")
    return int(status_line.split()[1]), payload
