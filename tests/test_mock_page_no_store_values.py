"""The mock's page and its task detail are never cached: both answer ``Cache-Control:
no-store``, as the page's other data do (a browser would otherwise show a stale task)."""

from __future__ import annotations

import pytest

from generator.runtime.images import png_bytes
from generator.runtime.mock import VendorMock
from generator.runtime.mock.messages import MockRequest
from generator.runtime.mock.page import PAGE_PATHS
from generator.runtime.mock.store import MockTask

from .vendors import all_vendors

VENDORS = all_vendors()


def get(mock: VendorMock, path: str):  # -> MockResponse
    return mock.handle(MockRequest.build("GET", f"http://m{path}", [], b""))


@pytest.mark.parametrize("path", PAGE_PATHS, ids=["root", "index"])
def test_the_page_is_html_never_stored(path: str) -> None:
    answer = get(VendorMock(VENDORS[0]), path)
    assert (answer.status, answer.media_type) == (200, "text/html; charset=utf-8")
    assert answer.headers == {"cache-control": "no-store"}


@pytest.mark.parametrize("vendor", VENDORS, ids=[v.package for v in VENDORS])
def test_a_task_s_detail_is_never_stored(vendor) -> None:
    mock = VendorMock(vendor)
    ops = [
        op for op in vendor.operations if op.role in ("submit", "action") and not op.limits.slots
    ]
    if not ops:
        pytest.skip(f"{vendor.package} has no task of one input image")
    op = ops[0]
    mock.store.add(
        MockTask(
            id="t1",
            account=mock._default_credentials[0],
            operation=op.name,
            created_at=0.0,
            queue_seconds=0.0,
            run_seconds=0.0,
            outcome="succeeded",
            effect=op.mock.effect,
            args={},
            inputs={},
            base_url="http://m",
            image=png_bytes(64, 48),
            poll_op=mock.roles._poll_op(op),
        )
    )
    answer = get(mock, "/_mock/tasks/t1")
    assert answer.status == 200
    assert answer.json()["view_operation"] == (mock.roles._poll_op(op) or op.name)
    assert answer.headers == {"cache-control": "no-store"}
