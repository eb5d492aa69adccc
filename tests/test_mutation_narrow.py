"""``make mutants``' test choice by line (``mutation/narrow.py``): a mutant is given those of
its function's tests that ran the lines it changes, placed on the source file."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from mutation import narrow

SOURCE = textwrap.dedent(
    '''\
    import os


    def pick(value: int, default: str = "a") -> str:
        """Doc."""
        if (
            value > 1
        ):
            return os.path.join(
                default,
                "b",
            )
        try:
            return str(value)
        except ValueError:
            return default


    class Box:
        def size(self) -> int:
            return 3
    '''
)


def _generated(name: str, body: str = SOURCE) -> str:
    """A function as mutmut writes it into its mutated file: renamed, the body unchanged."""
    tree = ast.parse(body)
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "pick")
    lines = body.splitlines()[node.lineno - 1 : node.end_lineno]
    return "\n\n" + "\n".join(lines).replace("def pick(", f"def {name}(", 1) + "\n"


@pytest.fixture
def source(tmp_path: Path) -> narrow.Source:
    path = tmp_path / "mod.py"
    path.write_text(SOURCE)
    return narrow.Source(path)


def test_a_compound_statement_is_placed_by_its_header_and_a_call_by_all_its_lines() -> None:
    spans = narrow.statement_spans(ast.parse(SOURCE))

    assert narrow.lines_of([7], spans) == {6, 7, 8}  # the if's test, not its body
    assert narrow.lines_of([10], spans) == {9, 10, 11, 12}  # the whole return statement
    assert narrow.lines_of([15], spans) == {15}  # an except line is no statement
    assert narrow.lines_of([14, 21], spans) == {14, 21}


def test_the_changed_lines_are_counted_in_the_original() -> None:
    assert narrow.changed_lines("a\nb\nc\n", "a\nB\nc\n") == [1]
    assert narrow.changed_lines("a\nb\nc\n", "a\nc\n") == [1]
    assert narrow.changed_lines("a\nb\n", "a\nb\n") == []


def test_a_body_mutation_is_placed_on_the_source_files_lines(source: narrow.Source) -> None:
    original = _generated("x_pick__mutmut_orig")
    mutant = original.replace("value > 1", "value >= 1")

    assert source.mutated_lines("x_pick", original, mutant) == {6, 7, 8}
    assert source.functions["xǁBoxǁsize"] == (20, 21, 21)
    assert source.body_lines("x_pick") == range(5, 17)


def test_a_default_value_mutation_keeps_every_test_of_its_function(
    source: narrow.Source,
) -> None:
    original = _generated("x_pick__mutmut_orig")
    mutant = original.replace('default: str = "a"', 'default: str = "XXaXX"')

    assert source.mutated_lines("x_pick", original, mutant) is None
    assert source.mutated_lines("x_gone", original, original) is None


def test_a_mutant_gets_the_tests_that_ran_its_lines_or_its_whole_function(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("mod.py").write_text(SOURCE)
    original = _generated("x_pick__mutmut_orig")
    mutants = {
        "x_pick__mutmut_1": original.replace("value > 1", "value >= 1"),
        "x_pick__mutmut_2": original.replace('"b"', '"XXbXX"'),
        "x_pick__mutmut_3": original.replace('default: str = "a"', "default: str = None"),
    }

    def read(path: str, names: list[str]) -> list[str]:
        assert path == "mod.py"
        if names[1] not in mutants:
            raise KeyError(names[1])  # as mutmut's index does for a function it has not
        texts = {"x_pick__mutmut_orig": original, **mutants}
        return [texts[name].replace("x_pick__mutmut_orig", name) for name in names]

    covering = {"7": ["t::if", "t::other"], "11": ["t::join"], "14": ["t::try"], "20": ["t::box"]}
    source = narrow.Source(Path("mod.py"))

    def tests(number: int) -> set[str]:
        found = narrow.pair(f"mod.x_pick__mutmut_{number}", "mod.py", read)
        assert found is not None
        return narrow.tests_for(source, covering, found)

    assert tests(1) == {"t::if", "t::other"}
    assert tests(2) == {"t::join"}
    assert tests(3) == {"t::if", "t::other", "t::join", "t::try"}  # not the class's test
    assert narrow.pair("mod.x_pick__mutmut_9", "mod.py", read) is None


def test_a_verdict_is_about_both_texts() -> None:
    assert narrow.digest("a", "b") == narrow.digest("a", "b")
    assert len({narrow.digest("a", "b"), narrow.digest("a", "c"), narrow.digest("x", "b")}) == 3


def test_a_budget_takes_the_fastest_test_of_every_file_in_turn() -> None:
    durations = {"a::1": 1.0, "a::2": 2.0, "a::3": 3.0, "b::1": 1.5, "b::2": 4.0, "c::1": 9.0}
    tests = list(durations)

    assert narrow.within_budget(tests, durations, 5.0) == ["a::1", "a::2", "b::1"]
    assert narrow.within_budget(tests, durations, 0.5) == ["a::1"]  # always one
    assert narrow.within_budget(tests, durations, 0) == narrow.fastest_first(tests, durations)
    assert len(narrow.within_budget(tests, durations, 100.0)) == 6


def test_the_test_files_named_after_the_mutated_module_come_first() -> None:
    durations = {
        "tests/test_other.py::a": 0.1,
        "tests/test_store_values.py::b": 2.0,
        "tests/test_store_values.py::c": 1.0,
        "tests/test_storage.py::d": 0.5,
    }
    tests = list(durations)

    assert narrow.fastest_first(tests, durations, "store") == [
        "tests/test_store_values.py::c",
        "tests/test_store_values.py::b",
        "tests/test_other.py::a",
        "tests/test_storage.py::d",  # "store" is not in "storage"
    ]
    assert narrow.within_budget(tests, durations, 3.1, "store") == [
        "tests/test_store_values.py::c",
        "tests/test_store_values.py::b",
        "tests/test_other.py::a",
    ]


def test_the_tests_that_killed_a_sibling_go_first_keeping_the_fastest_first_order() -> None:
    tests = ["t.py::a", "t.py::b", "u.py::c", "u.py::d"]

    ordered = narrow.killers_first(tests, ["u.py::d", "x.py::gone", "t.py::b", "u.py::d"])

    assert ordered == ["t.py::b", "u.py::d", "t.py::a", "u.py::c"]
    assert narrow.function_of("m.xǁCǁf__mutmut_12") == "m.xǁCǁf"
