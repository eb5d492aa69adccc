"""Base64 images decoded by pybase64 where it is installed (``images.decode_base64``): the
verdict is always the standard library's, the same bytes or the same refusal."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.runtime import images
from generator.runtime.images import ImageProblem, decode_base64, png_bytes

pybase64 = pytest.importorskip("pybase64", reason="pybase64 comes with the mock extra")

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# What breaks base64 or sits at its edges: padding anywhere, white space, the URL-safe
# alphabet, a percent escape, a character beyond ASCII, a NUL.
ODD = "= \n\t-_%é\x00"


def _standard(text: str) -> bytes | None:
    """The standard library's verdict: the bytes, or None for a refusal."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _ours(text: str) -> bytes | None:
    try:
        return decode_base64(text)
    except ImageProblem:
        return None


@st.composite
def _near_base64(draw: st.DrawFn) -> str:
    """Base64 of some bytes, then perhaps broken in one place: a character put in, one taken
    out, something added at either end, the padding taken off."""
    data: bytes = draw(st.binary(max_size=40))
    text = base64.b64encode(data).decode()
    how: str = draw(st.sampled_from(["as is", "insert", "delete", "append", "prepend", "unpad"]))
    where: int = draw(st.integers(min_value=0, max_value=len(text)))
    odd: str = draw(st.sampled_from([*ODD, "==", "A", "AA==", "QQ=="]))
    if how == "insert":
        return text[:where] + odd + text[where:]
    if how == "delete":
        return text[:where] + text[where + 1 :]
    if how == "append":
        return text + odd
    if how == "prepend":
        return odd + text
    return text.rstrip("=") if how == "unpad" else text


_ANY_TEXT = st.text(alphabet=ALPHABET + ODD, max_size=24)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(_near_base64(), _ANY_TEXT))
def test_pybase64_accepts_nothing_the_standard_library_refuses_and_agrees_on_the_bytes(
    text: str,
) -> None:
    """What ``decode_base64`` relies on: where pybase64 decodes, the standard library decodes
    the same bytes."""
    try:
        fast = pybase64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return
    assert _standard(text) == fast


@settings(max_examples=3000, deadline=None)
@given(st.one_of(_near_base64(), _ANY_TEXT))
def test_the_verdict_is_the_standard_librarys(text: str) -> None:
    """On the text without its surrounding white space, as ``decode_base64`` reads it."""
    assert _ours(text) == _standard(text.strip())


@pytest.mark.parametrize("text", ["Y5w5=", "QUJD=", "F/h/hnyVowJ0aK/7="])
def test_a_lone_pad_after_a_full_group_is_read_as_the_standard_library_reads_it(
    text: str,
) -> None:
    """pybase64 refuses these; the standard library ignores the extra ``=``, and so does the
    mock."""
    with pytest.raises(binascii.Error):
        pybase64.b64decode(text, validate=True)
    assert decode_base64(text) == base64.b64decode(text, validate=True)


def test_the_mock_extra_decodes_with_pybase64() -> None:
    assert images._FAST_B64DECODE is pybase64.b64decode


def test_without_pybase64_the_standard_library_decodes_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A client on its base dependencies: the same bytes and the same refusals."""
    monkeypatch.setattr(images, "_FAST_B64DECODE", None)
    data = png_bytes(8, 8)
    assert decode_base64(base64.b64encode(data).decode()) == data
    assert decode_base64("QUJD=") == b"ABC"
    with pytest.raises(ImageProblem, match=r"^not valid base64$"):
        decode_base64("QU JD")


def test_a_decoder_that_refuses_leaves_the_verdict_to_the_standard_library(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    def refusing(text: str, validate: bool = False) -> bytes:
        calls.append(text)
        raise binascii.Error("refused")

    fake: Callable[..., bytes] = refusing
    monkeypatch.setattr(images, "_FAST_B64DECODE", fake)
    assert decode_base64(" QUJD\n") == b"ABC"
    assert calls == ["QUJD"]  # stripped first, then asked
