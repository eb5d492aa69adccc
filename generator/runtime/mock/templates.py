"""Response templates: how a mock writes a vendor's JSON from its own state.

A template is JSON in which a string starting with ``$`` is a value from the context:
``$task.<attr>``, ``$request.<wire name>``, ``$account.<attr>``, ``$page.<attr>``, ``$view``
(the vendor's task object, ``x-sdk.task.view``), and inside a list ``$item`` / ``$index``.
Two keys are special: ``$merge`` (an object whose fields are copied in, or a list of them,
copied in turn: one left out by its ``$when`` adds nothing) and ``$each`` with
``$item`` (a list: the item template once per element; an element that is a task becomes
``$task`` too; ``$task.outputs`` gives ``url``, ``index`` and ``seed`` per result file), and
``$when`` (the object is left out, of its list or its parent, when the
value is empty), and ``$case`` (``{"$case": "$request.RspImgType", "url": ..., "$default":
...}`` renders the template under the value's key). ``$task.base64.<file>`` is a result file as
base64. A value that resolves to ``None`` leaves its key out of an object.
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from PIL import Image, ImageFilter

from ..paths import get_path
from ..vendor import Status, TaskSpec
from .store import Account, MockTask


@dataclass(slots=True)
class Context:
    now: float
    task_spec: TaskSpec | None
    file_urls: Callable[[MockTask], dict[str, str]]
    file_bytes: Callable[[MockTask], dict[str, tuple[bytes, str]]]
    task: MockTask | None = None
    account: Account | None = None
    request: dict[str, Any] = field(default_factory=dict)
    page: dict[str, Any] = field(default_factory=dict)
    item: Any = None
    index: int = 0


Compiled = Callable[[Context], Any]
# A ``$task.`` value: read from the context, the task and the task's status at the context's
# time (read once per object by whoever renders several).
TaskGetter = Callable[[Context, MockTask, Status], Any]
# What each ``$`` source offers after its dot: the names a template may use (``""``: the source
# alone). ``$request`` takes any wire name; a task's named result files follow ``base64.``,
# ``files.`` and ``file_url.``; ``images.<n>`` picks one URL.
TASK_VALUES = frozenset(
    {
        "id",
        "status",
        "external_id",
        "created",
        "created_ms",
        "updated_ms",
        "error",
        "message",
        "running",
        "progress",
        "progress_text",
        "preview",
        "callback_url",
        "deduction",
        "image",
        "images",
        "outputs",
    }
)
TASK_NAMED = frozenset({"base64", "files", "file_url", "images"})
ACCOUNT_VALUES = frozenset({"remaining", "money"})
PAGE_VALUES = frozenset({"number", "size", "total", "pages", "items"})
SPECIAL_KEYS = frozenset({"$merge", "$each", "$item", "$when", "$case", "$default"})
_compiled: dict[int, tuple[Any, Compiled]] = {}


def render(template: Any, ctx: Context) -> Any:
    """``template`` rendered in ``ctx``. The compiled template is looked up here, as
    ``compile_template`` looks it up, a frame fewer: every answer renders one or two."""
    known = _compiled.get(id(template))
    if known is not None and known[0] is template:
        return known[1](ctx)
    return compile_template(template)(ctx)


def compile_template(template: Any) -> Compiled:
    """``template`` as a function of the context, made once per template: the mock answers
    every request from compiled templates, not by walking the JSON again."""
    known = _compiled.get(id(template))
    if known is not None and known[0] is template:
        return known[1]
    compiled = _compile(template)
    if isinstance(template, dict | list):  # holding the template keeps its id unique
        _compiled[id(template)] = (template, compiled)
    return compiled


def _compile(template: Any) -> Compiled:
    if isinstance(template, str):
        return _expression(template) if template.startswith("$") else _constant(template)
    if isinstance(template, list):
        items = [compile_template(item) for item in template]
        return lambda ctx: [r for r in (item(ctx) for item in items) if r is not None]
    if isinstance(template, dict):
        return _compile_object(template)
    return _constant(template)


def _constant(value: Any) -> Compiled:
    return lambda _ctx: value


def _compile_object(template: dict[str, Any]) -> Compiled:
    when = _expression(template["$when"]) if "$when" in template else None
    if "$case" in template:
        body = _compile_case(template)
    elif "$each" in template:
        body = _compile_each(template)
    else:
        body = _compile_fields(template)
    if when is None:
        return body
    return lambda ctx: body(ctx) if when(ctx) else None


def _compile_case(template: dict[str, Any]) -> Compiled:
    chooser = _expression(template["$case"])
    cases = {k: compile_template(v) for k, v in template.items() if not k.startswith("$")}
    default = compile_template(template.get("$default"))
    return lambda ctx: cases.get(str(chooser(ctx)), default)(ctx)


def _compile_each(template: dict[str, Any]) -> Compiled:
    each, item = _expression(template["$each"]), compile_template(template["$item"])
    return lambda ctx: [item(_bind(ctx, x, i)) for i, x in enumerate(each(ctx) or [])]


def _compile_fields(template: dict[str, Any]) -> Compiled:
    merge = compile_template(template["$merge"]) if "$merge" in template else None
    named = [(k, v) for k, v in template.items() if not k.startswith("$")]
    fields = _object_function(named)
    if merge is None:
        return fields
    if not named:
        return _fill_merged(merge)

    def fill(ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merged = merge(ctx)
        for part in merged if isinstance(merged, list) else [merged]:
            out.update(part)
        out.update(fields(ctx))  # a field rendered to None leaves the merged one as it was
        return out

    return fill


def _object_function(fields: list[tuple[Any, Any]]) -> Compiled:
    """An object without ``$merge`` as one function, written as Python source and compiled:
    its fields in order, each left out when it renders to None. Plain objects inside it are
    written in place, ``$task.`` values are read by their getters with the task's status read
    once, and anything else calls its compiled template. The mock renders every answer
    through these, and a call per field and a status per value cost more than the rest."""
    code = _ObjectCode()
    code.write(fields, "out")
    body = "".join(f"    {line}\n" for line in code.lines)
    namespace = dict(code.names)
    exec(f"def fill(ctx):\n    task = ctx.task\n{body}    return out\n", namespace)
    fill: Compiled = namespace["fill"]
    return fill


def _task_list(template: Any) -> bool:
    """Whether ``template`` is ``{"$each": "$task.<value>", "$item": ...}`` and nothing else."""
    return (
        isinstance(template, dict)
        and template.keys() == {"$each", "$item"}
        and str(template["$each"]).startswith("$task.")
    )


class _ObjectCode:
    """The source of an object's function (``_object_function``). The source holds only names
    it made; the keys and values they stand for are in ``names``."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {}
        self.objects = 0
        self.task_read = False

    def write(self, fields: list[tuple[Any, Any]], target: str) -> None:
        self.lines.append(f"{target} = {{}}")
        for key, template in fields:
            at = f"{target}[{self._name('key', key)}]"  # a key by name: no text of it in the source
            if isinstance(template, str) and template.startswith("$task."):
                self._read_task(template)
                getter = self._name("get", _task_getter(template.removeprefix("$task.")))
                self._set_unless_none(at, f"{getter}(ctx, task, status)")
            elif isinstance(template, dict) and not any(str(k).startswith("$") for k in template):
                self.objects += 1
                inner = f"obj{self.objects}"
                self.write(list(template.items()), inner)
                self.lines.append(f"{at} = {inner}")
            elif _task_list(template):  # a list of one of the task's values, e.g. its images
                self._read_task(template["$each"])
                getter = self._name("get", _task_getter(template["$each"].removeprefix("$task.")))
                item, bind = self._name("item", compile_template(template["$item"])), "bind"
                self.names[bind] = _bind
                values = f"enumerate({getter}(ctx, task, status) or [])"
                self.lines.append(f"{at} = [{item}({bind}(ctx, x, i)) for i, x in {values}]")
            elif isinstance(template, dict | list) or str(template).startswith("$"):
                part = self._name("part", compile_template(template))
                self._set_unless_none(at, f"{part}(ctx)")
            elif template is not None:  # a constant
                self.lines.append(f"{at} = {self._name('const', template)}")

    def _read_task(self, expr: str) -> None:
        """Before the first ``$task.`` value: refuse a context without a task (naming that
        value, as reading it would), and read the task's status."""
        if not self.task_read:
            self.task_read = True
            missing = self._name("missing", f"unknown template value {expr!r} (no task here)")
            self.lines += ["if task is None:", f"    raise KeyError({missing})"]
            self.lines.append("status = task.status(ctx.now)")

    def _set_unless_none(self, at: str, value: str) -> None:
        self.lines += [f"value = {value}", "if value is not None:", f"    {at} = value"]

    def _name(self, kind: str, value: Any) -> str:
        name = f"{kind}{len(self.names)}"
        self.names[name] = value
        return name


def _fill_merged(merge: Compiled) -> Compiled:
    """An object that is only ``$merge``: a copy of the object merged in, or of the objects."""

    def fill(ctx: Context) -> dict[str, Any]:
        merged = merge(ctx)
        if isinstance(merged, dict):
            return dict(merged)
        out: dict[str, Any] = {}
        for part in merged:
            out.update(part)
        return out

    return fill


def _bind(ctx: Context, item: Any, index: int) -> Context:
    """``ctx`` for one element of a list (made field by field: ``dataclasses.replace`` costs
    several times more, once per element of every list answered)."""
    task = item if isinstance(item, MockTask) else ctx.task
    return Context(
        ctx.now,
        ctx.task_spec,
        ctx.file_urls,
        ctx.file_bytes,
        task,
        ctx.account,
        ctx.request,
        ctx.page,
        item,
        index,
    )


def template_errors(
    template: Any, inputs: frozenset[str] | None = None, at: tuple[Any, ...] = ()
) -> list[tuple[tuple[Any, ...], str]]:
    """Every mistake in ``template`` found without rendering it, as (path inside the template,
    reason): an unknown ``$`` value or special key, ``$each`` without ``$item``, and, when
    ``inputs`` is given, ``$request.<name>`` of an input the operation does not have."""
    found: list[tuple[tuple[Any, ...], str]] = []
    if isinstance(template, str) and template.startswith("$"):
        reason = expression_error(template, inputs)
        if reason:
            found.append((at, reason))
    elif isinstance(template, list):
        for index, item in enumerate(template):
            found += template_errors(item, inputs, (*at, index))
    elif isinstance(template, dict):
        for key, value in template.items():
            if key.startswith("$") and key not in SPECIAL_KEYS:
                known = ", ".join(sorted(SPECIAL_KEYS))
                found.append(((*at, key), f"unknown template key {key!r} (known: {known})"))
            found += template_errors(value, inputs, (*at, key))
        if "$each" in template and "$item" not in template:
            found.append((at, "$each needs $item, the template of one element"))
    return found


def expression_error(expr: str, inputs: frozenset[str] | None = None) -> str:
    """Why ``expr`` is not a value a template can name, or ``""``."""
    import difflib

    source, _, attr = expr[1:].partition(".")
    name, _, rest = attr.partition(".")
    choices: dict[str, frozenset[str]] = {
        "task": TASK_VALUES | TASK_NAMED,
        "account": ACCOUNT_VALUES,
        "page": PAGE_VALUES,
    }
    if source in ("view", "index", "item") and (source == "item" or not attr):
        return ""
    if source == "request":
        if not name:
            return f"{expr!r} names no input"
        if inputs is not None and name not in inputs:
            close = difflib.get_close_matches(name, sorted(inputs), n=1)
            hint = f"; did you mean $request.{close[0]}?" if close else ""
            return f"{expr!r}: the operation has no input {name!r}{hint}"
        return ""
    if source not in choices:
        close = difflib.get_close_matches(source, ["task", "request", "account", "page", "view"])
        hint = f"; did you mean ${close[0]}?" if close else ""
        return f"unknown template value {expr!r}{hint}"
    if name in choices[source] and (not rest or name in TASK_NAMED):
        if name in TASK_NAMED - {"images"} and not rest and source == "task":
            return f"{expr!r} needs the name of a result file after {name}."
        return ""
    close = difflib.get_close_matches(name, sorted(choices[source]), n=1)
    hint = f"; did you mean ${source}.{close[0]}?" if close else ""
    return f"unknown template value {expr!r}{hint}"


def resolve(expr: str, ctx: Context) -> Any:
    """The value of one ``$`` expression in ``ctx``."""
    return _expression(expr)(ctx)


@functools.lru_cache(maxsize=1024)
def _expression(expr: str) -> Compiled:
    source, _, attr = expr[1:].partition(".")
    getters: dict[str, Compiled] = {
        "view": lambda ctx: render(ctx.task_spec.view if ctx.task_spec else {}, ctx),
        "item": (lambda ctx: get_path(ctx.item, attr)) if attr else (lambda ctx: ctx.item),
        "index": lambda ctx: ctx.index,
        "request": lambda ctx: get_path(ctx.request, attr),
        "page": lambda ctx: ctx.page.get(attr),
        "account": lambda ctx: _account_value(ctx.account, attr),
        "task": _task_expression(attr, expr),
    }
    if source not in getters:
        raise KeyError(f"unknown template value {expr!r}")
    return getters[source]


def _account_value(account: Account | None, attr: str) -> Any:
    if account is None:
        return None
    if attr == "remaining":
        return account.remaining
    if attr == "money":
        return _number(account.money)
    raise KeyError(f"unknown account value {attr!r}")


def task_value(ctx: Context, task: MockTask, attr: str) -> Any:
    """The value of ``$task.<attr>`` for ``task``."""
    return _task_getter(attr)(ctx, task, task.status(ctx.now))


def _task_expression(attr: str, expr: str) -> Compiled:
    getter = _task_getter(attr)

    def value(ctx: Context) -> Any:
        task = ctx.task
        if task is None:
            raise KeyError(f"unknown template value {expr!r} (no task here)")
        return getter(ctx, task, task.status(ctx.now))

    return value


@functools.lru_cache(maxsize=1024)
def _task_getter(attr: str) -> TaskGetter:
    """How to read ``$task.<attr>``, worked out once per attribute: a mock answers every task
    query through these, so the choice is not made again per value and per request."""
    name, _, rest = attr.partition(".")
    if name in _FILE_VALUES:
        by_file = _FILE_VALUES[name]
        return lambda ctx, task, status: by_file(ctx, task, status, rest)
    if name in _TASK_VALUES:
        return _TASK_VALUES[name]

    def unknown(_ctx: Context, _task: MockTask, _status: Status) -> Any:  # refused when used
        raise KeyError(f"unknown task value {attr!r}")

    return unknown


def _base64_file(ctx: Context, task: MockTask, status: Status, rest: str) -> Any:
    found = ctx.file_bytes(task) if status == "succeeded" else {}
    data = next((d for n, (d, _t) in found.items() if n.rsplit(".", 1)[0] == rest), None)
    return None if data is None else base64.b64encode(data).decode()


def _urls(ctx: Context, task: MockTask, status: Status) -> dict[str, str]:
    return ctx.file_urls(task) if status == "succeeded" else {}


def _image_urls(ctx: Context, task: MockTask, status: Status, rest: str) -> Any:
    urls = list(_urls(ctx, task, status).values())
    if rest:
        return urls[int(rest)] if rest.isdigit() and int(rest) < len(urls) else ""
    return urls


def _first_image(ctx: Context, task: MockTask, status: Status, _rest: str) -> str:
    urls = list(_urls(ctx, task, status).values())
    return urls[0] if urls else ""


# The values with a result file's name after them: (context, task, its status, the name).
_FILE_VALUES: dict[str, Callable[[Context, MockTask, Status, str], Any]] = {
    "base64": _base64_file,
    "files": lambda ctx, task, status, rest: _urls(ctx, task, status).get(rest),
    "image": _first_image,
    "images": _image_urls,
    # where a result file is served once the task succeeds
    "file_url": lambda _ctx, task, _status, rest: f"{task.base_url}/_mock/files/{task.id}/{rest}",
    "outputs": lambda ctx, task, status, _rest: (
        _outputs(ctx, task) if status == "succeeded" else []
    ),
}
# The other values, each read with the task's status where it depends on it.
_TASK_VALUES: dict[str, TaskGetter] = {
    "status": lambda ctx, _task, status: (
        ctx.task_spec.wire_words[status] if ctx.task_spec else status
    ),
    "error": lambda _ctx, task, status: task.error if status == "failed" else "",
    "message": lambda ctx, _task, status: (
        ctx.task_spec.messages.get(status, "") if ctx.task_spec else ""
    ),
    "running": lambda _ctx, _task, status: status == "running",
    "preview": lambda ctx, task, status: _preview(ctx, task) if status == "running" else None,
    "id": lambda _ctx, task, _status: task.id,
    "external_id": lambda _ctx, task, _status: task.external_id,
    "created_ms": lambda _ctx, task, _status: int(task.created_at * 1000),
    "updated_ms": lambda _ctx, task, status: int(task.reached_at(status) * 1000),
    "created": lambda ctx, task, _status: _format_time(ctx, task.created_at),
    "progress": lambda ctx, task, _status: task.progress(ctx.now),
    "progress_text": lambda ctx, task, _status: f"{task.progress(ctx.now):.2f}",
    "callback_url": lambda _ctx, task, _status: task.callback_url,
    "deduction": lambda _ctx, task, _status: f"{task.price:g}",
}


def _outputs(ctx: Context, task: MockTask) -> list[dict[str, Any]]:
    """Each result file of a finished task: its URL, position and seed."""
    urls = list(ctx.file_urls(task).values())
    seeds = task.seeds(len(urls))
    return [{"url": url, "index": i, "seed": seeds[i]} for i, url in enumerate(urls)]


def _preview(ctx: Context, task: MockTask) -> str | None:
    """An intermediate image while the task runs: its first result, small and blurred the
    more the less progress has been made, as base64 JPEG."""
    files = ctx.file_bytes(task)
    first = next((data for data, kind in files.values() if kind.startswith("image/")), None)
    if first is None or first.lstrip().startswith(b"<"):
        return None
    img = Image.open(io.BytesIO(first)).convert("RGB")
    img.thumbnail((128, 128))
    blur = (1.0 - task.progress(ctx.now)) * 8
    out = io.BytesIO()
    img.filter(ImageFilter.GaussianBlur(blur)).save(out, format="JPEG", quality=70)
    return base64.b64encode(out.getvalue()).decode()


def _number(value: float | None) -> float | int | None:
    """Money as the vendors write it: a whole amount as an integer."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


@functools.lru_cache(maxsize=4096)
def _formatted(timestamp: float, offset_hours: float, time_format: str) -> str:
    moment = datetime.fromtimestamp(timestamp, UTC) + timedelta(hours=offset_hours)
    return moment.strftime(time_format)


def _format_time(ctx: Context, timestamp: float) -> str:
    spec = ctx.task_spec
    if spec is None:
        return _formatted(timestamp, 0, "%Y-%m-%d %H:%M:%S")
    return _formatted(timestamp, spec.utc_offset_hours, spec.time_format)
