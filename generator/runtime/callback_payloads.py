"""Reading a vendor's callback: a payload is checked against the vendor's callback schema and
must name a task (its id) and a status the vendor uses, before it becomes a ``TaskOutcome``.
Anything else (``{"foo": 1}``, a list, a task without an id) raises :class:`CallbackError`
with the reason, rather than turning into a running task with an empty id."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import CallbackError
from .paths import get_path
from .tasks import TaskOutcome, read_outcome
from .validation import schema_problems

if TYPE_CHECKING:
    from .vendor import Operation, Vendor

MAX_REASONS = 3


def read_callback(vendor: Vendor, payload: Any, operation: str | None = None) -> TaskOutcome:
    """The outcome a callback of ``vendor`` reports about a task of ``operation`` (the submit
    that made it; the vendor's main task family when None)."""
    name = vendor.package
    if operation is not None and operation not in vendor.ops:
        raise CallbackError(f"{name} has no operation {operation!r}")
    try:
        get, _params = vendor.poll_for(operation)
    except KeyError:
        raise CallbackError(f"{name} has no tasks, so no callbacks") from None
    spec = vendor.task_spec(get)
    if spec is None:
        raise CallbackError(f"{name} has no tasks, so no callbacks")
    if not isinstance(payload, dict):
        raise CallbackError(f"not a {name} callback: expected a JSON object")
    _check_schema(vendor, get, operation, payload)
    fields = (vendor.callback.fields if vendor.callback else None) or spec.fields
    if get_path(payload, fields.id) in (None, ""):
        raise CallbackError(f"not a {name} callback: no task id ({fields.id})")
    wire = get_path(payload, fields.status)
    if wire is None or str(wire).lower() not in {s.lower() for s in spec.statuses}:
        known = ", ".join(spec.statuses)
        raise CallbackError(
            f"not a {name} callback: {fields.status} is {wire!r}, not one of {known}"
        )
    return read_outcome(spec, payload, fields=fields)


def _check_schema(
    vendor: Vendor, get: Operation, operation: str | None, payload: dict[str, Any]
) -> None:
    """Refuse a payload that matches none of the callback schemas of the task family."""
    schemas = _schemas(vendor, get, operation)
    if not schemas:
        return
    problems = [schema_problems(schema, payload) for schema in schemas]
    if all(problems):
        reasons = "; ".join(problems[0][:MAX_REASONS])
        raise CallbackError(f"not a {vendor.package} callback: {reasons}")


def _schemas(vendor: Vendor, get: Operation, operation: str | None) -> list[dict[str, Any]]:
    """The callback schemas of ``operation``, or of every submit followed by ``get``."""
    if operation is not None and vendor.ops[operation].callback_schema:
        return [vendor.ops[operation].callback_schema]
    return [
        op.callback_schema
        for op in vendor.operations
        if op.callback_schema and op.role == "submit" and vendor.poll_for(op.name)[0] == get
    ]
