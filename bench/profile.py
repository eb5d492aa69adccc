"""Where the time goes on the benchmarked paths, with cProfile (not part of `make bench`).

    python -m bench.profile                 # every target
    python -m bench.profile round_trip handle --top 30

Targets:
  round_trip   mock.client(ShowapiClient).get_task, in-process (benchmark 3)
  submit_wait  submit_repaint + wait cycles on the virtual clock (benchmark 4)
  handle       mock.handle(MockRequest) for the task query: the served mock's core, no HTTP
  asgi         the task query through the mock's Starlette app with httpx.ASGITransport
  asgi_direct  the same app called as uvicorn calls it (scope, receive, send), no httpx
  served       the served mock itself (uvloop + httptools when installed) under wrk for 5 s

Each prints the functions with the most time of their own (tottime) and the most time below
them (cumtime), as a share of the whole run; the raw stats go to bench/results/<target>.prof.
cProfile slows Python code several times over and C code hardly at all, so shares are a guide to
where the time goes, not exact.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .common import ROOT

RESULTS = Path(__file__).resolve().parent / "results"
SITE = sysconfig.get_paths()["purelib"]
STDLIB = sysconfig.get_paths()["stdlib"]


def label(func: tuple[str, int, str]) -> str:
    path, line, name = func
    if path == "~":
        return name  # a built-in
    for prefix, tag in ((SITE, ""), (STDLIB, "stdlib/"), (str(ROOT), "")):
        if path.startswith(prefix):
            path = tag + path[len(prefix) :].lstrip("/")
            break
    return f"{path}:{line}({name})"


def _ours(path: str) -> bool:
    """The runtime's and the generated code's files (not the venv's, not the benchmarks')."""
    return path.startswith(str(ROOT)) and not path.startswith((SITE, str(ROOT / "bench")))


def report(stats: pstats.Stats, calls: int, top: int, title: str) -> str:
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]
    lines = [
        f"== {title}: {calls} calls, {total:.2f} s profiled, {total / calls * 1e6:.0f} us per call"
    ]
    rows = [(f, tt, ct, nc) for f, (_cc, nc, tt, ct, _callers) in raw.items()]
    lines.append(f"-- top {top} by own time (tottime)")
    for f, tt, ct, nc in sorted(rows, key=lambda r: r[1], reverse=True)[:top]:
        lines.append(
            f"{tt / total * 100:5.1f}%  own  {ct / total * 100:5.1f}% incl  "
            f"{nc / calls:7.1f}/call  {label(f)}"
        )
    lines.append(
        f"-- top {top} by time including callees (cumtime), runtime and generated code first"
    )
    ours = [r for r in rows if _ours(r[0][0])]
    for f, tt, ct, nc in sorted(ours, key=lambda r: r[2], reverse=True)[:top]:
        lines.append(
            f"{ct / total * 100:5.1f}% incl  {tt / total * 100:5.1f}% own  "
            f"{nc / calls:7.1f}/call  {label(f)}"
        )
    theirs = [r for r in rows if not _ours(r[0][0]) and "/bench/" not in r[0][0]]
    lines.append(f"-- top {top} libraries' functions by cumtime")
    for f, tt, ct, nc in sorted(theirs, key=lambda r: r[2], reverse=True)[:top]:
        lines.append(
            f"{ct / total * 100:5.1f}% incl  {tt / total * 100:5.1f}% own  "
            f"{nc / calls:7.1f}/call  {label(f)}"
        )
    return "\n".join(lines)


def profiled(name: str, fn: Callable[[], int], top: int) -> None:
    """Run ``fn`` (which returns how many calls it made) under cProfile and print the report."""
    profiler = cProfile.Profile()
    profiler.enable()
    calls = fn()
    profiler.disable()
    RESULTS.mkdir(exist_ok=True)
    profiler.dump_stats(RESULTS / f"{name}.prof")
    print(report(pstats.Stats(profiler), calls, top, name))
    print()


# -- targets ------------------------------------------------------------------------------------
def _task_query_mock() -> tuple[Any, str]:
    """A mock on the real clock with one hour-long task, as ``bench.serve mock`` serves it."""
    from generated.showapi import ShowapiClient
    from generated.showapi.mock import create_mock
    from generator.runtime.clock import SystemClock
    from generator.runtime.images import png_base64

    mock = create_mock(clock=SystemClock(), task_seconds=3600, credentials=["test"])
    with mock.client(ShowapiClient) as client:
        task = client.submit_repaint(prompt="p", image_base64=png_base64()).task_order
    return mock, task


def round_trip(n: int = 3000) -> Callable[[], int]:
    from generated.showapi import ShowapiClient
    from generated.showapi.mock import create_mock
    from generator.runtime.images import png_base64

    mock = create_mock()
    client = mock.client(ShowapiClient)
    task = client.submit_repaint(prompt="p", image_base64=png_base64()).task_order
    for _ in range(100):
        client.get_task(task_id=task)

    def go() -> int:
        for _ in range(n):
            client.get_task(task_id=task)
        return n

    return go


def submit_wait(n: int = 300) -> Callable[[], int]:
    from generated.showapi import ShowapiClient
    from generated.showapi.mock import create_mock
    from generator.runtime.images import png_base64

    mock = create_mock()
    client = mock.client(ShowapiClient)
    image = png_base64()
    for _ in range(10):
        client.wait(client.submit_repaint(prompt="p", image_base64=image).task_order)

    def go() -> int:
        for _ in range(n):
            client.wait(client.submit_repaint(prompt="p", image_base64=image).task_order)
        return n

    return go


def handle(n: int = 5000) -> Callable[[], int]:
    from generator.runtime.mock import MockRequest

    from .round_trip import WIRE_HEADERS

    mock, task = _task_query_mock()
    url = f"http://127.0.0.1:8000/3259-2?appKey=test&task_id={task}"
    assert mock.handle(MockRequest.build("POST", url, WIRE_HEADERS, b"")).status == 200

    def go() -> int:
        for _ in range(n):
            mock.handle(MockRequest.build("POST", url, WIRE_HEADERS, b""))
        return n

    return go


def asgi(n: int = 3000) -> Callable[[], int]:
    import httpx

    mock, task = _task_query_mock()
    url = f"/3259-2?appKey=test&task_id={task}"

    async def many(count: int) -> None:
        transport = httpx.ASGITransport(app=mock.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as c:
            for _ in range(count):
                response = await c.post(url)
            assert response.json()["showapi_res_code"] == 0

    asyncio.run(many(50))

    def go() -> int:
        asyncio.run(many(n))
        return n

    return go


def asgi_direct(n: int = 5000) -> Callable[[], int]:
    mock, task = _task_query_mock()
    app = mock.app
    query = f"appKey=test&task_id={task}".encode()
    from .round_trip import WIRE_HEADERS

    headers = [(k.encode(), v.encode()) for k, v in WIRE_HEADERS]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/3259-2",
        "raw_path": b"/3259-2",
        "query_string": query,
        "root_path": "",
        "headers": headers,
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def many(count: int) -> None:
        for _ in range(count):
            sent.clear()
            await app(dict(scope), receive, send)
        assert b'"showapi_res_code":0' in sent[-1]["body"]

    asyncio.run(many(50))

    def go() -> int:
        asyncio.run(many(n))
        return n

    return go


def served(top: int, seconds: float = 5.0) -> None:
    from . import loopback, tools

    fast = bool(loopback.installed("uvloop") and loopback.installed("httptools"))
    work = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    out = RESULTS / "served.prof"
    RESULTS.mkdir(exist_ok=True)
    port = loopback.free_port()
    cmd = [sys.executable, "-m", "bench.serve", "mock", "--port", str(port), "--profile", str(out)]
    cmd += ["--loop", "uvloop", "--http", "httptools"] if fast else []
    server = loopback.Server(cmd, port, work / "served.log")
    try:
        server.wait_ready()
        url = loopback.prepare_mock(server)
        stats = loopback.wrk(tools.wrk(), url, seconds)
    finally:
        server.stop()
    print(
        f"(served under cProfile: {stats['requests'] / (stats['duration_us'] / 1e6):.0f} req/s, "
        f"{'uvloop + httptools' if fast else 'asyncio + h11'})"
    )
    print(report(pstats.Stats(str(out)), stats["requests"] + 2, top, "served"))
    print()


TARGETS: dict[str, Callable[[], Callable[[], int]]] = {
    "round_trip": round_trip,
    "submit_wait": submit_wait,
    "handle": handle,
    "asgi": asgi,
    "asgi_direct": asgi_direct,
}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    p.add_argument("targets", nargs="*", help=f"any of {', '.join(TARGETS)}, served")
    p.add_argument("--top", type=int, default=25)
    args = p.parse_args(argv)
    unknown = sorted(set(args.targets) - {*TARGETS, "served"})
    if unknown:
        p.error(f"unknown target(s): {', '.join(unknown)}")
    for name in args.targets or [*TARGETS, "served"]:
        start = time.perf_counter()
        if name == "served":
            served(args.top)
        else:
            profiled(name, TARGETS[name](), args.top)
        print(f"({name}: {time.perf_counter() - start:.1f} s)\n", file=sys.stderr)


if __name__ == "__main__":
    main()
