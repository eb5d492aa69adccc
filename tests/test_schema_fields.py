"""Which fields of an answer a schema does not declare (``undeclared``: a mock must not answer
a field the spec no longer has), which it declares (``declared_properties``, ``allOf`` parts
included) and whether a dotted path is declared (``declares``). Written against the mutants
``make mutants`` showed surviving in ``generator/runtime/schemas.py``."""

from __future__ import annotations

from typing import Any

from generator.runtime.schemas import declared_properties, declares, undeclared
from generator.runtime.testing import schema_errors

TASK: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "result": {
            "type": "object",
            "properties": {"url": {"type": "string"}},
        },
        "images": {
            "type": "array",
            "items": {"type": "object", "properties": {"url": {"type": "string"}}},
        },
    },
}


def test_a_field_the_schema_does_not_declare_is_named_by_its_path() -> None:
    assert undeclared(TASK, {"id": "t", "cost": 3}) == ["/cost"]


def test_declared_fields_alone_give_nothing() -> None:
    full = {"id": "t", "result": {"url": "u"}, "images": [{"url": "a"}, {"url": "b"}]}
    assert undeclared(TASK, full) == []


def test_fields_inside_declared_objects_are_checked_with_their_own_schema() -> None:
    answer = {"id": "t", "result": {"url": "u", "seed": 1}}
    assert undeclared(TASK, answer) == ["/result/seed"]


def test_fields_inside_list_items_are_checked_with_the_items_schema() -> None:
    answer = {"images": [{"url": "a"}, {"url": "b", "width": 9}, {"size": 1}]}
    assert undeclared(TASK, answer) == ["/images/1/width", "/images/2/size"]


def test_a_list_at_the_top_is_checked_item_by_item() -> None:
    schema = {"type": "array", "items": TASK}
    assert undeclared(schema, [{"id": "a"}, {"id": "b", "x": 1}]) == ["/1/x"]


def test_a_list_without_an_items_schema_and_plain_values_give_nothing() -> None:
    assert undeclared({"type": "array"}, [{"x": 1}]) == []
    assert undeclared(TASK, "text") == []
    assert undeclared(TASK, None) == []
    assert undeclared({"type": "object", "properties": {"a": {}}}, [{"x": 1}]) == []


def test_an_object_schema_without_properties_allows_any_field() -> None:
    assert undeclared({"type": "object"}, {"anything": 1}) == []


def test_additional_properties_allowed_by_the_schema_are_not_undeclared() -> None:
    open_schema = {**TASK, "additionalProperties": True}
    assert undeclared(open_schema, {"id": "t", "cost": 3}) == []
    typed = {**TASK, "additionalProperties": {"type": "integer"}}
    assert undeclared(typed, {"id": "t", "cost": 3}) == []


def test_additional_properties_refused_by_the_schema_are_undeclared() -> None:
    closed = {**TASK, "additionalProperties": False}
    assert undeclared(closed, {"id": "t", "cost": 3}) == ["/cost"]


def test_all_of_parts_declare_fields_too() -> None:
    schema = {
        "allOf": [
            {"properties": {"a": {"type": "string"}}},
            {"properties": {"b": {"properties": {"c": {}}}}},
        ],
        "properties": {"z": {}},
    }
    assert set(declared_properties(schema)) == {"a", "b", "z"}
    assert undeclared(schema, {"a": "x", "b": {"c": 1, "d": 2}, "z": 0, "q": 1}) == [
        "/q",
        "/b/d",
    ]


def test_declares_follows_dots_lists_and_alternatives() -> None:
    assert declares(TASK, "result.url")
    assert declares(TASK, "images[].url")
    assert not declares(TASK, "result.seed")
    assert not declares(TASK, "id.more")
    assert not declares(TASK, "missing.more")
    assert declares(TASK, "missing|id")
    assert not declares(TASK, "missing|other")


def test_a_strict_schema_check_reports_an_undeclared_field_and_a_loose_one_does_not() -> None:
    answer = {"id": "t", "cost": 3}
    assert schema_errors(TASK, answer) == ["/cost: not declared by the spec"]
    assert schema_errors(TASK, answer, strict=False) == []
