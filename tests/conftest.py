"""Shared fixtures: a fresh ShowAPI mock with a wired client, and a served mock on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from generated.showapi import ShowapiClient
from generated.showapi.mock import create_mock
from generator.runtime.clock import SystemClock
from generator.runtime.images import png_base64
from generator.runtime.live import LiveServer
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


class ServedMock(LiveServer):
    """A mock served by uvicorn on 127.0.0.1 in a background thread, on the real clock,
    delivering its callbacks in the background."""

    def __init__(self, mock: VendorMock) -> None:
        super().__init__(create_app(mock, background=True))
        self.mock = mock


@pytest.fixture
def served() -> Iterator[ServedMock]:
    with ServedMock(create_mock(clock=SystemClock(), task_seconds=0)) as s:
        yield s
