"""The mock as an ASGI app: for uvicorn, and for ``httpx.ASGITransport`` in-process.

A plain ASGI callable rather than a Starlette router: every path goes to the mock's core, so
routing is the core's, and the request is built straight from the ASGI scope. It reads the
body in chunks and refuses one over the vendor's limit as soon as it passes it.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from .messages import MockRequest, MockResponse

if TYPE_CHECKING:
    from .core import VendorMock

CALLBACK_TICK = 0.1
Scope = dict[str, Any]


class _TooLarge(Exception):
    pass


class ConnectionDropped(Exception):
    """Raised by the app, after starting an answer, to break the connection (an injected
    ``drop`` fault): uvicorn then closes it, and ``MockASGITransport`` raises httpx's error."""


class _Body:
    """The request body as an ASGI server hands it over, with its declared length."""

    def __init__(self, scope: Scope, receive: Any) -> None:
        self.headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        self._receive = receive

    async def stream(self) -> Any:
        while True:
            message = await self._receive()
            yield message.get("body", b"")
            if not message.get("more_body", False):
                return


async def _read_body(request: Any, limit: int) -> bytes:
    """The body, refused as soon as it passes ``limit`` instead of after reading it whole."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


class MockApp:
    """The ASGI app of a mock. ``background`` runs callback delivery on the real clock
    (served mocks); in-process, callbacks go out as a virtual clock is advanced."""

    def __init__(self, mock: VendorMock, *, background: bool = False) -> None:
        self.mock = mock
        self.background = background
        self.limit = mock.vendor.mock.max_body_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":  # no vendor speaks it: refuse the handshake
            await receive()
            await send({"type": "websocket.close", "code": 1003})

    async def _http(self, scope: Scope, receive: Any, send: Any) -> None:
        body = _Body(scope, receive)
        try:
            data = await _read_body(body, self.limit)
        except _TooLarge:
            answer = self.mock._error("payload_too_large", f"body over {self.limit} bytes", "")
        else:
            answer = await self.mock.ahandle(_request(scope, body.headers, data))
        if answer.delay and self.mock.hold_answers:
            await self.mock.clock.asleep(answer.delay)
        await _send(answer, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        task: asyncio.Task[None] | None = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.background:
                    task = asyncio.create_task(_deliver_forever(self.mock))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                await send({"type": "lifespan.shutdown.complete"})
                return


def _request(scope: Scope, headers: dict[str, str], body: bytes) -> MockRequest:
    host = headers.get("host") or _server_host(scope)
    return MockRequest.parts(
        method=scope["method"],
        path=scope["path"],
        base_url=f"{scope.get('scheme', 'http')}://{host}",
        query_string=scope.get("query_string", b"").decode("latin-1"),
        headers=headers,
        body=body,
    )


def _server_host(scope: Scope) -> str:
    server = scope.get("server") or ("localhost", 80)
    return f"{server[0]}:{server[1]}"


async def _send(answer: MockResponse, send: Any) -> None:
    if answer.dropped:
        start = [(b"content-type", b"application/json"), (b"content-length", b"64")]
        await send({"type": "http.response.start", "status": 200, "headers": start})
        raise ConnectionDropped("the mock dropped this connection (an injected fault)")
    headers = [
        (b"content-type", answer.media_type.encode()),
        (b"content-length", str(len(answer.body)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in answer.headers.items()),
    ]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})


def create_app(mock: VendorMock, *, background: bool = False) -> MockApp:
    """An ASGI app serving ``mock`` (see :class:`MockApp`)."""
    return MockApp(mock, background=background)


async def _deliver_forever(mock: VendorMock) -> None:
    while True:
        await mock.callbacks.arun_due()
        await asyncio.sleep(CALLBACK_TICK)
