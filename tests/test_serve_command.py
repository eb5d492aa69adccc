"""The documented serve command on a busy port or a bad option: one line naming the port and
vendor, a non-zero exit, no traceback. With every vendor, one busy port stops them all."""

from __future__ import annotations

import socket
import subprocess

import httpx
import pytest

from generator.runtime.mock.serve import vendor_packages

from .hostile import free_ports, serve_command


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(serve_command(*args), capture_output=True, text=True, timeout=60)


def _one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    return done.stderr


def _listening(port: int) -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    sock.listen(1)
    return sock


def test_a_busy_port_is_one_line_naming_the_vendor_and_port() -> None:
    package = vendor_packages()[0]
    port = free_ports(1)
    with _listening(port):
        line = _one_line(_run(package, "--port", str(port)))
    assert package in line and str(port) in line and "in use" in line


def test_with_every_vendor_one_busy_port_starts_none_of_them() -> None:
    packages = vendor_packages()
    first = free_ports(len(packages))
    busy = first + len(packages) - 1  # the last vendor's port
    with _listening(busy):
        line = _one_line(_run("--port", str(first)))
        assert packages[-1] in line and str(busy) in line
        for port in range(first, busy):  # nothing else was left serving
            with pytest.raises(httpx.ConnectError):
                httpx.get(f"http://127.0.0.1:{port}/", timeout=5)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--port", "abc"], ["--port", "abc"]),
        (["--port", "70000"], ["70000"]),
        (["--max-pixels", "-5"], ["--max-pixels"]),
        (["--read-timeout", "0"], ["--read-timeout"]),
        (["--allow-host", "http://x/y"], ["--allow-host"]),
        (["--allow-host", "host:99999"], ["--allow-host"]),
        (["--public-url", "ftp://x"], ["--public-url"]),
        (["no_such_vendor"], ["no_such_vendor"]),
    ],
)
def test_a_bad_option_is_one_line(args: list[str], words: list[str]) -> None:
    line = _one_line(
        _run(*args, "--port", str(free_ports(1))) if "--port" not in args else _run(*args)
    )
    assert all(word in line for word in words), line
