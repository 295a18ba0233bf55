"""ASGI middleware for request bodies: size cap, read deadline, and the body types this API accepts.

`BodyLimit` reads the whole body of a POST before the application sees it: past `max_bytes`
(declared or counted, chunked bodies included) it answers 413, and a client that has not sent
the whole body within `timeout_s` (a slow-body client holding a connection) gets 408. The body is
then replayed to the application. `BodyTypes` accepts only JSON and multipart bodies: a form or
text/plain POST is what a foreign web page can send without a CORS preflight.
"""

from __future__ import annotations

import asyncio
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response

ACCEPTED_TYPES = (b"application/json", b"multipart/form-data")
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return bytes(value)
    return b""


def _has_body(scope: Scope) -> bool:
    length = _header(scope, b"content-length").strip()
    return bool(_header(scope, b"transfer-encoding")) or (bool(length) and length != b"0")


class BodyLimit:
    """ASGI middleware: 413 for bodies over `max_bytes`, 408 for bodies not received within `timeout_s`."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout_s: float = 60.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s

    def _too_large(self) -> str:
        return f"request body is over the limit of {self.max_bytes:,} bytes; send fewer or smaller images"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await error_response(413, "payload_too_large", self._too_large())(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                await error_response(408, "body_timeout", f"the request body did not arrive within {self.timeout_s:g} s; "
                                     "send it at once")(scope, receive, send)
                return
            if message["type"] == "http.disconnect":
                return  # the client left: nothing to answer
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await error_response(413, "payload_too_large", self._too_large())(scope, receive, send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()  # after the body: only http.disconnect comes

        await self.app(scope, replay, send)


class BodyTypes:
    """ASGI middleware: POST bodies must be JSON or multipart (415 otherwise, with what to send)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") in _BODY_METHODS and _has_body(scope):
            declared = _header(scope, b"content-type").split(b";", 1)[0].strip().lower()
            if declared not in ACCEPTED_TYPES:
                shown = declared.decode("latin-1")[:100] or "none"
                message = (f"Content-Type {shown!r} is not accepted: send JSON with 'Content-Type: application/json' "
                           "(curl: -H 'Content-Type: application/json'), or multipart/form-data for image uploads")
                await error_response(415, "unsupported_media_type", message)(scope, receive, send)
                return
        await self.app(scope, receive, send)


__all__ = ["ACCEPTED_TYPES", "BodyLimit", "BodyTypes"]
