"""Every vendor's mock served by uvicorn on 127.0.0.1, driven by its own generated client, and
every mock served at once by the documented command. Vendors come from specs/."""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from generator.discover import vendor_packages
from generator.runtime.clock import SystemClock
from generator.runtime.testing import as_kwargs, example_values

from .conftest import ServedMock


@pytest.mark.parametrize("package", vendor_packages())
def test_every_vendor_s_jobs_succeed_against_its_served_mock(package: str, tmp_path: Path) -> None:
    """Each submit operation's example, sent by the generated client to the served mock on the
    real clock, is waited for until it succeeds, and its result files download non-empty; each
    synchronous action answers its example with the operation's model."""
    module = importlib.import_module(f"generated.{package}")
    vendor = module.VENDOR
    create_mock = importlib.import_module(f"generated.{package}.mock").create_mock
    client_cls = getattr(module, f"{vendor.class_prefix}Client")
    credentials = {c.name: c.mock_default for c in vendor.auth.credentials if c.required}
    submits = [op for op in vendor.operations if op.role == "submit"]
    actions = [op for op in vendor.operations if op.role == "action"]
    assert submits or actions, f"{package} has neither a submit nor an action operation"
    mock = create_mock(clock=SystemClock(), task_seconds=0, queue_seconds=0)
    with ServedMock(mock) as served, client_cls(**credentials, base_url=served.url) as client:
        for op in submits:
            kwargs = as_kwargs(op, example_values(op, served.url))
            wait = getattr(client, f"{op.name}_and_wait")
            outcome = wait(**kwargs, timeout=20)
            assert outcome.status == "succeeded", f"{op.name}: {outcome}"
            saved = client.download(outcome, tmp_path / op.name)
            assert len(saved) == len(outcome.images) > 0, op.name
            assert all(path.stat().st_size > 0 for path in saved), op.name
            # a URL result is served by the mock itself; an inline one is a data: URL
            assert all(url.startswith((served.url, "data:")) for url in outcome.images), op.name
        for op in actions:
            result = getattr(client, op.name)(**as_kwargs(op, example_values(op, served.url)))
            assert type(result).__name__ == op.payload_model, op.name


def test_serving_every_mock_at_once_prints_their_urls_and_each_answers() -> None:
    from generator.runtime.live import free_port
    from generator.runtime.mock import serve

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.runtime.mock.serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline().split() for _ in vendor_packages()]
        urls = {name: url for name, url in lines}
        assert sorted(urls) == serve.vendor_packages() == vendor_packages()
        for url in urls.values():
            assert httpx.get(f"{url}/_mock/journal", timeout=10).json() == []
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
