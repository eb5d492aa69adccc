"""Serve generated vendor mocks on loopback ports, in real time.

    python -m generator.runtime.mock.serve                 # every vendor, from port 8000 up
    python -m generator.runtime.mock.serve showapi --port 8000

Tasks take ``--task-seconds`` (the vendor's default otherwise), callbacks are delivered in the
background (their retry ladder scaled by ``--callback-scale``), and each mock accepts the
credential ``test`` plus any ``--credential`` given. The URLs are printed once serving starts.
What callers may do to a served mock (admin token, limits) is in ``exposure``; every port is
bound before any mock starts, so a busy one stops them all with a one-line error.

``--clock virtual`` serves on a clock that moves only on ``POST /_mock/advance?seconds=N``
(callbacks then due are delivered before that answers); ``--state PATH`` keeps the state in
SQLite so that it survives the process; ``--seed N`` makes ids the same every run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import importlib
import importlib.util
import math
import pkgutil
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn

from ..clock import Clock, SystemClock, VirtualClock
from .asgi import create_app
from .collector import YOUNG_SECONDS, Collector
from .core import VendorMock
from .exposure import (
    OneLineParser,
    add_options,
    app_options,
    at_least_zero,
    bind,
    check,
    mock_options,
    positive,
)
from .sqlite import SqliteStore, StateFileError
from .store import DEFAULT_MAX_IMAGE_BYTES, DEFAULT_MAX_TASKS

WORKERS = 8  # threads per mock for the requests that carry or make images


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
    p.add_argument(
        "--task-seconds", type=at_least_zero(float), default=None, help="how long each task runs"
    )
    p.add_argument(
        "--callback-scale", type=positive(float), default=1.0, help="retry ladder factor"
    )
    p.add_argument("--credential", action="append", default=[], help="another key to accept")
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        help="host images may be downloaded from: host (default ports) or host:port",
    )
    p.add_argument(
        "--clock",
        choices=("real", "virtual"),
        default="real",
        help="virtual: time moves only on POST /_mock/advance?seconds=N",
    )
    p.add_argument(
        "--state",
        default=None,
        metavar="PATH",
        help="keep the state in this SQLite file (a folder of one file per vendor when serving"
        " several), so it survives a restart; default: in memory",
    )
    p.add_argument("--seed", type=int, default=None, help="same ids every run (default: unique)")
    p.add_argument(
        "--max-tasks",
        type=at_least_zero(int),
        default=DEFAULT_MAX_TASKS,
        help="in memory: past this many tasks those that finished first are forgotten (0: never)",
    )
    p.add_argument(
        "--max-image-mb",
        type=at_least_zero(float),
        default=DEFAULT_MAX_IMAGE_BYTES / 2**20,
        help="in memory: past this many MB of input images the tasks that finished first are"
        " forgotten (0: never)",
    )
    p.add_argument("--workers", type=int, default=WORKERS, help="threads for image work")
    add_options(p)
    return p


def image_bytes(megabytes: float) -> int | None:
    """``--max-image-mb`` in bytes: None for 0 (no bound), at least one byte for any other
    value, so that a small bound never becomes none."""
    return math.ceil(megabytes * 2**20) or None


def state_store(args: argparse.Namespace, package: str, several: bool) -> SqliteStore | None:
    """The SQLite store of ``package`` under ``--state``, or None (in memory)."""
    if not args.state:
        return None
    path = Path(args.state)
    if several:
        path.mkdir(parents=True, exist_ok=True)
        path = path / f"{package}.sqlite3"
    try:
        return SqliteStore(path, vendor=package)
    except StateFileError as exc:
        raise SystemExit(f"mock {package}: --state {exc}") from None


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
        virtual = args.clock == "virtual"
        clock: Clock = VirtualClock() if virtual else SystemClock()
        mock = build_mock(
            package,
            clock=clock,
            task_seconds=args.task_seconds,
            allowed_hosts=args.allow_host,
            credentials=["test", *args.credential],
            callback_scale=args.callback_scale,
            **mock_options(args),
            store=state_store(args, package, len(packages) > 1),
            max_tasks=args.max_tasks or None,
            max_image_bytes=image_bytes(args.max_image_mb),
            seed=args.seed,
            hold_answers=not virtual,
            workers=args.workers,
            signing_clock=SystemClock(),  # callers sign in real time, whatever the mock's clock
        )
        config = uvicorn.Config(
            create_app(mock, background=not virtual, **app_options(args, offset)),
            host=args.host,
            port=args.port + offset,
            log_level="warning",
        )
        found.append((package, uvicorn.Server(config), sock))
    return found


async def serve_all(named: list[Served], collector: Collector | None = None) -> None:
    """Serve every server until they stop; with ``collector``, its young collections run from
    here every ``YOUNG_SECONDS``, and its full ones when due (see ``collector``)."""
    tasks = [asyncio.create_task(server.serve(sockets=[sock])) for _name, server, sock in named]
    collecting = None if collector is None else asyncio.create_task(_collect_when_due(collector))
    while not all(server.started for _name, server, _sock in named):
        if any(task.done() for task in tasks):
            break
        await asyncio.sleep(0.05)
    for name, server, _sock in named:
        if server.started:
            config = server.config
            print(f"{name:<15} http://{config.host}:{config.port}", flush=True)
    try:
        await asyncio.gather(*tasks)
    finally:
        if collecting is not None:
            collecting.cancel()


async def _collect_when_due(collector: Collector) -> None:
    while True:
        await asyncio.sleep(YOUNG_SECONDS)
        collector.collect_young()
        collector.collect_if_due()


def fewer_malloc_arenas() -> None:
    """glibc gives each thread a malloc arena of its own (up to eight per core), and memory
    one worker thread frees is not reused by another: a long-running mock's memory creeps up.
    Two arenas keep it down (what ``MALLOC_ARENA_MAX=2`` does); elsewhere nothing changes."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(-8, 2)  # M_ARENA_MAX


def tune_gc() -> Collector:
    """The garbage collector tuned for a long-running server (see ``collector``): what it
    keeps is left out of collections, so pauses stay short however much it stores."""
    collector = Collector()
    collector.install()
    return collector


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
    (``tune_gc``) and glibc's arenas bounded (``fewer_malloc_arenas``). The benchmarks serve
    their references through this too (like for like)."""
    fewer_malloc_arenas()
    collector = tune_gc()
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(serve_all(named, collector))


def main(argv: list[str] | None = None) -> None:
    p = parser()
    args = p.parse_args(argv)
    check(p, args)
    named = servers(args)
    print(f"serving {len(named)} mock(s); Ctrl-C stops", file=sys.stderr, flush=True)
    try:
        run(named)
    finally:
        for _name, server, _sock in named:
            app: Any = server.config.app  # the MockApp servers() made
            app.mock.close()


if __name__ == "__main__":
    main()
