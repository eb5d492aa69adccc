"""``envelope.json_of``: an answer's JSON read once, and an answer that is not JSON refused
each time it is asked for, without a reference cycle through the response."""

from __future__ import annotations

import httpx
import pytest

from generator.runtime.envelope import json_of

from .cycles import cycles_left


def _refused(response: httpx.Response) -> bool:
    try:
        json_of(response)
    except ValueError:
        return True
    return False


def test_the_json_is_parsed_once() -> None:
    response = httpx.Response(200, content=b'{"a": [1]}')
    first = json_of(response)
    assert first == {"a": [1]}
    assert json_of(response) is first


@pytest.mark.parametrize("body", [b"<html>502</html>", b"", b"\xff\xfe"])
def test_an_answer_that_is_not_json_is_refused_every_time(body: bytes) -> None:
    response = httpx.Response(502, content=body)
    assert [_refused(response) for _ in range(3)] == [True, True, True]


def test_a_refusal_leaves_no_cycle_through_the_response() -> None:
    def refuse_twice() -> None:
        response = httpx.Response(502, content=b"<html>bad gateway</html>")
        assert _refused(response) and _refused(response)

    found, kinds = cycles_left(refuse_twice)
    assert found == 0, kinds
