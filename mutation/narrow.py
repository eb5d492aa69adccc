"""mutmut with each mutant's tests narrowed to those that run its mutated lines.

mutmut chooses a mutant's tests by function: every test that called the mutated function. A
test that called it but never ran the mutated line cannot tell the mutant from the original,
so it only costs time; in the mock's request path a function is called by a thousand tests
while one of its branches is run by twenty. ``mutation/lines.py`` records, in a coverage run
before mutmut's, which test ran which line; here each mutant's lines are found (the mutant
and the unmutated copy of its function, side by side, mapped back onto the source file) and
the test list mutmut gives the mutant is cut to the tests that ran one of them.

Run as ``python -m mutation.narrow <mutmut arguments>`` from the folder mutmut works in.
Without a line map (``lines.json``) it is plain mutmut.
"""

from __future__ import annotations

import ast
import difflib
import json
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

LINES = Path("lines.json")  # written by mutation.run before mutmut starts
DEF = re.compile(r"^\s*(async\s+)?def\s")
Span = tuple[int, int]


def statement_spans(tree: ast.Module) -> list[Span]:
    """The line span of every statement, a compound statement by its header alone (``if``
    and its test, up to the line before its body): coverage records a line of a statement
    that runs, not always the line a mutation is on."""
    spans = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        body = getattr(node, "body", None)
        end = node.end_lineno or node.lineno
        if isinstance(body, list) and body:
            end = max(node.lineno, body[0].lineno - 1)
        spans.append((node.lineno, end))
    return spans


def lines_of(changed: Iterable[int], spans: list[Span]) -> set[int]:
    """Every line of the smallest statement span holding each changed line (the line alone
    when none does: an ``except`` or ``else`` line)."""
    found: set[int] = set()
    for line in changed:
        holding = [span for span in spans if span[0] <= line <= span[1]]
        start, end = min(holding, key=lambda s: s[1] - s[0]) if holding else (line, line)
        found.update(range(start, end + 1))
    return found


def changed_lines(original: str, mutant: str) -> list[int]:
    """The lines (0-based, of ``original``) the mutant differs on."""
    old, new = original.splitlines(), mutant.splitlines()
    changed: list[int] = []
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal":
            changed.extend(range(i1, max(i2, i1 + 1)))
    return changed


class Source:
    """One runtime file as the tests ran it: its functions by mutmut's mangled name, each with
    the line of its ``def`` and of its first body statement."""

    def __init__(self, path: Path) -> None:
        self.tree = ast.parse(path.read_text("utf-8"))
        self.spans = statement_spans(self.tree)
        self.functions: dict[str, tuple[int, int]] = {}
        for node in self.tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self._add(f"x_{node.name}", node)
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        self._add(f"xǁ{node.name}ǁ{item.name}", item)

    def _add(self, name: str, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions[name] = (node.lineno, node.body[0].lineno)

    def mutated_lines(self, function: str, original: str, mutant: str) -> set[int] | None:
        """The source lines a mutant changes, or None when they are the signature (a default
        value: it runs when the module is imported, before any test)."""
        if function not in self.functions:
            return None
        def_line, body_line = self.functions[function]
        offset = next((i for i, text in enumerate(original.splitlines()) if DEF.match(text)), 0)
        changed = [def_line + i - offset for i in changed_lines(original, mutant)]
        if not changed or min(changed) < body_line:
            return None
        return lines_of(changed, self.spans)


def narrowed(
    mutants: dict[str, list[str]],
    function_tests: dict[str, set[str]],
    covering: dict[str, dict[str, list[str]]],
    read: Callable[[str, list[str]], list[str]],
) -> dict[str, set[str]]:
    """Each mutant's tests: those of its function (mutmut's) that ran one of its lines.

    ``mutants`` maps a runtime file to its mutants' names, ``covering`` a file to each line's
    tests, and ``read(path, [original, mutant])`` gives the source of two generated
    functions. A mutant whose lines cannot be placed keeps its function's tests."""
    found: dict[str, set[str]] = {}
    for path, names in mutants.items():
        lines = covering.get(path)
        if lines is None:
            continue
        source = Source(Path(path))
        for name in names:
            mutated = _mutated_lines(source, path, name, read)
            if mutated is not None:
                ran = {test for line in mutated for test in lines.get(str(line), ())}
                found[name] = function_tests.get(name.rpartition("__mutmut_")[0], set()) & ran
    return found


def _mutated_lines(
    source: Source, path: str, name: str, read: Callable[[str, list[str]], list[str]]
) -> set[int] | None:
    function = name.rpartition(".")[2].rpartition("__mutmut_")[0]
    generated = [f"{function}__mutmut_orig", name.rpartition(".")[2]]
    try:
        sources = read(path, generated)
    except (KeyError, ValueError, OSError):
        return None
    # the two generated functions differ in their names too, which is not the mutation
    original, mutant = (sources[n].replace(generated[n], function) for n in (0, 1))
    return source.mutated_lines(function, original, mutant)


def install() -> None:
    """Patch mutmut: once it has its stats and its mutants, each mutant to run gets its own
    narrowed test list, looked up by the mutant's name where mutmut looks up its function's."""
    if not LINES.is_file():
        return
    import mutmut.__main__ as mutmut_main
    from mutmut.mutation.data import MutantLineSpans
    from mutmut.state import state
    from mutmut.utils.format_utils import mangled_name_from_mutant_name

    covering = json.loads(LINES.read_text("utf-8"))
    narrow: dict[str, set[str]] = {}
    collect = mutmut_main.collect_source_file_mutation_data

    def read(path: str, names: list[str]) -> list[str]:
        spans = MutantLineSpans.load(path)
        if spans is None:
            raise KeyError(path)
        return list(spans.read_function_sources(names))

    def collect_and_narrow(*, mutant_names):  # type: ignore[no-untyped-def]
        mutants, by_path = collect(mutant_names=mutant_names)
        to_run: dict[str, list[str]] = {}
        for data, name, result in mutants:
            if result is None or mutant_names:
                to_run.setdefault(str(data.path), []).append(name)
        tests = state().tests_by_mangled_function_name
        narrow.update(narrowed(to_run, {k: set(v) for k, v in tests.items()}, covering, read))
        for name, chosen in narrow.items():
            tests[name] = chosen
        print(f"    tests narrowed by line for {len(narrow)} mutant(s)", flush=True)
        return mutants, by_path

    def function_of(name: str) -> str:
        return name if name in narrow else mangled_name_from_mutant_name(name)

    mutmut_main.collect_source_file_mutation_data = collect_and_narrow
    setattr(mutmut_main, "mangled_name_from_mutant_name", function_of)  # noqa: B010 (not exported)


if __name__ == "__main__":
    install()
    from mutmut.__main__ import cli

    sys.argv[0] = "mutmut"
    cli()
