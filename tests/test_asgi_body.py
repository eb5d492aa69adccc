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
