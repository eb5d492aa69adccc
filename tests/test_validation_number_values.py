"""A form or query number keeps the form it was written in: a whole number without a point
becomes an int, anything else a float, as a JSON body would have carried it."""

from __future__ import annotations

from typing import Any

import pytest

from generator.runtime.validation import _not_multiple, checker, coerce, simple_problems
from generator.runtime.vendor import Param
from tests.vendors import all_vendors


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2", 2), ("1e3", 1000), ("2.0", 2.0), ("1e-1", 0.1), ("2.5", 2.5), ("x", "x")],
    ids=["whole", "whole-exponent", "point-zero", "small-exponent", "fraction", "text"],
)
def test_a_number_form_value_is_an_int_only_when_written_whole(raw: str, expected: Any) -> None:
    param = Param(wire="scale", py="scale", location="query", schema={"type": "number"})

    result = coerce(param, raw)

    assert (result, type(result)) == (expected, type(expected))


@pytest.mark.parametrize("kind", ["integer", "number"])
@pytest.mark.parametrize("raw", ["inf", "-inf", "nan"])
def test_a_value_that_is_no_json_number_stays_text_for_the_type_check(kind: str, raw: str) -> None:
    param = Param(wire="steps", py="steps", location="query", schema={"type": kind})

    assert coerce(param, raw) == raw


@pytest.mark.parametrize(
    ("value", "step", "off"),
    [
        (2.5, 0.5, False),
        (2.6, 0.5, True),
        (6.0, 3, False),
        (4.5, 3, True),
        (6, 3, False),
        (7, 3, True),
    ],
)
def test_a_multiple_of_its_step_is_told_from_a_number_between(
    value: float, step: float, off: bool
) -> None:
    assert _not_multiple(value, step) is off


def test_a_number_at_its_maximum_is_within_it() -> None:
    assert simple_problems({"type": "number", "maximum": 5}, 5) == []
    assert simple_problems({"type": "number", "maximum": 5}, 5.5) != []


@pytest.mark.parametrize(
    "value", [True, False, [7], {"n": 7}], ids=["true", "false", "list", "object"]
)
def test_number_bounds_leave_values_that_are_no_numbers_alone(value: Any) -> None:
    # JSON Schema: minimum and maximum say nothing of a boolean, an array or an object
    assert simple_problems({"minimum": 2, "maximum": 0}, value) == []


def test_a_nullable_input_given_a_value_is_still_checked_against_its_schema() -> None:
    vendor = all_vendors()[0]
    op = vendor.operations[0]
    nullable = Param(
        wire="steps", py="steps", location="query",
        schema={"type": "integer", "nullable": True, "maximum": 5},
    )  # fmt: skip

    found = checker(op.model_copy(update={"params": (nullable,)}))({"steps": 9})

    assert found.problems == [("invalid_request", "steps: 9 is greater than the maximum of 5")]
