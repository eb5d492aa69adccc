"""Caller-given image URLs: downloaded only from allowed hosts *and ports*, over http(s), no
redirects, within a total deadline and a streamed size cap, without holding up other callers;
and a mock knows its own URLs from where it listens, never from the ``Host`` header."""

from __future__ import annotations

import contextlib
import importlib
import socket
import threading
import time
from collections.abc import Callable

import httpx
import pytest

from generator.runtime import errors
from generator.runtime.images import png_bytes
from generator.runtime.mock.downloads import AllowedHosts, parse_host_rule
from generator.runtime.tasks import submitted_task_id

from .hostile import (
    client_class,
    credentials,
    expected_error,
    free_ports,
    send_unchecked,
    served,
    url_operations,
    vendor,
    with_url,
)

OPERATIONS = url_operations()
PNG = png_bytes(400, 400)


class Upstream:
    """A raw loopback HTTP server whose every answer is written by ``respond(socket)``;
    ``sent`` counts the body bytes the kernel took before the caller hung up."""

    def __init__(self, respond: Callable[[Upstream, socket.socket], None]) -> None:
        self.respond = respond
        self.sent = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> Upstream:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.close()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            with contextlib.suppress(OSError):  # the caller hung up, as it should
                self.respond(self, conn)


def image(up: Upstream, conn: socket.socket) -> None:
    head = f"HTTP/1.1 200 OK\r\ncontent-type: image/png\r\ncontent-length: {len(PNG)}\r\n\r\n"
    conn.sendall(head.encode() + PNG)


def trickle(up: Upstream, conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: image/png\r\n\r\n")
    for _ in range(120):
        conn.sendall(b"x")
        up.sent += 1
        time.sleep(0.5)


def endless(up: Upstream, conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: image/png\r\n\r\n")
    chunk = b"\0" * (1 << 20)
    while up.sent < 300 << 20:
        up.sent += conn.send(chunk)


def redirect(up: Upstream, conn: socket.socket) -> None:
    conn.sendall(
        f"HTTP/1.1 302 Found\r\nlocation: {up.url}/x.png\r\ncontent-length: 0\r\n\r\n".encode()
    )


def _mock(package: str, **options):
    return importlib.import_module(f"generated.{package}.mock").create_mock(**options)


def _submit(
    package: str, name: str, url: str, **options
) -> tuple[httpx.Response, errors.APIError | None]:
    mock = _mock(package, **options)
    op = vendor(package).ops[name]
    with mock.client(client_class(package), max_retries=0) as client:
        answer = send_unchecked(client, op, with_url(op, vendor(package).base_url, url))
        try:
            client._read(op, answer)
        except errors.APIError as exc:
            return answer, exc
    return answer, None


def test_allowed_hosts_match_host_and_port() -> None:
    bare, ported = AllowedHosts(["127.0.0.1"]), AllowedHosts(["127.0.0.1:8000", "[::1]:9000"])
    assert bare.allows("http://127.0.0.1/a.png") and bare.allows("https://127.0.0.1:443/a")
    assert not bare.allows("http://127.0.0.1:8000/_mock/journal")
    assert ported.allows("http://127.0.0.1:8000/a") and not ported.allows("http://127.0.0.1/a")
    assert ported.allows("http://[::1]:9000/a") and not ported.allows("http://[::1]/a")
    assert not AllowedHosts(["127.0.0.1"]).allows("ftp://127.0.0.1/a.png")
    assert not AllowedHosts(["127.0.0.1"]).allows("file:///etc/passwd")
    with pytest.raises(ValueError):
        parse_host_rule("http://x/y")


@pytest.mark.parametrize(("package", "name"), OPERATIONS)
def test_an_allowed_host_and_port_is_downloaded_from(package: str, name: str) -> None:
    with Upstream(image) as up:
        answer, error = _submit(
            package, name, f"{up.url}/a.png", allowed_hosts=[f"127.0.0.1:{up.port}"]
        )
    assert error is None, answer.text


@pytest.mark.parametrize(("package", "name"), OPERATIONS)
def test_a_bare_host_does_not_open_its_other_ports(package: str, name: str) -> None:
    """Another mock's admin API on the same host is out of reach of ``--allow-host 127.0.0.1``."""
    with Upstream(image) as up:
        answer, error = _submit(
            package, name, f"{up.url}/_mock/journal", allowed_hosts=["127.0.0.1"]
        )
    _assert_refused(package, answer, error, "download_failed")
    assert "allowed hosts" in error.vendor_message  # type: ignore[union-attr]


@pytest.mark.parametrize(("package", "name"), OPERATIONS)
def test_redirects_are_refused(package: str, name: str) -> None:
    with Upstream(redirect) as up:
        answer, error = _submit(
            package, name, f"{up.url}/r", allowed_hosts=[f"127.0.0.1:{up.port}"]
        )
    _assert_refused(package, answer, error, "download_failed")
    assert "redirect" in error.vendor_message  # type: ignore[union-attr]


@pytest.mark.parametrize(("package", "name"), OPERATIONS)
def test_an_endless_body_is_cut_at_the_limit(package: str, name: str) -> None:
    op = vendor(package).ops[name]
    limits = [op.limits.images[n].max_bytes for n in op.limits.images]
    limit = min([n for n in limits if n] or [vendor(package).mock.max_body_bytes])
    with Upstream(endless) as up:
        answer, error = _submit(
            package, name, f"{up.url}/big", allowed_hosts=[f"127.0.0.1:{up.port}"]
        )
        time.sleep(0.2)  # let the upstream see the hang-up
        sent = up.sent
    print(f"{package}.{name}: upstream sent {sent >> 20} MB for a {limit >> 20} MB limit")
    _assert_refused(package, answer, error, "payload_too_large")
    slack = 16 << 20  # what the two kernels' socket buffers may hold
    assert sent < limit + slack, f"{sent >> 20} MB sent for a {limit >> 20} MB limit"


def _assert_refused(package: str, answer: httpx.Response, error: object, kind: str) -> None:
    expected = expected_error(package, kind)
    assert isinstance(error, errors.APIError), answer.text
    assert (answer.status_code, error.code) == (expected.http_status, expected.code)
    assert answer.status_code < 500


def test_a_trickling_upstream_holds_up_no_other_caller() -> None:
    """Served by the documented command: a download that trickles a byte every half second is
    given up at ``--download-seconds``, and meanwhile the mock answers others at once."""
    package, name = OPERATIONS[0]
    op = vendor(package).ops[name]
    with Upstream(trickle) as up:
        args = ("--port", str(free_ports(1)), package, "--allow-host", f"127.0.0.1:{up.port}")
        with served(*args, "--download-seconds", "2") as mocks:
            url = mocks.urls[package]
            result: list[httpx.Response] = []
            client = client_class(package)(**credentials(package), base_url=url, max_retries=0)
            submit = threading.Thread(
                target=lambda: result.append(
                    send_unchecked(client, op, with_url(op, url, f"{up.url}/s"))
                )
            )
            started = time.monotonic()
            submit.start()
            slowest = 0.0
            while submit.is_alive():
                before = time.perf_counter()
                assert httpx.get(f"{url}/_mock/journal", timeout=30).status_code == 200
                slowest = max(slowest, time.perf_counter() - before)
                time.sleep(0.05)
            took = time.monotonic() - started
            client.close()
    print(f"download given up after {took:.1f} s; slowest journal read {slowest * 1000:.0f} ms")
    assert slowest < 0.5, f"a journal read waited {slowest:.2f} s behind the download"
    assert took < 8, f"the download was given up after {took:.1f} s"
    expected = expected_error(package, "download_failed")
    assert result[0].status_code == expected.http_status and "within 2 s" in result[0].text


def test_a_forged_host_header_changes_neither_own_files_nor_result_urls() -> None:
    package, name = OPERATIONS[0]
    op = vendor(package).ops[name]
    with served("--port", str(free_ports(1)), package, "--task-seconds", "0") as mocks:
        url = mocks.urls[package]
        forged = "http://evil.example/_mock/examples/example.png"
        with client_class(package)(**credentials(package), base_url=url, max_retries=0) as client:
            refused = send_unchecked_with_host(
                client, op, with_url(op, url, forged), "evil.example"
            )
            values = with_url(op, url, f"{url}/_mock/examples/example.png")
            own = send_unchecked_with_host(client, op, values, "evil.example")
            task_id = submitted_task_id(vendor(package), op, client._read(op, own)[0], values)
            outcome = client.wait(task_id, operation=name, timeout=20, poll_interval=0.05)
    expected = expected_error(package, "download_failed")
    assert refused.status_code == expected.http_status and "evil.example" in refused.text
    assert outcome.images and all(image.startswith(url + "/") for image in outcome.images)


def send_unchecked_with_host(client, op, values, host: str) -> httpx.Response:
    from .hostile import signed_request

    request = signed_request(client, op, values)
    request.headers["Host"] = host
    return client._http.send(request)


def test_with_a_public_url_result_urls_start_with_it() -> None:
    """Behind a proxy: result URLs carry ``--public-url``, and the mock takes its own example
    image at that URL (no download: the host does not even resolve)."""
    package, name = OPERATIONS[0]
    op = vendor(package).ops[name]
    port = free_ports(1)
    public = "https://mocks.example.test/team-a"  # as a proxy in front of it names it
    with served("--port", str(port), package, "--task-seconds", "0", "--public-url", public) as m:
        url = m.urls[package]
        with client_class(package)(**credentials(package), base_url=url, max_retries=0) as client:
            values = with_url(op, url, f"{public}/_mock/examples/example.png")
            answer = send_unchecked(client, op, values)
            task_id = submitted_task_id(vendor(package), op, client._read(op, answer)[0], values)
            outcome = client.wait(task_id, operation=name, timeout=20, poll_interval=0.05)
    assert outcome.images and all(
        image.startswith(public + "/_mock/files/") for image in outcome.images
    )
