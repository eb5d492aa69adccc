"""httpx transports into a mock, in-process.

``mock_transport`` is an ``httpx.MockTransport`` around the mock's core, so it serves sync and
async clients alike (httpx has no sync ASGI transport), and vcrpy, which patches httpx's own
transports, records through it like through a network. ``MockASGITransport`` goes through the
mock's ASGI app. Both hold answers back on the mock's clock (synchronous jobs, injected
latency) and turn a dropped connection into the error httpx raises for one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from .asgi import ConnectionDropped
from .messages import MockRequest

if TYPE_CHECKING:
    from .core import VendorMock

DROPPED = "Server disconnected without sending a complete response (injected by the mock)."


def mock_transport(mock: VendorMock) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        body = request.read()
        incoming = MockRequest.build(
            request.method, str(request.url), request.headers.multi_items(), body
        )
        answer = mock.handle(incoming)
        if answer.delay and mock.hold_answers:  # a synchronous job or injected latency
            mock.clock.sleep(answer.delay)
        if answer.dropped:
            raise httpx.RemoteProtocolError(DROPPED, request=request)
        headers = {"content-type": answer.media_type, **answer.headers}
        return httpx.Response(answer.status, headers=headers, content=answer.body)

    return httpx.MockTransport(handle)


class MockASGITransport(httpx.ASGITransport):
    """``httpx.ASGITransport`` into a mock's app, where a dropped connection is httpx's
    ``RemoteProtocolError``, as it would be over a network."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except ConnectionDropped:
            raise httpx.RemoteProtocolError(DROPPED, request=request) from None
