"""Where the time goes on the benchmarked paths, with cProfile (not part of `make bench`).

    python -m bench.profile                 # every target
    python -m bench.profile round_trip handle --top 30

Targets:
  round_trip   mock.client(ShowapiClient).get_task, in-process (benchmark 3)
  submit_wait  submit_repaint + wait cycles on the virtual clock (benchmark 4)
  handle       mock.handle(MockRequest) for the task query: the served mock's core, no HTTP
  asgi         the task query through the mock's Starlette app with httpx.ASGITransport
  asgi_direct  the same app called as uvicorn calls it (scope, receive, send), no httpx
  showapi_query, showapi_submit, kling_get, kling_create
               the loopback benchmark's requests, to the ASGI app as uvicorn calls it
  served       the served ShowAPI mock (the real serve command) under wrk for 5 s

Each prints the functions with the most time of their own (tottime) and the most time below
them (cumtime), as a share of the whole run; the raw stats go to bench/results/<target>.prof.
cProfile slows Python code several times over and C code hardly at all, so shares are a guide to
where the time goes, not exact.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import pstats
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import ROOT

if TYPE_CHECKING:
    from generator.runtime.mock import MockResponse, VendorMock

    from .loopback import Workload

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
def _task_query_mock() -> tuple[VendorMock, str]:
    """A mock on the real clock with one hour-long task, as ``bench.serve mock`` serves it."""
    from generated.showapi import ShowapiClient
    from generated.showapi.mock import create_mock
    from generator.runtime.clock import SystemClock
    from generator.runtime.images import png_base64

    mock = create_mock(clock=SystemClock(), task_seconds=3600, credentials=["test"])
    with mock.client(ShowapiClient) as client:
        task = client.submit_repaint(prompt="p", image_base64=png_base64()).task_order
    assert task is not None
    return mock, task


def round_trip(n: int = 3000) -> Callable[[], int]:
    from generated.showapi import ShowapiClient
    from generated.showapi.mock import create_mock
    from generator.runtime.images import png_base64

    mock = create_mock()
    client = mock.client(ShowapiClient)
    task = client.submit_repaint(prompt="p", image_base64=png_base64()).task_order
    assert task is not None
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
        task = client.submit_repaint(prompt="p", image_base64=image).task_order
        assert task is not None
        client.wait(task)

    def go() -> int:
        for _ in range(n):
            task = client.submit_repaint(prompt="p", image_base64=image).task_order
            assert task is not None
            client.wait(task)
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
    return workload("showapi_query", n)


def _loopback_request(key: str) -> tuple[VendorMock, Workload]:
    """A loopback workload (``bench.loopback``) made against a mock built as the serve command
    builds it: (the mock, the workload with the mock's answer)."""
    import httpx

    from generator.runtime.clock import SystemClock
    from generator.runtime.mock.serve import build_mock

    from . import loopback

    vendor = key.split("_", 1)[0]
    mock = build_mock(
        vendor, clock=SystemClock(), task_seconds=3600, allowed_hosts=[], credentials=["test"]
    )
    http = httpx.Client(transport=mock.transport(), base_url="http://127.0.0.1:8000")
    made = loopback.MAKERS[vendor](
        lambda w: http.request(w.method, w.path, headers=w.headers, content=w.body.encode())
    )
    w = next(w for w in made if w.key == key)
    w.answer = http.request(w.method, w.path, headers=w.headers, content=w.body.encode()).text
    return mock, w


def _asgi_driver(app: Any, w: Workload) -> Callable[[int], int]:
    """``w``'s request sent to ``app`` as uvicorn calls it (scope, receive, send), ``n`` times
    in one event loop; the last answer must be a 200."""
    path, _, query = w.path.partition("?")
    body = w.body.encode()
    headers = [(b"host", b"127.0.0.1:8000"), (b"content-length", b"%d" % len(body))]
    headers += [(k.lower().encode(), v.encode()) for k, v in w.headers.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": w.method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def many(count: int) -> None:
        for _ in range(count):
            sent.clear()
            await app(dict(scope), receive, send)
        assert sent[0]["status"] == 200, sent

    def go(n: int) -> int:
        asyncio.run(many(n))
        return n

    go(50)
    return go


def workload(key: str, n: int = 3000) -> Callable[[], int]:
    """A loopback workload's request (``bench.loopback``) sent to the mock's ASGI app as
    uvicorn calls it (scope, receive, send), on a mock built as the serve command builds it."""
    mock, w = _loopback_request(key)
    go = _asgi_driver(mock.app, w)
    return lambda: go(n)


def reference(key: str, n: int = 3000) -> Callable[[], int]:
    """The same request to bare Starlette answering the mock's answer as fixed JSON, as
    ``bench.serve starlette`` serves it (the loopback benchmark's reference)."""
    from .serve import starlette_app

    _mock, w = _loopback_request(key)
    app = starlette_app([{"method": w.method, "path": w.route, "body": w.answer}])
    go = _asgi_driver(app, w)
    return lambda: go(n)


# -- instructions per request (callgrind) ---------------------------------------------------------
WORKLOADS = ("showapi_query", "showapi_submit", "kling_get", "kling_create")
HANDMADE = ("showapi_query", "showapi_submit")  # those bench.handmade has a server for
# the client's get_task against a raw httpx send doing the same work (issue 15, point 5: 1.10x)
CLIENT = "client"


def _marked(target: str, n: int) -> None:
    """Run ``target`` ``n`` times between two ``getppid`` calls: callgrind, told to dump before
    each, writes the counts of exactly those ``n`` requests (after the warm-up) to dump 2. The
    garbage collector is tuned as the serve command tunes it."""
    import os

    from generator.runtime.mock.serve import tune_gc

    fn = INSTRUCTION_TARGETS[target](n)
    tune_gc()  # as served
    os.getppid()
    fn()
    os.getppid()


def instructions(target: str, n: int) -> float:
    """Instructions per request of ``target`` under callgrind (deterministic, unlike time on a
    busy machine): the count between the marks, divided by ``n``."""
    import re
    import subprocess

    out = Path(tempfile.mkdtemp(prefix="bench-callgrind-")) / "cg.out"
    cmd = ["valgrind", "--tool=callgrind", "--dump-before=getppid", f"--callgrind-out-file={out}"]
    code = f"from bench.profile import _marked; _marked({target!r}, {n})"
    subprocess.run([*cmd, sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)
    dumps = sorted(out.parent.glob("cg.out*"))
    marked = next(d for d in dumps if d.name.endswith(".2"))
    found = re.search(r"^(?:summary|totals): (\d+)", marked.read_text(), re.M)
    assert found, f"no totals in {marked}"
    return int(found.group(1)) / n


def floor(key: str, n: int = 3000) -> Callable[[], int]:
    """The same request to the least an ASGI app can be: a plain callable sending the mock's
    answer as fixed bytes. What every app pays here (the driver, the event loop's steps) and
    neither Starlette nor the mock can shed."""
    _mock, w = _loopback_request(key)
    answer = w.answer.encode()
    start = {
        "type": "http.response.start",
        "status": 200,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", b"%d" % len(answer)),
        ],
    }

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send(start)
        await send({"type": "http.response.body", "body": answer})

    go = _asgi_driver(app, w)
    return lambda: go(n)


def core(key: str, n: int = 3000) -> Callable[[], int]:
    """The same request given to ``mock.handle`` as a ``MockRequest`` (built per request, as
    the ASGI app builds it): the mock's own work, without the ASGI adapter."""
    from generator.runtime.mock.messages import MockRequest

    mock, w = _loopback_request(key)
    path, _, query = w.path.partition("?")
    body = w.body.encode()
    headers = {"host": "127.0.0.1:8000", "content-length": str(len(body))}
    headers |= {k.lower(): v for k, v in w.headers.items()}

    def one() -> MockResponse:
        request = MockRequest.parts(
            method=w.method,
            path=path,
            base_url="http://127.0.0.1:8000",
            query_string=query,
            headers=dict(headers),
            body=body,
        )
        return mock.handle(request)

    assert one().status == 200
    return lambda: sum(1 for _ in range(n) if one().status == 200)


def handmade(key: str, n: int = 3000) -> Callable[[], int]:
    """The same request to ``bench.handmade``'s server written for it alone: the least work
    the request needs, to set the mock's against. A query names a task that server made."""
    import dataclasses
    import json

    from . import handmade as made

    _mock, w = _loopback_request(key)
    app = made.APPS[key]()
    if not w.body:
        submit = _loopback_request(key.replace("query", "submit"))[1]
        form = submit.headers
        answer = app.answer("/3259-1", "appKey=test", {k.lower(): v for k, v in form.items()},
                            submit.body.encode())  # fmt: skip
        task = json.loads(answer)["showapi_res_body"]["taskOrder"]
        w = dataclasses.replace(w, path=f"{w.route}?appKey=test&task_id={task}")
    go = _asgi_driver(app, w)
    return lambda: go(n)


def client_call(n: int, raw: bool = False) -> Callable[[], int]:
    """The client-overhead benchmark's call (``raw``: its raw httpx twin), ``n`` times."""
    from .client_overhead import make_calls

    ours, theirs, _ = make_calls()
    call = theirs if raw else ours
    call()  # warm: the models are built, the connection pool made

    def go() -> int:
        for _ in range(n):
            call()
        return n

    return go


INSTRUCTION_TARGETS: dict[str, Callable[[int], Callable[[], int]]] = {
    "client": client_call,
    "raw_client": lambda n: client_call(n, raw=True),
    **{key: functools.partial(workload, key) for key in WORKLOADS},
    **{f"starlette_{key}": functools.partial(reference, key) for key in WORKLOADS},
    **{f"floor_{key}": functools.partial(floor, key) for key in WORKLOADS},
    **{f"core_{key}": functools.partial(core, key) for key in WORKLOADS},
    **{f"handmade_{key}": functools.partial(handmade, key) for key in HANDMADE},
}


# The events callgrind counts with its cache and branch simulators: instructions, first-level
# cache misses (instructions, data read, data written), last-level misses, mispredicted
# conditional and indirect branches. Summed here into what each costs a CPU.
SERVED_EVENTS = {
    "instructions": ("Ir",),
    "L1 misses": ("I1mr", "D1mr", "D1mw"),
    "LL misses": ("ILmr", "DLmr", "DLmw"),
    "mispredicts": ("Bcm", "Bim"),
}


def _callgrind_totals(out: Path) -> dict[str, int]:
    """The largest totals among callgrind's dumps of ``out`` (the dump of the window)."""
    import re

    best: dict[str, int] = {}
    for dump in out.parent.glob(out.name + "*"):
        text = dump.read_text(errors="replace")
        events = re.search(r"^events: (.*)$", text, re.M)
        if events is None:
            continue
        names = events.group(1).split()
        for line in re.finditer(r"^(?:summary|totals): (.*)$", text, re.M):
            counts = map(int, line.group(1).split())  # callgrind leaves out trailing zeros
            found = dict(zip(names, counts, strict=False))
            if found.get("Ir", 0) > best.get("Ir", 0):
                best = found
    return best


def _served_events(
    key: str, cmd: list[str], out: Path, seconds: float, given: Workload | None = None
) -> tuple[dict[str, float], Workload]:
    """``SERVED_EVENTS`` per request of the server ``cmd`` (a ``bench.serve`` command) under
    callgrind, loaded by wrk for ``seconds`` once warm with ``key``'s request: ``given``, or
    one made against this server (a query names a task the server holds). The request sent
    is returned too, for the reference to be sent the same."""
    import subprocess

    from . import loopback, tools

    def control(pid: int, *args: str) -> None:
        subprocess.run(["callgrind_control", *args, str(pid)], check=True, capture_output=True)

    vg = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--cache-sim=yes"]
    vg += ["--branch-sim=yes", f"--callgrind-out-file={out}"]
    port = loopback.free_port()
    server = loopback.Server([*vg, *cmd, "--port", str(port)], port, out.with_suffix(".log"))
    try:
        server.wait_ready(timeout=600)
        if given is None:
            made = loopback.MAKERS[key.split("_", 1)[0]](loopback.sender(server.base))
            given = next(w for w in made if w.key == key)
        script = loopback.wrk_script(given, out.with_suffix(".lua"))
        loopback.wrk(tools.wrk(), script, server.base, 5)  # warm, not counted
        control(server.proc.pid, "-i", "on")
        stats = loopback.wrk(tools.wrk(), script, server.base, seconds)
        control(server.proc.pid, "-i", "off")
        control(server.proc.pid, "-d")
    finally:
        server.stop()
    totals = _callgrind_totals(out)
    n = max(1, stats["requests"])
    per = {
        name: sum(totals.get(e, 0) for e in events) / n for name, events in SERVED_EVENTS.items()
    }
    return {**per, "requests": n}, given


def served_counts(keys: list[str], seconds: float) -> None:
    """Each workload's request to the served mock and to bare Starlette, as the loopback
    benchmark serves them (``bench.serve``: uvicorn, uvloop, the ``gc`` tuning), each server
    run under callgrind with its cache and branch simulators and loaded by wrk for
    ``seconds`` once warm: the events per request of the whole process (uvicorn, the event
    loop and the collector included) and their ratios. Deterministic where CPU time on these
    machines is not, and it shows whether the CPU ratio follows the instructions or the
    caches and branches. Requests are counted by wrk over the window the collection is on
    for (switched by ``callgrind_control``), so a few requests' error either way."""
    import json

    work = Path(tempfile.mkdtemp(prefix="bench-served-"))
    for key in keys:
        _mock, w = _loopback_request(key)
        answers = work / f"{key}.json"
        answers.write_text(json.dumps([{"method": w.method, "path": w.route, "body": w.answer}]))
        serve = [sys.executable, "-m", "bench.serve"]
        mock, sent = _served_events(
            key, [*serve, "mock", w.vendor], work / f"{key}-mock.cg", seconds
        )
        reference = [*serve, "starlette", "--answers", str(answers)]
        bare, _ = _served_events(key, reference, work / f"{key}-bare.cg", seconds, sent)
        counted = f"{mock['requests']:.0f} and {bare['requests']:.0f} requests counted"
        print(f"{key} (served; {counted})")
        for event in SERVED_EVENTS:
            ratio = mock[event] / bare[event] if bare[event] else float("nan")
            print(f"  {event:13} mock {mock[event]:10,.0f}  starlette {bare[event]:10,.0f}  "
                  f"ratio {ratio:.2f}", flush=True)  # fmt: skip


def served(top: int, seconds: float = 5.0) -> None:
    """The served ShowAPI mock (the real serve command) under cProfile, loaded by wrk."""
    from . import loopback, tools

    work = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    out = RESULTS / "served.prof"
    RESULTS.mkdir(exist_ok=True)
    port = loopback.free_port()
    cmd = [sys.executable, "-m", "bench.serve", "mock", "showapi", "--profile", str(out)]
    server = loopback.Server([*cmd, "--port", str(port)], port, work / "served.log")
    try:
        server.wait_ready()
        query = loopback.showapi(loopback.sender(server.base))[0]
        script = loopback.wrk_script(query, work / "query.lua")
        stats = loopback.wrk(tools.wrk(), script, server.base, seconds)
    finally:
        server.stop()
    print(f"(served under cProfile: {stats['requests'] / (stats['duration_us'] / 1e6):.0f} req/s)")
    print(report(pstats.Stats(str(out)), stats["requests"] + 2, top, "served"))
    print()


TARGETS: dict[str, Callable[[], Callable[[], int]]] = {
    "round_trip": round_trip,
    "submit_wait": submit_wait,
    "handle": handle,
    "asgi": asgi,
    "asgi_direct": asgi_direct,
    **{
        key: functools.partial(workload, key)
        for key in ("showapi_query", "showapi_submit", "kling_get", "kling_create")
    },
}


def count(targets: list[str], n: int, split: bool = False) -> None:
    """Instructions per request under callgrind for each workload, beside bare Starlette's for
    the same request, and the ratio (issue 15, point 1: 1.3x for queries, 2x for submits).
    With ``split``, also where they go: the floor every ASGI app pays here (``floor``), the
    mock's own work (``core``: ``mock.handle``), and so its ASGI adapter (the rest); and for
    ShowAPI's requests, a server written for them alone (``bench.handmade``)."""
    for key in targets:
        if key == CLIENT:
            ours, raw = instructions(CLIENT, n), instructions(f"raw_{CLIENT}", n)
            print(f"{key:16} ours {ours / 1e3:7.1f}k  raw httpx {raw / 1e3:7.1f}k  "
                  f"ratio {ours / raw:.2f}", flush=True)  # fmt: skip
            continue
        mock, bare = instructions(key, n), instructions(f"starlette_{key}", n)
        print(f"{key:16} mock {mock / 1e3:7.1f}k  starlette {bare / 1e3:7.1f}k  "
              f"ratio {mock / bare:.2f}", flush=True)  # fmt: skip
        if split:
            least, own = instructions(f"floor_{key}", n), instructions(f"core_{key}", n)
            adapter = mock - least - own
            print(f"{'':16} floor (any ASGI app) {least / 1e3:.1f}k; Starlette's own "
                  f"{(bare - least) / 1e3:.1f}k; the mock's adapter {adapter / 1e3:.1f}k "
                  f"and core (mock.handle) {own / 1e3:.1f}k", flush=True)  # fmt: skip
        if split and key in HANDMADE:
            least = instructions(f"handmade_{key}", n)
            print(f"{'':16} a server written for this request alone (bench.handmade) "
                  f"{least / 1e3:.1f}k: Starlette x{least / bare:.2f}, "
                  f"the mock x{mock / least:.2f}", flush=True)  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    p.add_argument("targets", nargs="*", help=f"any of {', '.join(TARGETS)}, served")
    p.add_argument("--top", type=int, default=25)
    p.add_argument(
        "--instructions",
        action="store_true",
        help="count instructions per request under callgrind instead "
        f"(targets: {', '.join(WORKLOADS)}, {CLIENT})",
    )
    p.add_argument(
        "--served",
        action="store_true",
        help="with --instructions: the served mock and bare Starlette, whole processes under "
        "wrk, with callgrind's cache and branch simulators (slow: minutes per workload)",
    )
    p.add_argument("--seconds", type=float, default=20.0, help="--served: seconds of wrk load")
    p.add_argument("-n", type=int, default=300, help="--instructions: requests counted")
    p.add_argument(
        "--split",
        action="store_true",
        help="--instructions: also the floor any ASGI app pays, the adapter and the core",
    )
    args = p.parse_args(argv)
    if args.instructions:
        unknown = sorted(set(args.targets) - {*WORKLOADS, *(() if args.served else (CLIENT,))})
        if unknown:
            p.error(f"unknown workload(s): {', '.join(unknown)}")
        import shutil

        if shutil.which("valgrind") is None:
            p.error("--instructions needs valgrind (apt-get install valgrind)")
        if args.served:
            served_counts(args.targets or list(WORKLOADS), args.seconds)
            return
        count(args.targets or list(WORKLOADS), args.n, args.split)
        return
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
