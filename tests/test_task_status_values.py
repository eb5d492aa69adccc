"""How a task object's status is read when the spec names no status field."""

from __future__ import annotations

from generator.runtime.tasks import read_outcome
from generator.runtime.vendor import TaskFields, TaskSpec


def test_a_task_read_without_a_status_field_runs_and_has_no_vendor_word() -> None:
    spec = TaskSpec(statuses={"done": "succeeded"}, fields=TaskFields(id="id"))

    outcome = read_outcome(spec, {"id": "t-1", "state": "done"})

    assert (outcome.status, outcome.vendor_status) == ("running", "")
