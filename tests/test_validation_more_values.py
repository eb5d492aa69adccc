"""Promises of ``generator.runtime.validation`` checked by value: ``slot_problems`` on a slot
whose inputs carry no channel rule (it finds nothing wrong with a colour image, and still
compares sizes) and on a later slot when the first is empty; ``valid_test`` agreeing with
``schema_problems`` on a schema that uses every key the quick tests know (``SIMPLE_KEYS``);
and a ``checker`` built afresh (not the cached one) refusing a number for a string. Operations
are found in ``specs/`` by their ``x-sdk-limits`` slots and their params' schemas."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from generator.runtime.validation import (
    SIMPLE_KEYS,
    checker,
    schema_problems,
    slot_problems,
    valid_test,
)
from generator.runtime.vendor import Operation

from .vendors import all_vendors


def png(width: int, height: int, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), 128 if mode == "L" else (10, 20, 30)).save(out, "PNG")
    return out.getvalue()


def slotted() -> list[tuple[Operation, str]]:
    """(op, slot) for the first slot of each operation that has slots, with its images' limits
    dropped: no input of the slot carries a channel rule any more."""
    found = []
    for vendor in all_vendors():
        for op in vendor.operations:
            if op.limits.slots:
                bare = op.model_copy(update={"limits": op.limits.model_copy(update={"images": {}})})
                found.append((bare, next(iter(op.limits.slots))))
    return found


SLOTTED = slotted()


@pytest.mark.skipif(not SLOTTED, reason="no operation in specs/ has x-sdk-limits slots")
@pytest.mark.parametrize(
    "case",
    SLOTTED,
    ids=[f"{op.name}-{slot}".encode("ascii", "replace").decode() for op, slot in SLOTTED],
)
def test_a_slot_without_a_channel_rule_takes_a_colour_image(case: tuple[Operation, str]) -> None:
    op, slot = case
    assert op.limits.images == {}
    assert slot_problems(op, {slot: png(40, 30, "RGB")}) == []


def test_a_slot_without_a_channel_rule_still_compares_sizes() -> None:
    cases = [
        (op, s) for op, _ in SLOTTED for s, rule in op.limits.slots.items() if rule.same_size_as
    ]
    if not cases:
        pytest.skip("no operation in specs/ has a slot with same_size_as")
    op, slot = cases[0]
    other = op.limits.slots[slot].same_size_as
    images = {slot: png(40, 30, "RGB"), other: png(20, 10, "RGB")}
    problems = slot_problems(op, images)
    assert ("invalid_request", f"{slot} is 40x30 but {other} is 20x10") in problems


def every_simple_key(**chosen: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "type": "integer", "format": "int32", "enum": [1, 2, 4], "minimum": 1, "maximum": 4,
        "exclusiveMinimum": False, "exclusiveMaximum": False, "minLength": 0, "maxLength": 9,
        "multipleOf": 1, "nullable": True, "default": 1, "description": "d", "title": "t",
        "example": 2, "x-py-name": "n", "x-sdk-aliases": ["m"],
    }  # fmt: skip
    base.update(chosen)
    assert base.keys() == SIMPLE_KEYS
    return base


@pytest.mark.parametrize(
    ("schema", "value", "valid"),
    [
        (every_simple_key(), None, True),
        (every_simple_key(), 2, True),
        (every_simple_key(), 3, False),
        (every_simple_key(), "2", False),
        (every_simple_key(type="object", enum=[True]), True, True),
        (every_simple_key(type="object", enum=[True], nullable=False), None, False),
    ],
    ids=["null-allowed", "in-enum", "off-enum", "wrong-type", "object-untyped", "null-refused"],
)
def test_valid_test_on_every_simple_key_is_the_simple_verdict(
    schema: dict[str, Any], value: Any, valid: bool
) -> None:
    assert (not schema_problems(schema, value)) is valid
    assert valid_test(schema)(value) is valid


def fresh(op: Operation) -> Operation:
    """A copy of ``op``: a new object, so ``checker`` builds its check anew instead of reusing
    one cached for the original."""
    return op.model_copy()


def string_params() -> list[tuple[Operation, str]]:
    found = []
    for vendor in all_vendors():
        for op in vendor.operations:
            for p in op.params:
                if (
                    p.source != "auth"
                    and p.location != "file"
                    and p.schema_.get("type") == "string"
                ):
                    found.append((op, p.wire))
                    break
    return found


STRING_PARAMS = string_params()


@pytest.mark.parametrize(
    "case",
    STRING_PARAMS,
    ids=[f"{op.name}-{wire}".encode("ascii", "replace").decode() for op, wire in STRING_PARAMS],
)
def test_a_fresh_checker_refuses_a_number_for_a_string(case: tuple[Operation, str]) -> None:
    op, wire = case
    problems = checker(fresh(op))({wire: 12345}).problems
    assert ("invalid_request", f"{wire}: 12345 is not of type 'string'") in problems


def later_grey_slots() -> list[tuple[Operation, str, int]]:
    """(op, slot, channels) for a slot that is not its operation's first and wants grey."""
    found = []
    for vendor in all_vendors():
        for op in vendor.operations:
            for slot_name, slot in list(op.limits.slots.items())[1:]:
                channels = next(
                    (op.limits.images[n].channels for n in slot.inputs if n in op.limits.images),
                    None,
                )
                if channels == 1:
                    found.append((op, slot_name, channels))
    return found


LATER_GREY = later_grey_slots()


@pytest.mark.skipif(not LATER_GREY, reason="no operation in specs/ has a later grey-only slot")
@pytest.mark.parametrize(
    "case",
    LATER_GREY,
    ids=[f"{op.name}-{s}".encode("ascii", "replace").decode() for op, s, _ in LATER_GREY],
)
def test_a_later_slot_is_checked_when_the_first_is_empty(case: tuple[Operation, str, int]) -> None:
    op, slot, channels = case
    assert slot_problems(op, {slot: png(40, 30, "RGB")}) == [
        ("invalid_request", f"{slot}: needs {channels} channel(s), a grey image")
    ]
