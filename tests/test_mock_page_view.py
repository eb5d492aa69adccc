"""The page's view of a task is exactly what the vendor's own get answers about it at that
moment (the same templates, the same request, the same account), named by the operation that
follows the task, with the page's own request id where the vendor writes one. Written against
the mutants ``make mutants`` showed surviving in ``mock/page.task_detail`` and ``vendor_view``."""

from __future__ import annotations

from typing import Any

import pytest

from generator.runtime.clock import VirtualClock
from generator.runtime.mock.page import task_detail, vendor_view
from generator.runtime.paths import set_path
from generator.runtime.testing import example_values
from tests.vendors import all_vendors, contract_for

TASK_VENDORS = [v for v in all_vendors() if v.task is not None and v.op_for_role("submit")]


def _with_request_id(vendor: Any, body: Any, request_id: str) -> Any:
    for layer in vendor.envelope.layers:
        if layer.request_id and layer.request_id_on == "all":
            set_path(body, layer.request_id, request_id)
    return body


@pytest.mark.parametrize("vendor", TASK_VENDORS, ids=[v.package for v in TASK_VENDORS])
def test_the_view_is_the_vendors_own_get_answer_named_by_that_get(vendor: Any) -> None:
    contract = contract_for(vendor)
    mock = contract.create_mock(clock=VirtualClock())
    submit = vendor.op_for_role("submit")
    get, _ = vendor.poll_for(submit.name)
    with mock.client(contract.client_cls) as client:
        client._call(submit.name, None, example_values(submit, client.base_url))
        (task,) = mock.store.tasks.values()
        mock.clock.advance(task.queue_seconds + task.run_seconds / 2)  # running, part way
        ask = getattr(client.with_raw_response, get.name)
        running = ask(**{get.params_by_wire[get.task_id].py: task.id}).body
        view, detail = vendor_view(mock, task), task_detail(mock, task.id)
        mock.clock.advance(task.run_seconds)  # done: the answer says more (results, quota)
        done = ask(**{get.params_by_wire[get.task_id].py: task.id}).body

    assert view == _with_request_id(vendor, running, "page-view")
    assert vendor_view(mock, task) == _with_request_id(vendor, done, "page-view")
    assert detail["view_operation"] == get.name
    assert (detail["id"], detail["status"]) == (task.id, "running")
