"""Response templates: how a mock writes a vendor's JSON from its own state.

A template is JSON in which a string starting with ``$`` is a value from the context:
``$task.<attr>``, ``$request.<wire name>``, ``$page.<attr>`` or ``$view`` (the vendor's task
object, ``x-sdk.task.view``). Two keys are special: ``$merge`` (an object whose fields are
copied in) and ``$each`` with ``$item`` (a list: the item template once per task).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from ..paths import get_path
from ..vendor import TaskSpec
from .store import MockTask


@dataclass
class Context:
    now: float
    task_spec: TaskSpec | None
    file_urls: Any  # Callable[[MockTask], list[str]]
    task: MockTask | None = None
    request: dict[str, Any] = field(default_factory=dict)
    page: dict[str, Any] = field(default_factory=dict)


def render(template: Any, ctx: Context) -> Any:
    if isinstance(template, str):
        return resolve(template, ctx) if template.startswith("$") else template
    if isinstance(template, list):
        return [render(item, ctx) for item in template]
    if not isinstance(template, dict):
        return template
    if "$each" in template:
        return [
            render(template["$item"], replace(ctx, task=t)) for t in resolve(template["$each"], ctx)
        ]
    out: dict[str, Any] = {}
    if "$merge" in template:
        out.update(render(template["$merge"], ctx))
    for key, value in template.items():
        if not key.startswith("$"):
            out[key] = render(value, ctx)
    return out


def resolve(expr: str, ctx: Context) -> Any:
    source, _, attr = expr[1:].partition(".")
    if source == "view":
        return render(ctx.task_spec.view if ctx.task_spec else {}, ctx)
    if source == "request":
        return get_path(ctx.request, attr)
    if source == "page":
        return ctx.page.get(attr)
    if source == "task" and ctx.task is not None:
        return task_value(ctx, ctx.task, attr)
    raise KeyError(f"unknown template value {expr!r}")


def task_value(ctx: Context, task: MockTask, attr: str) -> Any:
    status = task.status(ctx.now)
    if attr == "id":
        return task.id
    if attr == "status":
        return ctx.task_spec.wire_status(status) if ctx.task_spec else status
    if attr in ("image", "images"):
        urls = ctx.file_urls(task) if status == "succeeded" else []
        return urls if attr == "images" else (urls[0] if urls else "")
    if attr == "progress":
        return task.progress(ctx.now)
    if attr == "created":
        return _format_time(ctx, task.created_at)
    if attr == "created_ms":
        return int(task.created_at * 1000)
    if attr == "updated_ms":
        return int(task.updated_at(ctx.now) * 1000)
    if attr == "error":
        return task.error if status == "failed" else ""
    if attr in ("callback_url", "external_id"):
        return getattr(task, attr)
    raise KeyError(f"unknown task value {attr!r}")


def _format_time(ctx: Context, timestamp: float) -> str:
    spec = ctx.task_spec
    offset = timedelta(hours=spec.utc_offset_hours if spec else 0)
    moment = datetime.fromtimestamp(timestamp, UTC) + offset
    return moment.strftime(spec.time_format if spec else "%Y-%m-%d %H:%M:%S")
