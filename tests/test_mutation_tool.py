"""``make mutants``' own logic: which verdicts a later run keeps, the order a mutant's tests run
in, and how survivors are counted against ``mutation/equivalent.md``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from mutation import narrow, run


def _meta(folder: Path, codes: dict[str, Any]) -> Path:
    path = folder / "mutants" / "generator" / "runtime" / "errors.py.meta"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"exit_code_by_key": codes, "hash_by_function_name": {}}))
    return path


def test_a_later_run_keeps_kills_and_explained_survivors_of_the_same_mutant_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reasons = {"m.x_f__mutmut_9": "equivalent"}
    kept = {code: run.standing(["d", code], "d", "m.x_f__mutmut_1", reasons)
            for code in (1, 36, 37, 0, 33, -11, 255, 2, None)}  # fmt: skip

    assert kept == {1: True, 36: True, 37: True, 0: False, 33: False, -11: False, 255: False,
                    2: False, None: False}  # fmt: skip
    assert run.standing(["d", 0], "d", "m.x_f__mutmut_9", reasons)  # explained
    assert not run.standing(["d", 33], "d", "m.x_f__mutmut_9", reasons)  # no tests: try again
    assert not run.standing(["old", 1], "d", "m.x_f__mutmut_1", reasons)  # the function changed
    assert not run.standing(None, "d", "m.x_f__mutmut_1", reasons)


def test_the_verdicts_of_a_stopped_run_are_kept_and_the_latest_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "WORK", tmp_path)
    (tmp_path / run.VERDICTS).write_text(json.dumps({"a": ["d1", 0], "b": ["d2", 1]}))
    (tmp_path / run.RESULTS).write_text('["a", "d1", 1]\n["c", "d3", 36]\n["half-writ')

    assert run.verdicts() == {"a": ["d1", 1], "b": ["d2", 1], "c": ["d3", 36]}
    assert (tmp_path / run.RESULTS).exists()  # a report while workers write leaves it alone
    assert run.verdicts(absorb=True) == {"a": ["d1", 1], "b": ["d2", 1], "c": ["d3", 36]}
    assert not (tmp_path / run.RESULTS).exists()
    assert json.loads((tmp_path / run.VERDICTS).read_text())["c"] == ["d3", 36]


def test_the_test_that_killed_each_mutant_is_kept_as_results_are_absorbed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "WORK", tmp_path)
    (tmp_path / run.KILLERS).write_text(json.dumps({"a": "t.py::old", "b": "t.py::kept"}))
    rows = [
        ["a", "d1", 1, 0.2, "t.py::new"],
        ["c", "d3", 0, 9.5, ""],
        ["d", "d4", 1, 0.1, "t.py::d"],
    ]
    (tmp_path / run.RESULTS).write_text("".join(json.dumps(row) + "\n" for row in rows))

    found = run.verdicts(absorb=True)

    assert found["a"] == ["d1", 1, 0.2, "t.py::new"]
    assert json.loads((tmp_path / run.KILLERS).read_text()) == {
        "a": "t.py::new", "b": "t.py::kept", "d": "t.py::d"
    }  # fmt: skip


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
    # mutated once, then copied plain over by a run of other modules, its .meta left behind
    (copied / "paths.py").write_text("# copied unmutated\n")
    (copied / "paths.py.meta").write_text('{"exit_code_by_key": {"x_get_path__mutmut_1": null}}')
    (copied / "pages.py").write_text("from x import wrap_in_trampoline as _mutmut_mutated\n")
    (copied / "pages.py.meta").write_text('{"exit_code_by_key": {"x_page__mutmut_1": null}}')
    named = ["errors", "tasks", "paths", "pages"]

    run.prepare([f"generator/runtime/{name}.py" for name in named])

    assert not (copied / "errors.py").exists()
    assert (copied / "tasks.py").read_text() == "# mutated\n"
    assert not (copied / "paths.py").exists() and not (copied / "paths.py.meta").exists()
    assert (copied / "pages.py.meta").exists()  # holds its mutants: kept
    settings = (tmp_path / "work" / "setup.cfg").read_text()
    assert "    generator/runtime/errors.py\n    generator/runtime/tasks.py\n" in settings


def test_a_fresh_run_forgets_the_earlier_verdicts_but_not_the_killers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.setattr(run, "ROOT", root)
    monkeypatch.setattr(run, "COPIED", ())
    monkeypatch.setattr(run, "WORK", tmp_path / "work")
    meta = _meta(tmp_path / "work", {"m": 1})

    (tmp_path / "work" / run.KILLERS).write_text('{"m.x_f__mutmut_1": "t.py::a"}')

    run.prepare([], fresh=False)
    assert meta.exists()
    run.prepare([], fresh=True)
    assert not meta.exists()
    # only the order of the tests survives a fresh start, not a verdict
    assert json.loads((tmp_path / "work" / run.KILLERS).read_text()) == {
        "m.x_f__mutmut_1": "t.py::a"
    }


def test_a_mutants_tests_run_fastest_file_first_keeping_each_files_tests_together() -> None:
    durations = {"a.py::slow": 9.0, "a.py::fast": 0.5, "b.py::one": 0.1, "b.py::two": 3.0,
                 "c.py::x": 1.0}  # fmt: skip
    names = ["a.py::slow", "c.py::x", "a.py::fast", "b.py::two", "b.py::one", "a.py::unknown"]

    assert narrow.fastest_first(names, durations) == [
        "b.py::one", "b.py::two", "a.py::fast", "a.py::slow", "a.py::unknown", "c.py::x"
    ]  # fmt: skip


def test_a_verdict_counts_only_for_the_mutant_as_it_is_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "WORK", tmp_path)
    prefix = "generator.runtime.errors.x_f__mutmut_"
    current = {f"{prefix}{n}": f"d{n}" for n in range(1, 7)}
    current["generator.runtime.tasks.x_g__mutmut_1"] = "t1"
    (tmp_path / "current.json").write_text(json.dumps(current))
    found = {"1": ["d1", 255], "2": ["d2", 36], "3": ["d3", -9], "4": ["d4", 1], "5": ["d5", 0],
             "6": ["changed", 1]}  # fmt: skip
    (tmp_path / run.VERDICTS).write_text(json.dumps({prefix + k: v for k, v in found.items()}))

    statuses = run.results(["generator/runtime/errors.py"])

    assert statuses == {
        f"{prefix}1": "crashed (exit 255)", f"{prefix}2": "timeout",
        f"{prefix}3": "crashed (exit -9)", f"{prefix}4": "killed", f"{prefix}5": "survived",
        f"{prefix}6": "not checked",
    }  # fmt: skip


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


def test_a_functions_killers_are_the_tests_that_killed_any_of_its_mutants() -> None:
    killed_by = {
        "m.x_f__mutmut_1": "t.py::a",
        "m.x_f__mutmut_2": "t.py::b",
        "m.x_f__mutmut_3": "t.py::b",
        "m.x_h__mutmut_1": "t.py::c",
    }

    found = run.killers_by_function(killed_by)

    assert found == {"m.x_f": {"t.py::a", "t.py::b"}, "m.x_h": {"t.py::c"}}


def test_only_a_survivor_of_the_mutant_as_it_is_now_is_run_again_with_survivors_only() -> None:
    assert run._survived(["d", 0], "d") and run._survived(["d", 40], "d")
    assert not run._survived(["d", 1], "d")  # killed
    assert not run._survived(["old", 0], "d")  # its function changed: a new mutant
    assert not run._survived(None, "d")  # not tested yet


def test_an_explained_survivor_gets_a_short_budget_and_every_other_mutant_the_whole() -> None:
    reasons = {"m.x_f__mutmut_1": "equivalent", "m.x_g__mutmut_*": "harmless"}

    assert run.budget_for("m.x_f__mutmut_1", 10.0, reasons) == run.EXPLAINED_BUDGET
    assert run.budget_for("m.x_g__mutmut_7", 10.0, reasons) == run.EXPLAINED_BUDGET
    assert run.budget_for("m.x_f__mutmut_2", 10.0, reasons) == 10.0
    assert run.budget_for("m.x_f__mutmut_1", 0.5, reasons) == 0.5  # never more than asked
    assert run.budget_for("m.x_f__mutmut_1", 0.0, reasons) == 0.0  # no budget: every test


def test_a_plan_of_mutants_without_tests_is_recorded_as_no_tests_without_a_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "WORK", tmp_path)

    def no_session(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a pytest session was started for mutants without tests")

    monkeypatch.setattr(run.subprocess, "Popen", no_session)
    run.execute([["m.x_f__mutmut_1", "d1", 10, []], ["m.x_g__mutmut_2", "d2", 10, []]], 2)

    found = {name: verdict[:2] for name, verdict in run.verdicts().items()}
    assert found == {"m.x_f__mutmut_1": ["d1", 33], "m.x_g__mutmut_2": ["d2", 33]}
