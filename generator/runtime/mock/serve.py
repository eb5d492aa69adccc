"""Serve a generated vendor mock on a loopback port, in real time.

    python -m generator.runtime.mock.serve showapi --port 8000

Tasks take ``--task-seconds`` (the vendor's default otherwise), callbacks are delivered in the
background, and the mock accepts the credential ``test`` plus any ``--credential`` given.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any

import uvicorn

from ..clock import SystemClock
from .asgi import create_app
from .core import VendorMock


def build_mock(package: str, **options: Any) -> VendorMock:
    """The mock of generated vendor ``package`` (``generated.<package>.mock.create_mock``)."""
    try:
        module = importlib.import_module(f"generated.{package}.mock")
    except ModuleNotFoundError:
        raise SystemExit(f"no generated vendor {package!r}: run 'make generate' first") from None
    return module.create_mock(**options)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mock", description="Serve a vendor mock on loopback.")
    p.add_argument("vendor", help="generated vendor package, e.g. showapi")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--task-seconds", type=float, default=None, help="how long each task runs")
    p.add_argument("--credential", action="append", default=[], help="another key to accept")
    p.add_argument("--allow-host", action="append", default=[], help="host images may come from")
    return p


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    mock = build_mock(
        args.vendor,
        clock=SystemClock(),
        task_seconds=args.task_seconds,
        allowed_hosts=args.allow_host,
        credentials=["test", *args.credential],
    )
    print(f"{args.vendor} mock on http://{args.host}:{args.port}", file=sys.stderr, flush=True)
    uvicorn.run(
        create_app(mock, background=True), host=args.host, port=args.port, log_level="warning"
    )


if __name__ == "__main__":
    main()
