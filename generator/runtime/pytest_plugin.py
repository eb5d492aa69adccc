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

Loading the plugin imports nothing but pytest and the standard library: pytest loads it in
every run of every project where the package is installed, so the mocks, Starlette and
uvicorn are imported only when a test first asks for one of these fixtures. The mocks come
with the ``mock`` extra (``pip install 'imagekit-sdk-factory[mock]'``).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .mock import VendorMock


@dataclass
class MockServer:
    """A mock being served: where, and which."""

    url: str
    mock: VendorMock


def pytest_configure(config: pytest.Config) -> None:
    # The mocks' default Kling secret ("test") is shorter than PyJWT advises for HS256 keys.
    config.addinivalue_line("filterwarnings", "ignore::jwt.warnings.InsecureKeyLengthWarning")


def vendor_packages() -> list[str]:
    """The generated vendor packages that ship a mock, found from the files on disk (importing
    them would load every client)."""
    spec = importlib.util.find_spec("generated")
    if spec is None or not spec.submodule_search_locations:
        return []
    return sorted(
        folder.name
        for location in spec.submodule_search_locations
        for folder in Path(location).iterdir()
        if (folder / "vendor.json").is_file() and (folder / "mock.py").is_file()
    )


def _build_mock(package: str, **options: Any) -> VendorMock:
    try:
        from .mock.serve import build_mock
    except ImportError as exc:
        raise pytest.UsageError(
            f"the {package}_* fixtures need the mock extra: "
            f"pip install 'imagekit-sdk-factory[mock]' ({exc.name} is missing)"
        ) from None
    return build_mock(package, **options)


def _client_class(package: str) -> type[Any]:
    module = importlib.import_module(f"generated.{package}")
    client: type[Any] = getattr(module, f"{module.VENDOR.class_prefix}Client")
    return client


def _fixtures(package: str) -> dict[str, Any]:
    @pytest.fixture(name=f"{package}_mock")
    def mock_fixture() -> VendorMock:
        return _build_mock(package)

    @pytest.fixture(name=f"{package}_client")
    def client_fixture(request: pytest.FixtureRequest) -> Iterator[Any]:
        mock = request.getfixturevalue(f"{package}_mock")
        with mock.client(_client_class(package)) as client:
            yield client

    @pytest.fixture(name=f"{package}_server")
    def server_fixture() -> Iterator[MockServer]:
        from .clock import SystemClock
        from .live import LiveServer
        from .mock.asgi import create_app

        mock = _build_mock(package, clock=SystemClock())
        with LiveServer(create_app(mock, background=True)) as live:
            yield MockServer(live.url, mock)

    return {
        f"_{package}_mock": mock_fixture,
        f"_{package}_client": client_fixture,
        f"_{package}_server": server_fixture,
    }


for _package in vendor_packages():
    globals().update(_fixtures(_package))
