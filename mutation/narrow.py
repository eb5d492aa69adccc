"""Which tests a mutant runs: those that ran the lines it changes, fastest first.

A function in the mock's request path is called by a thousand tests, while one of its
branches is run by twenty; a test that never ran the mutated line cannot tell the mutant from
the original, so it would only cost time. ``mutation/lines.py`` records, in a coverage run,
which test ran which line; here each mutant's lines are found (the mutant and the unmutated
copy of its function, as mutmut wrote them side by side, mapped back onto the source file) and
given the tests that ran one of them. A mutated default value runs when the module is
imported, before any test, so it gets every test that ran its function.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

DEF = re.compile(r"^\s*(async\s+)?def\s")
Span = tuple[int, int]
Reader = Callable[[str, list[str]], list[str]]  # (file, generated function names) -> sources


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
    the lines of its ``def``, of its first body statement and of its end."""

    def __init__(self, path: Path) -> None:
        self.tree = ast.parse(path.read_text("utf-8"))
        self.spans = statement_spans(self.tree)
        self.functions: dict[str, tuple[int, int, int]] = {}
        for node in self.tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self._add(f"x_{node.name}", node)
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        self._add(f"xǁ{node.name}ǁ{item.name}", item)

    def _add(self, name: str, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions[name] = (node.lineno, node.body[0].lineno, node.end_lineno or node.lineno)

    def mutated_lines(self, function: str, original: str, mutant: str) -> set[int] | None:
        """The source lines a mutant changes, or None when they are the signature (a default
        value: it runs when the module is imported, before any test)."""
        if function not in self.functions:
            return None
        def_line, body_line, _ = self.functions[function]
        offset = next((i for i, text in enumerate(original.splitlines()) if DEF.match(text)), 0)
        changed = [def_line + i - offset for i in changed_lines(original, mutant)]
        if not changed or min(changed) < body_line:
            return None
        return lines_of(changed, self.spans)

    def body_lines(self, function: str) -> range:
        """Every line of a function's body (none for a function not found)."""
        _, body_line, end_line = self.functions.get(function, (0, 0, -1))
        return range(body_line, end_line + 1)


def pair(name: str, path: str, read: Reader) -> tuple[str, str, str] | None:
    """A mutant's function (mangled name) with the unmutated copy and the mutant as mutmut
    wrote them, both renamed to it; None when mutmut's files do not have them."""
    function = name.rpartition(".")[2].rpartition("__mutmut_")[0]
    generated = [f"{function}__mutmut_orig", name.rpartition(".")[2]]
    try:
        sources = read(path, generated)
    except (KeyError, ValueError, OSError):
        return None
    # the two generated functions differ in their names too, which is not the mutation
    original, mutant = (sources[n].replace(generated[n], function) for n in (0, 1))
    return function, original, mutant


def digest(original: str, mutant: str) -> str:
    """What a verdict is about: it stands while both texts are what they were."""
    return hashlib.sha256(f"{original}\0{mutant}".encode()).hexdigest()[:16]


def tests_for(source: Source, lines: dict[str, list[str]], found: tuple[str, str, str]) -> set[str]:
    """The tests that ran the mutant's lines (every line of its function for a mutated
    signature)."""
    function, original, mutant = found
    mutated = source.mutated_lines(function, original, mutant)
    chosen = source.body_lines(function) if mutated is None else mutated
    return {test for line in chosen for test in lines.get(str(line), ())}


def fastest_first(tests: Iterable[str], durations: dict[str, float], named: str = "") -> list[str]:
    """Tests ordered so that a mutant is killed as soon as it can be: a file's tests together
    (its module fixtures are set up once), the file with the fastest test first, and within a
    file the fastest first. Files whose name holds ``named`` (the mutated module's, say
    ``store``) come before the others: by the project's habit they test that module."""
    tests = list(tests)
    fastest: dict[str, float] = {}
    for test in tests:
        file = test.split("::")[0]
        fastest[file] = min(fastest.get(file, float("inf")), durations.get(test, float("inf")))

    def order(test: str) -> tuple[bool, float, str, float, str]:
        file = test.split("::")[0]
        other = not named or named not in file.rpartition("/")[2]
        return other, fastest[file], file, durations.get(test, float("inf")), test

    return sorted(tests, key=order)


def within_budget(
    tests: Iterable[str], durations: dict[str, float], budget: float, named: str = ""
) -> list[str]:
    """As many of the tests as fit in ``budget`` seconds (at least one), taken from every
    test file in turn, each file's fastest first (a file whose next test does not fit gives no
    more), so that a budget is spent on tests of different kinds; the tests of the files named
    after the module (``named``, see ``fastest_first``) are all taken first, as far as they fit.
    Returned in ``fastest_first`` order. No budget (0) keeps them all."""
    tests = list(tests)
    if budget <= 0:
        return fastest_first(tests, durations, named)
    mine = {t for t in tests if named and named in t.split("::")[0].rpartition("/")[2]}
    chosen: list[str] = []
    spent = 0.0
    for group in ([t for t in tests if t in mine], [t for t in tests if t not in mine]):
        by_file: dict[str, list[str]] = defaultdict(list)
        for test in fastest_first(group, durations):
            by_file[test.split("::")[0]].append(test)
        while any(by_file.values()):
            for queue in by_file.values():
                if not queue:
                    continue
                cost = durations.get(queue[0], 1.0)
                if chosen and spent + cost > budget:
                    queue.clear()  # this file's next test does not fit: the others may
                    continue
                chosen.append(queue.pop(0))
                spent += cost
    return fastest_first(chosen, durations, named)


def function_of(name: str) -> str:
    """The function a mutant belongs to: its name without ``__mutmut_<n>``."""
    return name.rpartition("__mutmut_")[0]


def killers_first(tests: Iterable[str], killers: Iterable[str]) -> list[str]:
    """``tests`` with those among ``killers`` (the tests that killed other mutants of the same
    function) moved to the front; both keep their order in ``tests`` (fastest first): of two
    tests known to kill a function's mutants, the faster is tried first."""
    tests, known = list(tests), set(killers)
    return [t for t in tests if t in known] + [t for t in tests if t not in known]
