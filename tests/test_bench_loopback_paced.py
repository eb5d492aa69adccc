"""The loopback benchmark's paced references: bare Starlette set to spend the mock's CPU beyond
its own (``paced``), or the CPU target's worth (``at target``), and the rows read from them.
No server is started: the pace sent and the rows made are checked on recorded runs."""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from bench import loopback
from bench.common import Options
from bench.loopback import AT_TARGET, PACED, Loopback, Workload


def run(cpu_us: float, p99_ms: float) -> Any:  # a Run, as the benchmark records one
    return {"rps": 1000.0, "p50_ms": 1.0, "p99_ms": p99_ms, "cpu_us": cpu_us, "errors": 0,
            "other_load_cores": 0.0, "wrk": {}}  # fmt: skip


def workload(submit: bool, rounds: Mapping[str, Sequence[tuple[float, float]]]) -> Workload:
    w = Workload("k", "a workload", "vendor", submit)
    w.runs = {kind: [run(cpu, p99) for cpu, p99 in runs] for kind, runs in rounds.items()}
    return w


def paced_with(monkeypatch: pytest.MonkeyPatch, w: Workload, kind: str) -> float:
    """The microseconds ``Loopback.pace`` asks the paced server to spin for ``w`` and ``kind``."""
    sent: list[dict[str, str]] = []

    def put(url: str, params: dict[str, str]) -> Any:
        sent.append(params)
        return SimpleNamespace(raise_for_status=lambda: None)

    monkeypatch.setattr(httpx, "put", put)  # the module bench.loopback calls
    lb = Loopback.__new__(Loopback)
    lb.servers = {(kind, w.vendor): SimpleNamespace(base="http://127.0.0.1:1")}  # type: ignore[dict-item]
    lb.pace(w, kind)
    assert len(sent) == 1
    return float(sent[0]["us"])


@pytest.mark.parametrize(("submit", "extra"), [(True, 100.0), (False, 30.0)])
def test_at_target_spins_the_cpu_target_beyond_bare_starlette(
    monkeypatch: pytest.MonkeyPatch, submit: bool, extra: float
) -> None:
    # bare Starlette's median is 100 us: the target (2x a submit's, 1.3x a query's) asks 100 or 30
    w = workload(submit, {"starlette": [(90, 1), (100, 1), (130, 1)], "mock": [(400, 1)] * 3})
    assert paced_with(monkeypatch, w, AT_TARGET) == pytest.approx(extra)


def test_paced_spins_what_the_mock_spent_beyond_bare_starlette(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w = workload(True, {"starlette": [(90, 1), (100, 1)], "mock": [(250, 1), (330, 1)]})
    assert paced_with(monkeypatch, w, PACED) == pytest.approx(290 - 95)


def test_a_mock_cheaper_than_starlette_paces_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    w = workload(True, {"starlette": [(100, 1)], "mock": [(80, 1)]})
    assert paced_with(monkeypatch, w, PACED) == 0.0


def test_the_at_target_row_is_the_median_of_the_per_round_p99_ratios(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(loopback, "versions", lambda lb: {})
    bare = [(100, 2.0), (100, 4.0), (100, 5.0), (100, 2.0), (100, 10.0)]
    at_target = [(200, 6.0), (200, 4.0), (200, 15.0), (200, 3.0), (200, 20.0)]
    mock = [(300, 9.0)] * 5  # against the mock instead, every ratio would be under 2.3
    w = workload(True, {"mock": mock, "starlette": bare, AT_TARGET: at_target})
    lb = SimpleNamespace(opts=Options(rounds=5), problems=[], wrk=Path("wrk"), prism=None)
    rows = {r.name: r for r in loopback.results([w], lb)}  # type: ignore[arg-type]
    row = rows["  p99 of Starlette paced to the CPU target (2x) / bare p99"]
    ratios = [3.0, 1.0, 3.0, 1.5, 2.0]
    assert (row.value, row.low, row.high) == (statistics.median(ratios), 1.0, 3.0)
    assert row.ok is None  # context, not a target
    assert "at 200 us/req, 2.00x (2.00-2.00x) bare Starlette's CPU as measured" in row.note
    assert "  at target: requests/s" in rows


def test_no_at_target_row_when_a_round_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loopback, "versions", lambda lb: {})
    bare = [(100, 2.0)] * 5
    w = workload(True, {"mock": bare, "starlette": bare, AT_TARGET: [(200, 6.0)] * 4})
    lb = SimpleNamespace(opts=Options(rounds=5), problems=[], wrk=Path("wrk"), prism=None)
    names = [r.name for r in loopback.results([w], lb)]  # type: ignore[arg-type]
    assert not any("CPU target" in name for name in names)


def exchange(*requests: tuple[str, str, dict[str, str]]) -> list[httpx.Response]:
    """The paced Starlette's answers to ``requests`` (method, path, query), in order, through
    httpx's ASGI transport: no server, no port."""
    from bench.serve import starlette_app

    app = starlette_app([{"method": "GET", "path": "/q", "body": "{}"}], paced=True)

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://paced") as http:
            return [await http.request(m, path, params=q) for m, path, q in requests]

    return asyncio.run(go())


@pytest.mark.parametrize("given", ["abc", "inf", "nan", "-5", "1e9"])
def test_the_paced_server_refuses_a_pace_it_cannot_spin(given: str) -> None:
    (refused,) = exchange(("PUT", "/_pace", {"us": given}))
    assert refused.status_code == 400 and repr(given) in refused.text


@pytest.mark.parametrize("given", ["abc", "-5"])  # never one that would spin: a wrong build hangs
def test_after_a_refused_pace_the_server_still_answers(given: str) -> None:
    good, refused, answer = exchange(
        ("PUT", "/_pace", {"us": "5"}), ("PUT", "/_pace", {"us": given}), ("GET", "/q", {})
    )
    assert [good.status_code, refused.status_code] == [204, 400]
    assert (answer.status_code, answer.text) == (200, "{}")


def test_the_paced_server_takes_a_pace_in_range() -> None:
    (taken,) = exchange(("PUT", "/_pace", {"us": "12.5"}))
    assert taken.status_code == 204
