"""``mock.multipart.parse``: a multipart/form-data body read into its text fields and files,
the same as the fields and files a client encoded; what is not such a body is a ``ValueError``
naming what is wrong (the mock answers it as the vendor's invalid-request error)."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.runtime.mock.multipart import parse

from .cycles import cycles_left

CT = "multipart/form-data; boundary=zz"
NAMES = st.text("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789_.-", min_size=1, max_size=12)


def _encoded(fields: dict[str, str], files: dict[str, bytes]) -> tuple[bytes, str]:
    """A body as httpx writes it (its own random boundary), and its Content-Type."""
    request = httpx.Request(
        "POST",
        "http://x/",
        data=fields,
        files={name: (f"{name}.bin", data) for name, data in files.items()} or None,
    )
    if not files:  # httpx sends a form without files urlencoded: ask for multipart anyway
        request = httpx.Request(
            "POST", "http://x/", data=fields, files={"__none__": ("none.bin", b"")}
        )
    return request.read(), request.headers["content-type"]


@settings(max_examples=150, deadline=None)
@given(
    fields=st.dictionaries(NAMES, st.text(max_size=40), max_size=4),
    files=st.dictionaries(NAMES, st.binary(max_size=300), max_size=3),
)
def test_what_a_client_encodes_is_read_back(
    fields: dict[str, str], files: dict[str, bytes]
) -> None:
    files = {k: v for k, v in files.items() if k not in fields}
    body, content_type = _encoded(fields, files)
    read_fields, read_files = parse(body, content_type)
    read_files.pop("__none__", None)
    assert (read_fields, read_files) == (fields, files)


def _body(*parts: bytes, preamble: bytes = b"", epilogue: bytes = b"") -> bytes:
    middle = b"".join(b"--zz\r\n" + part + b"\r\n" for part in parts)
    return preamble + middle + b"--zz--" + epilogue


def test_a_value_with_line_breaks_and_dashes_is_kept_whole() -> None:
    value = b"a\r\n--z\r\n\r\n-- zz\r\nb"
    body = _body(b'Content-Disposition: form-data; name="note"\r\n\r\n' + value)
    assert parse(body, CT) == ({"note": value.decode()}, {})


def test_the_boundary_is_the_content_types_parameter_not_text_inside_another() -> None:
    body = _body(b'Content-Disposition: form-data; name="a"\r\n\r\n1')
    content_type = 'multipart/form-data; note="boundary=no"; BOUNDARY=zz'
    assert parse(body, content_type) == ({"a": "1"}, {})


def test_an_unquoted_name_and_a_quoted_boundary_are_read() -> None:
    body = b"--a b\r\ncontent-disposition: form-data; name=prompt\r\n\r\nhi\r\n--a b--\r\n"
    assert parse(body, 'multipart/form-data; boundary="a b"') == ({"prompt": "hi"}, {})


def test_preamble_epilogue_and_padding_after_a_delimiter_are_left_out() -> None:
    part = b'Content-Disposition: form-data; name="a"\r\n\r\n1'
    body = b"ignored\r\n--zz \t\r\n" + part + b"\r\n--zz--\r\nignored too"
    assert parse(body, CT) == ({"a": "1"}, {})


def test_a_part_with_a_filename_is_a_file_even_an_empty_one() -> None:
    body = _body(
        b'Content-Disposition: form-data; name="img"; filename=""\r\n'
        b"Content-Type: image/png\r\n\r\n\x89PNG\r\n"
    )
    assert parse(body, CT) == ({}, {"img": b"\x89PNG\r\n"})


def test_a_part_without_a_name_or_without_headers_is_left_out() -> None:
    body = _body(b"\r\nno headers", b"Content-Disposition: form-data\r\n\r\nno name")
    assert parse(body, CT) == ({}, {})


def test_the_last_of_a_repeated_name_wins() -> None:
    first, second = (b'Content-Disposition: form-data; name="a"\r\n\r\n' + v for v in (b"1", b"2"))
    assert parse(_body(first, second), CT) == ({"a": "2"}, {})


def test_an_rfc_2231_name_is_decoded_and_wins_over_the_plain_one() -> None:
    body = _body(
        b"Content-Disposition: form-data; name=\"plain\"; name*=utf-8''pr%C3%A9nom\r\n\r\nx"
    )
    assert parse(body, CT) == ({"prénom": "x"}, {})


def test_escapes_in_a_quoted_name_are_taken_off() -> None:
    body = _body(b'Content-Disposition: form-data; name="a\\"b"\r\n\r\nx')
    assert parse(body, CT) == ({'a"b': "x"}, {})


def test_a_text_field_is_read_in_its_parts_charset() -> None:
    body = _body(
        b'Content-Disposition: form-data; name="t"\r\nContent-Type: text/plain; charset=latin-1'
        b"\r\n\r\ncaf\xe9"
    )
    assert parse(body, CT) == ({"t": "café"}, {})


@pytest.mark.parametrize(
    ("encoding", "content"), [("base64", b"aGk="), ("Quoted-Printable", b"h=69")]
)
def test_a_transfer_encoding_is_undone(encoding: str, content: bytes) -> None:
    body = _body(
        b'Content-Disposition: form-data; name="f"; filename="f"\r\n'
        + f"Content-Transfer-Encoding: {encoding}\r\n\r\n".encode()
        + content
    )
    assert parse(body, CT) == ({}, {"f": b"hi"})


NOT_FORM_DATA = {
    "no boundary": (b"--zz--", "multipart/form-data", "multipart body without a boundary"),
    "an empty boundary": (
        b"----",
        'multipart/form-data; boundary=""',
        "multipart body without a boundary",
    ),
    "no delimiter": (b"\xff\xfe", CT, "not a multipart body"),
    "a part never closed": (
        b'--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1',
        CT,
        "a multipart part is never closed",
    ),
    "no close delimiter": (
        b'--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--zz',
        CT,
        "a multipart body ends without its close delimiter",
    ),
    "more after a delimiter": (
        b"--zzz\r\n\r\n1\r\n--zz--",
        CT,
        "a multipart delimiter line has more after it",
    ),
    "headers that never end": (
        b'--zz\r\nContent-Disposition: form-data; name="a"\r\n--zz--',
        CT,
        "a multipart part's headers never end",
    ),
    "an unknown charset": (
        _body(
            b'Content-Disposition: form-data; name="t"\r\nContent-Type: text/plain; '
            b"charset=no-such\r\n\r\nx"
        ),
        CT,
        "a multipart part names an unknown charset 'no-such'",
    ),
    "an unknown RFC 2231 charset": (
        _body(b"Content-Disposition: form-data; name*=no-such''%41\r\n\r\nx"),
        CT,
        "a multipart part names an unknown charset 'no-such'",
    ),
    "a vertical tab after a delimiter": (
        b"--zz\x0b\r\n\r\n1\r\n--zz--",
        CT,
        "a multipart delimiter line has more after it",
    ),
    "an X after a delimiter": (
        b"--zzX\r\n\r\n1\r\n--zz--",
        CT,
        "a multipart delimiter line has more after it",
    ),
    "bad base64": (
        _body(
            b'Content-Disposition: form-data; name="f"; filename="f"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\na"
        ),
        CT,
        "a multipart part is not valid base64",
    ),
}


@pytest.mark.parametrize(
    ("body", "content_type", "reason"), NOT_FORM_DATA.values(), ids=list(NOT_FORM_DATA)
)
def test_what_is_not_form_data_is_refused_naming_why(
    body: bytes, content_type: str, reason: str
) -> None:
    with pytest.raises(ValueError) as refused:
        parse(body, content_type)
    assert str(refused.value) == reason


def test_reading_leaves_no_reference_cycle() -> None:
    body, content_type = _encoded({"a": "1"}, {"img": b"\x89PNG" * 100})
    found, kinds = cycles_left(lambda: parse(body, content_type))
    assert found == 0, kinds


def _named(disposition: bytes) -> dict[str, str]:
    """The fields of a one-part body whose Content-Disposition is ``disposition``."""
    fields, _files = parse(_body(b"Content-Disposition: " + disposition + b"\r\n\r\nx"), CT)
    return fields


@pytest.mark.parametrize(
    ("disposition", "fields"),
    [
        (b'form-data; name=""', {}),  # an empty name: no field
        (b'form-data; name="a:b"', {"a:b": "x"}),  # a colon in a header's value
        (b'form-data; name="caf\xe9"', {"caf\ufffd": "x"}),  # not UTF-8: replaced
        (b"form-data; name*=''%C3%A9t%C3%A9", {"\u00e9t\u00e9": "x"}),  # no charset: UTF-8
        (b"form-data; name*=utf-8''%FFa", {"\ufffda": "x"}),  # not UTF-8 once decoded
        (b"form-data; name*=utf-8'en'it's", {"it's": "x"}),  # a quote after the language
    ],
)
def test_a_name_is_read_as_its_header_gives_it(disposition: bytes, fields: dict[str, str]) -> None:
    assert _named(disposition) == fields


def test_a_delimiter_in_the_preamble_not_at_a_line_start_is_not_one() -> None:
    part = b'Content-Disposition: form-data; name="a"\r\n\r\n1'
    body = _body(part, preamble=b"see --zz here\r\n")
    assert parse(body, CT) == ({"a": "1"}, {})
