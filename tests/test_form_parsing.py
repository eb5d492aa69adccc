"""The mock's form and query parsing (``messages.parse_form``, ``parse_query``) reads every
body as ``dict(parse_qsl(body, keep_blank_values=True))`` does, on the quick path for plain and
base64 values as on the slow one: ``+``, every kind of ``%`` escape (good, broken, non-UTF-8),
repeated names, blanks and names without a value."""

from __future__ import annotations

import base64
import os
import random
from urllib.parse import parse_qsl, quote_plus, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.runtime.mock.messages import parse_form, parse_query, unquote_form


def reference(text: str) -> dict[str, str]:
    return dict(parse_qsl(text, keep_blank_values=True))


CASES = [
    "",
    "&",
    "&&a=1&&",
    "a",
    "a=",
    "=b",
    "=",
    "a=1&a=2",
    "a=1&b=&c&a=3",
    "a+b=c+d",
    "a%20b=c%2bd%2B",
    "x=%2F%2f%3D%3d%3A%3a%20",
    "x=%252B",
    "x=%%2F",
    "x=%2",
    "x=%zz%2B",
    "x=%E4%BD%A0%E5%A5%BD",
    "x=%E4%BD",
    "x=%FF%2B",
    "x=%C3%A9+%2B",
    "x=a=b=c",
    "é=ü&ü=%C3%A9",
    "x=%2B%",
    "x=+%2B+",
    "x=%0A%00%7F",
    "a;b=c",
    urlencode({"prompt": "snow on the roofs", "img": base64.b64encode(random.randbytes(3000))}),
    urlencode({"url": "https://example.com/a b?c=d&e=f", "n": "1"}),
    urlencode({"prompt": "窗外的是冬天的景色 100% +x"}),
]


# ids by position: the random image differs between processes, and pytest escapes a non-ASCII
# case in its id and then cannot find the test by it (make mutants runs tests by id)
@pytest.mark.parametrize("text", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_a_form_reads_as_parse_qsl_reads_it(text: str) -> None:
    assert parse_form(text) == reference(text)
    assert parse_query(text) == reference(text)


@pytest.mark.parametrize("size", [1, 2, 3, 100, 30_000])
def test_a_base64_value_percent_encoded_comes_back_whole(size: int) -> None:
    data = base64.b64encode(os.urandom(size)).decode()
    assert parse_form(urlencode({"image": data, "prompt": "p"})) == {"image": data, "prompt": "p"}


PIECES = st.sampled_from(
    ["a", "B", "=", "&", "+", "%", "%2B", "%2b", "%2F", "%3D", "%3a", "%20", "%25", "%2",
     "%C3%A9", "%E4%BD", "%FF", "%zz", "é", " ", "0", "7"]
)  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_any_mix_of_escapes_reads_as_parse_qsl_reads_it(text: str) -> None:
    assert parse_form(text) == reference(text)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_any_text_quoted_and_unquoted_is_itself(text: str) -> None:
    assert unquote_form(quote_plus(text)) == text
    assert unquote_form(quote_plus(text, safe="/:=")) == text
