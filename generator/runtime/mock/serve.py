"""Serve generated vendor mocks on loopback ports, in real time.

    python -m generator.runtime.mock.serve                 # every vendor, from port 8000 up
    python -m generator.runtime.mock.serve showapi --port 8000

Tasks take ``--task-seconds`` (the vendor's default otherwise), callbacks are delivered in the
background (their retry ladder scaled by ``--callback-scale``), and each mock accepts the
credential ``test`` plus any ``--credential`` given. The URLs are printed once serving starts.

``--clock virtual`` serves on a clock that moves only on ``POST /_mock/advance?seconds=N``
(callbacks then due are delivered before that answers); ``--state PATH`` keeps the state in
SQLite so that it survives the process; ``--seed N`` makes ids the same every run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import gc
import importlib
import importlib.util
import pkgutil
import sys
from pathlib import Path
from typing import Any

import uvicorn

from ..clock import Clock, SystemClock, VirtualClock
from .asgi import create_app
from .core import VendorMock
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
    try:
        module = importlib.import_module(f"generated.{package}.mock")
    except ModuleNotFoundError:
        known = ", ".join(vendor_packages()) or "none: run 'make generate' first"
        raise SystemExit(f"no generated vendor {package!r} (known: {known})") from None
    return module.create_mock(**options)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mock", description="Serve vendor mocks on loopback.")
    p.add_argument("vendors", nargs="*", help="generated vendor packages (default: all)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000, help="the first vendor's port")
    p.add_argument("--task-seconds", type=float, default=None, help="how long each task runs")
    p.add_argument("--callback-scale", type=float, default=1.0, help="retry ladder factor")
    p.add_argument("--credential", action="append", default=[], help="another key to accept")
    p.add_argument("--allow-host", action="append", default=[], help="host images may come from")
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
        type=int,
        default=DEFAULT_MAX_TASKS,
        help="in memory: past this many tasks the oldest finished ones are forgotten (0: never)",
    )
    p.add_argument(
        "--max-image-mb",
        type=float,
        default=DEFAULT_MAX_IMAGE_BYTES / 2**20,
        help="in memory: past this many MB of input images the oldest finished tasks are"
        " forgotten (0: never)",
    )
    p.add_argument("--workers", type=int, default=WORKERS, help="threads for image work")
    return p


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


def servers(args: argparse.Namespace) -> list[tuple[str, uvicorn.Server]]:
    """One uvicorn server per vendor, on consecutive ports."""
    found = []
    packages = args.vendors or vendor_packages()
    for offset, package in enumerate(packages):
        virtual = args.clock == "virtual"
        clock: Clock = VirtualClock() if virtual else SystemClock()
        mock = build_mock(
            package,
            clock=clock,
            task_seconds=args.task_seconds,
            allowed_hosts=args.allow_host,
            credentials=["test", *args.credential],
            callback_scale=args.callback_scale,
            store=state_store(args, package, len(packages) > 1),
            max_tasks=args.max_tasks or None,
            max_image_bytes=int(args.max_image_mb * 2**20) or None,
            seed=args.seed,
            hold_answers=not virtual,
            workers=args.workers,
            signing_clock=SystemClock(),  # callers sign in real time, whatever the mock's clock
        )
        config = uvicorn.Config(
            create_app(mock, background=not virtual),
            host=args.host,
            port=args.port + offset,
            log_level="warning",
        )
        found.append((package, uvicorn.Server(config)))
    return found


async def serve_all(named: list[tuple[str, uvicorn.Server]]) -> None:
    tasks = [asyncio.create_task(server.serve()) for _name, server in named]
    while not all(server.started for _name, server in named):
        if any(task.done() for task in tasks):  # a port in use, say: uvicorn has said why
            break
        await asyncio.sleep(0.05)
    for name, server in named:
        if server.started:
            config = server.config
            print(f"{name:<15} http://{config.host}:{config.port}", flush=True)
    await asyncio.gather(*tasks)


def fewer_malloc_arenas() -> None:
    """glibc gives each thread a malloc arena of its own (up to eight per core), and memory
    one worker thread frees is not reused by another: a long-running mock's memory creeps up.
    Two arenas keep it down (what ``MALLOC_ARENA_MAX=2`` does); elsewhere nothing changes."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(-8, 2)  # M_ARENA_MAX


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    fewer_malloc_arenas()
    named = servers(args)
    # A long-running server keeps its startup objects for good: leave them out of garbage
    # collection, and collect the young generation less often, so pauses stay short.
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    print(f"serving {len(named)} mock(s); Ctrl-C stops", file=sys.stderr, flush=True)
    try:
        asyncio.run(serve_all(named))
    finally:
        for _name, server in named:
            server.config.app.mock.close()


if __name__ == "__main__":
    main()
