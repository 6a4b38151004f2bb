"""Refuse request bodies above 64 KiB (a pledge is a few hundred bytes), whether the client
declares their length or streams them in chunks."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eupact.api.problems import problem
from eupact.errors import Problem

MAX_BODY = 64 * 1024


class BodyLimit:
    """Refuse bodies above 64 KiB (a pledge is a few hundred bytes), whether the client declares
    their length or streams them in chunks: the body is read (up to the limit) before the app
    sees it, then replayed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await self._refuse(scope, receive, send, length.decode(errors="replace"))
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = bool(message.get("more_body", False))
            if size > MAX_BODY:
                await self._refuse(scope, receive, send, f"{size}+ (streamed)")
                return
        body, replayed = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, length: str) -> None:
        response = problem(
            413,
            "request body too large",
            [Problem("Content-Length", length, f"at most {MAX_BODY} bytes")],
            str(scope.get("path", "")),
        )
        await response(scope, receive, send)
