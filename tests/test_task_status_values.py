"""How a task object is read when the spec names no status field, or the object has no id."""

from __future__ import annotations

from generator.runtime.tasks import read_outcome
from generator.runtime.vendor import TaskFields, TaskSpec


def test_a_task_read_without_a_status_field_runs_and_has_no_vendor_word() -> None:
    spec = TaskSpec(statuses={"done": "succeeded"}, fields=TaskFields(id="id"))

    outcome = read_outcome(spec, {"id": "t-1", "state": "done"})

    assert (outcome.status, outcome.vendor_status) == ("running", "")


def test_a_task_object_without_an_id_read_without_one_given_has_an_empty_id() -> None:
    spec = TaskSpec(statuses={"done": "succeeded"}, fields=TaskFields(id="id", status="state"))

    outcome = read_outcome(spec, {"state": "done"})

    assert (outcome.task_id, outcome.status) == ("", "succeeded")
