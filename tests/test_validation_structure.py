"""A client without jsonschema (its base install) checks nested inputs by their structure
(``validation.structural_problems``): required properties, each property and list item by its
own schema, ``allOf`` parts, each problem named by where it sits. Run in-process here, with
jsonschema reported missing, so every message is checked word for word."""

from __future__ import annotations

from typing import Any

import pytest

from generator.runtime import validation
from generator.runtime.validation import schema_problems, structural_problems, valid_test

OBJECT: dict[str, Any] = {
    "type": "object",
    "required": ["a", "b"],
    "properties": {
        "a": {"type": "integer", "minimum": 1},
        "inner": {
            "type": "object",
            "required": ["x"],
            "properties": {"x": {"type": "string", "minLength": 1}},
        },
        "tags": {"type": "array", "items": {"type": "string", "enum": ["p", "q"]}},
        "loose": True,  # a boolean schema: nothing to check
    },
}


@pytest.mark.parametrize(
    ("value", "problems"),
    [
        ({"a": 2, "b": None}, []),
        ({"b": 1}, ["'a' is a required property"]),
        ({}, ["'a' is a required property", "'b' is a required property"]),
        ({"a": "2", "b": 1}, ["a: '2' is not of type 'integer'"]),
        ({"a": 0, "b": 1}, ["a: 0 is less than the minimum of 1"]),
        ({"a": 1, "b": 1, "inner": {}}, ["inner: 'x' is a required property"]),
        ({"a": 1, "b": 1, "inner": {"x": ""}}, ["inner: x: '' should be non-empty"]),
        (
            {"a": 1, "b": 1, "tags": ["p", "r", 3]},
            ["tags: [1]: 'r' is not one of ['p', 'q']", "tags: [2]: 3 is not of type 'string'"],
        ),
        ({"a": 1, "b": 1, "loose": object, "inner": {"x": "y"}, "tags": []}, []),
        ("text", []),  # "object" is no scalar type: the vendor judges it
    ],
)
def test_nested_inputs_are_checked_by_structure(value: Any, problems: list[str]) -> None:
    assert structural_problems(OBJECT, value) == problems


def test_the_own_problem_of_a_value_stops_the_look_inside() -> None:
    schema = {"properties": {"n": {"type": "integer", "allOf": [{"minimum": 5}]}}}
    assert structural_problems(schema, {"n": "x"}) == ["n: 'x' is not of type 'integer'"]
    assert structural_problems(schema, {"n": 3}) == ["n: 3 is less than the minimum of 5"]
    assert structural_problems(schema, {"n": 5}) == []


def test_every_all_of_part_is_checked() -> None:
    schema = {"allOf": [{"required": ["a"]}, {"properties": {"b": {"type": "boolean"}}}]}
    assert structural_problems(schema, {"b": 1}) == [
        "'a' is a required property",
        "b: 1 is not of type 'boolean'",
    ]


def test_a_schema_with_no_scalar_keys_says_nothing_of_none() -> None:
    assert structural_problems({"required": ["a"]}, None) == []
    assert structural_problems({"type": "object", "required": ["a"]}, None) == [
        "None for not nullable"
    ]


def test_list_items_are_checked_only_by_a_schema_object() -> None:
    assert structural_problems({"items": [{"type": "string"}]}, [1]) == []
    assert structural_problems({"items": {"type": "string"}}, [1, "a"]) == [
        "[0]: 1 is not of type 'string'"
    ]
    assert structural_problems({"items": {"type": "string"}}, {"0": 1}) == []


def test_without_jsonschema_the_checks_use_the_structure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validation, "has_jsonschema", lambda: False)
    value = {"a": 1, "inner": {"x": ""}}
    expected = ["'b' is a required property", "inner: x: '' should be non-empty"]
    assert schema_problems(OBJECT, value) == expected
    test = valid_test(OBJECT)
    assert test(value) is False
    assert test({"a": 1, "b": 2}) is True
