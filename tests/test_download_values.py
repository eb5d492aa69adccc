"""``mock.downloads`` called directly: the exact bytes a download returns at the size limit,
the exact reason it gives when it refuses (the URL without its query or credentials), the
deadline checked between chunks on a virtual clock, each timeout it sets, and that it ignores
the proxy settings of the environment. The served behaviour is in ``tests/test_downloads.py``."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from generator.runtime.live import free_port
from generator.runtime.mock import downloads
from generator.runtime.mock.downloads import (
    AllowedHosts,
    DownloadRefused,
    DownloadTooLarge,
    HostRule,
    download,
    parse_host_rule,
)
from generator.runtime.secrets import public_url

from .test_downloads import Upstream

LIMIT = 1 << 20  # a body this size arrives in many chunks


def body(size: int, *, declared: bool = True, status: str = "200 OK") -> Callable:
    """An upstream answer of ``size`` bytes (each byte its index mod 251, so a join that adds
    or drops bytes shows), with or without a content-length (then the close ends it)."""
    data = bytes(i % 251 for i in range(size))

    def respond(_up: Upstream, conn: socket.socket) -> None:
        length = f"content-length: {size}\r\n" if declared else "connection: close\r\n"
        conn.sendall(f"HTTP/1.1 {status}\r\n{length}\r\n".encode() + data)

    respond.data = data  # type: ignore[attr-defined]
    return respond


def test_a_body_of_exactly_the_limit_is_returned_whole_declared_or_not() -> None:
    for declared in (True, False):
        answer = body(LIMIT, declared=declared)
        with Upstream(answer) as up:
            got = download(f"{up.url}/a.png", limit=LIMIT)
        assert got == answer.data, f"declared={declared}"  # type: ignore[attr-defined]


def test_a_declared_length_over_the_limit_is_refused_naming_it_without_the_query() -> None:
    with Upstream(body(LIMIT + 1)) as up, pytest.raises(DownloadTooLarge) as refused:
        download(f"{up.url}/a.png?key=s3cret", limit=LIMIT)
    assert str(refused.value) == f"{up.url}/a.png: {LIMIT + 1} bytes, over {LIMIT}"


def test_a_streamed_body_over_the_limit_is_refused_naming_the_limit() -> None:
    with Upstream(body(LIMIT + 1, declared=False)) as up, pytest.raises(DownloadTooLarge) as big:
        download(f"{up.url}/a.png?key=s3cret", limit=LIMIT)
    assert str(big.value) == f"{up.url}/a.png: over {LIMIT} bytes"


def test_an_answer_other_than_200_is_refused_with_its_status() -> None:
    with Upstream(body(10, status="404 Not Found")) as up, pytest.raises(DownloadRefused) as no:
        download(f"{up.url}/gone.png?sig=abc", limit=LIMIT)
    assert str(no.value) == f"{up.url}/gone.png: HTTP 404"


def test_a_redirect_is_refused_as_one() -> None:
    def redirect(up: Upstream, conn: socket.socket) -> None:
        conn.sendall(
            f"HTTP/1.1 302 Found\r\nlocation: {up.url}/b\r\ncontent-length: 0\r\n\r\n".encode()
        )

    with Upstream(redirect) as up, pytest.raises(DownloadRefused) as refused:
        download(f"{up.url}/a?sig=abc", limit=LIMIT)
    assert str(refused.value) == f"{up.url}/a: redirects are not followed"


def test_the_request_is_a_get() -> None:
    """An upstream that serves only GET (as a file server may) gives the image."""
    served = body(100)

    def get_only(up: Upstream, conn: socket.socket) -> None:
        if up.request_line.startswith(b"GET "):  # type: ignore[attr-defined]
            served(up, conn)
        else:
            conn.sendall(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n")

    with RecordingUpstream(get_only) as up:
        assert download(f"{up.url}/a.png", limit=LIMIT) == served.data  # type: ignore[attr-defined]


class RecordingUpstream(Upstream):
    """An ``Upstream`` that keeps the request line it was sent, for ``respond`` to read."""

    def _one(self, conn: socket.socket) -> None:
        with conn:
            self.request_line = conn.recv(65536).split(b"\r\n", 1)[0]
            self.respond(self, conn)


def test_a_host_that_refuses_the_connection_is_named_with_the_error_kind() -> None:
    port = free_port()
    with pytest.raises(DownloadRefused) as refused:
        download(f"http://127.0.0.1:{port}/a.png?key=s3cret", limit=LIMIT)
    assert str(refused.value) == f"http://127.0.0.1:{port}/a.png: ConnectError"


def test_the_proxy_settings_of_the_environment_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy could reach what the allowed hosts do not name; the mock goes straight there."""
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    closed = f"http://127.0.0.1:{free_port()}"
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, closed)
    answer = body(100)
    with Upstream(answer) as up:
        assert download(f"{up.url}/a.png", limit=LIMIT) == answer.data  # type: ignore[attr-defined]


def virtual_monotonic(monkeypatch: pytest.MonkeyPatch, start: float, later: float) -> None:
    """``downloads`` reads ``start`` from its clock when the download starts, then ``later``."""
    readings = iter([start])
    clock = SimpleNamespace(monotonic=lambda: next(readings, later))
    monkeypatch.setattr(downloads, "time", clock)


def test_a_body_whose_chunks_arrive_at_the_deadline_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    virtual_monotonic(monkeypatch, 100.0, 105.0)
    answer = body(LIMIT)
    with Upstream(answer) as up:
        assert download(f"{up.url}/a", limit=LIMIT, deadline=5) == answer.data  # type: ignore[attr-defined]


def test_a_body_still_arriving_past_the_deadline_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    virtual_monotonic(monkeypatch, 100.0, 105.5)
    with Upstream(body(LIMIT)) as up, pytest.raises(DownloadRefused) as late:
        download(f"{up.url}/a?key=s3cret", limit=LIMIT, deadline=5)
    assert str(late.value) == f"{up.url}/a: not downloaded within 5 s"


@contextmanager
def stalling() -> Iterator[Upstream]:
    """An upstream that sends its headers and then nothing (for at most 3 s)."""
    done = threading.Event()

    def stall(_up: Upstream, conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n")
        done.wait(3)

    with Upstream(stall) as up:
        try:
            yield up
        finally:
            done.set()


def test_one_read_waits_no_longer_than_the_read_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """However long the deadline, a body that stalls is given up after ``READ_SECONDS``."""
    monkeypatch.setattr(downloads, "READ_SECONDS", 0.05)
    with stalling() as up, pytest.raises(DownloadRefused) as stalled:
        download(f"{up.url}/a?key=s3cret", limit=LIMIT, deadline=30)
    assert str(stalled.value) == f"{up.url}/a: not downloaded within 30 s"


def test_a_host_that_never_accepts_the_connection_is_given_up_at_the_deadline() -> None:
    """A listener whose queue is full drops new connections unanswered (on Linux): the
    deadline bounds the connect too."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=0)
    port = listener.getsockname()[1]
    queued = [socket.create_connection(("127.0.0.1", port))]
    try:
        probe = socket.socket()
        probe.settimeout(0.3)
        try:
            probe.connect(("127.0.0.1", port))
            queued.append(probe)
            pytest.skip("this system accepts connections past a full listen queue")
        except TimeoutError:
            probe.close()
        with pytest.raises(DownloadRefused) as refused:
            download(f"http://127.0.0.1:{port}/a", limit=LIMIT, deadline=0.2)
        assert str(refused.value) == f"http://127.0.0.1:{port}/a: not downloaded within 0.2 s"
    finally:
        for sock in queued:
            sock.close()
        listener.close()


def test_messages_name_a_url_without_its_credentials_query_or_fragment() -> None:
    assert public_url("https://user:p@ss@files.example.test:8443/a/b.png?key=k#f") == (
        "https://files.example.test:8443/a/b.png"
    )
    assert public_url("http://files.example.test/a.png") == "http://files.example.test/a.png"


def test_host_rules_are_read_in_lower_case_and_refused_with_a_reason() -> None:
    assert parse_host_rule(" Files.Example.TEST ") == HostRule("files.example.test", None)
    assert parse_host_rule("[::1]:8080") == HostRule("::1", 8080)
    with pytest.raises(ValueError, match=r"^bad port in allowed host 'x:99999'$"):
        parse_host_rule("x:99999")
    for bad in ("user@files.example.test", "x/y", "x?y", ""):
        with pytest.raises(ValueError) as refused:
            parse_host_rule(bad)
        assert str(refused.value) == f"not a host or host:port: {bad!r}"


def test_allowed_hosts_compare_names_in_any_case_and_refuse_a_bad_port() -> None:
    hosts = AllowedHosts(["Files.Example.test"])
    assert hosts and not AllowedHosts()
    assert hosts.allows("http://FILES.example.TEST/a.png")
    assert hosts.allows("https://files.example.test/a.png")
    assert not hosts.allows("http://files.example.test:99999/a.png")
    assert not hosts.allows("http://files.example.test:8080/a.png")


def test_allowed_hosts_take_rules_already_read_as_they_are() -> None:
    rule = HostRule("files.example.test", 8443)

    allowed = AllowedHosts([rule, "other.example.test"])

    assert allowed.rules == (rule, HostRule("other.example.test", None))


@pytest.mark.parametrize("deadline", [7.0, 1.5], ids=["long", "shorter-than-a-read"])
def test_connecting_and_sending_are_bounded_by_the_deadline_and_a_read_by_the_read_bound_too(
    monkeypatch: pytest.MonkeyPatch, deadline: float
) -> None:
    made: list[httpx.Timeout] = []
    real_client = httpx.Client

    def client(*args: Any, **kwargs: Any) -> httpx.Client:
        made.append(kwargs["timeout"])
        return real_client(*args, **kwargs)

    monkeypatch.setattr(downloads.httpx, "Client", client)
    with Upstream(body(10)) as up:
        download(f"{up.url}/a", limit=LIMIT, deadline=deadline)

    read = min(deadline, downloads.READ_SECONDS)
    assert made == [httpx.Timeout(connect=deadline, read=read, write=deadline, pool=deadline)]
