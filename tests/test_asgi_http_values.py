"""How the ASGI app reads a request's scope, by value: the mock's own address from the
scheme, host and port (an IPv6 host in brackets, a scheme's default port left out), the
``--public-url`` in its place when one is given, and a body that HTTP/1 says is empty (no
length, no chunks) left unread. Written against the mutants ``make mutants`` showed
surviving in ``_server_url`` and ``MockApp._http``."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from generator.runtime.mock import VendorMock
from generator.runtime.mock.asgi import MockApp, _server_url
from generator.runtime.mock.messages import MockRequest
from tests.vendors import all_vendors

VENDOR = all_vendors()[0]


@pytest.mark.parametrize(
    ("scope", "url"),
    [
        ({"server": ("::1", 8080)}, "http://[::1]:8080"),
        ({"server": ("mock.test", 8080)}, "http://mock.test:8080"),
        ({"scheme": "http", "server": ("mock.test", 80)}, "http://mock.test"),
        ({"scheme": "https", "server": ("mock.test", 443)}, "https://mock.test"),
        ({"scheme": "https", "server": ("mock.test", 80)}, "https://mock.test:80"),
        ({"scheme": "http", "server": ("mock.test", 443)}, "http://mock.test:443"),
        ({"scheme": "https", "server": ("mock.test", None)}, "https://mock.test"),
    ],
    ids=["ipv6", "own-port", "http-80", "https-443", "https-80", "http-443", "no-port"],
)
def test_the_mock_s_own_address_is_read_from_the_scope(scope: dict[str, Any], url: str) -> None:
    assert _server_url(scope) == url


def served(scope: dict[str, Any], body: bytes, public_url: str = "") -> MockRequest:
    """The request the mock was handed for ``scope``, the caller sending ``body``."""
    mock = VendorMock(VENDOR)
    seen: list[MockRequest] = []

    async def handle(request: MockRequest) -> Any:
        seen.append(request)
        return mock._json(200, {})

    mock.ahandle = handle  # type: ignore[method-assign]
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        pass

    full = {"type": "http", "method": "POST", "path": "/", "headers": [], **scope}
    asyncio.run(MockApp(mock, public_url=public_url, read_timeout=1)(full, receive, send))
    return seen[0]


def test_a_public_url_stands_for_the_server_s_own_address() -> None:
    scope = {"server": ("127.0.0.1", 8000)}

    assert served(scope, b"", public_url="https://mocks.example/v1/").base_url == (
        "https://mocks.example/v1"
    )
    assert served(scope, b"").base_url == "http://127.0.0.1:8000"
    assert served(scope, b"", public_url="https://mocks.example/BOX/").base_url == (
        "https://mocks.example/BOX"  # only the slash goes
    )


@pytest.mark.parametrize(
    ("version", "body"),
    [(None, b""), ("1.0", b""), ("1.1", b""), ("2", b"sent")],
    ids=["no-version", "http-1.0", "http-1.1", "http-2"],
)
def test_a_body_without_length_or_chunks_is_read_only_outside_http_1(
    version: str | None, body: bytes
) -> None:
    scope = {} if version is None else {"http_version": version}

    assert served(scope, b"sent").body == body
