"""A pytest plugin (registered through the ``pytest11`` entry point) that gives every
generated vendor's mock as fixtures, in any project that installs this package:

``<vendor>_mock``
    a fresh in-process :class:`~generator.runtime.mock.VendorMock` on a virtual clock;
``<vendor>_client``
    the vendor's sync client wired to that mock (its credentials, transport and clock);
``<vendor>_server``
    the mock served by uvicorn on a free loopback port, in real time, for code with its own
    HTTP stack: ``.url`` is where it answers, ``.mock`` the mock behind it.

For example ``kling_mock``, ``kling_client``, ``kling_server``. Each test gets new ones.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from .clock import SystemClock
from .live import LiveServer
from .mock import VendorMock
from .mock.asgi import create_app
from .mock.serve import build_mock, vendor_packages


@dataclass
class MockServer:
    """A mock being served: where, and which."""

    url: str
    mock: VendorMock


def pytest_configure(config: pytest.Config) -> None:
    # The mocks' default Kling secret ("test") is shorter than PyJWT advises for HS256 keys.
    config.addinivalue_line("filterwarnings", "ignore::jwt.warnings.InsecureKeyLengthWarning")


def _client_class(package: str) -> type[Any]:
    module = importlib.import_module(f"generated.{package}")
    client: type[Any] = getattr(module, f"{module.VENDOR.class_prefix}Client")
    return client


def _fixtures(package: str) -> dict[str, Any]:
    @pytest.fixture(name=f"{package}_mock")
    def mock_fixture() -> VendorMock:
        return build_mock(package)

    @pytest.fixture(name=f"{package}_client")
    def client_fixture(request: pytest.FixtureRequest) -> Iterator[Any]:
        mock = request.getfixturevalue(f"{package}_mock")
        with mock.client(_client_class(package)) as client:
            yield client

    @pytest.fixture(name=f"{package}_server")
    def server_fixture() -> Iterator[MockServer]:
        mock = build_mock(package, clock=SystemClock())
        with LiveServer(create_app(mock, background=True)) as live:
            yield MockServer(live.url, mock)

    return {
        f"_{package}_mock": mock_fixture,
        f"_{package}_client": client_fixture,
        f"_{package}_server": server_fixture,
    }


for _package in vendor_packages():
    globals().update(_fixtures(_package))
