"""The mock's ASGI app at the edges of a body: a body of exactly the vendor's limit, parts
that leave out the optional ``body`` and ``more_body`` keys (the ASGI spec defaults them to
empty and false), a body that stops arriving between parts or whose caller goes away, and the
answer the app gives then: the vendor's invalid-request error on a closing connection."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from generator.runtime.mock import VendorMock
from generator.runtime.mock.asgi import MockApp, _Stalled, _TooLarge, _whole_body

from .vendors import all_vendors


def parts(*messages: dict[str, Any]) -> Any:
    """An ASGI ``receive`` handing over ``messages`` and then waiting forever."""
    queue = list(messages)

    async def receive() -> dict[str, Any]:
        if queue:
            return {"type": "http.request", **queue.pop(0)}
        await asyncio.Event().wait()  # a caller that sends nothing more
        raise AssertionError("unreachable")

    return receive


def read(receive: Any, limit: int = 100, timeout: float | None = 0, **headers: str) -> bytes:
    """The body as the app reads it; a read still waiting after 5 s fails the test (only a
    broken read timeout waits at all: ``timeout`` 0 gives up at once)."""
    return asyncio.run(asyncio.wait_for(_whole_body(headers, receive, limit, timeout), 5))


def test_a_body_of_exactly_the_limit_is_taken() -> None:
    assert read(parts({"body": b"x" * 10}), limit=10) == b"x" * 10
    assert read(parts({"body": b"x" * 10}), limit=10, **{"content-length": "10"}) == b"x" * 10
    chunked = parts({"body": b"x" * 4, "more_body": True}, {"body": b"x" * 6})
    assert read(chunked, limit=10) == b"x" * 10
    chunked = parts({"body": b"x" * 4, "more_body": True}, {"body": b"x" * 6})
    assert read(chunked, limit=10, **{"content-length": "10"}) == b"x" * 10


def test_a_body_one_byte_over_the_limit_is_refused() -> None:
    with pytest.raises(_TooLarge):
        read(parts({"body": b"x" * 11}), limit=10)
    with pytest.raises(_TooLarge):
        read(parts({"body": b"x" * 4, "more_body": True}, {"body": b"x" * 7}), limit=10)


def test_a_part_without_a_body_key_is_empty_and_one_without_more_body_is_the_last() -> None:
    receive = parts({"body": b"ab", "more_body": True}, {"more_body": True}, {"body": b"cd"})
    assert read(receive) == b"abcd"


def test_a_body_that_stops_arriving_between_parts_is_stalled() -> None:
    receive = parts({"body": b"ab", "more_body": True})
    with pytest.raises(_Stalled):
        read(receive, timeout=0)


def test_a_caller_that_goes_away_mid_body_is_stalled() -> None:
    queue = [{"type": "http.request", "body": b"ab", "more_body": True}]
    queue.append({"type": "http.disconnect"})

    async def receive() -> dict[str, Any]:
        return queue.pop(0)

    with pytest.raises(_Stalled):
        read(receive, timeout=None)


@pytest.mark.parametrize("vendor", all_vendors(), ids=lambda v: v.package)
def test_the_app_answers_a_stalled_body_with_the_vendor_s_error_and_closes(vendor) -> None:
    mock = VendorMock(vendor)
    app = MockApp(mock, read_timeout=0)
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "path": "/",
        "query_string": b"",
        "headers": [(b"content-length", b"1000"), (b"content-type", b"application/json")],
        "server": ("127.0.0.1", 8000),
    }
    stalled = parts({"body": b'{"a": ', "more_body": True})
    asyncio.run(asyncio.wait_for(app(scope, stalled, send), 5))
    start, body = sent
    expected = mock._error("invalid_request", "x", "")
    assert start["status"] == expected.status
    headers = dict(start["headers"])
    assert headers[b"connection"] == b"close"
    if expected.body:
        text = json.dumps(json.loads(body["body"]), ensure_ascii=False)
        assert "the body stopped arriving (nothing for 0 s)" in text
    else:  # a gateway's refusal: the reason is in a header
        assert b"the body stopped arriving" in b" ".join(headers.values())
