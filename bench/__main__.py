"""`make bench`: every benchmark, a table, and bench/results/latest.json.

    python -m bench                  # all of them (about 4 minutes, most of it the loopback)
    python -m bench --quick          # shorter runs, for trying things out
    python -m bench --only round_trip,submit_wait
    python -m bench --strict         # exit 1 when a target is missed

Each ratio is measured side by side in one run: both sides interleaved in one process for the
in-process benchmarks, one server after another in alternating rounds for the loopback one.
Absolute numbers drift on a shared machine; read the ratios first. Profiles of the same paths:
``python -m bench.profile``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from . import client_overhead, loopback, regenerate, round_trip, submit_wait

# isort: split
from . import mock_concurrency, mock_memory, state_growth  # the mock's state and concurrency
from .common import ROOT, Result, machine_busy_seconds, own_cpu_seconds

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
BENCHES: dict[str, Callable[..., list[Result]]] = {
    "client_overhead": client_overhead.run,
    "round_trip": round_trip.run,
    "submit_wait": submit_wait.run,
    "loopback": loopback.run,
    "regenerate": regenerate.run,
    **{m.__name__.rsplit(".", 1)[1]: m.run for m in (state_growth, mock_memory, mock_concurrency)},
}


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3f}".rstrip("0").rstrip(".")


def table(results: list[Result]) -> str:
    rows = [("benchmark", "value", "target", "", "note")]
    for r in results:
        value = f"{_number(r.value)} {r.unit}".strip()
        verdict = {True: "ok", False: "MISSED", None: ""}[r.ok]
        rows.append((r.name, value, r.target, verdict, r.note))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for i, row in enumerate(rows):
        cells = [row[0].ljust(widths[0]), row[1].rjust(widths[1]), row[2].ljust(widths[2])]
        lines.append("  ".join([*cells, row[3].ljust(widths[3]), row[4]]).rstrip())
        if i == 0:
            lines.append("-" * min(160, sum(widths) + 8 + 40))
    return "\n".join(lines)


def git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="shorter runs (not for reporting)")
    p.add_argument("--only", default="", help=f"comma-separated subset of {', '.join(BENCHES)}")
    p.add_argument("--seconds", type=float, default=10.0, help="loopback: seconds per wrk run")
    p.add_argument("--rounds", type=int, default=2, help="loopback: rounds over all servers")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    p.add_argument("--json", type=Path, default=RESULTS, help="where to write the results")
    args = p.parse_args(argv)
    chosen = [n.strip() for n in args.only.split(",") if n.strip()] or list(BENCHES)
    unknown = sorted(set(chosen) - set(BENCHES))
    if unknown:
        p.error(f"unknown benchmark(s): {', '.join(unknown)}")

    started = time.time()
    results: list[Result] = []
    timings: dict[str, float] = {}
    for name in chosen:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        t0, busy0, own0 = time.perf_counter(), machine_busy_seconds(), own_cpu_seconds()
        if name == "loopback":
            results += loopback.run(quick=args.quick, seconds=args.seconds, rounds=args.rounds)
        else:
            results += BENCHES[name](quick=args.quick)
        wall = time.perf_counter() - t0
        timings[name] = round(wall, 1)
        others = max(0.0, (machine_busy_seconds() - busy0) - (own_cpu_seconds() - own0)) / wall
        results.append(
            Result(
                name,
                f"  machine: other processes' load during {name}",
                round(others, 2),
                "cores",
                note=f"of {os.cpu_count()}; the numbers above drift when this is high",
            )
        )

    print()
    print(table(results))
    missed = [r for r in results if r.ok is False]
    print()
    print(f"{len(missed)} target(s) missed" if missed else "every target met")

    report = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "commit": git_commit(),
        "quick": args.quick,
        "machine": {"platform": platform.platform(), "python": sys.version.split()[0]},
        "seconds_per_benchmark": timings,
        "results": [r.as_dict() for r in results],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    shown = args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json
    print(f"results written to {shown}")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
