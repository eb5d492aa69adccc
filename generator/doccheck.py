"""Compare a vendor's document, as the vendor publishes it, with the vendor's spec.

``python -m generator doc-check VENDOR DOCUMENT`` reads the document with the layout in
``specs/<vendor>/doc-layout.yaml`` (data, not code: how an operation starts, what a table row
looks like, which words mean which type, where ranges, defaults and enums hide in a
description) and compares every documented operation, input field and answer-table field,
and the documented error messages, with the spec: name, type, required, default, range, enum
(a spec operation or field the document leaves out is a difference too). Each difference is
printed with the document's line; one the spec explains as deliberate (an ``x-sdk-doc`` note
on the field, see specs/EXTENSIONS.md) is marked so. The exit status is 1 when a difference
is left unexplained.

A layout with ``format: openapi`` says the document is itself an OpenAPI file (ShowAPI's): it
is compared with the shipped spec, overlay applied to both, by the API diff.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .layout import SPECS
from .load import find_spec, load

LAYOUT_NAME = "doc-layout.yaml"
ASPECTS = ("name", "type", "required", "default", "range", "enum")


@dataclass
class DocField:
    path: str
    line: int
    type: str | None = None
    required: bool | None = None
    default: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    enum: tuple[str, ...] | None = None


@dataclass
class DocOperation:
    key: str  # "POST /path" or an operation id
    line: int
    fields: dict[str, DocField] = field(default_factory=dict)
    outputs: dict[str, DocField] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Difference:
    line: int
    operation: str
    place: str
    aspect: str
    document: str
    spec: str
    explained: str = ""

    def render(self, document: str) -> str:
        mark = f"  [deliberate: {self.explained}]" if self.explained else ""
        return (
            f"{document}:{self.line}: {self.operation} {self.place}: {self.aspect}: "
            f"document says {self.document}, spec says {self.spec}{mark}"
        )


# -- reading the document -------------------------------------------------------------------
@dataclass
class _Nesting:
    """Where a row sits in its table: its depth (leading marks, or the marks alone on the line
    before, or the previous row's), and the names above it."""

    stack: list[str] = field(default_factory=list)
    pending: int | None = None
    last_depth: int = 0
    last_type: str | None = "object"

    def place(self, name: str, marks: int, type_: str | None) -> str:
        depth = marks or self.pending or self.last_depth or 1
        if depth > self.last_depth and self.last_type not in ("object", "array"):
            depth = max(self.last_depth, 1)  # only an object or a list has members
        self.pending, self.last_depth, self.last_type = None, depth, type_
        self.stack = [*self.stack[: depth - 1], name]
        return ".".join(self.stack)


@dataclass
class _ReadState:
    """Where a reader is in a document."""

    ops: list[DocOperation] = field(default_factory=list)
    current: DocOperation | None = None
    section: str = ""
    columns: list[str] | None = None
    last_kind: str = "fields"
    last_row: tuple[str, str] | None = None
    block: list[tuple[int, str]] | None = None
    nesting: dict[str, _Nesting] = field(default_factory=dict)

    def start(self, key: str, line: int) -> None:
        self.current = DocOperation(key, line)
        self.ops.append(self.current)
        self.nesting = {"fields": _Nesting(), "outputs": _Nesting()}
        self.last_row = None

    def extend_name(self, tail: str) -> None:
        """The previous row's name goes on: the document wrapped it."""
        assert self.current is not None and self.last_row is not None
        kind, path = self.last_row
        rows = getattr(self.current, kind)
        moved = rows.pop(path)
        moved.path = path + tail
        rows[moved.path] = moved
        self.nesting[kind].stack[-1] += tail
        self.last_row = (kind, moved.path)


class Reader:
    """Reads a document line by line as its layout says."""

    def __init__(self, layout: dict[str, Any]) -> None:
        self.layout = layout
        self.op_patterns = [re.compile(p) for p in _list(layout["operation"])]
        self.row_patterns = [re.compile(p) for p in _list(layout.get("row", []))]
        self.depth_only = re.compile(layout["depth_only"]) if "depth_only" in layout else None
        self.section = re.compile(layout["section"]) if "section" in layout else None
        self.inputs = re.compile(layout.get("input_sections", ".*"))
        self.outputs = re.compile(layout.get("output_sections", "(?!)"))
        self.output_rows = [re.compile(p) for p in _list(layout.get("output_row", []))]
        self.error_section = re.compile(layout.get("error_sections", "(?!)"))
        self.error_row = re.compile(layout.get("error_row", "(?!)"))
        self.table = layout.get("table", {})
        self.skip_names = set(layout.get("skip_names", []))
        example = layout.get("answer_example", {})
        self.example = re.compile(example.get("section", "(?!)"))
        self.example_types = example.get("types", {})
        tail = layout.get("name_continuation")
        self.continuation = re.compile(tail) if tail else None

    def read(self, text: str) -> list[DocOperation]:
        """Every operation the document describes, with its fields, answer fields and error
        messages, each at its line."""
        state = _ReadState()
        for number, raw in enumerate(text.splitlines(), 1):
            self._line(state, number, raw.rstrip())
        return state.ops

    def _line(self, state: _ReadState, number: int, line: str) -> None:
        if (op := _first_match(self.op_patterns, line)) is not None:
            groups = op.groupdict()
            state.start(
                groups.get("operation_id") or f"{groups['method']} {groups['path']}", number
            )
        if self.section is not None and (heading := self.section.match(line)):
            state.section, state.columns = heading.group("title").strip(), None
        elif state.block is not None or (
            self.example.search(state.section) and line.strip().startswith("```json")
        ):
            self._example_line(state, number, line)
        elif self.depth_only is not None and (only := self.depth_only.match(line)):
            state.nesting[state.last_kind].pending = len(only.group("depth"))
        elif state.last_row and self.continuation and (tail := self.continuation.match(line)):
            state.extend_name(tail.group("tail"))
        else:
            self._row(state, number, line)

    def _example_line(self, state: _ReadState, number: int, line: str) -> None:
        """A line of an answer's JSON example: the fence opens or closes it."""
        if state.block is None:
            state.block = []
        elif line.strip().startswith("```"):
            if state.current is not None:
                state.current.outputs.update(self._example(state.block))
            state.block = None
        else:
            state.block.append((number, line))

    def _row(self, state: _ReadState, number: int, line: str) -> None:
        output = _first_match(self.output_rows, line)
        cells, state.columns = self._cells(line, state.columns)  # a title row sets columns
        current = state.current
        if current is None:
            return
        if self.error_section.search(state.section) and (err := self.error_row.match(line)):
            current.errors.append((number, err.group("message")))
            return
        if output is not None:
            kind, cells = "outputs", {k: v for k, v in output.groupdict().items() if v}
        elif cells is not None and self.outputs.search(state.section):
            kind = "outputs"
        elif cells is not None and self.inputs.search(state.section):
            kind = "fields"
        else:
            state.last_row = state.last_row if not line.strip() else None  # a tail follows
            return
        name = re.sub(r"\s+", "", cells.get("name", ""))
        if name and name not in self.skip_names:
            self._add(state, kind, name, number, cells)

    def _add(
        self, state: _ReadState, kind: str, name: str, number: int, cells: dict[str, str]
    ) -> None:
        state.last_kind = kind
        marks = len(cells.get("depth") or "")
        path = state.nesting[kind].place(name, marks, self._field("", number, cells).type)
        if "depth" not in cells and self.depth_only is None:
            path = name  # a flat table
        if kind == "outputs":
            path = self.layout.get("output_prefix", "") + path
        getattr(state.current, kind)[path] = self._field(path, number, cells)
        state.last_row = (kind, path)

    def _example(self, block: list[tuple[int, str]]) -> dict[str, DocField]:
        """The fields of an answer's JSON example (``// notes`` dropped), each typed by its
        value or by the placeholder word the document writes (``"string"``, ``"int"``), at
        the line where its key first appears."""
        text = "\n".join(re.sub(r"\s*//[^\"]*$", "", line) for _, line in block)
        try:
            value = json.loads(text)
        except ValueError:
            return {}
        found: dict[str, DocField] = {}
        cursor = [0]

        def line_of(key: str) -> int:
            for index in range(cursor[0], len(block)):
                if f'"{key}"' in block[index][1]:
                    cursor[0] = index
                    return block[index][0]
            return block[0][0]

        def walk(node: Any, prefix: str) -> None:
            if isinstance(node, list):
                if node:
                    walk(node[0], prefix)
                return
            if not isinstance(node, dict):
                return
            for key, item in node.items():
                path = prefix + key
                found[path] = DocField(path, line_of(key), type=self._example_type(item))
                walk(item, path + ".")

        walk(value, "")
        return found

    def _example_type(self, value: Any) -> str:
        if isinstance(value, str):
            return str(self.example_types.get(value, "string"))
        if isinstance(value, bool):
            return "boolean"
        if isinstance(value, int):
            return "integer"
        if isinstance(value, float):
            return "number"
        return (
            "array" if isinstance(value, list) else "object" if isinstance(value, dict) else "null"
        )

    def _cells(self, line: str, columns: list[str] | None) -> tuple[dict[str, str] | None, Any]:
        """The named cells of a table row (or None), and the columns now in force."""
        row = _first_match(self.row_patterns, line)
        if row is not None:
            return {k: v for k, v in row.groupdict().items() if v is not None}, columns
        if not self.table:
            return None, columns
        sep = self.table["separator"]
        if sep not in line:
            return None, columns
        cells = [c.strip() for c in line.strip().strip(sep).split(sep)]
        if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
            return None, columns
        header = self.table["columns"]
        if cells and cells[0] in header.get("name", []):
            named = {}
            for i, cell in enumerate(cells):
                for key, titles in header.items():
                    if cell in titles:
                        named[i] = key
            return None, [named.get(i, "") for i in range(len(cells))]
        if columns is None:
            return None, columns
        return {k: cells[i] for i, k in enumerate(columns) if k and i < len(cells)}, columns

    def _field(self, path: str, line: int, cells: dict[str, str]) -> DocField:
        lay = self.layout
        doc = DocField(path, line)
        type_word = cells.get("type", "").strip()
        doc.type = lay.get("types", {}).get(type_word, type_word or None) if type_word else None
        req = cells.get("required", "").strip()
        doc.required = lay.get("required", {}).get(req) if req else None
        text = " ".join(cells.get(k, "") for k in ("description", "title"))
        default = cells.get("default", "").strip()
        if default and default not in lay.get("no_default", []):
            doc.default = default.strip('"')
        for pattern in _list(lay.get("default_in_text", [])):
            if doc.default is None and (m := re.search(pattern, text)):
                doc.default = m.group("default").strip('"')
        for pattern in _list(lay.get("range_in_text", [])):
            if m := re.search(pattern, text):
                doc.minimum, doc.maximum = float(m.group("min")), float(m.group("max"))
                break
        for pattern in _list(lay.get("enum_in_text", [])):
            if m := re.search(pattern, text):
                doc.enum = tuple(
                    v.strip().strip("\"'") for v in re.split(r"[,，]", m.group("enum"))
                )
                break
        return doc


def _first_match(patterns: list[re.Pattern[str]], line: str) -> re.Match[str] | None:
    return next((m for p in patterns if (m := p.match(line))), None)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# -- reading the spec -------------------------------------------------------------------------
class SpecSide:
    def __init__(self, document: dict[str, Any]) -> None:
        self.doc = document

    def deref(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            target: Any = self.doc
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    def operations(self) -> dict[str, tuple[dict[str, Any], str]]:
        found: dict[str, tuple[dict[str, Any], str]] = {}
        for path, item in self.doc.get("paths", {}).items():
            for method, op in item.items():
                if method in ("get", "post", "put", "delete", "patch"):
                    shown = f"{method.upper()} {path}"
                    found[f"{method.upper()} {_generic(path)}"] = (op, shown)
                    if "operationId" in op:
                        found[op["operationId"]] = (op, shown)
        return found

    def fields(self, op: dict[str, Any]) -> dict[str, tuple[dict[str, Any], bool, dict[str, Any]]]:
        """Input path -> (schema, required, x-sdk-doc note)."""
        out: dict[str, tuple[dict[str, Any], bool, dict[str, Any]]] = {}
        for param in op.get("parameters", []):
            param = self.deref(param)
            note = param.get("x-sdk-doc") or {}
            note = note if isinstance(note, dict) else {"note": str(note)}
            note = {**note, "spec_name": param["name"]}
            name = note.get("document_name", param["name"])
            out[name] = (self.deref(param.get("schema", {})), bool(param.get("required")), note)
        content = op.get("requestBody", {}).get("content", {})
        if content:
            self._walk(self.deref(next(iter(content.values())).get("schema", {})), "", out)
        return out

    def outputs(self, op: dict[str, Any]) -> dict[str, tuple[dict[str, Any], bool, dict[str, Any]]]:
        """Answer field path -> (schema, required, x-sdk-doc note), of the success answer."""
        out: dict[str, tuple[dict[str, Any], bool, dict[str, Any]]] = {}
        answer = self.deref(op.get("responses", {}).get("200", {}))
        media = answer.get("content", {}).get("application/json")
        if media is not None:
            self._walk(self.deref(media.get("schema", {})), "", out)
        return out

    def _walk(self, schema: dict[str, Any], prefix: str, out: dict[str, Any]) -> None:
        schema = self._merged(schema)
        required = set(schema.get("required", []))
        notes = (
            schema.get("x-sdk-doc", {}).get("fields", {})
            if isinstance(schema.get("x-sdk-doc"), dict)
            else {}
        )
        for name, prop in schema.get("properties", {}).items():
            resolved = self._merged(prop)
            note = prop.get("x-sdk-doc") or notes.get(name) or {}
            if isinstance(note, dict) and "document_name" in note:
                note = {**note, "spec_name": prefix + name}
                out[prefix + note["document_name"]] = (resolved, name in required, note)
            path = prefix + name
            out.setdefault(path, (resolved, name in required, note))
            inner = resolved.get("items", {}) if resolved.get("type") == "array" else resolved
            inner = self._merged(inner)
            if inner.get("properties"):
                self._walk(inner, path + ".", out)

    def _merged(self, schema: dict[str, Any]) -> dict[str, Any]:
        schema = self.deref(schema)
        if "allOf" in schema:
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            for part in schema["allOf"]:
                for k, v in self._merged(part).items():
                    merged.setdefault(k, v)
            return merged
        return schema


def _generic(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


# -- comparing --------------------------------------------------------------------------------
def compare(
    ops: list[DocOperation], document: dict[str, Any], prefix: str = ""
) -> list[Difference]:
    spec = SpecSide(document)
    spec_ops = spec.operations()
    out: list[Difference] = []
    matched: set[str] = set()
    for doc_op in ops:
        key = doc_op.key
        if " " in key:
            method, path = key.split(" ", 1)
            key = f"{method} {_generic(path.removeprefix(prefix))}"
        found = spec_ops.get(key)
        if found is None:
            out.append(
                Difference(
                    doc_op.line, doc_op.key, "-", "operation", "it exists", "no such operation"
                )
            )
            continue
        op, shown = found
        matched.add(shown)
        note = op.get("x-sdk-doc") or {}
        out += _compare_fields(doc_op.line, doc_op.fields, spec.fields(op), note, shown, "")
        if doc_op.outputs:
            answer = spec.outputs(op)
            out += _compare_fields(doc_op.line, doc_op.outputs, answer, note, shown, "answer ")
        out += _compare_errors(doc_op, document, shown)
    for _op, shown in {s: (o, s) for o, s in spec_ops.values()}.values():
        if shown not in matched:
            why = str((_op.get("x-sdk-doc") or {}).get("undocumented_operation", ""))
            out.append(Difference(0, shown, "-", "operation", "nothing", "this operation", why))
    return out


def _compare_fields(
    line: int,
    documented: dict[str, DocField],
    fields: dict[str, Any],
    op_note: dict[str, Any],
    shown: str,
    side: str,
) -> list[Difference]:
    """The document's fields of one side (inputs, or the answer: ``side`` "answer ") against
    the spec's. Operation notes name fields as the report does (``answer data.task_id``)."""
    out: list[Difference] = []
    absent = op_note.get("absent", {})
    undocumented = op_note.get("undocumented", {})
    for path, doc in documented.items():
        place = side + path
        if path not in fields:
            why = str(absent.get(place, ""))
            out.append(
                Difference(doc.line, shown, place, "name", "this field", "no such field", why)
            )
            continue
        schema, required, note = fields[path]
        note = note if isinstance(note, dict) else {"note": str(note)}
        if "document_name" in note:
            why = str(note.get("name", ""))
            out.append(Difference(doc.line, shown, place, "name", path, note["spec_name"], why))
        for aspect, said, has in _aspects(doc, schema, required):
            if said != has:
                why = str(note.get(aspect, ""))
                out.append(Difference(doc.line, shown, place, aspect, said, has, why))
    # a field the document names otherwise is looked for under the document's name only
    renamed = {
        note["spec_name"]
        for _schema, _required, note in fields.values()
        if isinstance(note, dict) and "document_name" in note
    }
    for path, (_schema, _required, note) in fields.items():
        place = side + path
        if path in renamed:
            continue
        if path not in documented and _documentable(path, documented):
            own = note.get("undocumented", "") if isinstance(note, dict) else ""
            why = str(undocumented.get(place) or own)
            out.append(Difference(line, shown, place, "name", "nothing", "this field", why))
    return out


def _documentable(path: str, documented: dict[str, DocField]) -> bool:
    """Spec fields the document should list: those at a level the document describes (the top
    level, or inside an object whose members it lists); a document without a table for the
    operation says nothing either way."""
    parent = path.rpartition(".")[0]
    if not parent:
        return any("." not in p for p in documented)
    return any(p.startswith(parent + ".") for p in documented)


def _aspects(doc: DocField, schema: dict[str, Any], required: bool) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    if doc.type is not None:
        found.append(("type", doc.type, _spec_type(schema)))
    if doc.required is not None:
        found.append(("required", _yes(doc.required), _yes(required)))
    if doc.default is not None:
        found.append(("default", _num(doc.default), _num(schema.get("default"))))
    if doc.minimum is not None:
        found.append(
            (
                "range",
                _range(doc.minimum, doc.maximum),
                _range(schema.get("minimum"), schema.get("maximum")),
            )
        )
    if doc.enum is not None:
        found.append(("enum", _enum(doc.enum), _enum(schema.get("enum"))))
    return found


def _spec_type(schema: dict[str, Any]) -> str:
    if schema.get("format") == "binary":
        return "file"
    if "oneOf" in schema or "anyOf" in schema:
        return "|".join(
            sorted({_spec_type(s) for s in schema.get("oneOf", schema.get("anyOf", []))})
        )
    return str(schema.get("type", "any"))


def _yes(value: bool) -> str:
    return "required" if value else "optional"


def _num(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:g}"


def _range(low: Any, high: Any) -> str:
    return f"[{_num(low)}, {_num(high)}]"


def _enum(values: Any) -> str:
    return "none" if not values else "{" + ", ".join(sorted(_num(v) for v in values)) + "}"


def _compare_errors(doc_op: DocOperation, document: dict[str, Any], shown: str) -> list[Difference]:
    templates = [
        _pattern(str(spec.get("message", "")))
        for spec in document.get("x-sdk", {}).get("errors", {}).values()
    ]
    return [
        Difference(line, shown, "errors", "error message", repr(message), "no such message")
        for line, message in doc_op.errors
        if not any(t.fullmatch(re.sub(r"\{[^}]*\}", "X", message)) for t in templates)
    ]


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[^}]*\}", template)
    return re.compile(".*".join(re.escape(p) for p in parts))


# -- entry points -----------------------------------------------------------------------------
def check(vendor: str, document: Path, specs: Path = SPECS) -> list[Difference]:
    folder = specs / vendor
    layout = yaml.safe_load((folder / LAYOUT_NAME).read_text(encoding="utf-8"))
    if layout.get("format") == "openapi":
        return _compare_openapi(folder, document)
    text = document.read_text(encoding="utf-8")
    ops = Reader(layout).read(text)
    return compare(ops, load(folder).document, layout.get("path_prefix", ""))


def _compare_openapi(folder: Path, document: Path) -> list[Difference]:
    from .diff import diff
    from .versions import api_of

    overlay = folder / "overlay.yaml"
    shipped = api_of(str(find_spec(folder)), overlay if overlay.is_file() else None)
    given = api_of(str(document), overlay if overlay.is_file() else None)
    return [
        Difference(0, c.operation, c.place, c.kind, c.detail, "as shipped")
        for c in diff(shipped, given)
    ]


def run(vendor: str, document: str) -> int:
    path = Path(document)
    differences = check(vendor, path)
    for difference in differences:
        print(difference.render(path.name))
    left = [d for d in differences if not d.explained]
    print(
        f"{vendor}: {len(differences)} difference(s) between {path.name} and the spec, "
        f"{len(differences) - len(left)} deliberate, {len(left)} unexplained"
    )
    return 1 if left else 0
