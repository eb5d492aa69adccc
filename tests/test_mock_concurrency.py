"""A served mock under many concurrent submits: image work runs on worker threads, the lock
is held only for state changes, and nothing is lost or stored twice."""

from __future__ import annotations

import asyncio

from generated.zhiqite import VENDOR, AsyncZhiqiteClient
from generated.zhiqite.mock import create_mock
from generator.runtime.clock import SystemClock
from generator.runtime.live import LiveServer
from generator.runtime.mock.asgi import create_app
from generator.runtime.paths import set_path
from generator.runtime.tasks import submitted_task_id
from generator.runtime.testing import example_values

SUBMITS = 200


def test_concurrent_image_submits_are_all_stored_under_distinct_ids() -> None:
    mock = create_mock(clock=SystemClock(), task_seconds=3600, workers=8)
    op = next(
        o for o in VENDOR.operations if o.role == "submit" and "$example_png" in str(o.example)
    )
    with LiveServer(create_app(mock, background=True)) as served:

        async def submit_all() -> list[str]:
            async with AsyncZhiqiteClient(
                "test", "test", "test", base_url=served.url, timeout=600.0
            ) as client:
                sent = []
                for i in range(SUBMITS):
                    values = example_values(op, served.url)
                    set_path(values, op.caller_id, f"c-{i}")
                    sent.append(values)
                answers = await asyncio.gather(*(client._send(op, v) for v in sent))
                return [
                    submitted_task_id(VENDOR, op, a, v) for a, v in zip(answers, sent, strict=True)
                ]

        ids = asyncio.run(submit_all())
    mock.close()
    tasks = dict(mock.store.tasks)
    assert len(set(ids)) == SUBMITS
    assert len(tasks) == SUBMITS
    assert sorted(t.external_id for t in tasks.values()) == sorted(f"c-{i}" for i in range(SUBMITS))
    assert all(mock.store.get(task_id, "test") is not None for task_id in ids)
    assert mock.accounts["test"].used == SUBMITS
    assert all(t.image for t in tasks.values())  # each kept the image it was sent
