"""The serve command's exposure options (``mock.exposure``) in-process: their defaults, how
they parse and refuse (one line, exit 2), which addresses count as loopback, the public URL
of each vendor's port, and binding a port (a busy one named with its vendor). The command
itself, in a subprocess, is in ``tests/test_serve_command.py``."""

from __future__ import annotations

import argparse
import errno
import os
import socket

import pytest

from generator.runtime.images import DEFAULT_MAX_PIXELS
from generator.runtime.live import free_port
from generator.runtime.mock.asgi import DEFAULT_READ_TIMEOUT
from generator.runtime.mock.downloads import DEFAULT_DEADLINE
from generator.runtime.mock.exposure import (
    ADMIN_TOKEN_ENV,
    app_options,
    bind,
    check,
    is_loopback,
    mock_options,
)
from generator.runtime.mock.serve import parser


@pytest.fixture(autouse=True)
def _no_token_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ADMIN_TOKEN_ENV, raising=False)


def parsed(*argv: str) -> argparse.Namespace:
    p = parser()
    args = p.parse_args(list(argv))
    check(p, args)
    return args


def refusal(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """The one line the command exits with (status 2) for ``argv``."""
    with pytest.raises(SystemExit) as stopped:
        parsed(*argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.endswith("\n") and err.count("\n") == 1, err
    return err.removesuffix("\n")


def test_the_defaults_give_the_mock_and_its_app_the_documented_limits() -> None:
    args = parsed()
    assert mock_options(args) == {
        "admin_token": None,
        "max_pixels": DEFAULT_MAX_PIXELS,
        "download_seconds": DEFAULT_DEADLINE,
    }
    assert app_options(args) == {"read_timeout": DEFAULT_READ_TIMEOUT, "public_url": ""}


def test_given_options_reach_the_mock_and_its_app_as_numbers() -> None:
    args = parsed(
        "--admin-token=t0k",
        "--max-pixels=1000",
        "--read-timeout=0.5",
        "--download-seconds=2.5",
        "--public-url=https://mocks.example.test/team-a/",
    )
    options = mock_options(args)
    assert options == {"admin_token": "t0k", "max_pixels": 1000, "download_seconds": 2.5}
    assert type(options["max_pixels"]) is int
    assert app_options(args) == {
        "read_timeout": 0.5,
        "public_url": "https://mocks.example.test/team-a",
    }


def test_the_admin_token_comes_from_the_environment_unless_it_is_empty(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ADMIN_TOKEN_ENV, "from-env")
    assert parsed().admin_token == "from-env"
    assert parsed("--admin-token", "given").admin_token == "given"
    monkeypatch.setenv(ADMIN_TOKEN_ENV, "")
    assert parsed().admin_token is None


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["--max-pixels", "0"], "argument --max-pixels: '0' must be more than 0"),
        (["--max-pixels", "1.5"], "argument --max-pixels: '1.5' is not a number"),
        (["--read-timeout", "-1"], "argument --read-timeout: '-1' must be more than 0"),
        (["--read-timeout", "nan"], "argument --read-timeout: 'nan' is not a finite number"),
        (
            ["--download-seconds", "inf"],
            "argument --download-seconds: 'inf' is not a finite number",
        ),
        (["--download-seconds", "soon"], "argument --download-seconds: 'soon' is not a number"),
        (["--allow-host", "x:99999"], "--allow-host: bad port in allowed host 'x:99999'"),
        (["--port", "0"], "--port 0 is not a port number (1-65535)"),
        (["--port", "65536"], "--port 65536 is not a port number (1-65535)"),
        (["--public-url", "ftp://x.test"], "--public-url 'ftp://x.test' is not an http(s) URL"),
        (["--public-url", "https://"], "--public-url 'https://' is not an http(s) URL"),
        (
            ["--host", "0.0.0.0"],
            "refusing to serve on 0.0.0.0 without --admin-token (or $MOCK_ADMIN_TOKEN): "
            "anyone who reaches the port could reset the mock or add credentials",
        ),
    ],
)
def test_a_bad_option_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], line: str
) -> None:
    assert refusal(capsys, *argv) == f"mock: error: {line}"


def test_the_edges_of_each_range_are_accepted() -> None:
    assert parsed("--port", "1").port == 1
    assert parsed("--port", "65535").port == 65535
    assert parsed("--max-pixels", "1").max_pixels == 1
    assert parsed("--read-timeout", "0.001").read_timeout == 0.001
    assert parsed("--public-url", "http://mocks.example.test").public_url
    assert parsed("--host", "0.0.0.0", "--admin-token", "t").host == "0.0.0.0"
    assert parsed("--allow-host", "files.example.test:8080").allow_host == [
        "files.example.test:8080"
    ]


def test_help_still_shows_the_usage_and_says_each_default(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # one line per option: no wrap inside a name
    with pytest.raises(SystemExit) as stopped:
        parser().parse_args(["--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: mock ")
    text = " ".join(out.split())
    for line in (
        f"required as X-Mock-Admin-Token on /_mock/ calls (default: ${ADMIN_TOKEN_ENV})",
        f"largest input image in pixels, where the vendor states none ({DEFAULT_MAX_PIXELS})",
        f"seconds a request body may stall before it is dropped ({DEFAULT_READ_TIMEOUT:g})",
        f"total seconds to download a caller's image URL ({DEFAULT_DEADLINE:g})",
        "base of the mock's own URLs (result files)",
    ):
        assert line in text


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("mocks.example.test", False),
    ],
)
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("public", "offset", "expected"),
    [
        ("https://mocks.example.test/team-a/", 0, "https://mocks.example.test/team-a"),
        ("https://mocks.example.test/X/", 0, "https://mocks.example.test/X"),
        ("https://mocks.example.test/team-a", 2, "https://mocks.example.test:445/team-a"),
        ("http://mocks.example.test", 3, "http://mocks.example.test:83"),
        ("http://mocks.example.test:8000/x/", 1, "http://mocks.example.test:8001/x"),
        ("", 4, ""),
    ],
)
def test_each_vendors_port_has_its_own_public_url(public: str, offset: int, expected: str) -> None:
    args = parsed("--public-url", public) if public else parsed()
    assert app_options(args, offset)["public_url"] == expected


def test_a_bound_port_listens_can_be_rebound_at_once_and_is_passed_on() -> None:
    port = free_port()
    sock = bind("127.0.0.1", port, "acme")
    try:
        assert sock.family == socket.AF_INET and sock.getsockname() == ("127.0.0.1", port)
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) != 0
        assert sock.get_inheritable()
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass  # it listens
    finally:
        sock.close()


def has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


def test_an_ipv6_host_is_bound_as_one() -> None:
    if not has_ipv6_loopback():
        pytest.skip("this system has no IPv6 loopback")
    sock = bind("[::1]", 0, "acme")
    try:
        assert sock.family == socket.AF_INET6 and sock.getsockname()[0] == "::1"
    finally:
        sock.close()


def test_a_busy_port_stops_with_one_line_naming_vendor_and_port() -> None:
    port = free_port()
    first = bind("127.0.0.1", port, "acme")
    try:
        with pytest.raises(SystemExit) as stopped:
            bind("127.0.0.1", port, "other")
        assert stopped.value.code == (
            f"mock other: cannot listen on 127.0.0.1:{port} (in use); no mock was started"
        )
        assert stopped.value.__cause__ is None and stopped.value.__suppress_context__
    finally:
        first.close()


def test_an_address_not_ours_is_refused_with_the_systems_reason() -> None:
    with pytest.raises(SystemExit) as stopped:
        bind("192.0.2.1", free_port(), "acme")  # TEST-NET-1: no interface has it
    reason = os.strerror(errno.EADDRNOTAVAIL)
    assert str(stopped.value.code).endswith(f"({reason}); no mock was started")
