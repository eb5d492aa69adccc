"""Tencent's canonical request by value: an empty path is signed as ``/``, and a header the
Authorization names but the request does not carry is signed as an empty value. Written
against the mutants ``make mutants`` showed surviving in ``canonical_request``."""

from __future__ import annotations

import hashlib

from generator.runtime.auth import canonical_request

EMPTY_BODY = hashlib.sha256(b"").hexdigest()


def test_an_empty_path_is_signed_as_the_root() -> None:
    text = canonical_request("post", "", "a=1", {}, (), b"")

    assert text == f"POST\n/\na=1\n\n\n{EMPTY_BODY}"


def test_a_signed_header_the_request_lacks_is_signed_as_empty() -> None:
    headers = {"host": " Example.COM "}

    text = canonical_request("POST", "/", "", headers, ("content-type", "host"), b"")

    expected = f"POST\n/\n\ncontent-type:\nhost:example.com\n\ncontent-type;host\n{EMPTY_BODY}"
    assert text == expected
