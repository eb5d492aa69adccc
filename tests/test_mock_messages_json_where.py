"""``mock.messages.read_json`` on a body that is not JSON: the reason names the parser's
complaint and where it is, line and column, in the words the vendor's error carries."""

from __future__ import annotations

import pytest

from generator.runtime.mock.messages import MockError, read_json


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b'{"a": }', "the body is not JSON (Expecting value at line 1 column 7)"),
        (
            b'{\n  "a": 1,\n  "b" 2\n}',
            "the body is not JSON (Expecting ':' delimiter at line 3 column 7)",
        ),
        # a UTF-8 byte-order mark is refused by name, as json.loads refuses one
        (b'\xef\xbb\xbf{"a": 1}', "the body is not JSON (Unexpected UTF-8 BOM at line 1 column 1)"),
        (b"\xef\xbb\xbf", "the body is not JSON (Unexpected UTF-8 BOM at line 1 column 1)"),
    ],
    ids=["one-line", "third-line", "byte-order-mark", "only-a-byte-order-mark"],
)
def test_a_body_that_is_not_json_says_what_and_where(body: bytes, detail: str) -> None:
    with pytest.raises(MockError) as caught:
        read_json(body)
    assert (caught.value.kind, caught.value.detail) == ("invalid_request", detail)
