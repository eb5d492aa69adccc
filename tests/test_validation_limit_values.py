"""``x-sdk-limits`` checks by value at their edges: an input left as "" is not one of an
"exactly one of" group; an image of exactly ``max_bytes`` is within it; a format named the
way the spec spells it (``jpg``) or that Pillow alone knows (``ico``) is accepted; an image
input left as "", or inside an input that already failed its schema, is not checked. Written
against the mutants ``make mutants`` showed surviving in ``_check_limits``, ``data_problem``
and ``image_problem``."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from PIL import Image

from generator.runtime.images import png_base64
from generator.runtime.paths import set_path
from generator.runtime.testing import example_values
from generator.runtime.validation import (
    Checked,
    _check_image,
    _check_limits,
    check,
    data_problem,
    image_problem,
)
from generator.runtime.vendor import ImageLimit, Operation
from generator.runtime.wire import wire_layout
from tests.hostile import offline_client
from tests.test_mock_roles_limits_values import grey_png, sized_slots
from tests.vendors import all_vendors

GROUPS = [
    (v, op, group)
    for v in all_vendors()
    for op in v.operations
    for group in op.limits.exactly_one_of
]


def encoded(fmt: str, size: tuple[int, int] = (16, 12)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("vendor", "op", "group"), GROUPS, ids=[f"{v.package}-{o.name}" for v, o, _ in GROUPS]
)
def test_an_input_left_empty_is_not_one_of_an_exactly_one_of_group(vendor, op, group) -> None:
    values = {name: "" for name in group}
    values[group[-1]] = "given"
    result = Checked(values=values)
    only_the_group = op.limits.model_copy(
        update={"exactly_one_of": (group,), "images": {}, "slots": {}, "non_empty": ()}
    )

    _check_limits(op.model_copy(update={"limits": only_the_group}), result, set())

    assert result.problems == []


def test_an_image_of_exactly_max_bytes_is_within_the_limit() -> None:
    data = encoded("PNG")

    assert data_problem(data, ImageLimit(source="base64", max_bytes=len(data))) is None
    assert data_problem(data, ImageLimit(source="base64", max_bytes=len(data) - 1)) == (
        "payload_too_large",
        f"{len(data)} bytes, over {len(data) - 1}",
    )


@pytest.mark.parametrize(
    ("formats", "fmt"), [(("jpg",), "JPEG"), (("ico",), "ICO"), (("png", "ico"), "ICO")]
)
def test_a_format_is_accepted_as_the_spec_spells_it(formats: tuple[str, ...], fmt: str) -> None:
    assert image_problem(encoded(fmt), ImageLimit(source="base64", formats=formats)) is None


def test_a_format_not_listed_is_refused_naming_those_accepted() -> None:
    found = image_problem(encoded("ICO"), ImageLimit(source="base64", formats=("jpg", "png")))

    assert found == ("invalid_image", "ico images are not accepted (use jpg, png)")


IMAGES = [(v, op, name) for v in all_vendors() for op in v.operations for name in op.limits.images]


def images_only(op: Operation, name: str) -> Operation:
    only = op.limits.model_copy(
        update={
            "exactly_one_of": (),
            "slots": {},
            "non_empty": (),
            "images": {name: op.limits.images[name]},
        }
    )
    return op.model_copy(update={"limits": only})


@pytest.mark.parametrize(
    ("vendor", "op", "name"), IMAGES, ids=[f"{v.package}-{o.name}-{n}" for v, o, n in IMAGES]
)
def test_an_image_input_left_empty_is_not_checked_as_an_image(vendor, op, name) -> None:
    values: dict = {}
    set_path(values, name, "")
    result = Checked(values=values)

    _check_limits(images_only(op, name), result, set())

    assert result.problems == []


DOTTED = [case for case in IMAGES if "." in case[2]]


@pytest.mark.parametrize(
    ("vendor", "op", "name"), DOTTED, ids=[f"{v.package}-{o.name}-{n}" for v, o, n in DOTTED]
)
def test_an_image_inside_an_input_that_failed_its_schema_is_not_checked_again(
    vendor, op, name
) -> None:
    values: dict = {}
    set_path(values, name, "%%% neither an image nor a URL %%%")
    failed, fresh = Checked(values=values), Checked(values=values)

    _check_limits(images_only(op, name), failed, {name.split(".")[0]})
    _check_limits(images_only(op, name), fresh, set())

    assert failed.problems == [] and fresh.problems != []


def test_an_aspect_ratio_at_its_bounds_is_within_them() -> None:
    limit = ImageLimit(source="base64", min_aspect=2.0, max_aspect=2.0)

    assert image_problem(encoded("PNG", (20, 10)), limit) is None
    assert image_problem(encoded("PNG", (21, 10)), limit) == (
        "invalid_image",
        "21x10 has an aspect ratio outside 2.0-2.0",
    )


def test_an_image_whose_longer_side_is_the_limit_is_within_it() -> None:
    assert image_problem(encoded("PNG", (16, 12)), ImageLimit(source="base64", max_side=16)) is None
    assert image_problem(encoded("PNG", (17, 12)), ImageLimit(source="base64", max_side=16)) == (
        "image_resolution",
        "17x12 is over 16 px on a side",
    )


SLOTTED = [(v, op) for v in all_vendors() for op in v.operations if op.limits.slots]


@pytest.mark.parametrize(
    ("vendor", "op"), SLOTTED, ids=[f"{v.package}-{o.name}" for v, o in SLOTTED]
)
def test_an_operation_with_image_slots_passes_its_own_example(vendor, op) -> None:
    base_url = vendor.base_url or "http://mock.invalid"
    with offline_client(vendor.package, base_url) as client:
        # the spec's constants, credentials and settings
        fixed = client._fixed_values(wire_layout(op))
    values = {**fixed, **example_values(op, base_url)}

    assert check(op, values).problems == []


@pytest.mark.parametrize(
    "case", sized_slots(), ids=[f"{v.package}-{op.name}-{s}" for v, op, s in sized_slots()]
)
def test_a_slot_image_of_the_wrong_size_is_found_when_the_inputs_are_checked(case) -> None:
    vendor, op, name = case
    slot = op.limits.slots[name]
    other = op.limits.slots[slot.same_size_as]
    base_url = vendor.base_url or "http://mock.invalid"
    with offline_client(vendor.package, base_url) as client:
        fixed = client._fixed_values(wire_layout(op))
    images = {n.split(".")[0] for each in op.limits.slots.values() for n in each.inputs}
    example = example_values(op, base_url)
    values = {**fixed, **{k: v for k, v in example.items() if k not in images}}

    def base64_input(of: Any) -> str:
        return next(n for n in of.inputs if op.limits.images[n].source.startswith("base64"))

    set_path(values, base64_input(other), png_base64(400, 300))
    set_path(values, base64_input(slot), base64.b64encode(grey_png(320, 300)).decode())

    found = check(op, values).problems

    assert ("invalid_request", f"{name} is 320x300 but {slot.same_size_as} is 400x300") in found


# Base64 is refused unread only when even its smallest decoding (three bytes for every four
# characters, less two for padding) is over ``max_bytes``: 403 characters decode to at least
# 300 bytes, 404 to at least 301. '%' is no base64 character, so text that is read is then
# found not to be base64, while text refused unread is "too large".
BYTES_ONLY = ImageLimit(source="base64", max_bytes=300)


def test_base64_whose_smallest_decoding_is_the_limit_is_read_not_refused_unread() -> None:
    checked = Checked({})
    _check_image("image", "%" * 403, BYTES_ONLY, checked)

    assert checked.problems == [("invalid_image", "image: not valid base64")]


def test_base64_whose_smallest_decoding_is_one_byte_over_is_refused_unread_saying_by_how_much() -> (
    None
):
    checked = Checked({})
    _check_image("image", "%" * 404, BYTES_ONLY, checked)

    assert checked.problems == [
        ("payload_too_large", "image: about 301 bytes once decoded, over 300")
    ]
