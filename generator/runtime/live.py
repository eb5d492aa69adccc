"""Running an ASGI app on a loopback port in a background thread, for tests and tools that
need a real server (a mock for code with its own HTTP stack, a callback receiver), and mocks
served in a child process by the documented command."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
LOWEST_PORT = 10_000  # below it, ports that services commonly listen on
_random = random.SystemRandom()  # not the module's state, which forked processes share


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now, below the range the system hands out to outgoing
    connections where it says which that is (Linux): a mock stopped and started again on its
    port finds it taken only if another server took it, never a connection's local end."""
    below = _ephemeral_start()
    for _ in range(100 if below > LOWEST_PORT else 0):
        port = _random.randrange(LOWEST_PORT, below)
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return port
    with socket.socket() as s:
        s.bind((host, 0))
        found: int = s.getsockname()[1]
        return found


def _ephemeral_start() -> int:
    """The first port of the system's range for outgoing connections, or 0 when unknown."""
    try:
        return int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


class LiveServer:
    """``app`` served by uvicorn on ``host``:``port`` (a free one by default) while the
    ``with`` block runs; ``url`` is where it answers."""

    def __init__(
        self,
        app: Any,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        start_timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.url = f"http://{host}:{self.port}"
        self.start_timeout = start_timeout
        config = uvicorn.Config(app, host=host, port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, name=f"live-{self.port}", daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        started = threading.Event()
        for _ in range(int(self.start_timeout / 0.01)):  # bounded wait for the bind
            if self.server.started:
                started.set()
                break
            if not self.thread.is_alive():
                break
            started.wait(0.01)
        if not started.is_set():
            self.server.should_exit = True
            raise RuntimeError(f"the server on {self.url} did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def free_ports(count: int, host: str = "127.0.0.1") -> int:
    """The first of ``count`` consecutive ports nothing listens on right now."""
    for _ in range(50):
        first = free_port(host)
        try:
            for port in range(first + 1, first + count):
                with socket.socket() as s:
                    s.bind((host, port))
        except OSError:
            continue
        return first
    raise RuntimeError(f"no {count} consecutive free ports on {host}")


class ServedProcess:
    """Mocks served by the documented command (``python -m generator.runtime.mock.serve``, what
    ``make mock`` runs) in a child process while the ``with`` block runs: ``urls`` maps each
    vendor to its URL once ``GET /_mock/health`` answers for all of them. ``kill()`` ends it
    with SIGKILL, as a crash would; leaving the block ends it with SIGTERM."""

    def __init__(
        self, vendors: list[str], *options: str, start_timeout: float = 60.0, env: Any = None
    ) -> None:
        self.vendors = vendors
        self.port = free_ports(len(vendors))
        self.urls = {v: f"http://127.0.0.1:{self.port + i}" for i, v in enumerate(vendors)}
        self.command = [
            sys.executable,
            "-m",
            "generator.runtime.mock.serve",
            *vendors,
            "--port",
            str(self.port),
            *options,
        ]
        self.start_timeout = start_timeout
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        # its standard error: a pipe could fill up and block it
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the process)

    def __enter__(self) -> ServedProcess:
        self.start()
        return self

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + self.start_timeout
        waiting = dict(self.urls)
        while waiting:
            if self.process.poll() is not None:
                raise RuntimeError(f"the mock exited ({self.process.returncode}): {self.errors()}")
            for vendor, url in list(waiting.items()):
                try:
                    if httpx.get(f"{url}/_mock/health", timeout=1.0).status_code == 200:
                        del waiting[vendor]
                except httpx.HTTPError:
                    pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the mocks {sorted(waiting)} did not start")
            if waiting:
                time.sleep(0.05)  # a real process starting: only real time will do

    def errors(self) -> str:
        """What the process wrote to its standard error so far."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def kill(self) -> None:
        """SIGKILL, and wait for the process to be gone."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self.log.close()
