"""The vendor model's own look-ups (``generator.runtime.vendor``): the wire word of a status,
the get operation and inputs that follow a submit's tasks, the task family a get reads, the
first operation of a role, the named enums, and ``vendor.json`` read back as generated."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from generator.layout import ROOT
from generator.runtime.vendor import TaskFields, TaskSpec, Vendor, load_vendor
from tests.vendors import all_vendors

VENDORS = all_vendors()


def family(statuses: dict[str, Any], status_type: str = "string") -> TaskSpec:
    return TaskSpec(statuses=statuses, status_type=status_type, fields=TaskFields(id="id"))


def test_wire_status_gives_the_vendor_s_word() -> None:
    spec = family({"WAIT": "queued", "RUN": "running", "OK": "succeeded", "BAD": "failed"})
    assert [spec.wire_status(s) for s in ("queued", "running", "succeeded", "failed")] == [
        "WAIT",
        "RUN",
        "OK",
        "BAD",
    ]


def test_wire_status_of_an_integer_family_is_an_integer() -> None:
    spec = family({"0": "running", "1": "succeeded", "-1": "failed"}, "integer")
    assert spec.wire_status("succeeded") == 1
    assert spec.wire_status("failed") == -1
    assert spec.wire_status("queued") == 0  # no word for queued: running's


def test_wire_status_without_words_is_the_status_itself() -> None:
    assert family({}).wire_status("running") == "running"


def test_wire_status_of_a_status_with_no_word_is_a_key_error() -> None:
    spec = family({"RUN": "running", "OK": "succeeded"})
    assert spec.wire_status("queued") == "RUN"
    with pytest.raises(KeyError, match="failed"):
        spec.wire_status("failed")


@pytest.mark.parametrize("vendor", [v for v in VENDORS if v.task], ids=lambda v: v.package)
def test_every_family_s_wire_words_read_back_as_their_status(vendor: Vendor) -> None:
    specs = [vendor.task, *(op.task for op in vendor.operations if op.task)]
    for spec in specs:
        assert spec is not None
        for status in set(spec.statuses.values()):
            assert spec.statuses[str(spec.wire_status(status))] == status


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.package)
def test_poll_for_follows_each_submit_with_its_get(vendor: Vendor) -> None:
    gets = [op for op in vendor.operations if op.role == "get"]
    if not gets:
        with pytest.raises(KeyError, match=f"^'{vendor.package} has no get operation'$"):
            vendor.poll_for()
        return
    assert vendor.poll_for() == (gets[0], {})
    assert vendor.poll_for("no such operation") == (gets[0], {})
    for get in gets:
        assert vendor.poll_for(get.name) == (get, {})
    for op in vendor.operations:
        if op.poll is not None:
            get, values = vendor.poll_for(op.name)
            assert get is vendor.ops[op.poll.operation]
            assert values == op.poll.params
            values["changed"] = 1  # the caller's copy: the model is left alone
            assert "changed" not in op.poll.params


def test_a_submit_with_a_poll_of_its_own_is_followed_by_that_get() -> None:
    """Found from the specs: a submit whose tasks another get follows, with fixed inputs."""
    found = [
        (v, op) for v in VENDORS for op in v.operations if op.poll is not None and op.poll.params
    ]
    if not found:
        pytest.skip("no spec has a submit followed by a get of its own with fixed inputs")
    for vendor, op in found:
        get, values = vendor.poll_for(op.name)
        assert get.name == op.poll.operation != vendor.op_for_role("get").name
        assert values == dict(op.poll.params) and values


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.package)
def test_task_spec_is_the_get_s_own_family_else_the_vendor_s(vendor: Vendor) -> None:
    assert vendor.task_spec() is vendor.task
    assert vendor.task_spec(None) is vendor.task
    for op in vendor.operations:
        assert vendor.task_spec(op) is (op.task or vendor.task)


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.package)
def test_op_for_role_is_the_first_operation_of_that_role(vendor: Vendor) -> None:
    for role in ("submit", "get", "list", "action", "catalog"):
        first = next((op for op in vendor.operations if op.role == role), None)
        assert vendor.op_for_role(role) is first
    assert vendor.op_for_role("no such role") is None


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.package)
def test_literal_types_are_the_inputs_enums_by_name_sorted(vendor: Vendor) -> None:
    expected = {p.py_type: p.literal for op in vendor.operations for p in op.inputs if p.literal}
    found = vendor.literal_types()
    assert found == sorted(expected.items())
    assert [name for name, _ in found] == sorted(expected)


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.package)
def test_load_vendor_reads_the_generated_vendor_json(vendor: Vendor) -> None:
    path = ROOT / "generated" / vendor.package / "vendor.json"
    loaded = load_vendor(str(path))
    assert loaded == importlib.import_module(f"generated.{vendor.package}").VENDOR
    assert load_vendor(path).package == vendor.package
