"""Helpers of the hostile-input tests: vendors found from the generated packages, requests
signed by a vendor's own client but not checked by it (the mock must refuse what a client
would never send), image probes, and mocks served with the documented command."""

from __future__ import annotations

import base64
import importlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import httpx

from generator.runtime.client import SyncClient
from generator.runtime.envelope import error_spec
from generator.runtime.live import free_port
from generator.runtime.mock.serve import vendor_packages
from generator.runtime.paths import get_path
from generator.runtime.testing import example_values
from generator.runtime.vendor import ErrorSpec, Operation, Vendor
from generator.runtime.wire import wire_layout


def vendor(package: str) -> Vendor:
    return importlib.import_module(f"generated.{package}").VENDOR


def client_class(package: str) -> type[SyncClient]:
    module = importlib.import_module(f"generated.{package}")
    return getattr(module, f"{module.VENDOR.class_prefix}Client")


def credentials(package: str) -> dict[str, str]:
    """The credentials a mock accepts by default, as the client's keyword arguments."""
    return {c.name: c.mock_default for c in vendor(package).auth.credentials if c.required}


def offline_client(package: str, base_url: str) -> SyncClient:
    """A client of ``package`` with the mock's default credentials, for building requests
    without sending them (a vendor without a published base URL gets ``base_url``)."""
    return client_class(package)(**credentials(package), base_url=base_url)


def image_operations() -> list[tuple[str, str]]:
    """(package, operation) of every operation that takes an image, found from the specs."""
    return [
        (package, op.name)
        for package in vendor_packages()
        for op in vendor(package).operations
        if op.limits.images and any(_given(op, name) for name in op.limits.images)
    ]


def _given(op: Operation, name: str) -> bool:
    return get_path(example_values(op), name) not in (None, "")


def with_image(op: Operation, base_url: str, data: bytes, url: str) -> dict[str, Any]:
    """The operation's example inputs, every image input its example gives replaced by
    ``data``: as bytes (a file), base64 text, or ``url`` where the example has a URL."""
    values = example_values(op, base_url)
    for name in op.limits.images:
        current = get_path(values, name)
        if current in (None, ""):
            continue
        if isinstance(current, bytes):
            replacement: Any = data
        elif str(current).startswith(("http://", "https://")):
            replacement = url
        else:
            replacement = base64.b64encode(data).decode()
        _put(values, name, replacement)
    return values


def _put(values: dict[str, Any], path: str, value: Any) -> None:
    parent_path, _, key = path.rpartition(".")
    parent = get_path(values, parent_path) if parent_path else values
    if isinstance(parent, list):
        parent[int(key)] = value
    else:
        parent[key] = value


def signed_request(client: SyncClient, op: Operation, values: dict[str, Any]) -> httpx.Request:
    """``values`` as the client would send them, signed, without the client's input checks."""
    out = client._outgoing(wire_layout(op), {**client._fixed_values(wire_layout(op)), **values}, {})
    client._auth.apply(out, client._credentials, client.clock.time())
    return client._request(out, client.timeout)


def send_unchecked(client: SyncClient, op: Operation, values: dict[str, Any]) -> httpx.Response:
    return client._http.send(signed_request(client, op, values))


def expected_error(package: str, kind: str) -> ErrorSpec:
    """How the vendor answers an error of ``kind`` (following the kinds it lacks to the ones
    it has, as its mock does). A refusal without a body carries its code in the header the
    vendor names for it (``envelope.error_code_header``), and a client reads it from there."""
    model = vendor(package)
    spec = error_spec(model, kind)
    header = model.envelope.error_code_header
    if spec.code is None and not spec.body and header in spec.headers:
        return spec.model_copy(update={"code": spec.headers[header]})
    return spec


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive loopback ports nothing listens on."""
    for _ in range(50):
        first = free_port()
        if first + count < 65535 and all(_free(first + i) for i in range(1, count)):
            return first
    raise RuntimeError(f"no {count} consecutive free ports")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class Served:
    process: subprocess.Popen[str]
    urls: dict[str, str]

    def rss_bytes(self) -> int:
        """The serving process's resident memory, from /proc."""
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS")


def serve_command(*args: str) -> list[str]:
    """The documented command that serves mocks (what ``make mock`` runs)."""
    return [sys.executable, "-m", "generator.runtime.mock.serve", *args]


@contextmanager
def served(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Iterator[Served]:
    """Mocks served by the documented command in a subprocess, until every URL it prints
    answers; stopped (its process group) afterwards."""
    process = subprocess.Popen(
        serve_command(*args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )
    try:
        urls = _announced(process, args, timeout)
        yield Served(process, urls)
    finally:
        stop(process)


def stop(process: subprocess.Popen[str]) -> None:
    """Stop a server started in its own session (its process group), if still running."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _announced(process: subprocess.Popen[str], args: tuple[str, ...], timeout: float) -> dict:
    named = [a for a in args if not a.startswith("-") and a in vendor_packages()]
    expected = len(named) or len(vendor_packages())
    urls: dict[str, str] = {}
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while len(urls) < expected:
        line = process.stdout.readline()
        if not line:
            error = process.stderr.read() if process.stderr else ""
            raise RuntimeError(f"the mock server stopped: {error}")
        name, url = line.split()[:2]
        urls[name] = url
        if time.monotonic() > deadline:
            raise RuntimeError("the mock server did not start")
    return urls


def signed_raw(
    client: SyncClient, op: Operation, content: bytes, content_type: str
) -> httpx.Request:
    """A request of ``op`` whose body is ``content`` as given (broken, say), signed as the
    client signs (credentials in the query or headers, a signature over these bytes)."""
    out = client._outgoing(wire_layout(op), client._fixed_values(wire_layout(op)), {})
    out.form, out.files = {}, {}
    out.content = content
    out.headers["Content-Type"] = content_type
    client._auth.apply(out, client._credentials, client.clock.time())
    return client._request(out, client.timeout)


def body_operations() -> list[tuple[str, str]]:
    """(package, operation): each vendor's first operation of each body kind, from the specs."""
    found: dict[tuple[str, str], str] = {}
    for package in vendor_packages():
        for op in vendor(package).operations:
            if op.body != "none":
                found.setdefault((package, op.body), op.name)
    return [(package, name) for (package, _kind), name in found.items()]


def url_inputs(op: Operation) -> list[str]:
    """The image inputs that take a URL and that the operation's example gives."""
    return [
        name
        for name, limit in op.limits.images.items()
        if limit.source in ("url", "base64_or_url") and _given(op, name)
    ]


def url_operations() -> list[tuple[str, str]]:
    """(package, operation) of every operation whose example gives an image by URL (or in a
    field that takes base64 or a URL), found from the specs."""
    return [
        (package, op.name)
        for package in vendor_packages()
        for op in vendor(package).operations
        if url_inputs(op)
    ]


def with_url(op: Operation, base_url: str, url: str) -> dict[str, Any]:
    """The example inputs with every URL-taking image input set to ``url``."""
    values = example_values(op, base_url)
    for name in url_inputs(op):
        _put(values, name, url)
    return values


def answered(dispatched: tuple[Any, Any]) -> Any:
    """The payload the role's handler answers a dispatched call with
    (``VendorMock._dispatch`` gives the call and its handler)."""
    call, handler = dispatched
    return handler(call)
