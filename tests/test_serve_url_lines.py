"""``serve_all`` writes each mock's URL line out at once, even when standard output is a pipe.

Python buffers a piped standard output in blocks: a line printed without a flush waits there
until the buffer fills or the process ends, and a mock server runs until it is stopped. A script
that starts ``python -m generator.runtime.mock.serve`` and reads the URLs from its output would
wait forever; here standard output is what it is on a pipe, a text wrapper over a buffered
writer without line buffering, and the lines must reach the bytes below while the mocks serve.
"""

from __future__ import annotations

import asyncio
import io
import sys
import time

import pytest

from generator.runtime.live import free_ports
from generator.runtime.mock import serve
from tests.test_serve_in_process import PACKAGES, built, start, stop, wait_until_up

PATIENCE = 10.0  # seconds the serving thread gets to print; the lines come within 0.05 s


class Pipe(io.RawIOBase):
    """The bytes a process on the other end of a pipe would have read so far."""

    def __init__(self) -> None:
        self.received = b""

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.received += bytes(data)
        return len(data)


def test_the_url_lines_reach_a_piped_output_while_the_mocks_serve(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pipe = Pipe()
    piped = io.TextIOWrapper(io.BufferedWriter(pipe), encoding="utf-8", line_buffering=False)
    monkeypatch.setattr(sys, "stdout", piped)
    first = free_ports(1)
    expected = f"{PACKAGES[0]:<15} http://127.0.0.1:{first}\n".encode()
    with built(PACKAGES[0], "--port", str(first)) as named:
        thread = start(asyncio.run, serve.serve_all(named))
        try:
            wait_until_up(named, thread)
            deadline = time.monotonic() + PATIENCE
            while pipe.received != expected and time.monotonic() < deadline:
                assert thread.is_alive(), "the server stopped before it printed"
                thread.join(0.01)
            seen_while_serving = pipe.received
            assert thread.is_alive(), "the server stopped while its lines were awaited"
        finally:
            stop(named, thread)
    assert seen_while_serving == expected
