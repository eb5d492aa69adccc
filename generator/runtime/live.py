"""Running an ASGI app on a loopback port in a background thread, for tests and tools that
need a real server (a mock for code with its own HTTP stack, a callback receiver)."""

from __future__ import annotations

import socket
import threading
from typing import Any

import uvicorn


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now."""
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


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
