"""Shared fixtures: a fresh ShowAPI mock with a wired client, and a served mock on loopback."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
import uvicorn

from generated.showapi import ShowapiClient
from generated.showapi.mock import create_mock
from generator.runtime.clock import SystemClock
from generator.runtime.images import png_base64
from generator.runtime.mock import VendorMock
from generator.runtime.mock.asgi import create_app


@pytest.fixture
def image_b64() -> str:
    return png_base64(80, 60)


@pytest.fixture
def mock() -> VendorMock:
    return create_mock()


@pytest.fixture
def client(mock: VendorMock) -> Iterator[ShowapiClient]:
    with mock.client(ShowapiClient) as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServedMock:
    """A mock served by uvicorn on 127.0.0.1 in a background thread, on the real clock."""

    def __init__(self, mock: VendorMock) -> None:
        self.mock = mock
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(mock, background=True),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ServedMock:
        self.thread.start()
        started = threading.Event()
        for _ in range(500):  # bounded: at most a few seconds for the server to bind
            if self.server.started:
                started.set()
                break
            started.wait(0.01)
        assert started.is_set(), "uvicorn did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def served() -> Iterator[ServedMock]:
    with ServedMock(create_mock(clock=SystemClock(), task_seconds=0)) as s:
        yield s
