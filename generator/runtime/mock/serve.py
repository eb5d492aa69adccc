"""Serve generated vendor mocks on loopback ports, in real time.

    python -m generator.runtime.mock.serve                 # every vendor, from port 8000 up
    python -m generator.runtime.mock.serve showapi --port 8000

Tasks take ``--task-seconds`` (the vendor's default otherwise), callbacks are delivered in the
background (their retry ladder scaled by ``--callback-scale``), and each mock accepts the
credential ``test`` plus any ``--credential`` given. The URLs are printed once serving starts.
What callers may do to a served mock (admin token, limits) is in ``exposure``; every port is
bound before any mock starts, so a busy one stops them all with a one-line error.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import importlib.util
import pkgutil
import socket
import sys
from collections.abc import Callable
from typing import Any

import uvicorn

from ..clock import SystemClock
from .asgi import create_app
from .core import VendorMock
from .exposure import OneLineParser, add_options, app_options, bind, check, mock_options


def vendor_packages() -> list[str]:
    """Every generated vendor package with a mock."""
    import generated

    return sorted(
        m.name
        for m in pkgutil.iter_modules(generated.__path__)
        if m.ispkg and importlib.util.find_spec(f"generated.{m.name}.mock") is not None
    )


def build_mock(package: str, **options: Any) -> VendorMock:
    """The mock of generated vendor ``package`` (``generated.<package>.mock.create_mock``)."""
    mock: VendorMock = build_mock_module(package).create_mock(**options)
    return mock


def build_mock_module(package: str) -> Any:
    """``generated.<package>.mock``; an unknown vendor exits with one line naming the known."""
    try:
        return importlib.import_module(f"generated.{package}.mock")
    except ModuleNotFoundError:
        known = ", ".join(vendor_packages()) or "none: run 'make generate' first"
        raise SystemExit(f"mock: no generated vendor {package!r} (known: {known})") from None


def parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog="mock", description="Serve vendor mocks on loopback.")
    p.add_argument("vendors", nargs="*", help="generated vendor packages (default: all)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000, help="the first vendor's port")
    p.add_argument("--task-seconds", type=float, default=None, help="how long each task runs")
    p.add_argument("--callback-scale", type=float, default=1.0, help="retry ladder factor")
    p.add_argument("--credential", action="append", default=[], help="another key to accept")
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        help="host images may be downloaded from: host (default ports) or host:port",
    )
    add_options(p)
    return p


Served = tuple[str, uvicorn.Server, socket.socket]


def servers(args: argparse.Namespace) -> list[Served]:
    """One uvicorn server per vendor, on consecutive ports, each port already bound."""
    packages = args.vendors or vendor_packages()
    for package in packages:
        build_mock_module(package)
    sockets: list[socket.socket] = []
    try:
        for offset, package in enumerate(packages):
            sockets.append(bind(args.host, args.port + offset, package))
    except SystemExit:
        for sock in sockets:
            sock.close()
        raise
    found = []
    for offset, (package, sock) in enumerate(zip(packages, sockets, strict=True)):
        mock = build_mock(
            package,
            clock=SystemClock(),
            task_seconds=args.task_seconds,
            allowed_hosts=args.allow_host,
            credentials=["test", *args.credential],
            callback_scale=args.callback_scale,
            **mock_options(args),
        )
        config = uvicorn.Config(
            create_app(mock, background=True, **app_options(args, offset)),
            host=args.host,
            port=args.port + offset,
            log_level="warning",
        )
        found.append((package, uvicorn.Server(config), sock))
    return found


async def serve_all(named: list[Served]) -> None:
    tasks = [asyncio.create_task(server.serve(sockets=[sock])) for _name, server, sock in named]
    while not all(server.started for _name, server, _sock in named):
        if any(task.done() for task in tasks):
            break
        await asyncio.sleep(0.05)
    for name, server, _sock in named:
        if server.started:
            config = server.config
            print(f"{name:<15} http://{config.host}:{config.port}", flush=True)
    await asyncio.gather(*tasks)


def tune_gc() -> None:
    """A long-running server keeps its startup objects for good: leave them out of garbage
    collection, and collect the young generation less often, so pauses stay short."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop when it is installed, as ``uvicorn.run`` picks it (``loop="auto"``);
    ``asyncio.run`` alone would always take the stock loop."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def event_loop_name() -> str:
    return "uvloop" if _loop_factory() is not None else "asyncio"


def run(named: list[Served]) -> None:
    """Serve until interrupted, on uvloop when installed, with the collector tuned for serving
    (``tune_gc``). The benchmarks serve their references through this too (like for like)."""
    tune_gc()
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(serve_all(named))


def main(argv: list[str] | None = None) -> None:
    p = parser()
    args = p.parse_args(argv)
    check(p, args)
    named = servers(args)
    print(f"serving {len(named)} mock(s); Ctrl-C stops", file=sys.stderr, flush=True)
    run(named)


if __name__ == "__main__":
    main()
