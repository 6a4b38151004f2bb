"""A cheap HTTP/1.1 client for open-loop load on 127.0.0.1 (asyncio protocols, keep-alive).

The load generator shares the machine's two cores with the server it measures, so it must cost
little: httpx's AsyncClient spends about 1 ms of CPU per request, which at 200 requests/s is a
fifth of a core taken from the server and shows up as the client lagging its own schedule. This
client writes each request as one prepared bytes buffer and reads the answer by its
Content-Length (uvicorn always sends one for these JSON answers), on one persistent connection
per caller, with uvloop's event loop when it is installed. About 0.1 ms per request.

Only what the benchmark needs: no TLS, no redirects, no chunked answers, no pipelining.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, cast

T = TypeVar("T")


class Answer:
    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: dict[bytes, bytes], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body


class _Protocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.WriteTransport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[Answer] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.WriteTransport, transport)  # a stream transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("connection closed"))

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0 or self.waiter is None:
            return
        head = bytes(self.buffer[:end]).split(b"\r\n")
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get(b"content-length", b"0"))
        if len(self.buffer) < end + 4 + length:
            return
        body = bytes(self.buffer[end + 4 : end + 4 + length])
        del self.buffer[: end + 4 + length]
        if not self.waiter.done():
            self.waiter.set_result(Answer(int(head[0].split(b" ", 2)[1]), headers, body))


class Connection:
    """One keep-alive connection; one request at a time; reconnects after a failure."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.protocol: _Protocol | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> Answer:
        loop = asyncio.get_running_loop()
        if self.protocol is None or self.protocol.closed:
            _, self.protocol = await loop.create_connection(_Protocol, self.host, self.port)
        protocol = self.protocol
        lines = [f"{method} {path} HTTP/1.1", f"host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines.append(f"content-length: {len(body)}")
        protocol.waiter = loop.create_future()
        assert protocol.transport is not None
        protocol.transport.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        try:
            return await protocol.waiter
        except BaseException:
            self.close()  # a half-read answer would poison the next request
            raise
        finally:
            protocol.waiter = None

    def close(self) -> None:
        if self.protocol is not None and self.protocol.transport is not None:
            self.protocol.transport.close()
        self.protocol = None


def run(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``asyncio.run`` on uvloop's loop when it is installed (it is, with uvicorn[standard])."""
    with contextlib.suppress(ImportError):
        import uvloop

        return uvloop.run(main())
    return asyncio.run(main())
