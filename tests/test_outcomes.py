"""Reading a vendor's task object into an outcome, field by field, for every task family in
``specs/``; naming downloaded results; the terminal progress line. Written against the
mutants ``make mutants`` showed surviving in ``generator/runtime/tasks.py``."""

from __future__ import annotations

import importlib
import io
from typing import Any

import pytest

from generator.runtime.clock import VirtualClock
from generator.runtime.mock.serve import vendor_packages
from generator.runtime.paths import set_path
from generator.runtime.tasks import (
    TaskOutcome,
    TerminalProgress,
    _fraction,
    read_outcome,
    result_file_name,
    submitted_task_id,
)
from generator.runtime.vendor import TaskSpec, Vendor


def vendor_of(name: str) -> Vendor:
    return importlib.import_module(f"generated.{name}").VENDOR


FAMILIES = [
    pytest.param(spec, id=f"{name}-{where}")
    for name in vendor_packages()
    for where, spec in [
        ("vendor", vendor_of(name).task),
        *((op.name, op.task) for op in vendor_of(name).operations),
    ]
    if spec is not None
]


def task_object(spec: TaskSpec, status: str, **fields: Any) -> dict[str, Any]:
    """A task object of ``spec``'s family with the vendor's word for ``status`` and ``fields``
    (name in ``TaskFields`` -> value) where the family keeps them."""
    payload: dict[str, Any] = {}
    set_path(payload, spec.fields.status, spec.wire_status(status))
    for name, value in fields.items():
        path = getattr(spec.fields, name)
        if path:
            set_path(payload, path, value)
    return payload


@pytest.mark.parametrize("spec", FAMILIES)
def test_a_failed_tasks_reason_is_the_vendors_text(spec: TaskSpec) -> None:
    failed = read_outcome(spec, task_object(spec, "failed", error="no GPU left", id="t9"))
    assert failed.status == "failed" and failed.task_id == "t9"
    assert failed.error == ("no GPU left" if spec.fields.error else "")
    # the same text beside another status is the vendor's description, not a failure reason
    done = read_outcome(spec, task_object(spec, "succeeded", error="all good", id="t9"))
    assert done.error == ""
    assert read_outcome(spec, task_object(spec, "failed")).error == ""  # no reason given


@pytest.mark.parametrize("spec", FAMILIES)
def test_the_preview_is_the_vendors_intermediate_image_or_empty(spec: TaskSpec) -> None:
    running = read_outcome(spec, task_object(spec, "running", preview="aGVsbG8=", id="t"))
    assert running.preview == ("aGVsbG8=" if spec.fields.preview else "")
    assert read_outcome(spec, task_object(spec, "running", id="t")).preview == ""


@pytest.mark.parametrize("spec", FAMILIES)
def test_a_task_object_without_status_or_id_reads_as_empty_words(spec: TaskSpec) -> None:
    outcome = read_outcome(spec, {"unrelated": 1})
    assert (outcome.task_id, outcome.vendor_status, outcome.status) == ("", "", "running")
    assert read_outcome(spec, {}, "given-id").task_id == "given-id"


@pytest.mark.parametrize(
    ("value", "fraction"),
    [("0.25", 0.25), (0.5, 0.5), (1, 1.0), ("", None), ("n/a", None), (None, None)],
)
def test_progress_is_read_as_a_number_from_text_or_number(value: Any, fraction: Any) -> None:
    assert _fraction(value) == fraction


def test_a_boolean_is_no_progress_figure() -> None:
    assert _fraction(True) is None and _fraction(False) is None


# -- naming downloaded results -------------------------------------------------------------------
def outcome(*images: str, task_id: str = "task-1") -> TaskOutcome:
    return TaskOutcome(task_id, "succeeded", "done", images=images)


@pytest.mark.parametrize(
    ("url", "content_type", "task_id", "name"),
    [
        ("https://cdn.example/a/b/view_1.png?sig=x", "image/png", "t", "view_1.png"),
        ("https://cdn.example/a/b/view%5F2.webp", "", "t", "view_2.webp"),
        # no file name in the URL: the task id (made safe) and the content type's extension
        ("https://cdn.example/download", "image/png; charset=binary", "id/7 x", "id_7_x.png"),
        ("https://cdn.example", "image/png", "t", "t.png"),
        ("https://cdn.example/a/two%20words.png", "image/png", "t", "t.png"),
        ("https://cdn.example/a/", "application/x-no-such-type", "t", "t.bin"),
        ("https://cdn.example/a/blob", "", "", "result.bin"),
    ],
)
def test_a_result_is_saved_under_its_urls_file_name_or_the_task_id(
    url: str, content_type: str, task_id: str, name: str
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    assert result_file_name(outcome(url, task_id=task_id), 0, url, headers) == name


def test_several_results_are_numbered_from_one_in_order() -> None:
    urls = ("https://cdn.example/x/a.png", "https://cdn.example/x/b.png")
    named = [result_file_name(outcome(*urls), i, url, {}) for i, url in enumerate(urls)]
    assert named == ["01-a.png", "02-b.png"]
    assert result_file_name(outcome(urls[0]), 0, urls[0], {}) == "a.png"


# -- the id a submit's task is followed by -------------------------------------------------------
def test_an_id_the_caller_gave_and_left_out_is_empty_not_invented() -> None:
    named = [
        (v, op)
        for v in (vendor_of(n) for n in vendor_packages())
        for op in v.operations
        if op.role == "submit" and op.task_id.startswith("$request.")
    ]
    if not named:
        pytest.skip("no vendor's submit is followed by an id the caller gives")
    for v, op in named:
        assert submitted_task_id(v, op, {}, {}) == ""
        field = op.task_id.removeprefix("$request.")
        assert submitted_task_id(v, op, {}, {field: "mine-1"}) == "mine-1"


def test_a_submit_without_its_own_id_path_reads_its_get_operations_family() -> None:
    """Where the submit names no path, the id is where the task family that follows its tasks
    keeps it: the family of the submit's own get operation, not the vendor's main one."""
    for name in vendor_packages():
        vendor = vendor_of(name)
        for op in vendor.operations:
            get = vendor.poll_for(op.name)[0] if op.role == "submit" else None
            family = vendor.task_spec(get) if get is not None else None
            if family is None or op.task_id.startswith("$") or family is vendor.task:
                continue
            data = vendor.model_dump(by_alias=True)
            for raw in data["operations"]:
                if raw["name"] == op.name:
                    raw["task_id"] = ""
            changed = Vendor.model_validate(data)
            payload: dict[str, Any] = {}
            set_path(payload, family.fields.id, "from-its-family")
            assert submitted_task_id(changed, changed.ops[op.name], payload, {}) == (
                "from-its-family"
            )


# -- the progress line on a terminal -------------------------------------------------------------
def test_the_progress_line_appears_after_the_quiet_time_and_ends_with_the_task() -> None:
    clock, stream = VirtualClock(), io.StringIO()
    line = TerminalProgress(stream, clock, quiet_seconds=3.0)
    running = TaskOutcome("t1", "running", "wait", progress=0.994)
    clock.advance(2.9)
    line(running)
    assert stream.getvalue() == ""
    clock.advance(0.1)  # exactly the quiet time
    line(running)
    full = "[" + "#" * TerminalProgress.BAR_WIDTH + "]"  # 99.4% fills the bar's 20 cells
    assert stream.getvalue() == "\r" + f"task t1: running {full} 99% (3 s)".ljust(72)
    clock.advance(4)
    line(TaskOutcome("t1", "succeeded", "done"))
    assert stream.getvalue().endswith("\r" + f"task t1: succeeded {full} (7 s)".ljust(72) + "\n")


def test_an_answer_without_the_task_id_gives_no_id_rather_than_a_made_up_one() -> None:
    for name in vendor_packages():
        vendor = vendor_of(name)
        for op in vendor.operations:
            if op.role == "submit":
                assert submitted_task_id(vendor, op, {"unrelated": "x"}, {}) == ""


def test_the_progress_line_stays_away_for_three_seconds_by_default() -> None:
    clock, stream = VirtualClock(), io.StringIO()
    line = TerminalProgress(stream, clock)
    clock.advance(3.0)
    line(TaskOutcome("t1", "running", "wait"))
    moving = "[####" + "-" * (TerminalProgress.BAR_WIDTH - 4) + "]"  # no progress: a moving block
    assert stream.getvalue() == "\r" + f"task t1: running {moving} (3 s)".ljust(72)
