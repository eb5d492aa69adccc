"""``$each``: every element rendered with ``$item`` and its place in the list, ``$index``.
Written against the mutants ``make mutants`` showed surviving in ``_compile_each``."""

from __future__ import annotations

from generator.runtime.mock.templates import render
from tests.test_template_compile_values import context, task


def test_each_element_is_rendered_with_its_own_index() -> None:
    template = {"$each": "$request.names", "$item": {"at": "$index", "name": "$item"}}

    rendered = render(template, context({"names": ["a", "b", "c"]}))

    assert rendered == [{"at": 0, "name": "a"}, {"at": 1, "name": "b"}, {"at": 2, "name": "c"}]


def test_an_element_that_is_not_a_task_leaves_the_task_in_view() -> None:
    template = {"$each": "$request.names", "$item": {"name": "$item", "task": "$task.id"}}

    rendered = render(template, context({"names": ["a", "b"]}, task=task()))

    assert rendered == [{"name": "a", "task": "t1"}, {"name": "b", "task": "t1"}]
