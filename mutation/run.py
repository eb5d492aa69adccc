"""Mutation testing of generator/runtime/ with mutmut: ``make mutants`` (a tool for people, not CI).

    python -m mutation.run                      # every runtime module
    python -m mutation.run tasks mock/store     # only these (paths under generator/runtime/)
    python -m mutation.run --fresh tasks        # forget earlier verdicts first
    python -m mutation.run --report             # the last run's figures again, without running

The project is copied into ``.mutation/`` (so a run never touches the work tree), mutmut
mutates the chosen modules there and runs, for each mutant, only the tests chosen by
coverage: a first coverage run records which test ran which line of the runtime
(``mutation/lines.py``, ``lines.json``, made again only when the runtime or the tests
changed), and a mutant gets those of its function's tests that ran its mutated lines
(``mutation/narrow.py``), fastest first, stopping at the first failure
(``mutation/plugin.py``). Slow tests that gain nothing here are left out (``SLOW``): they start
subprocesses, which import the unmutated code, or they fuzz for seconds.

``.mutation/`` is kept between runs. A later run tests again only what changed: mutants of
functions whose code changed, mutants not yet tested, and every survivor (the tests may have
changed since); a killed mutant's verdict stands while its function is unchanged. New tests are
timed and mapped to functions on the way. ``--fresh`` starts from nothing, as the figures in a
closing note should.

At the end it prints, per module, the share of mutants killed, and every survivor not
explained in ``mutation/equivalent.md`` with its diff. A survivor is either killed by a new
test or explained there (why it is equivalent or harmless).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from fnmatch import fnmatch
from pathlib import Path

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
          37: "caught by type check", 0: "survived", 5: "no tests", 33: "no tests",
          None: "not checked"}  # fmt: skip
KILLED = {"killed", "timeout", "caught by type check"}
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

    Earlier verdicts are kept unless ``fresh`` or ``tests_from``: the copy keeps each file's
    time stamp, which is how mutmut tells a changed source file from one it has mutated."""
    if fresh or tests_from:
        shutil.rmtree(WORK, ignore_errors=True)
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
        if not mutated.with_name(mutated.name + ".meta").is_file():
            mutated.unlink(missing_ok=True)
    deselect = "\n".join(
        f"    --{'deselect' if '::' in path else 'ignore'}={path}" for path in SLOW
    )
    only = "\n".join(f"    {path}" for path in files)
    (WORK / "setup.cfg").write_text(
        "[mutmut]\n"
        # A mutant's time limit is (its tests' recorded time + constant) x multiplier; the
        # recorded time leaves out pytest's start-up and collection, which on a busy machine
        # took longer than mutmut's default limit, so slow survivors were counted as killed.
        "timeout_multiplier = 3.0\n"
        "timeout_constant = 30.0\n"
        "source_paths = generator/\n"
        # Each mutant's tests in a process forked from one that has only imported them: forked
        # from mutmut's own, which has run the whole suite, a test could wait forever on a
        # lock some server thread held at the fork, and a survivor would be a "timeout".
        "process_isolation = forkserver\n"
        f"only_mutate =\n{only}\n"
        "also_copy =\n    generated/\n    specs/\n    templates/\n    mutation/\n"
        "pytest_add_cli_args =\n    -p\n    no:cacheprovider\n    -p\n    mutation.plugin\n"
        f"pytest_add_cli_args_test_selection =\n    tests/\n    generated/\n{deselect}\n",
        encoding="utf-8",
    )


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
    stamp.write_text(key, encoding="utf-8")


def covered_lines(folder: Path) -> dict[str, dict[str, list[str]]]:
    """Each runtime file's lines (as strings, for JSON) with the tests that ran them."""
    import coverage

    found: dict[str, dict[str, list[str]]] = {}
    for part in folder.glob("cov.*"):
        data = coverage.CoverageData(basename=str(part))
        data.read()
        for measured in data.measured_files():
            lines = found.setdefault(str(Path(measured).relative_to(WORK.resolve())), {})
            for line, tests in data.contexts_by_lineno(measured).items():
                lines.setdefault(str(line), []).extend(test for test in tests if test)
    return found


def status(code: int | None) -> str:
    return STATUS.get(code, f"crashed (exit {code})")


def retry_survivors() -> int:
    """Clear every verdict but a kill or an explained survivor, so those mutants run again
    against today's tests; the number cleared. (mutmut itself clears the verdicts of a
    function whose code changed.)"""
    cleared = 0
    reasons = explained()
    for meta in (WORK / "mutants").rglob("*.meta"):
        data = json.loads(meta.read_text("utf-8"))
        codes = data.get("exit_code_by_key", {})
        stale = [
            n
            for n, code in codes.items()
            if code is not None
            and status(code) not in KILLED
            and not (status(code) == "survived" and is_explained(n, reasons))
        ]
        for name in stale:
            codes[name] = None
        if stale:
            meta.write_text(json.dumps(data, indent=4), encoding="utf-8")
            cleared += len(stale)
    return cleared


def run(max_children: int) -> None:
    """``mutmut run``, its spinner kept out of the terminal: the whole output goes to
    ``.mutation/run.log``, and its last progress line is shown when the run ends."""
    log = WORK / "run.log"
    with log.open("w", encoding="utf-8") as out:
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        print(f"mutmut is running in {WORK} (output in {log.relative_to(ROOT)})", flush=True)
        code = subprocess.run(
            [sys.executable, "-m", "mutation.narrow", "run", "--max-children", str(max_children)],
            cwd=WORK,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        ).returncode
    text = log.read_text("utf-8", errors="replace").replace("\r", "\n")
    lines = [line for line in text.splitlines() if line.strip()]
    progress = [line for line in lines if "🎉" in line]
    print(progress[-1].strip() if progress else "", flush=True)
    if code != 0:
        print("\n".join(lines[-40:]))
        raise SystemExit(f"mutmut failed (exit {code}): see {log}")


def results(files: list[str]) -> dict[str, str]:
    """Every mutant of ``files`` with its status, from mutmut's records."""
    found = {}
    for file in files:
        meta = WORK / "mutants" / (file + ".meta")
        if meta.is_file():
            codes = json.loads(meta.read_text("utf-8")).get("exit_code_by_key", {})
            found.update({name: status(code) for name, code in codes.items()})
    return found


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
        "    out[name] = get_diff_for_mutant(name, path=find_mutant(name).path)\n"
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
        return json.loads(found.stdout.strip().splitlines()[-1])
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
        "--tests-from", default="", help="a git revision whose tests/ to use (a 'before' figure)"
    )
    args = parser.parse_args(argv)
    if not args.report:
        prepare(modules(args.modules), args.tests_from, args.fresh)
        if (cleared := retry_survivors()) and not args.fresh:
            print(f"{cleared} mutant(s) not killed last time are tested again")
        line_map(args.max_children)
        run(args.max_children)
    if not (WORK / "mutants").is_dir():
        raise SystemExit("no mutation run to report: run `make mutants` first")
    return report(results(modules(args.modules)), show_diffs=not args.no_diffs)


if __name__ == "__main__":
    sys.exit(main())
