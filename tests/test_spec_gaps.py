"""Small gaps between the specs and the vendors' documents, closed: HD repaint's status check
in both form encodings with its account figures only beside a result, Kling's 1100 and
Tencent's text moderation code mapped, and specs that explain themselves in place."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import yaml

from generated.hdrepaint.mock import create_mock as create_hdrepaint_mock
from generated.kling import KlingClient
from generated.tencent_aiart import TencentAiartClient
from generator.layout import SPECS
from generator.runtime import errors
from generator.runtime.clock import SystemClock
from generator.runtime.images import mask_png_base64, png_base64, png_bytes
from generator.runtime.live import free_port

from .conftest import ServedMock

HD = "http://hd.invalid"


def hd_submit(mock, http: httpx.Client) -> str:
    answer = http.post(
        "/api/submit_task", data={"user_key": "test"}, files={"input_image": png_bytes(40, 30)}
    ).json()
    assert answer["err_code"] == 0
    return answer["task_id"]


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_hdrepaint_status_check_takes_both_form_encodings(encoding: str) -> None:
    mock = create_hdrepaint_mock()
    with httpx.Client(transport=mock.transport(), base_url=HD) as http:
        task_id = hd_submit(mock, http)
        fields = {"user_key": "test", "task_id": task_id}
        if encoding == "urlencoded":  # as the vendor's own sample sends it
            answer = http.post("/api/check_task_status", data=fields)
        else:
            answer = http.post(
                "/api/check_task_status", files={k: (None, v) for k, v in fields.items()}
            )
    assert answer.json()["err_code"] == 0 and answer.json()["status"]
    sent = answer.request.headers["content-type"]
    assert sent.startswith(
        "application/x-www-form-urlencoded" if encoding == "urlencoded" else "multipart/"
    )


def test_hdrepaint_spec_declares_both_encodings_for_the_status_check() -> None:
    spec = yaml.safe_load((SPECS / "hdrepaint" / "openapi.yaml").read_text())
    content = spec["paths"]["/api/check_task_status"]["post"]["requestBody"]["content"]
    assert set(content) == {"multipart/form-data", "application/x-www-form-urlencoded"}


def test_hdrepaint_account_figures_come_only_with_a_result() -> None:
    mock = create_hdrepaint_mock()
    with httpx.Client(transport=mock.transport(), base_url=HD) as http:
        task_id = hd_submit(mock, http)
        fields = {"user_key": "test", "task_id": task_id}
        pending = http.post("/api/check_task_status", data=fields).json()
        mock.advance(60)
        done = http.post("/api/check_task_status", data=fields).json()
    assert pending["status"] != "Completed"
    assert "remaining_count" not in pending and "remaining_money" not in pending
    assert done["status"] == "Completed" and done["images_url"]
    assert (done["remaining_count"], done["remaining_money"]) == (99, 297)


def test_kling_1100_account_exception_is_a_permission_error() -> None:
    body = {"code": 1100, "message": "account exception", "request_id": "r-1", "data": None}
    transport = httpx.MockTransport(lambda request: httpx.Response(429, json=body))
    client = KlingClient("ak-test", "sk-test", transport=transport, max_retries=0)
    with client, pytest.raises(errors.PermissionDeniedError) as caught:
        client.get_task(task_id="t-1")
    assert caught.value.code == 1100 and caught.value.status_code == 429


def test_tencent_text_moderation_refusal_is_an_invalid_request() -> None:
    body = {
        "Response": {
            "Error": {"Code": "OperationDenied.TextIllegalDetected", "Message": "text refused"},
            "RequestId": "r-2",
        }
    }
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    client = TencentAiartClient("id-test", "key-test", transport=transport, max_retries=0)
    with client, pytest.raises(errors.InvalidRequestError) as caught:
        client.image_inpainting_removal(image_base64=png_base64(), mask_base64=mask_png_base64())
    assert caught.value.code == "OperationDenied.TextIllegalDetected"


def test_specs_point_at_nothing_outside_the_project() -> None:
    outside = re.compile(r"NOTES\.md|shared/|vendor-docs")
    found = [
        f"{path.relative_to(SPECS)}:{number}: {line.strip()}"
        for path in sorted(SPECS.rglob("*"))
        if path.is_file() and path.suffix in (".yaml", ".yml", ".json", ".md")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if outside.search(line) or _leaves_the_project(path, line)
    ]
    assert found == []


def _leaves_the_project(path: Path, line: str) -> bool:
    """Whether a relative path on ``line`` (``../x``) leads out of the project from ``path``'s
    folder (the specs' ``$schema=../x-sdk.schema.json`` stays inside)."""
    project = SPECS.parent.resolve()
    return any(
        not (path.parent / ref).resolve().is_relative_to(project)
        for ref in re.findall(r"(?:\.\./)+[\w./-]*", line)
    )


@pytest.mark.skipif(
    shutil.which("npm") is None, reason="Prism runs from npm, which this machine does not have"
)
def test_prisms_validating_proxy_passes_the_vendors_urlencoded_poll() -> None:
    """Prism (a validator we did not write), proxying to the served mock from our spec, lets
    the status check through in both encodings instead of refusing the urlencoded one."""
    from bench import tools

    try:
        prism = tools.prism()
    except tools.Unavailable as exc:
        pytest.skip(f"Prism could not be installed: {exc}")
    mock = create_hdrepaint_mock(clock=SystemClock(), task_seconds=0, queue_seconds=0)
    spec = SPECS / "hdrepaint" / "openapi.yaml"
    with ServedMock(mock) as served:
        port = free_port()
        proxy = subprocess.Popen(
            [prism, "proxy", "-h", "127.0.0.1", "-p", str(port), "--errors", str(spec), served.url],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(base)
            fields = {"user_key": "test", "task_id": "no-such-task"}
            plain = httpx.post(base + "/api/check_task_status", data=fields)
            multi = httpx.post(
                base + "/api/check_task_status",
                files={k: (None, v.encode()) for k, v in fields.items()},
            )
        finally:
            proxy.terminate()
            proxy.wait(10)
    for answer in (plain, multi):
        assert answer.status_code == 200, answer.text[:300]
        assert answer.json() == {"err_code": 1, "err_msg": "任务未找到或状态未知"}


def _wait_for(base: str) -> None:
    for _ in range(300):  # Prism takes a few seconds to start; bounded
        try:
            httpx.get(base + "/", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)  # a real process starting: no virtual clock to move
    raise RuntimeError("Prism did not start")
