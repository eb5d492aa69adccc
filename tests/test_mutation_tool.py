"""``make mutants``' own logic: which verdicts a later run keeps, the order a mutant's tests run
in, and how survivors are counted against ``mutation/equivalent.md``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from mutation import plugin, run


def _meta(folder: Path, codes: dict[str, Any]) -> Path:
    path = folder / "mutants" / "generator" / "runtime" / "errors.py.meta"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"exit_code_by_key": codes, "hash_by_function_name": {}}))
    return path


def test_a_later_run_keeps_kills_and_timeouts_and_retries_every_other_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "WORK", tmp_path)
    codes = {"killed": 1, "timeout": 36, "typed": 37, "survived": 0, "no_tests": 33,
             "crashed": -11, "raised": 255, "suspicious": 35, "untested": None}  # fmt: skip
    meta = _meta(tmp_path, codes)

    assert run.retry_survivors() == 5
    kept = json.loads(meta.read_text())["exit_code_by_key"]
    assert kept == {
        "killed": 1, "timeout": 36, "typed": 37, "survived": None, "no_tests": None,
        "crashed": None, "raised": None, "suspicious": None, "untested": None,
    }  # fmt: skip
    assert run.retry_survivors() == 0


def test_a_module_copied_unmutated_by_an_earlier_run_is_mutated_when_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "project"
    for name in run.COPIED:
        (root / name).mkdir(parents=True) if "." not in name else (root / name).write_text("")
    (root / "generator" / "runtime").mkdir(exist_ok=True)
    monkeypatch.setattr(run, "ROOT", root)
    monkeypatch.setattr(run, "WORK", tmp_path / "work")
    copied = tmp_path / "work" / "mutants" / "generator" / "runtime"
    copied.mkdir(parents=True)
    (copied / "errors.py").write_text("# copied unmutated\n")
    (copied / "tasks.py").write_text("# mutated\n")
    (copied / "tasks.py.meta").write_text("{}")

    run.prepare(["generator/runtime/errors.py", "generator/runtime/tasks.py"])

    assert not (copied / "errors.py").exists()
    assert (copied / "tasks.py").read_text() == "# mutated\n"
    settings = (tmp_path / "work" / "setup.cfg").read_text()
    assert "    generator/runtime/errors.py\n    generator/runtime/tasks.py\n" in settings
    assert "mutation.plugin" in settings


def test_a_fresh_run_forgets_the_earlier_verdicts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.setattr(run, "ROOT", root)
    monkeypatch.setattr(run, "COPIED", ())
    monkeypatch.setattr(run, "WORK", tmp_path / "work")
    meta = _meta(tmp_path / "work", {"m": 1})

    run.prepare([], fresh=False)
    assert meta.exists()
    run.prepare([], fresh=True)
    assert not meta.exists()


def _item(nodeid: str) -> Any:
    return SimpleNamespace(nodeid=nodeid)


def test_a_mutants_tests_run_fastest_file_first_keeping_each_files_tests_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        plugin,
        "_durations",
        {"a.py::slow": 9.0, "a.py::fast": 0.5, "b.py::one": 0.1, "b.py::two": 3.0, "c.py::x": 1.0},
    )
    monkeypatch.setenv("MUTANT_UNDER_TEST", "generator.runtime.errors.x_f__mutmut_1")
    names = ["a.py::slow", "c.py::x", "a.py::fast", "b.py::two", "b.py::one", "a.py::unknown"]
    items = [_item(n) for n in names]

    plugin.pytest_collection_modifyitems(items)

    assert [i.nodeid for i in items] == [
        "b.py::one", "b.py::two", "a.py::fast", "a.py::slow", "a.py::unknown", "c.py::x"
    ]  # fmt: skip


def test_the_clean_runs_keep_the_suites_own_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plugin, "_durations", {"a.py::x": 5.0, "b.py::y": 0.1})
    monkeypatch.setenv("MUTANT_UNDER_TEST", "stats")
    items = [_item("a.py::x"), _item("b.py::y")]

    plugin.pytest_collection_modifyitems(items)

    assert [i.nodeid for i in items] == ["a.py::x", "b.py::y"]


def test_a_child_that_raised_is_a_crash_not_a_timeout_kill(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "WORK", tmp_path)
    _meta(tmp_path, {"a": 255, "b": 36, "c": -9, "d": 1, "e": 0})

    found = run.results(["generator/runtime/errors.py", "generator/runtime/tasks.py"])

    assert found == {"a": "crashed (exit 255)", "b": "timeout", "c": "crashed (exit -9)",
                     "d": "killed", "e": "survived"}  # fmt: skip


def test_the_report_counts_kills_explanations_and_survivors_per_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    explained = tmp_path / "equivalent.md"
    explained.write_text(
        "# notes\n- `generator.runtime.errors.x_a__mutmut_*`: same output\n"
        "- `generator.runtime.clock.x_now__mutmut_2`, `generator.runtime.clock.x_now__mutmut_3`: "
        "both the same\n"
    )
    monkeypatch.setattr(run, "EXPLAINED", explained)
    statuses = {
        "generator.runtime.errors.x_a__mutmut_1": "survived",
        "generator.runtime.errors.x_b__mutmut_1": "killed",
        "generator.runtime.errors.x_b__mutmut_2": "timeout",
        "generator.runtime.errors.x_b__mutmut_3": "segfault",
        "generator.runtime.tasks.xǁTaskǁrun__mutmut_1": "survived",
        "generator.runtime.tasks.xǁTaskǁrun__mutmut_2": "not checked",
        "generator.runtime.clock.x_now__mutmut_1": "not checked",
        "generator.runtime.clock.x_now__mutmut_2": "survived",
        "generator.runtime.clock.x_now__mutmut_3": "survived",
    }

    assert run.report(statuses, show_diffs=False) == 1

    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if "generator." in line
            and ":" not in line}  # fmt: skip
    assert rows["generator.runtime.errors"] == ["4", "0", "2", "1", "50.0%"]
    assert rows["generator.runtime.tasks"] == ["2", "1", "0", "0", "0.0%"]
    assert rows["generator.runtime.clock"] == ["3", "1", "0", "2", "0.0%"]
    listed = Counter(line.split(":")[0].strip() for line in out.splitlines() if ": " in line)
    assert set(listed) >= {
        "generator.runtime.errors.x_b__mutmut_3",
        "generator.runtime.tasks.xǁTaskǁrun__mutmut_1",
    }
    assert "generator.runtime.errors.x_a__mutmut_1" not in listed
    assert "generator.runtime.tasks.xǁTaskǁrun__mutmut_2" not in listed  # not a survivor yet
