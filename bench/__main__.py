"""`make bench`: every benchmark, one table, and the results as JSON in bench/results/.

    python -m bench                  # all of them (median of 5 rounds each; about 10 minutes)
    python -m bench --quick          # a smoke run: fewer, shorter rounds (not for reporting)
    python -m bench --only round_trip,submit_wait
    python -m bench --strict         # exit 1 when a target is missed

Every figure with a target is the median of at least five rounds, with the lowest and highest
round beside it; each ratio compares samples taken side by side in one run (both sides
interleaved in one process for the in-process benchmarks, one server after another in
alternating rounds for the loopback one). Absolute numbers drift on a shared machine; read the
ratios first. Each run is written to bench/results/<time>.json and bench/results/latest.json.
Benchmarks are listed in bench/registry.py. Profiles of the same paths: ``python -m bench.profile``.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from .common import ROOT, Options, Result, machine_busy_seconds, own_cpu_seconds
from .registry import BENCHES

RESULTS = Path(__file__).resolve().parent / "results"
MIN_ROUNDS = 5


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _spread(r: Result) -> str:
    if not r.rounds:
        return ""
    return f"{_number(r.low)}-{_number(r.high)}, n={r.rounds}"


def table(results: list[Result]) -> str:
    rows = [("benchmark", "median", "spread (min-max)", "target", "", "note")]
    for r in results:
        value = f"{_number(r.value)} {r.unit}".strip()
        verdict = {True: "met", False: "NOT MET", None: ""}[r.ok]
        rows.append((r.name, value, _spread(r), r.target, verdict, r.note))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = []
    for i, row in enumerate(rows):
        cells = [row[0].ljust(widths[0]), row[1].rjust(widths[1]), row[2].ljust(widths[2])]
        cells += [row[3].ljust(widths[3]), row[4].ljust(widths[4]), row[5]]
        lines.append("  ".join(cells).rstrip())
        if i == 0:
            lines.append("-" * min(170, sum(widths) + 10 + 40))
    return "\n".join(lines)


def run_bench(name: str, opts: Options) -> list[Result]:
    """Import the benchmark's module and run it (``run(opts)``, or the older ``run(quick=)``)."""
    run = importlib.import_module(BENCHES[name]).run
    if "opts" in inspect.signature(run).parameters:
        return list(run(opts))
    return list(run(quick=opts.quick))


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
    p.add_argument("--seconds", type=float, default=4.0, help="seconds per load run (loopback)")
    p.add_argument("--rounds", type=int, default=MIN_ROUNDS, help="rounds per figure (>= 5)")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    p.add_argument("--out", type=Path, default=RESULTS, help="folder for the JSON results")
    args = p.parse_args(argv)
    if args.rounds < MIN_ROUNDS and not args.quick:
        p.error(f"--rounds: at least {MIN_ROUNDS} (a median of fewer is not reported)")
    opts = Options(quick=args.quick, rounds=3 if args.quick else args.rounds, seconds=args.seconds)
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
        try:
            results += run_bench(name, opts)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            print(f"  {name} FAILED: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            results.append(Result(name, f"{name} FAILED", None, "", "runs", False, str(exc)))
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
        "rounds": opts.rounds,
        "seconds_per_load_run": opts.seconds,
        "machine": {"platform": platform.platform(), "python": sys.version.split()[0]},
        "seconds_per_benchmark": timings,
        "results": [r.as_dict() for r in results],
    }
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(started))
    written = args.out / f"{stamp}{'-quick' if args.quick else ''}.json"
    written.write_text(text)
    (args.out / "latest.json").write_text(text)
    shown = written.relative_to(ROOT) if written.is_relative_to(ROOT) else written
    print(f"results written to {shown} (and latest.json beside it)")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
