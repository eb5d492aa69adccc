"""``generator.runtime.validation``, problem by problem: the exact (error kind, message) pair each
``x-sdk-limits`` rule and each plain schema rule gives. The error kind picks the vendor's error a
mock answers and the exception a client raises, so a wrong kind is a wrong answer; the message
is what a user reads."""

from __future__ import annotations

import io
from typing import Any

import pytest

from generator.runtime import validation
from generator.runtime.images import blank_png, png_bytes
from generator.runtime.validation import (
    check,
    coerce,
    data_problem,
    has_jsonschema,
    image_problem,
    schema_problems,
    simple_problems,
    slot_images,
    valid_test,
    validator,
)
from generator.runtime.vendor import ImageLimit, ImageSlot, Limits, Operation, Param

needs_jsonschema = pytest.mark.skipif(
    not has_jsonschema(),
    reason="needs the mock extra's schema validator (openapi-schema-validator)",
)


def operation(limits: Limits, params: tuple[Param, ...] = ()) -> Operation:
    """An operation with only these limits (and params), built here so no cache is shared."""
    return Operation(
        name="edit", operation_id="edit", method="POST", path="/edit", role="submit",
        params=params, limits=limits,
    )  # fmt: skip


def jpeg_bytes(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


# --- x-sdk-limits, through check() ---------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["ftp://h.example/a.png", "https:///a.png", "a.png"], ids=["ftp", "no-host", "bare"]
)
def test_an_image_url_input_that_is_no_web_url_is_an_invalid_request(value: str) -> None:
    op = operation(Limits(images={"image_url": ImageLimit(source="url")}))
    assert check(op, {"image_url": value}).problems == [
        ("invalid_request", "image_url: not an http(s) URL")
    ]


def test_a_web_url_image_input_has_no_problem() -> None:
    op = operation(Limits(images={"image_url": ImageLimit(source="url")}))
    assert check(op, {"image_url": "https://h.example/a.png"}).problems == []


def test_blank_text_that_must_not_be_empty_is_an_invalid_request() -> None:
    op = operation(Limits(non_empty=("prompt",)))
    assert check(op, {"prompt": " \t "}).problems == [
        ("invalid_request", "prompt must not be empty")
    ]
    assert check(op, {"prompt": "a cat"}).problems == []


def test_a_required_slot_with_none_of_its_inputs_names_them_all() -> None:
    slot = ImageSlot(inputs=("ImageUrl", "ImageBase64"), required=True)
    op = operation(Limits(slots={"image": slot}))
    assert check(op, {"ImageUrl": ""}).problems == [
        ("image_missing", "one of ImageUrl, ImageBase64 is required")
    ]


def test_a_slot_image_is_the_decoded_bytes_of_its_effective_input() -> None:
    op = operation(Limits(slots={"image": ImageSlot(inputs=("url", "data"))}))
    image = png_bytes(8, 8)
    found = slot_images(op, {"data": "aGVsbG8="}, {"data": image})
    assert found == {"image": image}
    assert slot_images(op, {"url": "https://h.example/a.png"}, {"data": image}) == {}


# --- image bytes: data_problem and image_problem ----------------------------------------------


def test_an_image_over_its_byte_limit_is_payload_too_large() -> None:
    data = png_bytes(16, 16)
    limit = ImageLimit(source="file", max_bytes=10)
    assert data_problem(data, limit) == ("payload_too_large", f"{len(data)} bytes, over 10")


def test_an_image_over_its_base64_limit_is_payload_too_large() -> None:
    data = png_bytes(16, 16)
    as_base64 = 4 * ((len(data) + 2) // 3)
    limit = ImageLimit(source="file", max_base64_chars=as_base64 - 1)
    assert data_problem(data, limit) == (
        "payload_too_large",
        f"{as_base64} characters as base64, over {as_base64 - 1}",
    )
    assert data_problem(data, ImageLimit(source="file", max_base64_chars=as_base64)) is None


def test_an_image_in_a_format_not_accepted_lists_the_accepted_ones() -> None:
    limit = ImageLimit(source="file", formats=("jpeg", "webp"))
    assert image_problem(png_bytes(16, 16), limit) == (
        "invalid_image",
        "png images are not accepted (use jpeg, webp)",
    )


def test_an_image_under_the_smallest_side_is_an_image_resolution_problem() -> None:
    limit = ImageLimit(source="file", min_side=50)
    assert image_problem(png_bytes(64, 48), limit) == (
        "image_resolution",
        "64x48 is under 50 px on a side",
    )


def test_an_image_outside_the_aspect_ratios_names_both_bounds() -> None:
    limit = ImageLimit(source="file", min_aspect=0.5, max_aspect=2.0)
    assert image_problem(jpeg_bytes(300, 100), limit) == (
        "invalid_image",
        "300x100 has an aspect ratio outside 0.5-2.0",
    )
    assert image_problem(jpeg_bytes(200, 100), limit) is None


def test_a_decompression_bomb_is_an_image_resolution_problem_counting_its_pixels() -> None:
    side = 13_400  # 179,560,000 pixels: past twice Pillow's warning bound, so it refuses it
    assert image_problem(blank_png(side, side), ImageLimit(source="file")) == (
        "image_resolution",
        "179,560,000 pixels: too large to decode",
    )


# --- plain schema rules ---------------------------------------------------------------------


def test_a_string_under_a_minimum_length_above_one_is_too_short() -> None:
    assert simple_problems({"type": "string", "minLength": 3}, "ab") == ["'ab' is too short"]
    assert simple_problems({"type": "string", "minLength": 1}, "") == ["'' should be non-empty"]


def test_a_plain_uri_input_that_is_no_web_url_is_named_so() -> None:
    assert simple_problems({"type": "string", "format": "uri"}, "ftp://h.example/x") == [
        "not an http(s) URL"
    ]


@pytest.mark.parametrize(
    ("value", "problems"),
    [(1.5, []), (-2.0, []), (1.25, ["1.25 is not a multiple of 0.5"])],
    ids=["one-and-a-half", "minus-two", "one-and-a-quarter"],
)
def test_a_fractional_step_accepts_exactly_its_multiples(value: float, problems: list) -> None:
    assert simple_problems({"type": "number", "multipleOf": 0.5}, value) == problems


def test_an_exclusive_minimum_and_maximum_refuse_the_bound_itself_in_words() -> None:
    schema = {
        "type": "number", "minimum": 1, "maximum": 5,
        "exclusiveMinimum": True, "exclusiveMaximum": True,
    }  # fmt: skip
    assert simple_problems(schema, 1) == ["1 is less than or equal to the minimum of 1"]
    assert simple_problems(schema, 5) == ["5 is greater than or equal to the maximum of 5"]
    assert simple_problems(schema, 3) == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("off", False), ("No", False), ("", False), ("on", True), ("maybe", "maybe")],
    ids=["off", "no", "empty", "on", "maybe"],
)
def test_a_boolean_form_value_becomes_a_boolean_only_when_it_is_a_known_word(
    raw: str, expected: Any
) -> None:
    param = Param(wire="flag", py="flag", location="query", schema={"type": "boolean"})
    result = coerce(param, raw)
    assert (result, type(result)) == (expected, type(expected))


def test_the_quick_string_test_passes_none_only_when_nullable_and_never_another_type() -> None:
    nullable = valid_test({"type": "string", "maxLength": 3, "nullable": True})
    assert nullable(None) is True
    assert nullable(5) is False
    assert nullable("abc") is True
    assert nullable("abcd") is False


# --- jsonschema-checked schemas -------------------------------------------------------------


@needs_jsonschema
def test_a_wrong_type_under_a_uri_format_is_only_a_type_problem() -> None:
    schema = {"type": "string", "format": "uri", "pattern": "^h", "title": "kinds-values-type"}
    assert schema_problems(schema, 5) == ["5 is not of type 'string'"]


@needs_jsonschema
def test_a_compiled_validator_checks_the_uri_format() -> None:
    schema = {"type": "string", "format": "uri", "pattern": ".", "title": "kinds-values-uri"}
    assert schema_problems(schema, "ftp://h.example/x") == ["not an http(s) URL"]
    assert validator(schema).is_valid("ftp://h.example/x") is False
    assert validator(schema).is_valid("https://h.example/x") is True


@needs_jsonschema
def test_equal_schemas_in_any_key_order_share_one_compiled_validator() -> None:
    first = {"type": "string", "pattern": "^a", "title": "kinds-values-shared"}
    second = {"title": "kinds-values-shared", "pattern": "^a", "type": "string"}
    assert validator(first) is validator(second)
    assert validator(dict(first)) is validator(first)


def test_without_jsonschema_the_quick_test_agrees_with_the_structural_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A client on its base dependencies leaves patterns to the vendor: "b" passes both.
    monkeypatch.setattr(validation, "has_jsonschema", lambda: False)
    schema = {"type": "string", "pattern": "^a", "title": "kinds-values-light"}
    assert schema_problems(schema, "b") == []
    assert valid_test(schema)("b") is True
    assert valid_test(schema)(5) is False
