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
digest, exit code]``). Without them the plugin does nothing.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import resource
import shutil
import signal
import tempfile
from pathlib import Path
from typing import Any

import pytest
from _pytest.runner import runtestprotocol

# The codes mutmut uses, so that a verdict reads the same whichever ran it.
SURVIVED, KILLED, CRASHED, NO_TESTS, TIMEOUT = 0, 1, 2, 33, 36
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
    with open(os.environ["MUTATION_RESULTS"], "a", encoding="utf-8") as results:
        for index, (name, digest, limit, tests, *rest) in enumerate(plan):
            if not _claim(claims / str(index)):
                continue
            chosen = [items[test] for test in tests if test in items]
            left_out = rest[0] if rest else 0
            wall = rest[1] if len(rest) > 1 else limit * 5 + 60
            code = _in_child(name, chosen, (limit, wall), factory) if chosen else NO_TESTS
            if code == SURVIVED and left_out:
                code = SURVIVED_BUDGET
            results.write(json.dumps([name, digest, code]) + "\n")
            results.flush()
    return True


def _claim(path: Path) -> bool:
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def _in_child(name: str, items: list[pytest.Item], limits: tuple[int, int], factory: Any) -> int:
    """The mutant's exit code: its tests run in a forked child, stopped when it has used
    ``limits[0]`` seconds of CPU time or lived ``limits[1]`` seconds (a timeout, which mutmut
    too counts as a kill: the mutant made a test loop or hang). CPU time, not the clock, is
    what a loop is told by: a busy machine slows a test's clock, not the CPU it needs, and a
    slow survivor must never pass for a kill. The child's ``tmp_path`` folders are its own,
    removed as it ends."""
    scratch = Path(tempfile.mkdtemp(prefix="mutant-"))
    pid = os.fork()
    if pid == 0:  # the child: never returns into the parent's session
        code = CRASHED
        try:
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
            code = KILLED if _fails(items) else SURVIVED
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)  # what its tests started and left, once it is over
    shutil.rmtree(scratch, ignore_errors=True)  # a child killed at its time limit cannot
    if os.WIFSIGNALED(status):
        signal_number = os.WTERMSIG(status)
        timed_out = signal_number in (signal.SIGALRM, signal.SIGXCPU)
        return TIMEOUT if timed_out else -signal_number
    return os.WEXITSTATUS(status)


def _fails(items: list[pytest.Item]) -> bool:
    """Whether one of the tests fails (in its set-up, call or tear-down), stopping there."""
    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        if any(report.failed for report in runtestprotocol(item, log=False, nextitem=following)):
            with contextlib.suppress(Exception):  # its fixtures' servers and files, stopped
                item.session._setupstate.teardown_exact(None)
            return True
    return False
