"""``$task.base64.<file>`` in a response template, by value: a result file's bytes as base64,
found by the file's name without its last extension (dotted names too), and only once the
task has succeeded (a queued or running task's answer carries no result)."""

from __future__ import annotations

import base64
from dataclasses import replace

import pytest

from generator.runtime.images import png_bytes
from generator.runtime.mock.store import MockTask
from generator.runtime.mock.templates import Context, render

from .test_mock_clock_and_store import task as task_with

FILES = {
    "result.v2.png": (png_bytes(3, 2), "image/png"),
    "result.png": (png_bytes(5, 4), "image/png"),
}


def task() -> MockTask:
    """A task created at 100 s that queues 10 s, runs 20 s, then succeeds."""
    made = task_with("task-1", account="key", created=100.0, queue=10.0, run=20.0)
    return replace(made, effect="enhance", base_url="https://mock.example.test")


def rendered(template: object, now: float) -> object:
    ctx = Context(
        now=now,
        task_spec=None,
        file_urls=lambda _task: {},
        file_bytes=lambda _task: dict(FILES),
        task=task(),
    )
    return render(template, ctx)


def b64(name: str) -> str:
    return base64.b64encode(FILES[name][0]).decode()


def test_each_file_is_found_by_its_name_without_the_last_extension() -> None:
    template = {"v2": "$task.base64.result.v2", "plain": "$task.base64.result"}
    assert task().status(200.0) == "succeeded"
    assert rendered(template, 200.0) == {"v2": b64("result.v2.png"), "plain": b64("result.png")}


@pytest.mark.parametrize("now", [105.0, 120.0], ids=["queued", "running"])
def test_no_result_is_given_before_the_task_succeeded(now: float) -> None:
    assert task().status(now) in ("queued", "running")
    assert rendered({"image": "$task.base64.result", "id": "$task.id"}, now) == {"id": "task-1"}


def test_a_task_value_where_there_is_no_task_says_so() -> None:
    """A template naming ``$task`` rendered for no task fails naming the value (the mock logs
    it), rather than giving an empty field."""
    ctx = Context(now=0.0, task_spec=None, file_urls=lambda _t: {}, file_bytes=lambda _t: {})
    with pytest.raises(KeyError) as caught:
        render({"id": "$task.id"}, ctx)
    assert caught.value.args == ("unknown template value '$task.id' (no task here)",)
