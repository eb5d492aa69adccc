"""httpx transports that hand requests straight to a mock's core, sync or async.

The sync one is how a blocking client reaches a mock in-process (httpx has no sync ASGI
transport); the async one skips the ASGI layer for speed. Both see exactly what a server would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from .core import MockRequest, MockResponse

if TYPE_CHECKING:
    from .core import VendorMock


def _to_httpx(response: MockResponse) -> httpx.Response:
    headers = {"content-type": response.media_type, **response.headers}
    return httpx.Response(response.status, headers=headers, content=response.body)


class MockTransport(httpx.BaseTransport):
    def __init__(self, mock: VendorMock) -> None:
        self.mock = mock

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        incoming = MockRequest.build(
            request.method, str(request.url), request.headers.multi_items(), body
        )
        return _to_httpx(self.mock.handle(incoming))


class AsyncMockTransport(httpx.AsyncBaseTransport):
    def __init__(self, mock: VendorMock) -> None:
        self.mock = mock

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        incoming = MockRequest.build(
            request.method, str(request.url), request.headers.multi_items(), body
        )
        return _to_httpx(self.mock.handle(incoming))
