"""An httpx transport that hands requests straight to a mock's core.

It is an ``httpx.MockTransport`` around the core, so it serves sync and async clients alike
(httpx has no sync ASGI transport), and vcrpy, which patches httpx's own transports, records
through it like through a network.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from .core import MockRequest

if TYPE_CHECKING:
    from .core import VendorMock


def mock_transport(mock: VendorMock) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        body = request.read()
        incoming = MockRequest.build(
            request.method, str(request.url), request.headers.multi_items(), body
        )
        answer = mock.handle(incoming)
        if answer.delay:  # a synchronous job: the call takes that long on the mock's clock
            mock.clock.sleep(answer.delay)
        headers = {"content-type": answer.media_type, **answer.headers}
        return httpx.Response(answer.status, headers=headers, content=answer.body)

    return httpx.MockTransport(handle)
