"""``$task.outputs``: each result file of a finished task, with its URL, its position and its
seed, as a template's ``$each`` reads them."""

from __future__ import annotations

import pytest

from generator.runtime.mock.templates import task_value
from tests.test_template_values import TASK_VENDORS, finished_task


@pytest.mark.parametrize("vendor", TASK_VENDORS, ids=[v.package for v in TASK_VENDORS])
def test_a_finished_tasks_outputs_are_its_files_in_order(vendor) -> None:
    mock, task, _ = finished_task(vendor)
    ctx = mock._context(task=task)

    outputs = task_value(ctx, task, "outputs")

    urls = list(ctx.file_urls(task).values())
    assert outputs == [
        {"url": url, "index": i, "seed": seed}
        for i, (url, seed) in enumerate(zip(urls, task.seeds(len(urls)), strict=True))
    ]
    assert len(outputs) >= 1
