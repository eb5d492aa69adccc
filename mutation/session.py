"""The worker of ``make mutants``: one pytest session that collects the suite once, then runs
mutant after mutant, each in a child forked from it (``-p mutation.session``, never for CI).

Starting pytest costs about a quarter of a second (its plugins, its options, collecting the
files named); run once per mutant, as mutmut does, that alone is half an hour for the
runtime's 13,000 mutants on two cores. Here the suite is collected once per worker, and a
mutant costs a fork and its own tests. The child sets ``MUTANT_UNDER_TEST`` (mutmut's
trampolines read it on every call, so the mutated function runs), runs the mutant's tests in
the order given and stops at the first failure; the parent waits for it and writes the
verdict. Workers share one plan and take its mutants in turn (an empty claim file per
mutant), so two workers never run the same one.

The environment says what to do: ``MUTATION_PLAN`` (a JSON list of ``[name, digest, time
limit in seconds of CPU time, [test ids], number of tests the budget left out, and optionally a
limit in seconds of wall-clock time]``), ``MUTATION_CLAIMS`` (a
folder) and ``MUTATION_RESULTS`` (a JSON-lines file each verdict is appended to, ``[name,
digest, exit code, seconds it took, the test that failed or ""]``). Without them the plugin
does nothing.

A mutant's tests run in the plan's order (fastest first), except that the tests that killed
other mutants of its function, in this run or an earlier one, go first (``Killers``): most
mutants die to a test that killed a sibling, in a tenth of a second, where the plan's order
may run seconds of other tests before it.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import resource
import shutil
import signal
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from _pytest.runner import runtestprotocol

from mutation import narrow

# The codes mutmut uses, so that a verdict reads the same whichever ran it.
SURVIVED, KILLED, CRASHED, NO_TESTS, TIMEOUT = 0, 1, 2, 33, 36
PR_SET_CHILD_SUBREAPER = 36  # prctl(2)
SURVIVED_BUDGET = 40  # survived the tests its budget held; others that ran its lines did not run


def pytest_collection_finish(session: pytest.Session) -> None:
    if os.environ.get("MUTATION_PLAN"):
        # The collected suite is shared, unchanged, by every child: kept out of the
        # collector, so no child walks (and so copies) it.
        gc.collect()
        gc.freeze()


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> bool | None:
    if not (plan_file := os.environ.get("MUTATION_PLAN")):
        return None
    plan = json.loads(Path(plan_file).read_text("utf-8"))
    claims = Path(os.environ["MUTATION_CLAIMS"])
    items = {item.nodeid: item for item in session.items}
    factory = session.config._tmp_path_factory  # type: ignore[attr-defined]
    killers = Killers(Path(os.environ["MUTATION_RESULTS"]))
    _adopt_orphans()
    with open(os.environ["MUTATION_RESULTS"], "a", encoding="utf-8") as results:
        for index, (name, digest, limit, tests, *rest) in enumerate(plan):
            if not _claim(claims / str(index)):
                continue
            ordered = narrow.killers_first(tests, killers.of(name))
            chosen = [items[test] for test in ordered if test in items]
            left_out = rest[0] if rest else 0
            wall = rest[1] if len(rest) > 1 else limit * 5 + 60
            started = time.monotonic()
            code, killer = NO_TESTS, ""
            if chosen:
                code, killer = _in_child(name, chosen, (limit, wall), factory)
            if code == SURVIVED and left_out:
                code = SURVIVED_BUDGET
            took = round(time.monotonic() - started, 3)
            results.write(json.dumps([name, digest, code, took, killer]) + "\n")
            results.flush()
    return True


class Killers:
    """The tests that killed mutants of each function so far, in this worker or another (read
    from the shared results file as it grows): a test that killed one mutant of a function is
    the likeliest to kill the next, so it runs first."""

    def __init__(self, results: Path) -> None:
        self.results, self.offset = results, 0
        self.by_function: dict[str, list[str]] = {}

    def of(self, name: str) -> list[str]:
        self._read()
        return self.by_function.get(narrow.function_of(name), [])

    def _read(self) -> None:
        if not self.results.is_file():
            return
        with self.results.open("rb") as file:
            file.seek(self.offset)
            for line in file:
                if not line.endswith(b"\n"):
                    break  # another worker is writing it
                self.offset += len(line)
                with contextlib.suppress(ValueError):
                    name, _, _, *rest = json.loads(line)
                    if len(rest) > 1 and rest[1]:
                        self.remember(name, rest[1])

    def remember(self, name: str, test: str) -> None:
        known = self.by_function.setdefault(narrow.function_of(name), [])
        if test not in known:
            known.append(test)


def _adopt_orphans() -> None:
    """Make this worker the parent of every process its children leave behind (Linux's
    "child subreaper"), where they would otherwise go to init: a served mock started in a
    session of its own (``ServedProcess``) is out of the child's process group, and would
    outlive a child stopped at its time limit."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _end_orphans() -> None:
    """Kill and reap every process this worker adopted (between mutants it has no child of
    its own)."""
    me, adopted = str(os.getpid()), []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, IndexError):
            if (
                entry.name.isdigit()
                and (entry / "stat").read_text().split(") ")[-1].split()[1] == me
            ):
                os.kill(int(entry.name), signal.SIGKILL)
                adopted.append(int(entry.name))
    for pid in adopted:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _claim(path: Path) -> bool:
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def _in_child(
    name: str, items: list[pytest.Item], limits: tuple[int, int], factory: Any
) -> tuple[int, str]:
    """The mutant's exit code and the test that failed (``""`` when none did): its tests run
    in a forked child, stopped when it has used ``limits[0]`` seconds of CPU time or lived
    ``limits[1]`` seconds (a timeout, which mutmut too counts as a kill: the mutant made a
    test loop or hang). CPU time, not the clock, is what a loop is told by: a busy machine
    slows a test's clock, not the CPU it needs, and a slow survivor must never pass for a
    kill. The child's ``tmp_path`` folders are its own, removed as it ends; it names the test
    that failed through a pipe."""
    scratch = Path(tempfile.mkdtemp(prefix="mutant-"))
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the parent's session
        code = CRASHED
        try:
            os.close(reading)
            os.setpgid(0, 0)  # the servers its tests start go with it
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.dup2(quiet, 2)
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.signal(signal.SIGXCPU, signal.SIG_DFL)
            resource.setrlimit(resource.RLIMIT_CPU, (limits[0], limits[0] + 5))
            signal.alarm(limits[1])
            factory._basetemp = scratch
            os.environ["MUTANT_UNDER_TEST"] = name
            failed = _failing(items)
            os.write(writing, failed.encode())
            code = KILLED if failed else SURVIVED
        finally:
            os._exit(code)
    os.close(writing)
    _, status = os.waitpid(pid, 0)
    with os.fdopen(reading, "rb") as pipe:
        killer = pipe.read().decode(errors="replace")
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)  # what its tests started and left, once it is over
    _end_orphans()
    shutil.rmtree(scratch, ignore_errors=True)  # a child killed at its time limit cannot
    if os.WIFSIGNALED(status):
        signal_number = os.WTERMSIG(status)
        timed_out = signal_number in (signal.SIGALRM, signal.SIGXCPU)
        return (TIMEOUT if timed_out else -signal_number), ""
    return os.WEXITSTATUS(status), killer


def _failing(items: list[pytest.Item]) -> str:
    """The node id of the first test that fails (in its set-up, call or tear-down), stopping
    there; ``""`` when they all pass."""
    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        if any(report.failed for report in runtestprotocol(item, log=False, nextitem=following)):
            with contextlib.suppress(Exception):  # its fixtures' servers and files, stopped
                item.session._setupstate.teardown_exact(None)
            return item.nodeid
    return ""
