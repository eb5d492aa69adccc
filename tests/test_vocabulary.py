"""The vocabulary of inline results and error-only request ids, on the synthetic vendor kept in
tests/vendors/ (generated into a temporary folder, never shipped): a result inline as base64,
downloaded like a URL; a request id on errors only, in a field the payload also has; an error
message written at a list index; a constant header that is checked but routes nothing."""

from __future__ import annotations

import base64
import importlib
import io
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from PIL import Image

from generator.runtime import errors
from generator.runtime.images import png_bytes
from generator.runtime.paths import get_path, set_path
from generator.runtime.tasks import TaskOutcome

from .synthetic import generated


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The synthetic vendor generated into a temporary package ``synthetic_gen``."""
    with generated(
        "inline_results", "synthetic_gen", tmp_path_factory.mktemp("synthetic")
    ) as module:
        yield module


@pytest.fixture
def mock(synthetic: ModuleType):  # type: ignore[no-untyped-def]
    return importlib.import_module("synthetic_gen.inline_results.mock").create_mock()


def test_set_path_writes_list_indexes_as_get_path_reads_them() -> None:
    body: dict = {}
    set_path(body, "errors.0.message", "bad")
    set_path(body, "errors.1.field", "prompt")
    assert body == {"errors": [{"message": "bad"}, {"field": "prompt"}]}
    assert get_path(body, "errors.1.field") == "prompt"


def test_an_inline_base64_result_is_read_and_downloaded_like_a_url(
    synthetic: ModuleType, mock, tmp_path: Path
) -> None:
    with mock.client(synthetic.InlineResultsClient) as client:
        job = client.create_job(image=png_bytes(64, 48), prompt="p")
        outcome = client.wait(job.id, timeout=60)
        saved = client.download(outcome, tmp_path)
    assert outcome.status == "succeeded" and outcome.images[0].startswith("data:image/png;base64,")
    assert [p.suffix for p in saved] == [".png"]
    # the skeleton's effect (enhance) doubles each side
    assert Image.open(io.BytesIO(saved[0].read_bytes())).size == (128, 96)


def test_a_broken_inline_result_is_a_typed_error(synthetic: ModuleType, mock, tmp_path) -> None:
    broken = TaskOutcome("t", "succeeded", "succeeded", images=("data:image/png;base64,@@@",))
    with (
        mock.client(synthetic.InlineResultsClient) as client,
        pytest.raises(errors.ResponseFormatError, match="not valid base64"),
    ):
        client.download(broken, tmp_path)


def test_url_and_inline_results_download_alike(synthetic: ModuleType, mock, tmp_path) -> None:
    """One outcome holding a URL result (served by the mock) and an inline one: both saved."""
    with mock.client(synthetic.InlineResultsClient) as client:
        job = client.create_job(image=png_bytes(32, 32))
        done = client.wait(job.id, timeout=60)
        url = f"{client.base_url}/_mock/examples/example.png"
        both = TaskOutcome(job.id, "succeeded", "succeeded", images=(url, done.images[0]))
        saved = client.download(both, tmp_path)
    assert len(saved) == 2 and all(Image.open(p).format == "PNG" for p in saved)


def test_the_request_id_is_on_errors_only_and_never_overwrites_the_payload(
    synthetic: ModuleType, mock
) -> None:
    with httpx.Client(transport=mock.transport(), base_url="https://api.example.com") as http:
        files = {"image": ("a.png", png_bytes(8, 8), "image/png")}
        headers = {"Authorization": "Bearer test", "X-Api-Version": "2024-06-01"}
        created = http.post("/v1/jobs", headers=headers, files=files).json()
        refused = http.get(f"/v1/jobs/{created['id']}", headers={"X-Api-Version": "2024-06-01"})
    task_ids = {t.id for t in mock.store.tasks.values()}
    assert created["id"] in task_ids and "name" not in created  # the job's own id, kept
    body = refused.json()
    assert refused.status_code == 401 and body["name"] == "unauthorized"
    assert body["id"] not in task_ids and body["id"]  # the request id, on the error
    assert body["errors"][0]["message"].startswith("invalid API key")


def test_the_client_reads_the_request_id_of_an_error_only(synthetic: ModuleType, mock) -> None:
    with (
        mock.client(synthetic.InlineResultsClient, api_key="not-a-key") as client,
        pytest.raises(errors.AuthenticationError) as caught,
    ):
        client.get_job(id="job-1")
    assert caught.value.request_id and caught.value.request_id != "job-1"


def test_a_constant_header_that_does_not_route_is_checked_after_authentication(
    synthetic: ModuleType, mock
) -> None:
    """A wrong X-Api-Version does not pick (or miss) an operation: without credentials the
    answer is the authentication error, with them the invalid request."""
    with httpx.Client(transport=mock.transport(), base_url="https://api.example.com") as http:
        anonymous = http.get("/v1/jobs/x", headers={"X-Api-Version": "1999"})
        signed = http.get(
            "/v1/jobs/x", headers={"X-Api-Version": "1999", "Authorization": "Bearer test"}
        )
    assert anonymous.status_code == 401 and anonymous.json()["name"] == "unauthorized"
    assert signed.status_code == 400 and signed.json()["name"] == "invalid_request"
    assert "X-Api-Version" in signed.json()["errors"][0]["message"]


def test_the_inline_result_is_base64_of_the_png_the_mock_made(synthetic: ModuleType, mock) -> None:
    with mock.client(synthetic.InlineResultsClient) as client:
        job = client.create_job(image=png_bytes(20, 10))
        mock.advance(60)
        answer = client.get_job(id=job.id)
    assert Image.open(io.BytesIO(base64.b64decode(answer.image or ""))).size == (40, 20)


def test_the_http_status_follows_the_task_state(synthetic: ModuleType, mock) -> None:
    """202 while the job is queued or running, 200 once it is done; the client reads both."""
    headers = {"Authorization": "Bearer test", "X-Api-Version": "2024-06-01"}
    with httpx.Client(transport=mock.transport(), base_url="https://api.example.com") as http:
        files = {"image": ("a.png", png_bytes(8, 8), "image/png")}
        job = http.post("/v1/jobs", headers=headers, files=files).json()
        running = http.get(f"/v1/jobs/{job['id']}", headers=headers)
        mock.advance(60)
        done = http.get(f"/v1/jobs/{job['id']}", headers=headers)
    assert (running.status_code, running.json()["status"]) == (202, "running")
    assert (done.status_code, done.json()["status"]) == (200, "succeeded")
    with mock.client(synthetic.InlineResultsClient) as client:
        assert client.get_outcome(job["id"]).status == "succeeded"


def test_a_status_is_read_from_whichever_of_its_fields_is_present() -> None:
    from generator.runtime.tasks import read_outcome
    from generator.runtime.vendor import TaskFields, TaskSpec

    spec = TaskSpec(
        statuses={"done": "succeeded", "busy": "running"},
        fields=TaskFields(id="id", status="state|job.status"),
    )
    assert read_outcome(spec, {"id": "a", "state": "done"}).status == "succeeded"
    assert read_outcome(spec, {"id": "b", "job": {"status": "busy"}}).status == "running"
    assert (
        read_outcome(spec, {"id": "c", "state": None, "job": {"status": "done"}}).vendor_status
        == "done"
    )
