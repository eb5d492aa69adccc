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
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from PIL import Image, ImageFilter

from ..paths import get_path
from ..vendor import TaskSpec
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
TaskGetter = Callable[[Context, MockTask], Any]
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
    named = [_field(k, v) for k, v in template.items() if not k.startswith("$")]
    fields = _fill_fields(named)
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


# One field of an object template: its key, and either its compiled value or, for a
# ``$task.<attr>`` value, how to read that from the task (with the expression, for the error).
Field = tuple[str, Compiled | None, TaskGetter | None, str]


def _field(key: str, template: Any) -> Field:
    """A field, a ``$task.`` value read straight from the context's task: a frame fewer per
    field, and the mock renders every answer through these."""
    if isinstance(template, str) and template.startswith("$task."):
        return key, None, _task_getter(template.removeprefix("$task.")), template
    return key, compile_template(template), None, ""


def _fill_fields(fields: list[Field]) -> Compiled:
    """An object without ``$merge``: its fields, each left out when it renders to None."""

    def fill(ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        task = ctx.task
        for key, value, getter, expr in fields:
            if value is not None:
                rendered = value(ctx)
            elif task is None:
                raise KeyError(f"unknown template value {expr!r} (no task here)")
            else:
                rendered = getter(ctx, task)  # type: ignore[misc]
            if rendered is not None:
                out[key] = rendered
        return out

    return fill


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
    task = item if isinstance(item, MockTask) else ctx.task
    return replace(ctx, item=item, index=index, task=task)


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
    return _task_getter(attr)(ctx, task)


def _task_expression(attr: str, expr: str) -> Compiled:
    getter = _task_getter(attr)

    def value(ctx: Context) -> Any:
        task = ctx.task
        if task is None:
            raise KeyError(f"unknown template value {expr!r} (no task here)")
        return getter(ctx, task)

    return value


@functools.lru_cache(maxsize=1024)
def _task_getter(attr: str) -> TaskGetter:
    """How to read ``$task.<attr>``, worked out once per attribute: a mock answers every task
    query through these, so the choice is not made again per value and per request."""
    name, _, rest = attr.partition(".")
    if name in _FILE_VALUES:
        by_file = _FILE_VALUES[name]
        return lambda ctx, task: by_file(ctx, task, rest)
    if name in _TASK_VALUES:
        return _TASK_VALUES[name]

    def unknown(_ctx: Context, _task: MockTask) -> Any:  # refused when used, as any value
        raise KeyError(f"unknown task value {attr!r}")

    return unknown


def _base64_file(ctx: Context, task: MockTask, rest: str) -> Any:
    found = ctx.file_bytes(task) if task.status(ctx.now) == "succeeded" else {}
    data = next((d for n, (d, _t) in found.items() if n.rsplit(".", 1)[0] == rest), None)
    return None if data is None else base64.b64encode(data).decode()


def _urls(ctx: Context, task: MockTask) -> dict[str, str]:
    return ctx.file_urls(task) if task.status(ctx.now) == "succeeded" else {}


def _image_urls(ctx: Context, task: MockTask, rest: str) -> Any:
    urls = list(_urls(ctx, task).values())
    if rest:
        return urls[int(rest)] if rest.isdigit() and int(rest) < len(urls) else ""
    return urls


def _first_image(ctx: Context, task: MockTask, _rest: str) -> str:
    urls = list(_urls(ctx, task).values())
    return urls[0] if urls else ""


_FILE_VALUES: dict[str, Callable[[Context, MockTask, str], Any]] = {
    "base64": _base64_file,
    "files": lambda ctx, task, rest: _urls(ctx, task).get(rest),
    "image": _first_image,
    "images": _image_urls,
    # where a result file is served once the task succeeds
    "file_url": lambda _ctx, task, rest: f"{task.base_url}/_mock/files/{task.id}/{rest}",
    "outputs": lambda ctx, task, _rest: (
        _outputs(ctx, task) if task.status(ctx.now) == "succeeded" else []
    ),
}
# The other values, each read with the task's status where it depends on it.
_TASK_VALUES: dict[str, TaskGetter] = {
    "status": lambda ctx, task: (
        ctx.task_spec.wire_status(task.status(ctx.now)) if ctx.task_spec else task.status(ctx.now)
    ),
    "error": lambda ctx, task: task.error if task.status(ctx.now) == "failed" else "",
    "message": lambda ctx, task: (
        ctx.task_spec.messages.get(task.status(ctx.now), "") if ctx.task_spec else ""
    ),
    "running": lambda ctx, task: task.status(ctx.now) == "running",
    "preview": lambda ctx, task: _preview(ctx, task) if task.status(ctx.now) == "running" else None,
    "id": lambda _ctx, task: task.id,
    "external_id": lambda _ctx, task: task.external_id,
    "created_ms": lambda _ctx, task: int(task.created_at * 1000),
    "updated_ms": lambda ctx, task: int(task.updated_at(ctx.now) * 1000),
    "created": lambda ctx, task: _format_time(ctx, task.created_at),
    "progress": lambda ctx, task: task.progress(ctx.now),
    "progress_text": lambda ctx, task: f"{task.progress(ctx.now):.2f}",
    "callback_url": lambda _ctx, task: task.callback_url,
    "deduction": lambda _ctx, task: f"{task.price:g}",
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
