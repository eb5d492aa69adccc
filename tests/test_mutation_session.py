"""``make mutants``' worker (``mutation/session.py``): two pytest sessions share one plan, and
each mutant runs once, in a child, with the verdict its tests give.

The toy module below plays mutmut's trampoline: it reads ``MUTANT_UNDER_TEST`` on each call.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from mutation import session

ROOT = Path(__file__).resolve().parents[1]

TOY = """\
import os


def double(x):
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if mutant.endswith("wrong"):
        return x * 3
    if mutant.endswith("same"):
        return x + x
    if mutant.endswith("hangs"):
        while True:
            pass
    if mutant.endswith("waits"):
        import time
        time.sleep(600)
    if mutant.endswith("raises"):
        raise RuntimeError("set-up broken")
    return x * 2
"""

TESTS = """\
import pytest

from toy import double


@pytest.fixture
def two():
    return double(1)


def test_small():
    assert double(2) == 4


def test_from_fixture(two):
    assert two == 2


def test_in_a_folder(tmp_path):
    (tmp_path / "made").write_text("x")
    assert double(1) == 2


@pytest.fixture
def server():
    import subprocess, sys
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    open("server-pid", "w").write(str(process.pid))
    yield process
    process.kill()
    process.wait()


def test_with_a_server(server):
    assert double(2) == 4


@pytest.fixture
def detached():
    import subprocess, sys
    command = [sys.executable, "-c", "import time; time.sleep(600)"]
    process = subprocess.Popen(command, start_new_session=True)  # out of the child's group
    open("detached-pid", "w").write(str(process.pid))
    yield process
    process.kill()
    process.wait()


def test_with_a_detached_server(detached):
    while __import__("os").environ.get("MUTANT_UNDER_TEST", "").endswith("detached"):
        pass  # stopped at its time limit, with no tear-down to end the server


def test_never_reached_after_a_failure():
    open("reached-" + __import__("os").environ.get("MUTANT_UNDER_TEST", ""), "w").close()
"""


def test_two_workers_run_each_mutant_once_with_its_verdict(tmp_path: Path) -> None:
    (tmp_path / "toy.py").write_text(TOY)
    (tmp_path / "test_toy.py").write_text(TESTS)
    small, fixture = "test_toy.py::test_small", "test_toy.py::test_from_fixture"
    last = "test_toy.py::test_never_reached_after_a_failure"
    plan = [
        ["toy.x_double__mutmut_wrong", "d1", 30, [small, last]],
        ["toy.x_double__mutmut_same", "d2", 30, [small, fixture, "test_toy.py::test_in_a_folder"]],
        ["toy.x_double__mutmut_budget_same", "d7", 30, [small], 2],
        ["toy.x_double__mutmut_server_wrong", "d8", 30, ["test_toy.py::test_with_a_server"]],
        ["toy.x_double__mutmut_detached", "d10", 1, ["test_toy.py::test_with_a_detached_server"]],
        ["toy.x_double__mutmut_hangs", "d3", 1, [small]],  # 1 s of CPU
        ["toy.x_double__mutmut_waits", "d9", 30, [small], 0, 2],  # 2 s of clock, no CPU
        ["toy.x_double__mutmut_raises", "d4", 30, [fixture, last]],
        ["toy.x_double__mutmut_untested", "d5", 30, []],
        ["toy.x_double__mutmut_gone", "d6", 30, ["test_toy.py::test_renamed"]],
    ]
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    (tmp_path / "claims").mkdir()
    env = {
        **os.environ,
        "MUTATION_PLAN": str(tmp_path / "plan.json"),
        "MUTATION_CLAIMS": str(tmp_path / "claims"),
        "MUTATION_RESULTS": str(tmp_path / "results.jsonl"),
        "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}",
        "TMPDIR": str(tmp_path / "tmp"),
    }
    (tmp_path / "tmp").mkdir()
    env.pop("MUTANT_UNDER_TEST", None)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir=."]
    command += ["-p", "mutation.session", "test_toy.py"]
    workers = [subprocess.Popen(command, cwd=tmp_path, env=env) for _ in range(2)]

    assert [worker.wait(timeout=120) for worker in workers] == [0, 0]

    lines = (tmp_path / "results.jsonl").read_text().splitlines()
    verdicts = {
        name.partition("mutmut_")[2]: (digest, code, killer)
        for name, digest, code, _, killer in map(json.loads, lines)
    }
    server = "test_toy.py::test_with_a_server"
    assert len(lines) == len(plan)
    assert verdicts == {
        "wrong": ("d1", session.KILLED, small),
        "same": ("d2", session.SURVIVED, ""),
        "budget_same": ("d7", session.SURVIVED_BUDGET, ""),  # two tests were left out
        "server_wrong": ("d8", session.KILLED, server),
        "hangs": ("d3", session.TIMEOUT, ""),
        "waits": ("d9", session.TIMEOUT, ""),
        "raises": ("d4", session.KILLED, fixture),  # a fixture that raises fails the set-up
        "untested": ("d5", session.NO_TESTS, ""),
        "gone": ("d6", session.NO_TESTS, ""),
        "detached": ("d10", session.TIMEOUT, ""),
    }
    assert all(took >= 0 for *_, took, _ in map(json.loads, lines))
    assert sorted(p.name for p in tmp_path.glob("reached-*")) == []  # stopped at the failure
    assert sorted(p.name for p in (tmp_path / "claims").iterdir()) == [str(n) for n in range(10)]
    assert list((tmp_path / "tmp").iterdir()) == []  # each child's folders went with it
    # the servers its failed test left running were stopped with the child (gone, or a
    # zombie), even one in a session of its own
    for left in ("server-pid", "detached-pid"):
        server = Path(f"/proc/{(tmp_path / left).read_text()}/stat")
        assert not server.exists() or server.read_text().split(") ")[1][0] == "Z", left


def test_without_a_plan_the_plugin_leaves_the_session_alone(tmp_path: Path) -> None:
    (tmp_path / "toy.py").write_text(TOY)
    (tmp_path / "test_toy.py").write_text(TESTS)
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    for name in ("MUTATION_PLAN", "MUTANT_UNDER_TEST"):
        env.pop(name, None)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir=."]
    command += ["-p", "mutation.session", "test_toy.py"]

    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)

    assert done.returncode == 0, done.stdout
    assert "6 passed" in done.stdout
    assert [p.name for p in tmp_path.glob("reached-*")] == ["reached-"]


def test_the_tests_that_killed_a_functions_mutants_are_known_as_the_results_grow(
    tmp_path: Path,
) -> None:
    results = tmp_path / "results.jsonl"
    killers = session.Killers(results)
    assert killers.of("toy.x_double__mutmut_1") == []  # no results file yet
    rows = [
        ["toy.x_double__mutmut_1", "d", 1, 0.1, "t.py::a"],
        ["toy.x_double__mutmut_2", "d", 0, 9.0, ""],  # a survivor names no test
        ["toy.x_half__mutmut_1", "d", 1, 0.1, "t.py::c"],
        ["toy.x_double__mutmut_3", "d", 1, 0.1, "t.py::b"],
        ["toy.x_double__mutmut_4", "d", 1, 0.1, "t.py::a"],
    ]
    results.write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert killers.of("toy.x_double__mutmut_5") == ["t.py::a", "t.py::b"]

    with results.open("a") as file:  # a line still being written is read once it is whole
        file.write(json.dumps(["toy.x_double__mutmut_5", "d", 1, 0.1, "t.py::e"]))
        assert killers.of("toy.x_double__mutmut_6") == ["t.py::a", "t.py::b"]
        file.write("\n")
    assert killers.of("toy.x_double__mutmut_6") == ["t.py::a", "t.py::b", "t.py::e"]
    assert killers.of("toy.x_half__mutmut_2") == ["t.py::c"]
