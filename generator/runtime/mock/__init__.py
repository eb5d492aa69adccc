"""Stateful fakes of the vendors' APIs, driven by the same vendor model as the clients.

``VendorMock`` (in ``core``) keeps accounts, tasks on a clock, files and a journal, and answers
requests in the vendor's own shapes. It is reached in-process through httpx transports or
``httpx.ASGITransport`` over its ASGI app, or served on a loopback port by ``serve``.
"""

from .core import VendorMock
from .messages import MockRequest, MockResponse

__all__ = ["MockRequest", "MockResponse", "VendorMock"]
