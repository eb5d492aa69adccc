"""``templates.resolve`` and ``templates.task_value``: one ``$`` value of a mock's answer
template, read on a real task of a vendor's mock, checked against what the client sees."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from generator.runtime.mock.templates import resolve, task_value
from tests.vendors import all_vendors, contract_for

TASK_VENDORS = [
    v for v in all_vendors() if v.task is not None and any(o.role == "submit" for o in v.operations)
]


def finished_task(vendor: Any) -> tuple[Any, Any, Any]:
    """A vendor's mock with one task, submitted with the spec's examples and waited for by
    the client: the mock, its task and the outcome the client read."""
    contract = contract_for(vendor)
    mock = contract.create_mock()
    op = next(o for o in vendor.operations if o.role == "submit")
    values = contract.examples(op)
    if op.caller_id and "." not in op.caller_id:
        values.pop(op.caller_id, None)
    kwargs = {op.params_by_wire[w].py: v for w, v in values.items()}
    with mock.client(contract.client_cls) as client:
        outcome = getattr(client, f"{op.name}_and_wait")(**kwargs)
    (task,) = mock.store.tasks.values()
    return mock, task, outcome


@pytest.mark.parametrize("vendor", TASK_VENDORS, ids=[v.package for v in TASK_VENDORS])
def test_a_finished_tasks_values_are_those_the_client_reads(vendor) -> None:
    mock, task, outcome = finished_task(vendor)
    ctx = replace(mock._context(task=task, request={"a": {"b": 5}}), item={"x": 2}, index=3)
    assert task_value(ctx, task, "id") == task.id
    assert task_value(ctx, task, "error") == ""
    assert task_value(ctx, task, "running") is False
    assert task_value(ctx, task, "file_url.a.png") == f"{task.base_url}/_mock/files/{task.id}/a.png"
    assert str(task_value(ctx, task, "status")) == outcome.vendor_status
    assert resolve("$task.id", ctx) == task.id
    assert str(resolve("$task.status", ctx)) == outcome.vendor_status
    assert resolve("$index", ctx) == 3
    assert resolve("$item.x", ctx) == 2
    assert resolve("$request.a.b", ctx) == 5
    with pytest.raises(KeyError, match="unknown task value 'nothing'"):
        task_value(ctx, task, "nothing")
