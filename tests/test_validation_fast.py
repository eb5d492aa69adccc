"""The per-operation checker (``validation.checker``) and its quick schema tests give the very
verdicts of the full routines they stand in for: for every schema of every vendor found in
specs/ and hand-made ones, against a pool of right and wrong values, and for every operation
against the straightforward check written out here."""

from __future__ import annotations

import importlib
import itertools
from typing import Any

import pytest

from generator.discover import vendor_packages
from generator.runtime.testing import example_values
from generator.runtime.validation import (
    Checked,
    _check_limits,
    check,
    schema_problems,
    valid_test,
)
from generator.runtime.vendor import Operation, Vendor


def vendor(package: str) -> Vendor:
    found: Vendor = importlib.import_module(f"generated.{package}").VENDOR
    return found


def every_operation() -> list[Operation]:
    return [op for package in vendor_packages() for op in vendor(package).operations]


HAND_MADE: list[dict[str, Any]] = [
    {},
    {"type": "string"},
    {"type": "string", "nullable": True},
    {"type": "string", "minLength": 1},
    {"type": "string", "minLength": 2, "maxLength": 4},
    {"type": "string", "maxLength": 0},
    {"type": "string", "format": "uri"},
    {"type": "string", "format": "uri", "minLength": 12},
    {"type": "string", "format": "date-time"},
    {"type": "string", "enum": ["a", "b"]},
    {"minLength": 1},
    {"format": "uri"},
    {"type": "integer"},
    {"type": "integer", "minimum": 1, "maximum": 10},
    {"type": "integer", "minimum": 1, "exclusiveMinimum": True},
    {"type": "number", "maximum": 2.5, "exclusiveMaximum": True},
    {"type": "number", "multipleOf": 0.5},
    {"type": "integer", "multipleOf": 3, "nullable": True},
    {"type": "integer", "enum": [1, 2, 4]},
    {"type": "boolean"},
    {"type": "boolean", "nullable": True},
    {"type": "array"},
    {"type": "object"},
    {"type": "array", "items": {"type": "string"}, "maxItems": 2},
    {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
]
VALUES: list[Any] = [
    None, True, False, 0, 1, -1, 3, 10, 11, 2.5, 2.0, 1e9, float("inf"), float("nan"), "", " ",
    "a", "ab",
    "abcd", "abcde", "x" * 300, "http://h/x", "https://h.example", "https://", "ftp://h/x",
    "http:///x", "2024-01-01T00:00:00Z", "b", [], ["a"], ["a", "b", "c"], {}, {"a": 1},
    {"a": "1"}, b"png",
]  # fmt: skip


def schemas() -> list[dict[str, Any]]:
    found = {repr(s): s for s in HAND_MADE}
    for op in every_operation():
        for param in op.params:
            found.setdefault(repr(param.schema_), param.schema_)
    return list(found.values())


def values_for(schema: dict[str, Any]) -> list[Any]:
    return [*VALUES, *schema.get("enum", []), schema.get("example"), schema.get("default")]


SCHEMAS = schemas()


# plain ASCII ids: a schema's repr holds the vendors' Chinese descriptions, which pytest escapes in
# the id and then cannot find by it (``make mutants`` runs each mutant's tests by id)
@pytest.mark.parametrize(
    "schema", SCHEMAS, ids=[f"{i}-{s.get('type', 'any')}" for i, s in enumerate(SCHEMAS)]
)
def test_the_quick_test_passes_exactly_the_values_the_full_check_finds_nothing_in(
    schema: dict[str, Any],
) -> None:
    test = valid_test(schema)
    for value in values_for(schema):
        assert test(value) == (not schema_problems(schema, value)), value


def reference_check(op: Operation, values: dict[str, Any]) -> Checked:
    """``check`` as a loop over the params, every value through the full schema check."""
    result = Checked({k: v for k, v in values.items() if v is not None})
    wrong: set[str] = set()
    for param in op.params:
        if param.source == "auth":
            continue
        value = result.values.get(param.wire)
        if value is None:
            if param.required:
                result.add("invalid_request", f"{param.wire} is required")
            continue
        if param.location == "file":
            continue
        for message in schema_problems(param.schema_, value):
            result.add("invalid_request", f"{param.wire}: {message}")
            wrong.add(param.wire)
    _check_limits(op, result, skip=wrong)
    return result


def variants(op: Operation) -> list[dict[str, Any]]:
    """The example inputs, none at all, and the example with each input in turn replaced by
    each value of the pool (at most two at a time, to stay quick)."""
    example = example_values(op)
    found: list[dict[str, Any]] = [example, {}]
    wires = [p.wire for p in op.params]
    for wire, value in itertools.product(wires, VALUES):
        found.append({**example, wire: value})
    for a, b in itertools.combinations(wires, 2):
        found.append({**example, a: None, b: ""})
    return found


@pytest.mark.parametrize("op", every_operation(), ids=lambda op: op.name)
def test_the_compiled_check_finds_what_the_plain_loop_finds(op: Operation) -> None:
    for values in variants(op):
        fast, plain = check(op, values), reference_check(op, values)
        assert fast.problems == plain.problems, values
        assert fast.values == plain.values
        assert fast.images == plain.images


def test_a_wrong_value_is_still_reported_in_the_full_check_s_words() -> None:
    op = next(op for op in every_operation() if any(p.required for p in op.params))
    param = next(p for p in op.params if p.required and p.source != "auth")
    problems = check(op, {**example_values(op), param.wire: object()}).problems
    assert any(m.startswith(f"{param.wire}: ") for _kind, m in problems), problems


@pytest.mark.parametrize("raw", ["inf", "-Infinity", "nan"])
def test_a_form_value_that_is_no_json_number_stays_text_and_is_refused(raw: str) -> None:
    from generator.runtime.validation import coerce
    from generator.runtime.vendor import Param

    param = Param(wire="n", py="n", location="query", schema={"type": "number", "multipleOf": 0.5})
    assert coerce(param, raw) == raw
    assert schema_problems(param.schema_, coerce(param, raw)) == [
        f"{raw!r} is not of type 'number'"
    ]


def test_infinity_is_no_multiple_of_anything() -> None:
    problems = schema_problems({"type": "number", "multipleOf": 0.5}, float("inf"))
    assert problems == ["inf is not a multiple of 0.5"]


def test_a_file_input_that_is_not_bytes_is_refused_not_crashed_on() -> None:
    op = next(
        op
        for op in every_operation()
        if any(p.location == "file" and p.wire in op.limits.images for p in op.params)
    )
    wire = next(p.wire for p in op.params if p.location == "file" and p.wire in op.limits.images)
    problems = check(op, {**example_values(op), wire: -1}).problems
    assert ("invalid_request", f"{wire}: not a file's bytes") in problems, problems
