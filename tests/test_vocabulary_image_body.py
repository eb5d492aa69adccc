"""The vocabulary of image bodies and statuses by HTTP status, on the second synthetic vendor
kept in tests/vendors/ (generated into a temporary folder, never shipped): a get that answers
202 while its job runs, the result image itself (``image/png`` bytes) once it succeeded and
422 once it failed, with no status field anywhere (``task.http_statuses``)."""

from __future__ import annotations

import asyncio
import importlib
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from PIL import Image

from generator.runtime.answers import ResultBytes, TaskAnswer
from generator.runtime.images import png_bytes
from generator.runtime.tasks import read_outcome
from generator.runtime.vendor import TaskFields, TaskSpec

from .synthetic import VENDORS, generated

HEADERS = {"Authorization": "Bearer test"}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The synthetic vendor generated into a temporary package ``synthetic_body``."""
    with generated(
        "image_body", "synthetic_body", tmp_path_factory.mktemp("synthetic_body")
    ) as module:
        yield module


@pytest.fixture
def mock(synthetic: ModuleType):  # type: ignore[no-untyped-def]
    return importlib.import_module("synthetic_body.image_body.mock").create_mock()


def _submit(http: httpx.Client, width: int = 20, height: int = 10) -> str:
    files = {"image": ("a.png", png_bytes(width, height), "image/png")}
    return str(http.post("/v1/jobs", headers=HEADERS, files=files).json()["id"])


def test_the_mock_answers_202_while_running_then_the_png_itself(mock) -> None:
    with httpx.Client(transport=mock.transport(), base_url="https://api.example.com") as http:
        job = _submit(http)
        running = http.get(f"/v1/jobs/{job}", headers=HEADERS)
        mock.advance(60)
        done = http.get(f"/v1/jobs/{job}", headers=HEADERS)
    assert running.status_code == 202 and running.json()["id"] == job
    assert "status" not in running.json()  # the HTTP status is all there is
    assert done.status_code == 200 and done.headers["content-type"] == "image/png"
    # the effect (enhance) doubles each side of the 20 x 10 input
    assert Image.open(io.BytesIO(done.content)).size == (40, 20)


def test_a_failed_job_is_answered_422_with_its_reason(mock) -> None:
    mock.force_outcome("failed", error="the model gave up")
    with httpx.Client(transport=mock.transport(), base_url="https://api.example.com") as http:
        job = _submit(http)
        mock.advance(60)
        failed = http.get(f"/v1/jobs/{job}", headers=HEADERS)
    assert failed.status_code == 422
    body = failed.json()
    assert (body["id"], body["error"]) == (job, "the model gave up")
    assert "name" not in body  # the job, not an error in the vendor's error shape


def test_the_client_returns_the_job_then_the_image_bytes(synthetic: ModuleType, mock) -> None:
    with mock.client(synthetic.ImageBodyClient) as client:
        job = client.create_job(image=png_bytes(30, 30))
        running = client.get_job(id=job.id)
        mock.advance(60)
        done = client.get_job(id=job.id)
    assert isinstance(running, synthetic.models.Job) and running.id == job.id
    assert isinstance(done, ResultBytes)
    assert (done.media_type, done.status_code) == ("image/png", 200)
    assert Image.open(io.BytesIO(done.data)).size == (60, 60)


def test_wait_reads_the_status_from_the_http_status_and_download_saves_the_bytes(
    synthetic: ModuleType, mock, tmp_path: Path
) -> None:
    seen: list[str] = []
    with mock.client(synthetic.ImageBodyClient) as client:
        job = client.create_job(image=png_bytes(16, 12))
        outcome = client.wait(job.id, timeout=60, on_progress=lambda o: seen.append(o.status))
        saved = client.download(outcome, tmp_path)
    assert seen[0] == "running" and seen[-1] == "succeeded"
    assert outcome.task_id == job.id and outcome.vendor_status == "200"
    assert [p.suffix for p in saved] == [".png"]
    assert Image.open(saved[0]).size == (32, 24)


def test_the_async_client_waits_and_downloads_alike(
    synthetic: ModuleType, mock, tmp_path: Path
) -> None:
    async def run() -> tuple[Any, list[Path]]:
        async with mock.client(synthetic.AsyncImageBodyClient) as client:
            job = await client.create_job(image=png_bytes(8, 8))
            outcome = await client.wait(job.id, timeout=60)
            return outcome, await client.download(outcome, tmp_path)

    outcome, saved = asyncio.run(run())
    assert outcome.status == "succeeded"
    assert Image.open(saved[0]).size == (16, 16)


def test_a_422_the_family_names_is_a_failed_outcome_not_an_error(
    synthetic: ModuleType, mock
) -> None:
    mock.force_outcome("failed", error="no faces found")
    with mock.client(synthetic.ImageBodyClient) as client:
        job = client.create_job(image=png_bytes(8, 8))
        outcome = client.wait(job.id, timeout=60)
    assert (outcome.status, outcome.vendor_status) == ("failed", "422")
    assert outcome.error == "no faces found" and outcome.images == ()


def test_an_error_in_the_vendors_shape_is_still_raised(synthetic: ModuleType, mock) -> None:
    from generator.runtime import errors

    with (
        mock.client(synthetic.ImageBodyClient) as client,
        pytest.raises(errors.NotFoundError),
    ):
        client.get_job(id="no-such-job")


def test_read_outcome_takes_the_status_from_the_answers_http_status() -> None:
    spec = TaskSpec(
        http_statuses={202: "running", 200: "succeeded", 422: "failed"},
        fields=TaskFields(id="id", error="error"),
    )
    assert read_outcome(spec, TaskAnswer({"id": "a"}, 202)).status == "running"
    failed = read_outcome(spec, TaskAnswer({"id": "a", "error": "x"}, 422))
    assert (failed.status, failed.error) == ("failed", "x")
    image = read_outcome(spec, ResultBytes(png_bytes(2, 2), "image/png"), "t")
    assert image.status == "succeeded" and image.images[0].startswith("data:image/png;base64,")
    # a plain dict (no HTTP status kept) and no status field: not done, never success
    assert read_outcome(spec, {"id": "a"}).status == "running"


def _contract_tests(synthetic: ModuleType) -> list[Callable[[], None]]:
    module = importlib.import_module(f"{synthetic.__name__}.tests.test_contract")
    return [getattr(module, n) for n in dir(module) if n.startswith("test_")]


def test_the_generated_contract_tests_pass_with_a_binary_answer(
    synthetic: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Round trips, refusals, documented answers and cassettes of the vendor's own generated
    contract tests, the image answer among them (its seed cassettes are in the temporary
    folder it was generated into)."""
    from generator.runtime import testing

    monkeypatch.setattr(testing, "CASSETTES", Path(synthetic.__file__).parents[2] / "cassettes")
    tests = _contract_tests(synthetic)
    assert len(tests) >= 10
    for test in tests:
        test()


def test_an_image_answer_matches_the_spec_and_a_wrong_one_does_not(
    synthetic: ModuleType, mock
) -> None:
    """The contract's answer check takes the image/png answer the spec declares for 200, and
    refuses one whose bytes are not the image its content type says."""
    contract = importlib.import_module(f"{synthetic.__name__}.tests.test_contract").contract
    with mock.client(synthetic.ImageBodyClient) as client:
        job = client.create_job(image=png_bytes(8, 8))
        mock.advance(60)
        assert isinstance(client.get_job(id=job.id), ResultBytes)
    assert [e.media_type for e in mock.journal] == ["application/json", "image/png"]
    contract.assert_answers_match_spec(mock)
    mock.journal[-1].answer = b"not a png"
    with pytest.raises(AssertionError, match="not an image/png"):
        contract.assert_answers_match_spec(mock)


def test_an_http_status_the_get_does_not_declare_is_found(tmp_path: Path) -> None:
    from tests.test_spec_checks import build_error

    def change(doc: dict[str, Any]) -> None:
        doc["x-sdk"]["task"]["http_statuses"] = {202: "running", 299: "succeeded"}

    error = build_error(tmp_path, change)
    assert error.pointer == "/x-sdk/task/http_statuses/299"
    assert "declares no answer 299" in error.reason


def test_a_family_with_no_way_to_tell_its_status_is_found(tmp_path: Path) -> None:
    from tests.test_spec_checks import build_error

    def change(doc: dict[str, Any]) -> None:
        del doc["x-sdk"]["task"]["fields"]["status"]
        doc["x-sdk"]["task"]["view"].pop("status")

    error = build_error(tmp_path, change)
    assert error.pointer == "/x-sdk/task/fields" and "http_statuses" in error.reason


def test_a_body_file_without_a_declared_image_answer_is_found(tmp_path: Path) -> None:
    from tests.test_spec_checks import build_error, first_op

    def change(doc: dict[str, Any]) -> None:
        first_op(doc, "get")["x-sdk-operation"]["mock"]["body_file"] = "image"

    error = build_error(tmp_path, change)
    assert error.pointer.endswith("/x-sdk-operation/mock/body_file")
    assert "format binary" in error.reason


def test_the_seed_cassette_answers_with_the_examples_own_status(synthetic: ModuleType) -> None:
    """The get's documented example is its 202 answer (its 200 is the image): the cassette
    seeded from it says 202, and replays as a running job."""
    import yaml

    cassette = Path(synthetic.__file__).parents[2] / "cassettes" / "image_body" / "get_job.yaml"
    answer = yaml.safe_load(cassette.read_text())["interactions"][0]["response"]
    assert answer["status"] == {"code": 202, "message": "Accepted"}
    assert synthetic.VENDOR.ops["get_job"].response_status == 202


@pytest.mark.parametrize("name", ["image_body", "inline_results"])
def test_the_synthetic_specs_pass_the_extension_schema(name: str) -> None:
    """Editors check the synthetic vendors against specs/x-sdk.schema.json as they do the
    shipped ones (HTTP statuses as YAML integer keys included), and a misspelling is refused."""
    import json

    import jsonschema
    import yaml

    from generator.extschema import schema_bytes

    validator = jsonschema.Draft202012Validator(json.loads(schema_bytes()))
    doc = yaml.safe_load((VENDORS / name / "openapi.yaml").read_text())
    assert [e.message for e in validator.iter_errors(doc)] == []
    doc["x-sdk"]["task"]["http_statuse"] = {202: "running"}
    assert any("http_statuse" in e.message for e in validator.iter_errors(doc))


def _get_op(binary_media: tuple[str, ...]) -> Any:
    from generator.runtime.vendor import Operation

    return Operation(
        name="get_job",
        operation_id="getJob",
        method="GET",
        path="/v1/jobs/{id}",
        role="get",
        binary_media=binary_media,
    )


@pytest.mark.parametrize("declared", [("image/png",), ("image/*",)])
def test_a_declared_image_answer_is_read_as_bytes(synthetic: ModuleType, declared) -> None:
    from generator.runtime.answers import read_answer

    data = png_bytes(3, 3)
    answer = httpx.Response(200, headers={"content-type": "image/png"}, content=data)
    read, request_id = read_answer(synthetic.VENDOR, _get_op(declared), answer)
    assert request_id == ""
    assert read == ResultBytes(data, "image/png", 200) and read.data == data


def test_an_answer_without_a_content_type_is_read_as_json_where_images_may_come(
    synthetic: ModuleType,
) -> None:
    from generator.runtime.answers import read_answer

    bare = httpx.Response(200, content=b'{"id": "j1", "status": "running"}')
    assert "content-type" not in bare.headers
    read, _ = read_answer(synthetic.VENDOR, _get_op(("image/png",)), bare)
    assert read == {"id": "j1", "status": "running"}


def test_an_undeclared_non_json_answer_is_a_typed_error(synthetic: ModuleType) -> None:
    from generator.runtime import errors
    from generator.runtime.answers import read_answer

    page = httpx.Response(200, headers={"content-type": "text/html"}, content=b"<html>hi")
    with pytest.raises(errors.ResponseFormatError, match="not JSON"):
        read_answer(synthetic.VENDOR, _get_op(("image/png",)), page)
    jpeg = httpx.Response(200, headers={"content-type": "image/jpeg"}, content=b"\xff\xd8\xff")
    with pytest.raises(errors.ResponseFormatError, match="not JSON"):
        read_answer(synthetic.VENDOR, _get_op(("image/png",)), jpeg)


def test_a_running_job_is_read_from_its_202_with_its_progress(synthetic: ModuleType, mock) -> None:
    with mock.client(synthetic.ImageBodyClient) as client:
        job = client.create_job(image=png_bytes(8, 8))
        mock.advance(1.5)  # half of the vendor's three seconds
        outcome = client.get_outcome(job.id)
    assert (outcome.status, outcome.vendor_status, outcome.images) == ("running", "202", ())
    assert outcome.progress is not None and 0 < outcome.progress < 1
