"""The pytest plugin other teams load through the ``pytest11`` entry point."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import httpx

from generated.kling import KlingClient
from generator.runtime.images import png_base64
from generator.runtime.mock import VendorMock
from generator.runtime.pytest_plugin import MockServer


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    found = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert found.get("imagekit_mocks") == "generator.runtime.pytest_plugin"


def test_mock_and_client_fixtures_are_wired_together(
    kling_mock: VendorMock, kling_client: KlingClient
) -> None:
    task = kling_client.create_task(element_frontal_image=png_base64(400, 400))
    kling_mock.advance(10)
    assert kling_client.get_task(task_id=task.task_id).task_status == "succeed"


def test_server_fixture_serves_on_a_free_loopback_port(showapi_server: MockServer) -> None:
    assert showapi_server.url.startswith("http://127.0.0.1:")
    answer = httpx.post(f"{showapi_server.url}/3259-2", params={"appKey": "test", "task_id": "x"})
    assert answer.json()["showapi_res_body"]["ret_code"] == -1  # no such task, in the envelope


def test_another_project_gets_the_fixtures_from_the_entry_point(tmp_path: Path) -> None:
    """A test file outside this repository's conftest uses the fixtures by name only."""
    (tmp_path / "test_theirs.py").write_text(
        "def test_uses_fixtures(zhiqite_mock, tencent_aiart_client, hdrepaint_server):\n"
        "    assert zhiqite_mock.vendor.package == 'zhiqite'\n"
        "    assert type(tencent_aiart_client).__name__ == 'TencentAiartClient'\n"
        "    assert hdrepaint_server.url.startswith('http://127.0.0.1:')\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
