"""The mock's ASGI app, by value: the messages it sends for a dropped connection (the start of a
64-byte JSON answer, then the break), and the whole answers to a body too large or one that
stops arriving, which have no request id to give (the request never reached the mock)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from generator.runtime.mock import VendorMock
from generator.runtime.mock.asgi import ConnectionDropped, MockApp, _send
from generator.runtime.mock.messages import MockResponse
from generator.runtime.vendor import Vendor

from .vendors import all_vendors

VENDORS = all_vendors()
IDS = [v.package for v in VENDORS]
DROPPED_START = {
    "type": "http.response.start",
    "status": 200,
    "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")],
}


class Recorder:
    """An ASGI ``send`` keeping every message."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def __call__(self, message: dict[str, Any]) -> None:
        self.sent.append(message)


def test_a_dropped_answer_starts_a_64_byte_json_answer_then_breaks() -> None:
    """Over a network the caller gets a status line promising 64 bytes and then a closed
    connection, the way a server that dies mid-answer looks."""
    send = Recorder()
    answer = MockResponse(201, b'{"ok": true}', "text/plain", {"x-a": "b"}, dropped=True)
    with pytest.raises(ConnectionDropped) as dropped:
        asyncio.run(_send(answer, send))
    assert str(dropped.value) == "the mock dropped this connection (an injected fault)"
    assert send.sent == [DROPPED_START]


def test_an_answer_not_dropped_is_sent_whole_with_its_own_headers() -> None:
    send = Recorder()
    asyncio.run(_send(MockResponse(201, b"abc", "text/plain", {"X-Ca-Error": "no"}), send))
    assert send.sent == [
        {
            "type": "http.response.start",
            "status": 201,
            "headers": [
                (b"content-type", b"text/plain"),
                (b"content-length", b"3"),
                (b"x-ca-error", b"no"),
            ],
        },
        {"type": "http.response.body", "body": b"abc"},
    ]


def scope(content_length: int) -> dict[str, Any]:
    return {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "path": "/",
        "query_string": b"",
        "headers": [(b"content-length", str(content_length).encode())],
        "server": ("127.0.0.1", 8000),
    }


def run(app: MockApp, length: int, *messages: dict[str, Any]) -> list[dict[str, Any]]:
    queue = [{"type": "http.request", **m} for m in messages]

    async def receive() -> dict[str, Any]:
        if queue:
            return queue.pop(0)
        await asyncio.Event().wait()  # nothing more comes
        raise AssertionError("unreachable")

    send = Recorder()
    asyncio.run(asyncio.wait_for(app(scope(length), receive, send), 5))
    return send.sent


def expected_messages(answer: MockResponse) -> list[dict[str, Any]]:
    send = Recorder()
    asyncio.run(_send(answer, send))
    return send.sent


@pytest.mark.parametrize("vendor", VENDORS, ids=IDS)
def test_a_body_declared_too_large_gets_the_vendor_s_error_with_an_empty_request_id(
    vendor: Vendor,
) -> None:
    mock = VendorMock(vendor)
    limit = vendor.mock.max_body_bytes
    sent = run(MockApp(mock), limit + 1)
    expected = mock._error("payload_too_large", f"body over {limit} bytes", "")
    assert sent == expected_messages(expected)


@pytest.mark.parametrize("vendor", VENDORS, ids=IDS)
def test_a_stalled_body_gets_the_vendor_s_error_with_an_empty_request_id_and_closes(
    vendor: Vendor,
) -> None:
    mock = VendorMock(vendor)
    sent = run(MockApp(mock, read_timeout=0), 1000, {"body": b'{"a": ', "more_body": True})
    expected = mock._error("invalid_request", "the body stopped arriving (nothing for 0 s)", "")
    expected.headers["connection"] = "close"
    assert sent == expected_messages(expected)


def test_some_vendor_s_error_carries_the_request_id() -> None:
    """Guard for the two tests above: they tell an empty request id from another only where
    an error answer carries it."""
    mock_errors = [VendorMock(v)._error("invalid_request", "x", "RID-1").body for v in VENDORS]
    assert any(b"RID-1" in body for body in mock_errors)
