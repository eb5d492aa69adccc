"""``mock.messages.read_json`` reads a body with orjson first and falls back to the standard
library's parser. Whichever reads it, a body gives the value ``json.loads`` gives: integers
past 64 bits stay exact integers. A string holding half a surrogate pair, which only the
standard library reads, is refused in the mock's words: no answer could write it back."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.runtime.mock import messages
from generator.runtime.mock.messages import MockError, read_json

# JSON values: every kind a body can hold, integers past 64 bits and floats of any size too
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_a_body_reads_to_the_value_json_loads_gives(value: object) -> None:
    body = json.dumps(value).encode()
    read = read_json(body)
    assert read == json.loads(body)
    assert json.dumps(read) == json.dumps(json.loads(body))  # same types: 2**64 is no float


@pytest.mark.parametrize(
    "body",
    [
        b"18446744073709551616",
        b"-9223372036854775809",
        b"[-9223372036854775809]",  # as a float, exactly -2**63: the boundary itself
        b'{"seed": 123456789012345678901234567890}',
        b'[[{"n": -123456789012345678901}]]',
    ],
)
def test_an_integer_past_64_bits_stays_an_exact_integer(body: bytes) -> None:
    read = read_json(body)
    assert json.dumps(read) == json.dumps(json.loads(body))  # written back digit for digit


@pytest.mark.parametrize(
    ("body", "half"),
    [
        (b'{"prompt": "a\\ud800"}', "\\ud800"),
        (b'{"x": ["\\udc80b"]}', "\\udc80"),
        (b'"\\ud83d"', "\\ud83d"),
    ],
)
def test_half_a_surrogate_pair_is_refused_naming_it(body: bytes, half: str) -> None:
    with pytest.raises(MockError) as refused:
        read_json(body)
    assert (refused.value.kind, refused.value.detail) == (
        "invalid_request",
        f"the body is not JSON the vendor takes: a string holds {half}, half a surrogate pair",
    )


def test_a_whole_surrogate_pair_is_read_as_its_character() -> None:
    assert read_json(b'{"prompt": "\\ud83d\\ude00"}') == {"prompt": "\U0001f600"}


def test_a_plain_body_is_read_by_orjson_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback is for what orjson cannot read exactly, not for every body."""

    def refused(body: bytes) -> object:
        raise AssertionError("read again by the standard library")

    monkeypatch.setattr(messages, "_read_json_exactly", refused)
    assert read_json(b'{"image": "aGVsbG8=", "n": [1, 2.5, true, null]}') == {
        "image": "aGVsbG8=",
        "n": [1, 2.5, True, None],
    }
    assert read_json(b"-2.5") == -2.5  # a body that is one plain float, too


@pytest.mark.parametrize("body", [b"[1e308]", b"9.3e18", b'{"a": [-9.3e18]}'])
def test_a_large_float_is_read_again_and_stays_the_same_float(
    body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    exactly, asked = messages._read_json_exactly, []

    def recorded(again: bytes) -> object:
        asked.append(again)
        return exactly(again)

    monkeypatch.setattr(messages, "_read_json_exactly", recorded)
    assert read_json(body) == json.loads(body)
    assert asked == [body]


def test_a_body_too_deep_for_orjson_is_refused_in_the_mock_s_words() -> None:
    with pytest.raises(MockError) as refused:
        read_json(b"[" * 2000 + b"]" * 2000)
    assert refused.value.detail == "the body's JSON is nested deeper than 64 levels"


@pytest.mark.parametrize(
    "inner", [b"18446744073709551616", b'"\\ud800"'], ids=["long", "surrogate"]
)
def test_a_body_too_deep_is_refused_by_the_standard_library_s_reading_too(
    inner: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A body only the standard library reads exactly (a long integer, a lone surrogate,
    beside a branch 64 levels deep inside the outer list): read again there, and refused as
    too deep there as well; one level less is read."""
    exactly, asked = messages._read_json_exactly, []

    def recorded(again: bytes) -> object:
        asked.append(again)
        return exactly(again)

    monkeypatch.setattr(messages, "_read_json_exactly", recorded)
    deep = b"[" + inner + b", " + b"[" * 64 + b"]" * 64 + b"]"
    with pytest.raises(MockError) as refused:
        read_json(deep)
    assert (refused.value.kind, refused.value.detail) == (
        "invalid_request",
        "the body's JSON is nested deeper than 64 levels",
    )
    assert asked == [deep]
    fits = b"[" + inner + b", " + b"[" * 63 + b"]" * 63 + b"]"
    if inner == b'"\\ud800"':  # read, as deep as allowed, then refused for the surrogate
        with pytest.raises(MockError, match="half a surrogate pair"):
            read_json(fits)
    else:
        assert read_json(fits) == json.loads(fits)
