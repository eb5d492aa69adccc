"""How the mock's ASGI app reads a body: whole in one message, or in chunks, never past the
vendor's limit."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from generator.runtime.mock.asgi import _TooLarge, _whole_body


def messages(*chunks: bytes) -> tuple[Any, list[int]]:
    """An ASGI ``receive`` handing over ``chunks``, and a list counting the messages taken."""
    taken: list[int] = []

    async def receive() -> dict[str, Any]:
        i = len(taken)
        taken.append(i)
        return {"type": "http.request", "body": chunks[i], "more_body": i < len(chunks) - 1}

    return receive, taken


def test_a_body_in_one_message_is_read_as_it_came() -> None:
    receive, taken = messages(b"appKey=test&prompt=snow")
    assert asyncio.run(_whole_body({}, receive, 100)) == b"appKey=test&prompt=snow"
    assert taken == [0]


def test_a_body_in_chunks_is_joined_in_order() -> None:
    receive, taken = messages(b"ab", b"cd", b"ef")
    assert asyncio.run(_whole_body({}, receive, 100)) == b"abcdef"
    assert taken == [0, 1, 2]


@pytest.mark.parametrize("chunks", [(b"x" * 11,), (b"x" * 6, b"x" * 6, b"x" * 6)])
def test_a_body_over_the_limit_is_refused(chunks: tuple[bytes, ...]) -> None:
    receive, taken = messages(*chunks)
    with pytest.raises(_TooLarge):
        asyncio.run(_whole_body({}, receive, 10))
    assert len(taken) <= 2  # chunked: refused at the chunk that passed the limit


def test_a_declared_length_over_the_limit_is_refused_unread() -> None:
    receive, taken = messages(b"small")
    with pytest.raises(_TooLarge):
        asyncio.run(_whole_body({"content-length": "11"}, receive, 10))
    assert taken == []


def test_a_request_that_declares_no_body_is_not_waited_for() -> None:
    """A length of 0, or an HTTP/1 request with neither a length nor chunks, has no body:
    nothing is read (a stalled connection cannot hold such a request up)."""

    async def receive() -> dict:
        raise AssertionError("the body was read")

    assert asyncio.run(_whole_body({"content-length": "0"}, receive, 100)) == b""
    assert asyncio.run(_whole_body({}, receive, 100, http1=True)) == b""


def test_an_http2_request_without_a_length_is_still_read() -> None:
    async def receive() -> dict:
        return {"type": "http.request", "body": b"abc", "more_body": False}

    assert asyncio.run(_whole_body({}, receive, 100, http1=False)) == b"abc"
    chunked = {"transfer-encoding": "chunked"}
    assert asyncio.run(_whole_body(chunked, receive, 100, http1=True)) == b"abc"
