"""Mock throughput on loopback, against Prism, with wrk.

Every server mocks ShowAPI's task query (``POST /3259-2?appKey=test&task_id=...``) on
127.0.0.1, one server at a time so that none competes with another, each loaded by
``wrk -t2 -c32`` for a warm-up and then a fixed duration:

- the ShowAPI mock as ``generator.runtime.mock.serve`` serves it (full validation, auth, state,
  journal), on uvicorn with the stock asyncio loop + h11 parser, and with uvloop + httptools
  (``uvicorn[standard]``) when they are installed;
- Prism (``@stoplight/prism-cli``, static examples, request validation on) mocking the same
  merged ShowAPI document (the vendor file with our overlay applied);
- ceilings: a bare Starlette app answering fixed JSON on the same route, and a raw ASGI
  callable (uvicorn alone).

Targets: the mock at least 5x Prism's requests/s, and its p99 under 10 ms. With several rounds
the variants run in alternating order and each reports its best round (the least disturbed by
whatever else the shared machine runs). Each server's CPU time per request is read from /proc
too: unlike requests/s it hardly depends on what else the machine runs.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from . import tools
from .common import ROOT, Result, machine_busy_seconds
from .serve import ROUTE

HERE = Path(__file__).resolve().parent
LUA = HERE / "wrk_report.lua"
CONNECTIONS, THREADS = 32, 2
TARGET_RATIO, TARGET_P99_MS = 5.0, 10.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Variant:
    key: str
    label: str
    kind: str  # mock, prism, starlette, asgi
    loop: str = ""
    http: str = ""
    runs: list[dict[str, Any]] = field(default_factory=list)

    def best(self) -> dict[str, Any] | None:
        return max(self.runs, key=lambda r: r["rps"]) if self.runs else None


def installed(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def merged_document() -> dict[str, Any]:
    from generator.load import load

    return load(ROOT / "specs" / "showapi").document


class Server:
    """One server process, started in its own session and stopped by its own id."""

    def __init__(self, cmd: list[str], port: int, log: Path) -> None:
        self.port = port
        self.log = log
        self.out = log.open("wb")
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=self.out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}): {self.tail()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5),
            ):
                return
            time.sleep(0.2)
        raise RuntimeError(f"server not listening after {timeout:.0f} s: {self.tail()}")

    def tail(self) -> str:
        self.out.flush()
        return self.log.read_text(errors="replace")[-600:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)
        self.out.close()


def wrk(exe: str, url: str, seconds: float) -> dict[str, Any]:
    cmd = [
        exe,
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        "-s",
        str(LUA),
        url,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise RuntimeError(f"wrk printed no summary: {done.stdout[-400:]} {done.stderr[-400:]}")


def check_answer(response: httpx.Response, expect_status: str | None) -> None:
    """The query must be answered as a success, or the benchmark would time error answers."""
    body = response.json()
    if response.status_code != 200 or body.get("showapi_res_code") != 0:
        raise RuntimeError(f"task query refused: {response.status_code} {response.text[:300]}")
    if expect_status is not None and body["showapi_res_body"].get("status") != expect_status:
        raise RuntimeError(f"unexpected task status: {response.text[:300]}")


def prepare_mock(server: Server) -> str:
    """Create a task (it runs for an hour) and return the URL of its query."""
    from generator.runtime.images import png_base64

    with httpx.Client(base_url=server.base, timeout=30) as http:
        submitted = http.post(
            "/3259-1",
            params={"appKey": "test"},
            data={"prompt": "snow on the roofs", "orgin_img_base64": png_base64()},
        )
        task_id = submitted.json()["showapi_res_body"]["taskOrder"]
        url = f"{server.base}{ROUTE}?appKey=test&task_id={task_id}"
        check_answer(http.post(url), "wait")
    return url


def prepare_fixed(server: Server) -> str:
    url = f"{server.base}{ROUTE}?appKey=test&task_id=AbCdEfGhIjKlMnOpQrStUvW"
    check_answer(httpx.post(url, timeout=30), None)
    return url


class Loopback:
    def __init__(self, *, seconds: float, warmup: float, rounds: int, work: Path) -> None:
        self.seconds, self.warmup, self.rounds, self.work = seconds, warmup, rounds, work
        self.wrk = tools.wrk()
        self.prism = tools.prism()
        self.fast = bool(installed("uvloop") and installed("httptools"))
        self.prism_spec = ""  # the document Prism accepted
        self.skipped: list[str] = []

    def variants(self) -> list[Variant]:
        vs = [Variant("mock_h11", "ShowAPI mock, uvicorn asyncio + h11", "mock", "asyncio", "h11")]
        if self.fast:
            vs.append(
                Variant(
                    "mock_fast",
                    "ShowAPI mock, uvicorn uvloop + httptools",
                    "mock",
                    "uvloop",
                    "httptools",
                )
            )
        vs.append(Variant("prism", f"Prism {tools.PRISM_VERSION} (-v error)", "prism"))
        vs.append(
            Variant("starlette_h11", "bare Starlette, asyncio + h11", "starlette", "asyncio", "h11")
        )
        if self.fast:
            vs.append(
                Variant(
                    "starlette_fast",
                    "bare Starlette, uvloop + httptools",
                    "starlette",
                    "uvloop",
                    "httptools",
                )
            )
            vs.append(
                Variant(
                    "asgi_fast", "raw ASGI app, uvloop + httptools", "asgi", "uvloop", "httptools"
                )
            )
        return vs

    def start(self, v: Variant) -> tuple[Server, str]:
        port = free_port()
        log = self.work / f"{v.key}.log"
        if v.kind == "prism":
            return self.start_prism(port, log)
        cmd = [sys.executable, "-m", "bench.serve", v.kind, "--port", str(port)]
        cmd += ["--loop", v.loop, "--http", v.http]
        server = Server(cmd, port, log)
        try:
            server.wait_ready()
            url = prepare_mock(server) if v.kind == "mock" else prepare_fixed(server)
        except Exception:
            server.stop()
            raise
        return server, url

    def start_prism(self, port: int, log: Path) -> tuple[Server, str]:
        """Prism on the merged document, or on the vendor's own file if it refuses that."""
        merged = self.work / "showapi-merged.json"
        if not merged.exists():
            merged.write_text(json.dumps(merged_document(), ensure_ascii=False))
        candidates = [("merged", merged), ("vendor", ROOT / "specs" / "showapi" / "openapi.json")]
        if self.prism_spec:
            candidates = [c for c in candidates if c[0] == self.prism_spec]
        problems = []
        for name, spec in candidates:
            cmd = [self.prism, "mock", "-h", "127.0.0.1", "-p", str(port), "-v", "error", str(spec)]
            server = Server(cmd, port, log)
            try:
                server.wait_ready()
                url = prepare_fixed(server)
            except Exception as exc:
                server.stop()
                problems.append(f"{name}: {exc}")
                continue
            self.prism_spec = name
            return server, url
        raise RuntimeError("Prism accepted neither document: " + "; ".join(problems))

    def measure(self, v: Variant) -> None:
        server, url = self.start(v)
        try:
            wrk(self.wrk, url, self.warmup)
            cpu0, busy0, kids0 = (
                cpu_seconds(server.proc.pid),
                machine_busy_seconds(),
                children_cpu_seconds(),
            )
            stats = wrk(self.wrk, url, self.seconds)
            cpu = cpu_seconds(server.proc.pid) - cpu0
            busy = machine_busy_seconds() - busy0
            wrk_cpu = children_cpu_seconds() - kids0  # the wrk run just reaped
            if v.kind == "mock":
                check_answer(httpx.post(url, timeout=30), "wait")  # still answering right
        finally:
            server.stop()
        seconds = stats["duration_us"] / 1e6
        errors = sum(stats["errors"].values())
        run = {
            "rps": stats["requests"] / seconds,
            "p50_ms": stats["latency_us"]["p50"] / 1e3,
            "p99_ms": stats["latency_us"]["p99"] / 1e3,
            "max_ms": stats["latency_us"]["max"] / 1e3,
            "requests": stats["requests"],
            "errors": errors,
            "server_cpu_us_per_request": cpu / stats["requests"] * 1e6 if stats["requests"] else 0,
            # what else the machine ran meanwhile, in cores (it has os.cpu_count() of them)
            "other_load_cores": max(0.0, busy - cpu - wrk_cpu) / seconds,
            "server_cores": cpu / seconds,
            "wrk_cores": wrk_cpu / seconds,
            "wrk": stats,
        }
        v.runs.append(run)
        print(
            f"    {v.label:45} {run['rps']:9.0f} req/s  p99 {run['p99_ms']:7.2f} ms  "
            f"server CPU {run['server_cpu_us_per_request']:4.0f} us/req ({run['server_cores']:.2f} "
            f"core)  wrk {run['wrk_cores']:.2f} core  others {run['other_load_cores']:.2f} core  "
            f"errors {errors}",
            file=sys.stderr,
            flush=True,
        )

    def run(self) -> list[Variant]:
        variants = self.variants()
        for r in range(self.rounds):
            print(f"  loopback round {r + 1}/{self.rounds}", file=sys.stderr, flush=True)
            for v in variants if r % 2 == 0 else list(reversed(variants)):
                try:
                    self.measure(v)
                except Exception as exc:  # one broken server must not hide the others
                    self.skipped.append(f"{v.label}: {exc}")
                    print(f"    {v.label}: FAILED {exc}", file=sys.stderr, flush=True)
        return variants


def versions(lb: Loopback | None) -> dict[str, str]:
    out = {
        "python": sys.version.split()[0],
        "uvicorn": installed("uvicorn"),
        "starlette": installed("starlette"),
        "uvloop": installed("uvloop") or "not installed",
        "httptools": installed("httptools") or "not installed",
        "node": tools.node_version(),
    }
    if lb is not None:
        out["wrk"] = tools.wrk_version(lb.wrk)
        out["prism"] = tools.prism_version(lb.prism)
        out["prism_document"] = lb.prism_spec
    return out


def run(*, quick: bool = False, seconds: float = 10.0, rounds: int = 2) -> list[Result]:
    if quick:
        seconds, rounds = 3.0, 1
    warmup = 1.0 if quick else 3.0
    work = Path(tempfile.mkdtemp(prefix="bench-loopback-"))
    try:
        try:
            lb = Loopback(seconds=seconds, warmup=warmup, rounds=rounds, work=work)
        except tools.Unavailable as exc:
            return [Result("loopback", "loopback throughput", None, "", note=f"SKIPPED: {exc}")]
        variants = {v.key: v for v in lb.run()}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results(variants, lb, seconds=seconds, warmup=warmup, rounds=rounds)


def results(
    variants: dict[str, Variant], lb: Loopback, *, seconds: float, warmup: float, rounds: int
) -> list[Result]:
    how = (
        f"wrk -t{THREADS} -c{CONNECTIONS}, {warmup:.0f} s warm-up + {seconds:.0f} s, "
        f"best of {rounds} round(s)"
    )
    out: list[Result] = []
    prism = variants["prism"].best()
    starlette = {
        k: variants[f"starlette_{k}"].best()
        for k in ("h11", "fast")
        if f"starlette_{k}" in variants
    }
    for v in variants.values():
        best = v.best()
        if best is None:
            continue
        extra = {"runs": v.runs, "loop": v.loop, "http": v.http}
        out.append(
            Result(
                "loopback",
                f"{v.label}: requests/s",
                round(best["rps"]),
                "req/s",
                note=f"{best['server_cpu_us_per_request']:.0f} us server CPU per request; "
                f"{best['errors']} errors; other load {best['other_load_cores']:.2f} core; {how}",
                extra=extra,
            )
        )
        is_mock = v.kind == "mock"
        out.append(
            Result(
                "loopback",
                f"{v.label}: p99 latency",
                round(best["p99_ms"], 2),
                "ms",
                f"< {TARGET_P99_MS:.0f} ms" if is_mock else "",
                best["p99_ms"] < TARGET_P99_MS if is_mock else None,
                f"p50 {best['p50_ms']:.2f} ms, max {best['max_ms']:.1f} ms",
            )
        )
        if is_mock and prism is not None:
            ratio = best["rps"] / prism["rps"]
            cpu_ratio = prism["server_cpu_us_per_request"] / best["server_cpu_us_per_request"]
            out.append(
                Result(
                    "loopback",
                    f"{v.label}: requests/s vs Prism",
                    round(ratio, 2),
                    "x",
                    f">= {TARGET_RATIO:.0f}x",
                    ratio >= TARGET_RATIO,
                    f"Prism {prism['rps']:.0f} req/s; by server CPU per request: {cpu_ratio:.2f}x",
                )
            )
        ceiling = starlette.get("fast" if v.http == "httptools" else "h11")
        if is_mock and ceiling is not None:
            out.append(
                Result(
                    "loopback",
                    f"{v.label}: share of the bare-Starlette ceiling",
                    round(best["rps"] / ceiling["rps"], 2),
                    "x",
                    note=f"ceiling {ceiling['rps']:.0f} req/s on the same loop and parser",
                )
            )
    for problem in lb.skipped:
        out.append(Result("loopback", "FAILED", None, "", note=problem))
    shipped = "uvloop + httptools" if lb.fast else "asyncio + h11"
    out.append(
        Result(
            "loopback",
            "versions",
            None,
            "",
            note=f"`make mock` (uvicorn auto) uses {shipped} on this machine",
            extra=versions(lb),
        )
    )
    return out
