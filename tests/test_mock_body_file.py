"""A get whose succeeded answer is a result file itself (``x-sdk-operation.mock.body_file``),
by value: the file is found by its name without the last extension, and a name the task made
no file of is the vendor's own server error naming the task and the file (never a bare
"internal error").

The synthetic vendor ``tests/vendors/image_body`` is compiled to its vendor model in memory
(its one get answers with a result file); its effect is swapped for one that makes files
with dots inside their names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from generator.pipeline import build_vendor
from generator.runtime.images import png_bytes
from generator.runtime.mock import VendorMock
from generator.runtime.mock import effects as mock_effects
from generator.runtime.mock.messages import Call, MockRequest
from generator.runtime.vendor import Operation, Vendor

from .synthetic import VENDORS

HEADERS = {"Authorization": "Bearer test"}
BASE = "https://api.example.com"


@pytest.fixture(scope="module")
def vendor() -> Vendor:
    return build_vendor(VENDORS / "image_body").vendor


def with_body_file(vendor: Vendor, name: str) -> tuple[Vendor, Operation]:
    """``vendor`` whose get answers the result file ``name`` once its task succeeded."""
    ops, changed = [], None
    for op in vendor.operations:
        if op.mock.body_file:
            op = op.model_copy(update={"mock": op.mock.model_copy(update={"body_file": name})})
            changed = op
        ops.append(op)
    assert changed is not None, "the synthetic vendor has no get answered by a result file"
    fields = {key: getattr(vendor, key) for key in Vendor.model_fields}
    return Vendor(**{**fields, "operations": tuple(ops)}), changed


@pytest.fixture
def dotted_files(monkeypatch: pytest.MonkeyPatch, vendor: Vendor) -> Iterator[dict[str, Any]]:
    """The vendor's effect makes ``result.v2.png`` and ``result.png``, each with its own bytes."""
    submit = next(op for op in vendor.operations if op.role == "submit")
    files = {
        "result.v2.png": (png_bytes(3, 2), "image/png"),
        "result.png": (png_bytes(5, 4), "image/png"),
    }
    effect = mock_effects.Effect(lambda _task: dict(files), lambda _task: list(files))
    monkeypatch.setitem(mock_effects.EFFECTS, submit.mock.effect, effect)
    yield files


def finished_answer(vendor: Vendor) -> tuple[str, httpx.Response]:
    """The id of a job submitted to a fresh mock of ``vendor``, and its get once it succeeded."""
    mock = VendorMock(vendor)
    with httpx.Client(transport=mock.transport(), base_url=BASE) as http:
        image = ("a.png", png_bytes(20, 10), "image/png")
        job = http.post("/v1/jobs", headers=HEADERS, files={"image": image}).json()["id"]
        mock.advance(600)
        return str(job), http.get(f"/v1/jobs/{job}", headers=HEADERS)


@pytest.mark.parametrize(
    ("name", "file"),
    [("result.v2", "result.v2.png"), ("result", "result.png")],
    ids=["dotted-name", "plain-name"],
)
def test_the_file_is_found_by_its_name_without_the_last_extension(
    vendor: Vendor, dotted_files: dict[str, Any], name: str, file: str
) -> None:
    _job, answer = finished_answer(with_body_file(vendor, name)[0])
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/png"
    assert answer.content == dotted_files[file][0]


def test_a_file_the_task_did_not_make_is_a_server_error_naming_it(vendor: Vendor) -> None:
    broken, _op = with_body_file(vendor, "nothing")
    server_error = broken.errors["server_error"]
    job, answer = finished_answer(broken)
    assert answer.status_code == server_error.http_status
    body = answer.json()
    assert body["name"] == server_error.code
    assert (
        body["errors"][0]["message"] == f"internal error: task {job} made no result file 'nothing'"
    )


def test_a_query_answers_its_status_and_its_body_from_one_moment(vendor: Vendor) -> None:
    """Read just before the job finishes, the job is running: the answer's HTTP status says so
    and the body's progress is that moment's, even when the clock has moved on by the time the
    body is written (here: every read of the clock is a second later)."""
    mock = VendorMock(vendor)
    with httpx.Client(transport=mock.transport(), base_url=BASE) as http:
        image = ("a.png", png_bytes(20, 10), "image/png")
        job = str(http.post("/v1/jobs", headers=HEADERS, files={"image": image}).json()["id"])
    task = mock.store.find(job)
    assert task is not None
    get = next(op for op in vendor.operations if op.role == "get")
    reads = iter([task.finishes_at - 1.0, task.finishes_at + 1.0])
    mock.clock.time = lambda: next(reads)  # type: ignore[method-assign]
    account = next(a for a in mock.accounts.values() if a.key == task.account)
    request = MockRequest.build("GET", f"{BASE}/v1/jobs/{job}", [], b"")
    call = Call(get, {get.task_id: job}, {}, account, request)

    body = mock.roles._get(call)

    assert call.status == get.mock.http_status["running"]
    expected = round((task.run_seconds - 1.0) / task.run_seconds, 4)
    assert body == {"id": job, "progress": expected, "error": ""}
