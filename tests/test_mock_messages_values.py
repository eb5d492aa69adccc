"""The mock's messages, by value: the journal as ``/_mock/journal`` lists it, and the reasons
a request body that is no JSON the vendor takes is refused with."""

from __future__ import annotations

import json

import pytest

from generator.runtime.mock import VendorMock
from generator.runtime.mock.messages import MockError, MockRequest, read_json
from generator.runtime.vendor import Vendor

from .vendors import all_vendors

HOST = "http://mock.invalid"


def get(mock: VendorMock, path: str) -> MockRequest:
    return MockRequest.build("GET", f"{HOST}{path}", [], b"")


@pytest.mark.parametrize("vendor", all_vendors(), ids=lambda v: v.package)
def test_the_journal_lists_each_request_with_its_time_status_and_answer(vendor: Vendor) -> None:
    mock = VendorMock(vendor)
    mock.advance(12.5)
    answer = mock.handle(get(mock, "/no/such/operation"))
    listed = mock.handle(get(mock, "/_mock/journal")).json()
    expected = json.loads(answer.body) if answer.media_type == "application/json" else None
    assert listed == [
        {
            "time": mock.clock.time(),
            "method": "GET",
            "path": "/no/such/operation",
            "operation": "",
            "status": answer.status,
            "params": {},
            "response": expected,
        }
    ]


def test_a_number_with_too_many_digits_is_refused_in_plain_words() -> None:
    with pytest.raises(MockError) as refused:
        read_json(b'{"seed": ' + b"7" * 5000 + b"}")
    assert refused.value.kind == "invalid_request"
    assert refused.value.detail == (
        "the body is not JSON the vendor takes: a number has too many digits"
    )


@pytest.mark.parametrize("number", [b"1e999", b"-1e999"])
def test_a_number_out_of_range_is_refused_naming_it(number: bytes) -> None:
    with pytest.raises(MockError) as refused:
        read_json(b'{"strength": ' + number + b"}")
    assert refused.value.kind == "invalid_request"
    assert refused.value.detail == (
        f"the body is not JSON the vendor takes: {number.decode()} is out of range for a number"
    )


def nested(depth: int) -> bytes:
    """A JSON array ``depth`` levels deep (the outer array is level 1)."""
    return b"[" * depth + b"]" * depth


def test_a_body_nested_64_levels_is_read_and_65_is_refused() -> None:
    assert read_json(nested(64)) == json.loads(nested(64))
    assert read_json(b'{"a": ' + nested(63) + b"}") == json.loads(b'{"a": ' + nested(63) + b"}")
    with pytest.raises(MockError) as refused:
        read_json(nested(65))
    assert refused.value.kind == "invalid_request"
    assert refused.value.detail == "the body's JSON is nested deeper than 64 levels"


def test_depth_counts_every_branch_not_only_the_last_one_read() -> None:
    """The deep branch first, plain values after it in the same object and list."""
    body = b'{"deep": ' + nested(64) + b', "plain": 1, "list": [2, "x"]}'
    with pytest.raises(MockError, match="nested deeper than 64 levels"):
        read_json(body)


def test_a_mock_error_reads_as_its_kind_and_detail() -> None:
    error = MockError("conflict", "prompt 'x' is already used")
    assert (str(error), error.kind, error.detail) == (
        "conflict: prompt 'x' is already used",
        "conflict",
        "prompt 'x' is already used",
    )


def test_short_answers_do_not_keep_orjson_s_buffer() -> None:
    """10,000 short answers kept (as the journal keeps them) hold about their own size, not
    orjson's 4 KiB output buffer each."""
    import tracemalloc

    from generator.runtime.mock.messages import encode_json

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = [encode_json({"code": 0, "task_id": f"t{i}"}) for i in range(10_000)]
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept[7] == b'{"code":0,"task_id":"t7"}'
    assert held < 2_000_000, f"{held:,} bytes held by 10,000 short answers"
