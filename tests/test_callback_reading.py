"""``read_callback`` value by value: with no operation named, a payload is checked against
the callback schemas of the vendor's main task family and refused with their reasons; the
exact message for an unknown operation, a vendor without tasks, an empty task id and a status
the vendor does not use; and a vendor whose callbacks are its task objects (no callback
block) read with the task family's fields. Vendors come from ``specs/``. Written against the
mutants ``make mutants`` showed surviving in ``generator/runtime/callback_payloads.py``."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from generator.runtime.callback_payloads import MAX_REASONS, read_callback
from generator.runtime.errors import CallbackError
from generator.runtime.paths import get_path, set_path
from generator.runtime.validation import schema_problems
from generator.runtime.vendor import Operation, Vendor
from tests.vendors import all_vendors

VENDORS = all_vendors()


def main_family_callbacks() -> list[tuple[Vendor, Operation]]:
    """Each submit with a callback example whose tasks the vendor's first get follows."""
    found = []
    for v in VENDORS:
        if v.op_for_role("get") is None:
            continue
        main = v.poll_for(None)[0]
        found += [
            (v, op)
            for op in v.operations
            if op.callback_example is not None and v.poll_for(op.name)[0] is main
        ]
    return found


CALLBACKS = main_family_callbacks()
IDS = [f"{v.package}-{op.name}" for v, op in CALLBACKS]


def family_schemas(vendor: Vendor) -> list[dict[str, Any]]:
    main = vendor.poll_for(None)[0]
    return [
        op.callback_schema
        for op in vendor.operations
        if op.callback_schema and vendor.poll_for(op.name)[0] is main
    ]


def fields_of(vendor: Vendor, op: Operation):
    spec = vendor.task_spec(vendor.poll_for(op.name)[0])
    return (vendor.callback.fields if vendor.callback else None) or spec.fields


def test_callbacks_of_main_families_are_found() -> None:
    assert len({v.package for v, _ in CALLBACKS}) >= 2


@pytest.mark.parametrize(("vendor", "op"), CALLBACKS, ids=IDS)
def test_without_an_operation_the_example_is_read_as_the_main_familys(vendor, op) -> None:
    outcome = read_callback(vendor, copy.deepcopy(op.callback_example))
    assert outcome.task_id == str(get_path(op.callback_example, fields_of(vendor, op).id))


@pytest.mark.parametrize(("vendor", "op"), CALLBACKS, ids=IDS)
def test_without_an_operation_a_payload_is_refused_with_the_schemas_reasons(vendor, op) -> None:
    """``{"foo": 1}`` breaks some families' every callback schema (refused with the first
    one's reasons, at most ``MAX_REASONS``); a family whose schemas require nothing lets it
    through to the task id check."""
    with pytest.raises(CallbackError) as raised:
        read_callback(vendor, {"foo": 1})
    prefix = f"not a {vendor.package} callback: "
    message = str(raised.value)
    problems = [schema_problems(schema, {"foo": 1}) for schema in family_schemas(vendor)]
    if not problems or not all(problems):
        assert message == f"{prefix}no task id ({fields_of(vendor, op).id})"
        return
    assert message == prefix + "; ".join(problems[0][:MAX_REASONS])


@pytest.mark.parametrize(("vendor", "op"), CALLBACKS, ids=IDS)
def test_an_empty_task_id_is_no_task(vendor, op) -> None:
    payload = copy.deepcopy(op.callback_example)
    id_path = fields_of(vendor, op).id
    set_path(payload, id_path, "")
    with pytest.raises(CallbackError) as raised:
        read_callback(vendor, payload, op.name)
    assert str(raised.value) == f"not a {vendor.package} callback: no task id ({id_path})"


def test_a_status_the_vendor_does_not_use_is_named_with_those_it_does() -> None:
    """Checked on the families without callback schemas: a schema would refuse the status
    first, in its own words."""
    plain = [v for v in VENDORS if v.op_for_role("get") is not None and not family_schemas(v)]
    if not plain:
        pytest.skip("every task family in specs/ has callback schemas")
    for vendor in plain:
        spec = vendor.task_spec(vendor.poll_for(None)[0])
        payload: dict[str, Any] = {}
        set_path(payload, spec.fields.id, "task-42")
        set_path(payload, spec.fields.status, "teleported")
        with pytest.raises(CallbackError) as raised:
            read_callback(vendor, payload)
        assert str(raised.value) == (
            f"not a {vendor.package} callback: {spec.fields.status} is 'teleported', "
            f"not one of {', '.join(spec.statuses)}"
        )


@pytest.mark.parametrize("vendor", VENDORS, ids=[v.package for v in VENDORS])
def test_an_unknown_operation_is_named(vendor: Vendor) -> None:
    with pytest.raises(CallbackError) as raised:
        read_callback(vendor, {}, "no_such_operation")
    assert str(raised.value) == f"{vendor.package} has no operation 'no_such_operation'"


def test_a_vendor_without_tasks_has_no_callbacks() -> None:
    without = [v for v in VENDORS if v.op_for_role("get") is None]
    if not without:
        pytest.skip("every vendor in specs/ has tasks")
    for vendor in without:
        with pytest.raises(CallbackError) as raised:
            read_callback(vendor, {"id": "t"})
        assert str(raised.value) == f"{vendor.package} has no tasks, so no callbacks"


def test_a_vendor_without_a_callback_block_is_read_with_its_task_fields() -> None:
    plain = [v for v in VENDORS if v.callback is None and v.task is not None]
    if not plain:
        pytest.skip("every vendor with tasks in specs/ describes its callbacks")
    for vendor in plain:
        spec = vendor.task_spec(vendor.poll_for(None)[0])
        payload: dict[str, Any] = {}
        set_path(payload, spec.fields.id, "task-42")
        set_path(payload, spec.fields.status, next(iter(spec.statuses)))
        outcome = read_callback(vendor, payload)
        assert outcome.task_id == "task-42", vendor.package


@pytest.mark.parametrize(("vendor", "op"), CALLBACKS, ids=IDS)
def test_with_an_operation_the_reasons_are_its_own_schemas(vendor, op) -> None:
    problems = schema_problems(op.callback_schema or {}, {"foo": 1})
    if not problems:
        pytest.skip(f"{op.name}'s callback schema requires nothing")
    with pytest.raises(CallbackError) as raised:
        read_callback(vendor, {"foo": 1}, op.name)
    reasons = "; ".join(problems[:MAX_REASONS])
    assert str(raised.value) == f"not a {vendor.package} callback: {reasons}"


def other_family_callbacks() -> list[tuple[Vendor, Operation]]:
    """Callback examples of a submit whose tasks another get than the vendor's first follows."""
    return [
        (v, op)
        for v in VENDORS
        if v.op_for_role("get") is not None
        for op in v.operations
        if op.callback_example is not None and v.poll_for(op.name)[0] is not v.poll_for(None)[0]
    ]


@pytest.mark.parametrize(("vendor", "op"), other_family_callbacks())
def test_another_familys_callback_without_its_operation_meets_the_main_schemas(vendor, op):
    """Without the operation, the payload is held to the main family's schemas only: a tool's
    callback breaks them and is refused with their reasons."""
    main = family_schemas(vendor)
    problems = [schema_problems(schema, op.callback_example) for schema in main]
    if not main or not all(problems):
        pytest.skip("the main family's schemas take this payload")
    with pytest.raises(CallbackError) as raised:
        read_callback(vendor, copy.deepcopy(op.callback_example))
    reasons = "; ".join(problems[0][:MAX_REASONS])
    assert str(raised.value) == f"not a {vendor.package} callback: {reasons}"
