"""The ``x-sdk-limits`` helpers of ``generator.runtime.validation``, value by value: which of a
slot's inputs its image is taken from."""

from __future__ import annotations

from generator.runtime.validation import effective_input
from generator.runtime.vendor import ImageSlot


def test_a_slot_takes_its_image_from_the_first_input_given() -> None:
    slot = ImageSlot(inputs=("url", "base64"))
    assert effective_input(slot, {"url": "https://h/x.png", "base64": "AAAA"}) == "url"
    assert effective_input(slot, {"url": "", "base64": "AAAA"}) == "base64"  # empty: not given
    assert effective_input(slot, {"url": None, "base64": ""}) is None
    assert effective_input(slot, {}) is None


def test_a_slot_reaches_into_object_inputs() -> None:
    slot = ImageSlot(inputs=("image.url", "image.data"))
    assert effective_input(slot, {"image": {"url": "", "data": "AAAA"}}) == "image.data"
