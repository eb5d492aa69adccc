"""The README's examples run as written."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_python_examples_run_and_their_tests_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOWAPI_APP_KEY", "test")
    namespace: dict = {}
    for code in blocks("python"):
        exec(compile(code, "README.md", "exec"), namespace)
    tests = [f for name, f in namespace.items() if name.startswith("test_") and callable(f)]
    assert len(tests) >= 2
    for test in tests:
        test(**plugin_fixtures(test))
    assert callable(namespace["repaint"])


def plugin_fixtures(test) -> dict:
    """The pytest plugin's ``<vendor>_mock`` / ``<vendor>_client`` arguments a README test asks
    for, built as the plugin builds them (one mock per vendor, its client wired to it)."""
    import inspect

    from generator.runtime.mock.serve import build_mock
    from generator.runtime.pytest_plugin import _client_class

    mocks: dict = {}
    values = {}
    for name in inspect.signature(test).parameters:
        vendor, _, kind = name.rpartition("_")
        mock = mocks.setdefault(vendor, build_mock(vendor))
        values[name] = mock if kind == "mock" else mock.client(_client_class(vendor))
    return values


def test_make_targets_named_in_the_readme_exist() -> None:
    makefile = (ROOT / "Makefile").read_text()
    for target in set(re.findall(r"^make ([\w-]+)", "\n".join(blocks("sh")), flags=re.M)):
        assert re.search(rf"^{target}:", makefile, flags=re.M), target


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_make_mock_serves_the_curl_example() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        ["make", "-s", "mock", "VENDOR=showapi", f"PORT={port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        ready = threading.Event()
        for _ in range(600):  # bounded: up to a minute for make to start uvicorn
            if _port_open(port):
                ready.set()
                break
            ready.wait(0.1)
        assert ready.is_set(), "make mock did not start serving"
        curl = next(b for b in blocks("sh") if b.startswith("curl")).splitlines()
        submit = "\n".join(curl[:3]).replace("8000", str(port))
        done = subprocess.run(
            ["bash", "-c", submit], cwd=ROOT, capture_output=True, text=True, timeout=30
        )
        body = json.loads(done.stdout)
        assert body["showapi_res_code"] == 0, body
        task_id = body["showapi_res_body"]["taskOrder"]
        query = curl[3].replace("8000", str(port)).replace("<taskOrder from above>", task_id)
        done = subprocess.run(["bash", "-c", query], capture_output=True, text=True, timeout=30)
        assert json.loads(done.stdout)["showapi_res_body"]["taskOrder"] == task_id
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
