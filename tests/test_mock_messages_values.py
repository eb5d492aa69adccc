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
