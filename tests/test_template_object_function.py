"""An object template is rendered by one function compiled from Python source
(``templates._object_function``). It renders what a field-by-field walk would: keys whatever
characters they hold, fields in order, None left out, inner objects in place, a list of the task's
values, and, where there is no task, the first task value named."""

from __future__ import annotations

from typing import Any

import pytest

from generator.runtime.accounts import Account
from generator.runtime.mock.store import MockTask
from generator.runtime.mock.templates import Context, compile_template, render

URLS = {
    "a.png": "http://mock.invalid/files/t1/a.png",
    "b.png": "http://mock.invalid/files/t1/b.png",
}


def task(outcome: str = "succeeded") -> MockTask:
    return MockTask(
        id="t1", account="k", operation="submit", created_at=0.0, queue_seconds=1.0,
        run_seconds=1.0, outcome=outcome, effect="", args={}, inputs={},
        base_url="http://mock.invalid", error="broke" if outcome == "failed" else "",
    )  # fmt: skip


def context(now: float = 1_000.0, with_task: bool = True, **fields: Any) -> Context:
    return Context(
        now=now, task_spec=None, file_urls=lambda _t: dict(URLS), file_bytes=lambda _t: {},
        task=task(**fields) if with_task else None,
    )  # fmt: skip


def test_keys_that_look_like_source_are_kept_as_they_are() -> None:
    keys = ['a"b', "c'd", "e\\f", "g\nh", "]; import os #", "{x}", "ü 图像", "", "1 + 1"]
    rendered = render({key: index for index, key in enumerate(keys)}, context())
    assert list(rendered.items()) == [(key, index) for index, key in enumerate(keys)]


def test_fields_keep_their_order_and_a_none_one_is_left_out() -> None:
    template = {"z": "$task.id", "gone": "$request.absent", "a": 0, "empty": None, "m": ""}
    assert list(render(template, context()).items()) == [("z", "t1"), ("a", 0), ("m", "")]


def test_inner_objects_are_rendered_in_place_with_the_task_s_values() -> None:
    template = {"task": {"id": "$task.id", "state": {"status": "$task.status"}}, "n": 1}
    assert render(template, context()) == {
        "task": {"id": "t1", "state": {"status": "succeeded"}},
        "n": 1,
    }


@pytest.mark.parametrize(
    ("now", "status", "error"),
    [(0.5, "queued", ""), (1.5, "running", ""), (5.0, "failed", "broke")],
)
def test_every_task_value_reads_the_status_at_the_context_s_time(
    now: float, status: str, error: str
) -> None:
    template = {"status": "$task.status", "error": "$task.error", "running": "$task.running"}
    rendered = render(template, context(now, outcome="failed"))
    assert rendered == {"status": status, "error": error, "running": status == "running"}


def test_a_list_of_the_task_s_values_binds_each_as_item_and_index() -> None:
    template = {"images": {"$each": "$task.images", "$item": {"i": "$index", "url": "$item"}}}
    assert render(template, context()) == {
        "images": [{"i": 0, "url": URLS["a.png"]}, {"i": 1, "url": URLS["b.png"]}]
    }
    assert render(template, context(now=1.5)) == {"images": []}  # none while it runs


def test_without_a_task_the_first_task_value_is_named_even_inside_an_inner_object() -> None:
    template = {"n": 1, "inner": {"id": "$task.id"}, "status": "$task.status"}
    with pytest.raises(KeyError) as caught:
        render(template, context(with_task=False))
    assert caught.value.args == ("unknown template value '$task.id' (no task here)",)


def test_an_object_without_task_values_renders_where_there_is_no_task() -> None:
    assert render({"a": {"b": 1}, "c": "x"}, context(with_task=False)) == {"a": {"b": 1}, "c": "x"}


def test_without_a_task_a_list_of_task_values_names_its_source() -> None:
    template = {"n": 1, "images": {"$each": "$task.images", "$item": "$item"}}
    with pytest.raises(KeyError) as caught:
        render(template, context(with_task=False))
    assert caught.value.args == ("unknown template value '$task.images' (no task here)",)


def test_a_task_value_in_a_list_without_a_task_names_itself() -> None:
    with pytest.raises(KeyError) as caught:
        render(["$task.id"], context(with_task=False))
    assert caught.value.args == ("unknown template value '$task.id' (no task here)",)


def test_constants_in_a_list_are_kept_as_they_are() -> None:
    assert render([1, 2.5, True, "text", None], context()) == [1, 2.5, True, "text"]


def test_a_template_compiled_again_is_the_same_function() -> None:
    template = {"id": "$task.id"}
    assert compile_template(template) is compile_template(template)
    assert compile_template(template)(context()) == {"id": "t1"}


def test_a_list_element_s_context_keeps_the_request_account_page_and_files() -> None:
    ctx = Context(
        now=1_000.0, task_spec=None, file_urls=lambda _t: dict(URLS),
        file_bytes=lambda _t: {"a.png": (b"png", "image/png")}, task=task(),
        account=Account("k", quota=5), request={"p": "x", "rows": [1, 2]}, page={"number": 3},
    )  # fmt: skip
    item = {
        "r": "$request.p",
        "a": "$account.remaining",
        "n": "$page.number",
        "b": "$task.base64.a",
    }
    rendered = render({"$each": "$request.rows", "$item": item}, ctx)
    assert rendered == [{"r": "x", "a": 5, "n": 3, "b": "cG5n"}] * 2
