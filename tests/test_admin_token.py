"""The admin API of a mock: behind ``--admin-token`` (or ``MOCK_ADMIN_TOKEN``) when given,
at the root only (under a vendor's prefix a path is the vendor's), and never exposed beyond
loopback without a token."""

from __future__ import annotations

import importlib
import subprocess
from urllib.parse import urlsplit

import httpx
import pytest

from generator.runtime.mock.serve import vendor_packages

from .hostile import expected_error, free_ports, serve_command, served, vendor

TOKEN = "admin-token-for-tests-7f3a"
ADMIN_CALLS = [
    ("GET", "/_mock/journal"),
    ("POST", "/_mock/reset"),
    ("POST", "/_mock/faults?kind=error"),
    ("DELETE", "/_mock/faults"),
    ("POST", "/_mock/credentials?key=intruder&quota="),
    ("POST", "/_mock/quota?key=test&quota="),
    ("POST", "/_mock/outcome?status=failed"),
]


@pytest.mark.parametrize("how", ["option", "environment"])
def test_every_admin_call_needs_the_token(how: str) -> None:
    package = vendor_packages()[0]
    port = free_ports(1)
    args = ["--port", str(port), package]
    env = {"MOCK_ADMIN_TOKEN": TOKEN} if how == "environment" else {}
    if how == "option":
        args += ["--admin-token", TOKEN]
    with served(*args, env=env) as mocks, httpx.Client(base_url=mocks.urls[package]) as http:
        for method, path in ADMIN_CALLS:
            missing = http.request(method, path)
            wrong = http.request(method, path, headers={"X-Mock-Admin-Token": TOKEN + "x"})
            assert (missing.status_code, wrong.status_code) == (401, 401), path
            assert "X-Mock-Admin-Token" in missing.json()["error"]
        journal = http.get("/_mock/journal", headers={"X-Mock-Admin-Token": TOKEN})
        assert journal.status_code == 200 and journal.json() == []  # nothing above was done
        example = http.get("/_mock/examples/example.png")  # files stand for the vendor's URLs
        assert example.status_code == 200 and example.content.startswith(b"\x89PNG")
        page = http.get("/_mock/")  # the page holds no data: it asks for the token itself
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert http.get("/_mock/state").status_code == 401  # its data needs the token
        health = http.get("/_mock/health")  # readiness probes send no headers
        assert health.status_code == 200 and health.json()["vendor"] == package


def test_without_a_token_the_admin_api_is_open_on_loopback() -> None:
    mock = _mock(vendor_packages()[0])
    with httpx.Client(transport=mock.transport(), base_url="http://mock.invalid") as http:
        assert http.post("/_mock/reset").json() == {"ok": True}


def _mock(package: str, **options):
    return importlib.import_module(f"generated.{package}.mock").create_mock(**options)


@pytest.mark.parametrize("package", vendor_packages())
def test_under_a_vendor_path_an_admin_path_is_the_vendors_own_404(package: str) -> None:
    """``<vendor prefix>/_mock/reset`` (``/AIGCImgOpenServ/_mock/reset``, or ``/v1/_mock/reset``
    for a vendor without one) is routed as the vendor's, which has no such operation."""
    prefix = urlsplit(vendor(package).base_url).path.rstrip("/") or "/v1"
    mock = _mock(package, credentials=["test"])
    mock.inject_fault("error", count=5)
    with httpx.Client(transport=mock.transport(), base_url="http://mock.invalid") as http:
        for method, path in ADMIN_CALLS:
            answer = http.request(method, prefix + path)
            expected = expected_error(package, "unknown_operation")
            assert answer.status_code == expected.http_status, (path, answer.text)
            assert answer.content != b'{"ok":true}'
    # each went down the vendor's path (journaled, no operation found), none did admin work
    assert [e.operation for e in mock.journal] == [""] * len(ADMIN_CALLS)
    assert [f.count for f in mock._faults] == [5]


def test_a_non_loopback_address_needs_an_admin_token() -> None:
    done = subprocess.run(
        serve_command("--host", "0.0.0.0", "--port", str(free_ports(1)), vendor_packages()[0]),
        capture_output=True,
        text=True,
        timeout=60,
        env=_without_token(),
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "0.0.0.0" in done.stderr
    assert "--admin-token" in done.stderr and "Traceback" not in done.stderr


def _without_token() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "MOCK_ADMIN_TOKEN"}
