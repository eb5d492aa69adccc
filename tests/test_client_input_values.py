"""How the client writes a caller's inputs, value by value: a model as JSON (dates, enums and
tuples as JSON writes them, a list item by item), a boolean in a query or form as ``true`` or
``false``, a task name filled in deep inside an object without touching the caller's object,
and a refused input naming its operation. Written against the mutants ``make mutants`` showed
surviving in ``to_json``, ``wire_text``, ``BaseClient._named`` and ``BaseClient._prepare``."""

from __future__ import annotations

import copy
import datetime
import enum
from typing import Any

import pytest
from pydantic import BaseModel, Field

from generator.runtime import errors
from generator.runtime.client import to_json, wire_text, wire_values
from generator.runtime.responses import RequestOptions
from generator.runtime.testing import example_values
from generator.runtime.wire import wire_layout
from tests.vendors import all_vendors, contract_for

VENDORS = all_vendors()


class Shade(enum.Enum):
    LIGHT = "light"


class Mark(BaseModel):
    day: datetime.date
    shade: Shade
    corner: tuple[int, int] = (0, 0)
    note: str | None = None
    tag: str = Field("t", alias="Tag")


def test_a_model_is_written_as_json_with_its_wire_names_and_no_nulls() -> None:
    mark = Mark(day=datetime.date(2024, 2, 29), shade=Shade.LIGHT, corner=(3, 4))
    assert to_json(mark) == {"day": "2024-02-29", "shade": "light", "corner": [3, 4], "Tag": "t"}


def test_a_model_given_as_an_input_is_checked_and_sent_as_its_json() -> None:
    mark = Mark(day=datetime.date(2024, 2, 29), shade=Shade.LIGHT, corner=(3, 4))
    op = next(o for v in VENDORS for o in v.ops.values())
    given = wire_values(wire_layout(op), {"mark": mark, "n": 2, "s": "x", "none": None})
    assert given == {
        "mark": {"day": "2024-02-29", "shade": "light", "corner": [3, 4], "Tag": "t"},
        "n": 2,
        "s": "x",
        "none": None,
    }


def test_a_list_is_written_item_by_item() -> None:
    first = Mark(day=datetime.date(2024, 1, 1), shade=Shade.LIGHT)
    assert to_json([first, "x", 2, None]) == [
        {"day": "2024-01-01", "shade": "light", "corner": [0, 0], "Tag": "t"},
        "x",
        2,
        None,
    ]
    assert to_json([]) == []


@pytest.mark.parametrize(
    ("value", "text"),
    [(True, "true"), (False, "false"), (2.0, "2"), (2.5, "2.5"), (7, "7"), ("a b", "a b")],
    ids=["true", "false", "whole-float", "float", "int", "str"],
)
def test_a_value_in_a_query_or_form_is_written_as_the_vendors_read_it(value, text) -> None:
    assert wire_text(value) == text


@pytest.mark.parametrize("vendor", VENDORS, ids=[v.package for v in VENDORS])
def test_booleans_asked_as_extra_query_reach_the_wire_in_lower_case(vendor: Any) -> None:
    op = vendor.operations[0]
    extra = RequestOptions(None, {}, {"on": True, "off": False}, {})
    contract = contract_for(vendor)
    with contract.create_mock().client(contract.client_cls) as client:
        prepared = client._prepare(op, example_values(op, client.base_url), extra)

    assert prepared.request.url.params["on"] == "true"
    assert prepared.request.url.params["off"] == "false"


# Operations whose task name sits inside an object input (``caller_id`` a dotted path).
DOTTED = [(v, op) for v in VENDORS for op in v.operations if "." in op.caller_id]


@pytest.mark.parametrize(
    ("vendor", "op"), DOTTED, ids=[f"{v.package}-{op.name}" for v, op in DOTTED]
)
def test_a_task_name_filled_in_deep_in_an_object_leaves_the_callers_object_alone(
    vendor: Any, op: Any
) -> None:
    top, _, rest = op.caller_id.partition(".")
    deeper = op.model_copy(update={"caller_id": f"{top}.inner.{rest}"})
    contract = contract_for(vendor)
    given = {top: {"inner": {"kept": 1}, "other": "x"}}
    before = copy.deepcopy(given)
    with contract.create_mock().client(contract.client_cls) as client:
        named = client._named(deeper, given)

    assert given == before  # the caller's object, nested parts too, unchanged
    filled = named[top]["inner"][rest]
    assert isinstance(filled, str) and filled.startswith("sdk-")
    assert named[top]["inner"]["kept"] == 1 and named[top]["other"] == "x"


REQUIRED = [
    (v, op)
    for v in VENDORS
    for op in v.operations
    if any(p.required and p.source == "input" for p in op.params)
]


@pytest.mark.parametrize(
    ("vendor", "op"), REQUIRED, ids=[f"{v.package}-{op.name}" for v, op in REQUIRED]
)
def test_a_refused_input_names_its_operation(vendor: Any, op: Any) -> None:
    contract = contract_for(vendor)
    client = contract.create_mock().client(contract.client_cls)
    with client, pytest.raises(errors.RequestValidationError) as caught:
        client._prepare(op, {})

    assert caught.value.operation == op.name
    assert caught.value.problems
    assert str(caught.value) == f"{op.name}: " + "; ".join(caught.value.problems)
