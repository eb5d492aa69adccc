"""The mock as a Starlette app: for uvicorn, and for ``httpx.ASGITransport`` in-process."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .messages import MockRequest

if TYPE_CHECKING:
    from .core import VendorMock

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
CALLBACK_TICK = 0.1


class _TooLarge(Exception):
    pass


class ConnectionDropped(Exception):
    """Raised by the app, after starting an answer, to break the connection (an injected
    ``drop`` fault): uvicorn then closes it, and ``MockASGITransport`` raises httpx's error."""


class _Dropped(Response):
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", b"64")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        raise ConnectionDropped("the mock dropped this connection (an injected fault)")


async def _read_body(request: Request, limit: int) -> bytes:
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


def create_app(mock: VendorMock, *, background: bool = False) -> Starlette:
    """An ASGI app serving ``mock``. ``background`` runs callback delivery on the real clock."""

    limit = mock.vendor.mock.max_body_bytes

    async def endpoint(request: Request) -> Response:
        try:
            body = await _read_body(request, limit)
        except _TooLarge:
            answer = mock._error("payload_too_large", f"body over {limit} bytes", "")
        else:
            incoming = MockRequest.build(
                request.method, str(request.url), request.headers.items(), body
            )
            answer = mock.handle(incoming)
        if answer.delay:
            await mock.clock.asleep(answer.delay)
        if answer.dropped:
            return _Dropped()
        return Response(
            answer.body,
            status_code=answer.status,
            media_type=answer.media_type,
            headers=answer.headers,
        )

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(_deliver_forever(mock)) if background else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    return Starlette(routes=[Route("/{path:path}", endpoint, methods=METHODS)], lifespan=lifespan)


async def _deliver_forever(mock: VendorMock) -> None:
    while True:
        await mock.callbacks.arun_due()
        await asyncio.sleep(CALLBACK_TICK)
