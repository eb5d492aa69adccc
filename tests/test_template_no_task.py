"""A template that reads the task where there is none says which value it wanted: the mock's
author sees the expression, not a bare KeyError. Written against a mutant ``make mutants``
showed surviving in ``mock/templates._task_expression``."""

from __future__ import annotations

import pytest

from generator.runtime.mock.templates import Context, render


@pytest.mark.parametrize("expr", ["$task.id", "$task.status"], ids=["id", "status"])
def test_a_task_value_without_a_task_names_the_expression(expr: str) -> None:
    ctx = Context(now=0.0, task_spec=None, file_urls=lambda t: {}, file_bytes=lambda t: {})

    with pytest.raises(KeyError) as caught:
        render({"value": expr}, ctx)

    assert caught.value.args == (f"unknown template value {expr!r} (no task here)",)
