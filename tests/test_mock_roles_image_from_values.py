"""``Roles._image_from``: an image input given as a URL is downloaded with its input's byte
limit (none when the spec gives the input no limits), checked against those limits and the
mock's pixel limit, and a refusal names the input."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from generator.runtime.images import png_bytes
from generator.runtime.mock.messages import MockError, MockRequest
from generator.runtime.mock.roles import Roles
from generator.runtime.mock.serve import build_mock, vendor_packages
from generator.runtime.vendor import ImageLimit

PACKAGE = vendor_packages()[0]
URL = "http://images.test/a.png"


def fetching(limits: dict[str, ImageLimit], **options: Any) -> tuple[Roles, Any, list[Any]]:
    """Roles of a mock whose downloads are recorded and answer a 64 x 48 PNG, and a call
    giving input ``img`` as a URL."""
    mock = build_mock(PACKAGE, **options)
    asked: list[Any] = []

    def fetch(url: str, request: MockRequest, limit: int | None = None) -> bytes:
        asked.append((url, limit))
        return png_bytes(64, 48)

    mock.fetch = fetch  # type: ignore[method-assign]
    call = SimpleNamespace(
        images={},
        values={"img": URL},
        op=SimpleNamespace(limits=SimpleNamespace(images=limits)),
        request=MockRequest("POST", "/", "http://m"),
    )
    return Roles(mock), call, asked


def test_an_input_without_limits_is_downloaded_without_a_byte_limit() -> None:
    roles, call, asked = fetching({})
    assert roles._image_from(call, ["other", "img"]) == png_bytes(64, 48)
    assert asked == [(URL, None)]


def test_a_download_over_its_inputs_byte_limit_is_refused_naming_the_input() -> None:
    roles, call, asked = fetching({"img": ImageLimit(source="url", max_bytes=10)})
    with pytest.raises(MockError) as refused:
        roles._image_from(call, ["img"])
    size = len(png_bytes(64, 48))
    assert (refused.value.kind, refused.value.detail) == (
        "payload_too_large",
        f"img: {size} bytes, over 10",
    )
    assert asked == [(URL, 10)]


def test_a_download_over_the_mocks_pixel_limit_is_refused_naming_the_input() -> None:
    roles, call, _asked = fetching({}, max_pixels=100)
    with pytest.raises(MockError) as refused:
        roles._image_from(call, ["img"])
    assert (refused.value.kind, refused.value.detail) == (
        "image_resolution",
        "img: 64x48 is over this mock's limit of 100 pixels",
    )
