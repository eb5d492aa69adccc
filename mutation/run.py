"""Mutation testing of generator/runtime/ with mutmut: ``make mutants`` (a tool for people, not CI).

    python -m mutation.run                      # every runtime module
    python -m mutation.run tasks mock/store     # only these (paths under generator/runtime/)
    python -m mutation.run --fresh tasks        # forget earlier verdicts first
    python -m mutation.run --report             # the last run's figures again, without running
    python -m mutation.run --survivors          # only the survivors, after tests were added

The project is copied into ``.mutation/`` (so a run never touches the work tree) and:

1. mutmut makes the mutants of the chosen modules there (``mutation/generate.py``): each
   function of the runtime gets mutated copies beside it and a trampoline that calls the one
   ``MUTANT_UNDER_TEST`` names;
2. a run of the suite under coverage records which test ran which line of the runtime, and
   how long each test took (``mutation/lines.py``; ``lines.json``, made again only when the
   runtime, the tests or the generated code changed);
3. each mutant gets the tests that ran the lines it changes (``mutation/narrow.py``: tests
   chosen by coverage), fastest first;
4. two pytest sessions collect those tests once each and run mutant after mutant, each in a
   forked child that stops at the first failing test (``mutation/session.py``).

Slow tests that gain nothing here are left out (``SLOW``): they start subprocesses, which
import the unmutated code, or they fuzz for seconds.

``.mutation/`` is kept between runs, with every verdict (``verdicts.json``) and what it is
about (the mutant's text and its function's). A later run tests again only what is new or
open: mutants of functions whose code changed, mutants not yet tested, and every survivor not
explained (the tests may have changed since); a kill stands while its function is unchanged.
A run that is stopped keeps the verdicts it reached. ``--fresh`` starts from nothing, as the
figures in a closing note should.

At the end it prints, per module, the share of mutants killed, and every survivor not
explained in ``mutation/equivalent.md`` with its diff. A survivor is either killed by a new
test or explained there (why it is equivalent or harmless).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from mutation import narrow
from mutation.session import NO_TESTS

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / os.environ.get("MUTATION_WORK", ".mutation")  # several runs side by side
RUNTIME = "generator/runtime"
EXPLAINED = ROOT / "mutation" / "equivalent.md"
COPIED = ("generator", "generated", "specs", "templates", "tests", "mutation", "pyproject.toml")
# Tests that start subprocesses (they would import the unmutated code, or a copy of the mutated
# one that fails outside mutmut's folder) or run for seconds; a test id leaves out one test.
SLOW = (
    "tests/test_schemathesis.py",
    "tests/test_load.py",
    "tests/test_regeneration.py",
    "tests/test_pipeline.py",
    "tests/test_pytest_plugin.py",
    "tests/test_readme.py",
    "tests/test_readme_cli.py",
    "tests/test_served_mock.py",
    "tests/test_hdrepaint_sample.py",
    "tests/test_new_vendor.py",
    "tests/test_mutation_session.py",
    "tests/test_typing.py",
    # schemathesis stops its ASGI portal when the process exits: in a forked mutant's child
    # that portal's thread is gone, so the child hangs until its time limit (a false "killed")
    "tests/test_vocabulary_schemathesis.py",
    "tests/test_spec_gaps.py::test_prisms_validating_proxy_passes_the_vendors_urlencoded_poll",
)
# A mutant's verdict from mutmut's exit code. mutmut itself calls a child that raised (255, for
# instance when pytest finds no test by an id it was given) a "timeout", and a SIGKILL a
# "segfault"; here every code but a failing test, a time limit or the type checker is a crash,
# looked at and run again, never counted as a kill.
STATUS = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout",
          37: "caught by type check", 0: "survived", 40: "survived its budget", 5: "no tests",
          33: "no tests", None: "not checked"}  # fmt: skip
KILLED = {"killed", "timeout", "caught by type check"}
# The test that killed each mutant, kept by ``--fresh`` too: not a verdict, only the order in
# which a mutant's tests are tried (a function's known killers first).
VERDICTS, RESULTS, KILLERS = "verdicts.json", "results.jsonl", "killers.json"
# Seconds of recorded test time for a mutant explained in equivalent.md. Those survivors run
# every test they get: with the whole budget they took 60% of the workers' time in a fresh run.
EXPLAINED_BUDGET = 1.0
MUTANT = re.compile(r"^(?P<module>[\w.]+?)\.x[_ǁ]")


def modules(names: list[str]) -> list[str]:
    """The runtime files to mutate: those named (``tasks``, ``mock/store``), else all."""
    base = ROOT / RUNTIME
    if not names:
        return sorted(str(p.relative_to(ROOT)) for p in base.rglob("*.py"))
    found = []
    for name in names:
        path = base / (name.removesuffix(".py") + ".py")
        if not path.is_file():
            raise SystemExit(f"no runtime module {name!r} ({path} is missing)")
        found.append(str(path.relative_to(ROOT)))
    return found


def prepare(files: list[str], tests_from: str = "", fresh: bool = False) -> None:
    """The project copied into ``.mutation/`` with mutmut's settings for ``files``; with
    ``tests_from`` (a git revision), its tests/ instead of today's (a "before" figure).

    Earlier verdicts are kept unless ``fresh`` or ``tests_from`` (the tests that killed
    mutants before are always kept: they only order the tests); the copy keeps each file's
    time stamp, which is how mutmut tells a changed source file from one it has mutated."""
    if fresh or tests_from:
        killers = _read_json(WORK / KILLERS)
        shutil.rmtree(WORK, ignore_errors=True)
        WORK.mkdir()
        (WORK / KILLERS).write_text(json.dumps(killers), encoding="utf-8")
    WORK.mkdir(exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
    for name in COPIED:
        source, target = ROOT / name, WORK / name
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=ignore)
        else:
            shutil.copy2(source, target)
    if tests_from:
        shutil.rmtree(WORK / "tests")
        archive = subprocess.run(
            ["git", "archive", tests_from, "tests"], cwd=ROOT, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(WORK)], input=archive.stdout, check=True)
    for file in files:  # copied unmutated by an earlier run of other modules: mutate it now
        mutated = WORK / "mutants" / file
        meta = mutated.with_name(mutated.name + ".meta")
        if not meta.is_file() or not _holds_its_mutants(mutated, meta):
            mutated.unlink(missing_ok=True)
            meta.unlink(missing_ok=True)
    only = "\n".join(f"    {path}" for path in files)
    (WORK / "setup.cfg").write_text(  # mutmut's settings, for making the mutants
        "[mutmut]\n"
        "source_paths = generator/\n"
        f"only_mutate =\n{only}\n"
        "also_copy =\n    generated/\n    specs/\n    templates/\n    mutation/\n",
        encoding="utf-8",
    )


def _holds_its_mutants(mutated: Path, meta: Path) -> bool:
    """Whether mutmut's copy of a module still holds the mutants its ``.meta`` lists: a run of
    other modules copies every module it does not mutate over its mutated copy, plain, and
    leaves the ``.meta``; mutmut, finding that copy newer than the source, would keep it, and
    every mutant would then "survive" (nothing switches it on)."""
    listed = json.loads(meta.read_text("utf-8")).get("exit_code_by_key", {})
    return not listed or "_mutmut_mutated" in mutated.read_text("utf-8")


def tests_selected() -> list[str]:
    """The test files mutmut runs (``SLOW`` ones left out), each a path under the copy."""
    skipped = {path for path in SLOW if "::" not in path}
    files = sorted(WORK.glob("tests/**/test_*.py")) + sorted(WORK.glob("generated/**/test_*.py"))
    return [p for p in (str(f.relative_to(WORK)) for f in files) if p not in skipped]


def fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(WORK)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def line_map(workers: int) -> None:
    """``lines.json`` in the copy: for each runtime file, each line's tests (node ids), from
    one run of the chosen tests under coverage, split over ``workers`` processes. Kept while
    the runtime, the tests and the generated code are what they were."""
    target, stamp = WORK / "lines.json", WORK / "lines.fingerprint"
    watched = [
        p for part in ("generator", "tests", "generated") for p in (WORK / part).rglob("*.py")
    ]
    key = fingerprint(watched)
    if target.is_file() and stamp.is_file() and stamp.read_text() == key:
        return
    files = tests_selected()
    data = WORK / ".lines"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir()
    deselect = [f"--deselect={path}" for path in SLOW if "::" in path]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "MUTATION_LINES": str(data / "cov")}
    print(f"recording which test runs which line ({len(files)} test files)", flush=True)
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"]
    command += ["-p", "mutation.lines", *deselect]
    logs = [(WORK / f"lines-{n}.log").open("w", encoding="utf-8") for n in range(workers)]
    runs = [
        subprocess.Popen(
            [*command, *files[n::workers]], cwd=WORK, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        for n, log in enumerate(logs)
    ]
    codes = [process.wait() for process in runs]
    for log in logs:
        log.close()
    if any(codes):
        raise SystemExit(f"the tests fail on the unmutated code: see {WORK}/lines-*.log")
    target.write_text(json.dumps(covered_lines(data)), encoding="utf-8")
    durations: dict[str, float] = {}
    for part in data.glob("cov.durations.*.json"):
        durations.update(json.loads(part.read_text("utf-8")))
    (WORK / "durations.json").write_text(json.dumps(durations), encoding="utf-8")
    stamp.write_text(key, encoding="utf-8")


def covered_lines(folder: Path) -> dict[str, dict[str, list[str]]]:
    """Each runtime file's lines (as strings, for JSON) with the tests that ran them."""
    import coverage

    found: dict[str, dict[str, list[str]]] = {}
    for part in folder.glob("cov.*"):
        if part.suffix == ".json":
            continue
        data = coverage.CoverageData(basename=str(part))
        data.read()
        for measured in data.measured_files():
            lines = found.setdefault(str(Path(measured).relative_to(WORK.resolve())), {})
            for line, tests in data.contexts_by_lineno(measured).items():
                lines.setdefault(str(line), []).extend(test for test in tests if test)
    return found


def status(code: int | None) -> str:
    return STATUS.get(code, f"crashed (exit {code})")


def generate(processes: int) -> None:
    """mutmut's mutants of the chosen files, in ``.mutation/mutants/``."""
    with (WORK / "generate.log").open("w", encoding="utf-8") as log:
        code = subprocess.run(
            [sys.executable, "-m", "mutation.generate", str(processes)],
            cwd=WORK, stdout=log, stderr=subprocess.STDOUT, check=False,
        ).returncode  # fmt: skip
    if code:
        raise SystemExit(f"mutmut could not make the mutants: see {WORK / 'generate.log'}")


def verdicts(absorb: bool = False) -> dict[str, list[Any]]:
    """Every verdict so far (``[digest, exit code, seconds, the test that killed it]`` by
    mutant), those of a run still going,
    or stopped, included. With ``absorb`` (as a run starts, with no worker writing) the
    results are moved into ``verdicts.json``."""
    found: dict[str, list[Any]] = {}
    if (WORK / VERDICTS).is_file():
        found = json.loads((WORK / VERDICTS).read_text("utf-8"))
    if (WORK / RESULTS).is_file():
        for line in (WORK / RESULTS).read_text("utf-8").splitlines():
            with contextlib.suppress(ValueError):
                name, digest, code, *took = json.loads(line)
                found[name] = [digest, code, *took]
        if absorb:
            killed_by = _read_json(WORK / KILLERS)
            killed_by.update({name: v[3] for name, v in found.items() if len(v) > 3 and v[3]})
            (WORK / KILLERS).write_text(json.dumps(killed_by), encoding="utf-8")
            (WORK / VERDICTS).write_text(json.dumps(found), encoding="utf-8")
            (WORK / RESULTS).unlink()
    return found


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8")) if path.is_file() else {}


def standing(verdict: list[Any] | None, digest: str, name: str, reasons: dict[str, str]) -> bool:
    """Whether an earlier verdict stands: a kill, or a survivor explained, of the same
    mutant of the same function. Every other verdict is tried again (the tests may have
    changed)."""
    if not verdict or verdict[0] != digest:
        return False
    found = status(verdict[1])
    return found in KILLED or (found.startswith("survived") and is_explained(name, reasons))


def plan(files: list[str], budget: float = 0.0, survivors_only: bool = False) -> list[list[Any]]:
    """The mutants to run, each ``[name, digest, CPU limit, tests, tests left out, clock
    limit]``, cheapest first; and ``current.json``, the digest of every mutant of ``files``
    (what the report reads). ``budget`` caps a mutant's tests, in seconds of their recorded
    time; ``survivors_only`` leaves out the mutants not tested yet (to check new tests against
    the survivors they were written for)."""
    from mutmut.mutation.data import MutantLineSpans

    def read(path: str, names: list[str]) -> list[str]:
        spans = MutantLineSpans.load(path)
        if spans is None:
            raise KeyError(path)
        return spans.read_function_sources(names)

    covering = json.loads((WORK / "lines.json").read_text("utf-8"))
    durations: dict[str, float] = json.loads((WORK / "durations.json").read_text("utf-8"))
    earlier, reasons = verdicts(absorb=True), explained()
    killers = killers_by_function(_read_json(WORK / KILLERS))
    current: dict[str, str] = {}
    todo = []
    with contextlib.chdir(WORK):
        for file in files:
            source, lines = narrow.Source(Path(file)), covering.get(file, {})
            for name in mutant_names(file):
                found = narrow.pair(name, file, read)
                current[name] = narrow.digest(*found[1:]) if found else "?"
                if standing(earlier.get(name), current[name], name, reasons):
                    continue
                if survivors_only and not _survived(earlier.get(name), current[name]):
                    continue
                tests = narrow.tests_for(source, lines, found) if found else set()
                known = tests & set(killers.get(narrow.function_of(name), ()))
                named = Path(file).stem.removesuffix("s")  # "templates": test_template_*.py
                limit = budget_for(name, budget, reasons)
                chosen = narrow.within_budget(tests - known, durations, limit, named)
                chosen = narrow.fastest_first(known, durations, named) + chosen
                cost = sum(durations.get(test, 1.0) for test in chosen)
                cpu = int(cost * 2 + 10)  # seconds of CPU; the clock's limit is five times as long
                entry = [name, current[name], cpu, chosen, len(tests) - len(chosen), cpu * 5 + 60]
                todo.append((cost, entry))
    (WORK / "current.json").write_text(json.dumps(current), encoding="utf-8")
    return [entry for _, entry in sorted(todo, key=lambda pair: (pair[0], pair[1][0]))]


def budget_for(name: str, budget: float, reasons: dict[str, str]) -> float:
    """A mutant's budget: ``EXPLAINED_BUDGET`` at most for a survivor explained in
    ``equivalent.md`` (no test can kill an equivalent mutant: its short run only checks that the
    name still means the mutant explained, whose function's known killers run too), ``budget``
    for every other one; no budget (0) is no budget for either."""
    if budget > 0 and is_explained(name, reasons):
        return min(budget, EXPLAINED_BUDGET)
    return budget


def _survived(verdict: list[Any] | None, digest: str) -> bool:
    return verdict is not None and verdict[0] == digest and status(verdict[1]).startswith("surv")


def killers_by_function(killed_by: dict[str, str]) -> dict[str, set[str]]:
    """For each function, the tests that killed its mutants (``killed_by``: the test that
    killed each mutant): a mutant's tests start with them, always run, fastest first (see
    ``mutation/session.py``)."""
    found: dict[str, set[str]] = defaultdict(set)
    for name, test in killed_by.items():
        found[narrow.function_of(name)].add(test)
    return dict(found)


def mutant_names(file: str) -> list[str]:
    meta = WORK / "mutants" / (file + ".meta")
    return list(json.loads(meta.read_text("utf-8")).get("exit_code_by_key", {}))


def execute(todo: list[list[Any]], workers: int) -> None:
    """Run the plan in ``workers`` pytest sessions (``mutation/session.py``), each collecting
    only the test files the plan names, once; progress is printed every minute."""
    if not todo:
        return
    if not any(entry[3] for entry in todo):
        # No mutant has a test to run: each is "no tests" at once. A session given no test
        # file would collect the whole tree instead, outside the project's own folder.
        with (WORK / RESULTS).open("a", encoding="utf-8") as results:
            for name, digest, *_ in todo:
                results.write(json.dumps([name, digest, NO_TESTS, 0.0, ""]) + "\n")
        return
    (WORK / "plan.json").write_text(json.dumps(todo), encoding="utf-8")
    claims = WORK / "claims"
    shutil.rmtree(claims, ignore_errors=True)
    claims.mkdir()
    files = sorted({test.split("::")[0] for entry in todo for test in entry[3]})
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "MUTATION_PLAN": str(WORK / "plan.json"),
           "MUTATION_CLAIMS": str(claims), "MUTATION_RESULTS": str(WORK / RESULTS)}  # fmt: skip
    env.pop("MUTANT_UNDER_TEST", None)
    # A failing test's report is made even though nobody reads it, and pytest's own style
    # parses the whole source file of every frame: mutmut's copies hold every mutant beside
    # its function, so that was nine tenths of a killed mutant's time. Native tracebacks
    # read only the lines shown.
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir=."]
    command += ["--tb=native"]
    command += ["-p", "mutation.session", *files]
    print(
        f"running {len(todo)} mutant(s) in {workers} worker(s), {len(files)} test files", flush=True
    )
    logs = [(WORK / f"worker-{n}.log").open("w", encoding="utf-8") for n in range(workers)]
    sessions = [
        subprocess.Popen(
            command, cwd=WORK / "mutants", env=env, stdout=log, stderr=subprocess.STDOUT
        )
        for log in logs
    ]
    try:
        _wait(sessions, len(todo))
    finally:
        for process in sessions:
            process.kill() if process.poll() is None else None
        for log in logs:
            log.close()


def _wait(sessions: list[subprocess.Popen[bytes]], total: int) -> None:
    started = report_at = time.monotonic()
    while any(process.poll() is None for process in sessions):
        time.sleep(1)
        if time.monotonic() >= report_at + 60:
            report_at = time.monotonic()
            done = _lines(WORK / RESULTS)
            print(f"  {done}/{total} after {report_at - started:.0f} s", flush=True)
    if failed := [p.returncode for p in sessions if p.returncode not in (0, 5)]:
        raise SystemExit(f"a worker failed (exit {failed[0]}): see {WORK}/worker-*.log")


def _lines(path: Path) -> int:
    return len(path.read_text("utf-8").splitlines()) if path.is_file() else 0


def results(files: list[str]) -> dict[str, str]:
    """Every mutant of ``files`` with its status: the verdict about the mutant as it is now,
    else not checked."""
    current: dict[str, str] = {}
    if (WORK / "current.json").is_file():
        current = json.loads((WORK / "current.json").read_text("utf-8"))
    found, wanted = verdicts(), set(files)
    statuses = {}
    for name, digest in current.items():
        if _file_of(name) in wanted:
            verdict = found.get(name)
            statuses[name] = status(verdict[1] if verdict and verdict[0] == digest else None)
    return statuses


def _file_of(name: str) -> str:
    match = MUTANT.match(name)
    return (match["module"].replace(".", "/") + ".py") if match else ""


def explained() -> dict[str, str]:
    """Survivors explained in ``equivalent.md``: lines ``- `<mutant>`: why``, or several names
    sharing one reason (``- `<a>`, `<b>`: why``); ``*`` in a name stands for any characters,
    for every mutant of one function."""
    if not EXPLAINED.is_file():
        return {}
    lines = re.findall(r"^- ((?:`[^`]+`(?:, )?)+):\s*(.+)$", EXPLAINED.read_text("utf-8"), re.M)
    return {name: why for names, why in lines for name in re.findall(r"`([^`]+)`", names)}


def is_explained(name: str, reasons: dict[str, str]) -> bool:
    return any(fnmatch(name, pattern) for pattern in reasons)


def report(statuses: dict[str, str], show_diffs: bool = True) -> int:
    """Print the kill share per module and the unexplained survivors; 1 when any is left.
    Mutants a stopped run has not tested yet are counted apart: the share is of those tested."""
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    survivors = []
    reasons = explained()
    for name, status in sorted(statuses.items()):
        match = MUTANT.match(name)
        module = match["module"] if match else "?"
        if status == STATUS[None]:
            by_module[module]["untested"] += 1
        elif status in KILLED:
            by_module[module]["killed"] += 1
        elif is_explained(name, reasons):
            by_module[module]["explained"] += 1
        else:
            by_module[module]["survived"] += 1
            survivors.append((name, status))
    print(f"\n{'module':42} {'mutants':>7} {'untested':>8} {'killed':>7} {'explained':>9} "
          f"{'share':>7}")  # fmt: skip
    total: Counter[str] = Counter()
    for module, counts in sorted(by_module.items()):
        total.update(counts)
        print(_row(module, counts))
    print(_row("all", total))
    if survivors:
        print(f"\n{len(survivors)} survivor(s) neither killed nor explained in {EXPLAINED.name}:")
        for name, status in survivors:
            print(f"  {name}: {status}")
        if show_diffs:
            for name, diff in diffs([name for name, _ in survivors]).items():
                print(f"\n{name}\n    " + "\n    ".join(diff.strip().splitlines()))
    return 1 if survivors else 0


def diffs(names: list[str]) -> dict[str, str]:
    """The diff of each mutant, from one process (``mutmut show`` costs a start-up each)."""
    script = (
        "import json, sys\n"
        "from mutmut.__main__ import find_mutant, get_diff_for_mutant\n"
        "out = {}\n"
        "for name in json.load(sys.stdin):\n"
        "    try:\n"
        "        out[name] = get_diff_for_mutant(name, path=find_mutant(name).path)\n"
        "    except Exception as exc:  # a name no mutant has (any more)\n"
        "        out[name] = f'(no diff: {exc})'\n"
        "print(json.dumps(out))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script],
        cwd=WORK,
        input=json.dumps(names),
        text=True,
        capture_output=True,
        check=False,
    )
    try:
        shown: dict[str, str] = json.loads(found.stdout.strip().splitlines()[-1])
        return shown
    except (IndexError, ValueError):
        return {name: "(no diff: " + found.stderr.strip()[-200:] + ")" for name in names}


def _row(module: str, counts: Counter[str]) -> str:
    made = sum(counts.values())
    tested = made - counts["untested"]
    share = f"{counts['killed'] / tested:7.1%}" if tested else f"{'-':>7}"
    return (f"{module:42} {made:7} {counts['untested']:8} {counts['killed']:7} "
            f"{counts['explained']:9} {share}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mutants", description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="runtime modules (default: all)")
    parser.add_argument("--report", action="store_true", help="only print the last run's figures")
    parser.add_argument("--no-diffs", action="store_true", help="list survivors without diffs")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--fresh", action="store_true", help="forget the earlier runs' verdicts")
    parser.add_argument(
        "--survivors", action="store_true", help="run only the survivors of earlier runs"
    )
    parser.add_argument(
        "--budget", type=float, default=10.0,
        help="seconds of (recorded) test time a mutant gets at most (one explained in "
        "equivalent.md: 1 s); 0: every test that ran its lines (a survivor of its budget is "
        "listed as such)",
    )  # fmt: skip
    parser.add_argument(
        "--tests-from", default="", help="a git revision whose tests/ to use (a 'before' figure)"
    )
    args = parser.parse_args(argv)
    files = modules(args.modules)
    if not args.report:
        prepare(files, args.tests_from, args.fresh)
        started = time.monotonic()
        generate(args.max_children)
        line_map(args.max_children)
        todo = plan(files, args.budget, args.survivors)
        print(f"{len(todo)} mutant(s) to run ({time.monotonic() - started:.0f} s so far)")
        execute(todo, args.max_children)
        print(f"done in {time.monotonic() - started:.0f} s")
    if not (WORK / "mutants").is_dir():
        raise SystemExit("no mutation run to report: run `make mutants` first")
    return report(results(files), show_diffs=not args.no_diffs)


if __name__ == "__main__":
    sys.exit(main())
