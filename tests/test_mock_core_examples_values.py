"""``VendorMock._served_file``: the example images the mock serves itself (what
``$example_png_url`` points at) are answered as PNG, byte for byte."""

from __future__ import annotations

import pytest

from generator.runtime.mock.core import EXAMPLE_IMAGES
from generator.runtime.mock.messages import MockRequest
from generator.runtime.mock.serve import build_mock, vendor_packages


@pytest.mark.parametrize("name", sorted(EXAMPLE_IMAGES), ids=sorted(EXAMPLE_IMAGES))
def test_an_example_image_is_served_as_png(name: str) -> None:
    mock = build_mock(vendor_packages()[0])
    answer = mock.handle(MockRequest("GET", f"/_mock/examples/{name}", "http://m"))
    assert (answer.status, answer.media_type) == (200, "image/png")
    assert answer.body == EXAMPLE_IMAGES[name]()
    assert answer.body.startswith(b"\x89PNG")
