"""The command line of every generated vendor package: ``python -m generated.<vendor>``.

One sub-command per operation, built from the vendor model the client is built from, so
every operation is there with its inputs and their docs::

    python -m generated.kling create_task --element-frontal-image face.png --wait --out results/
    python -m generated.showapi get_task --task-id abc

Input names are the Python ones (``--page_size``; ``--page-size`` works too). A number or a
switch is read as such; a nested input (an object or a list) is JSON; an image input takes a
file path and is sent as the vendor wants it: read and base64-encoded, uploaded as a file, or
passed on as a URL. ``--wait`` follows the task a submit made (a progress bar on standard
error when it is a terminal) and ``--out DIR`` saves its result images. The answer is printed
as JSON on standard output. The base URL and credentials come from the same environment
variables as for the clients (``--base-url`` overrides the URL). A failure is one line on
standard error and an exit status from ``EXIT_STATUSES``; never a traceback.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from . import errors
from .client import SyncClient
from .pages import SyncPage
from .tasks import TaskOutcome
from .vendor import ImageLimit, Operation, Param, Vendor

# (exit status, what it means, the errors that give it), in the order they are matched.
EXIT_STATUSES: tuple[tuple[int, str, tuple[type[BaseException], ...]], ...] = (
    (1, "the task failed (with --wait)", (errors.TaskFailedError,)),
    (
        2,
        "bad usage, or input refused before anything was sent",
        (errors.RequestValidationError, errors.ConfigurationError),
    ),
    (
        3,
        "the credentials were refused",
        (errors.AuthenticationError, errors.PermissionDeniedError),
    ),
    (4, "no such task or resource", (errors.NotFoundError,)),
    (5, "a quota or rate limit", (errors.QuotaExceededError, errors.RateLimitError)),
    (6, "the vendor refused the request", (errors.InvalidRequestError, errors.ConflictError)),
    (
        7,
        "no answer, or --wait gave up",
        (errors.APIConnectionError, errors.WaitTimeoutError),
    ),
    (8, "the vendor failed, or answered unexpectedly", (errors.SDKError,)),
)
TRUE = {"true", "1", "yes", "on"}
FALSE = {"false", "0", "no", "off"}


def exit_status(exc: BaseException) -> int:
    """The documented exit status for an error the client raised."""
    return next(status for status, _, kinds in EXIT_STATUSES if isinstance(exc, kinds))


def main(
    vendor: Vendor, client_cls: Callable[..., SyncClient], argv: Sequence[str] | None = None
) -> int:
    """Run one operation as the command line asks; returns the exit status."""
    args = parser(vendor).parse_args(argv)
    op = vendor.ops[args.operation]
    try:
        values = {p.py: read_input(op, p, getattr(args, p.py)) for p in op.inputs}
        given = {k: v for k, v in values.items() if v is not None}
        with client_cls(base_url=args.base_url) as client:
            answer = run(client, op, given, args)
    except errors.SDKError as exc:
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return exit_status(exc)
    except (OSError, ValueError) as exc:  # an unreadable file, JSON that does not parse
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return 2
    json.dump(answer, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    failed = isinstance(args, argparse.Namespace) and answer.get("status") == "failed"
    return 1 if getattr(args, "wait", False) and failed else 0


def run(client: SyncClient, op: Operation, values: dict[str, Any], args: Any) -> dict[str, Any]:
    """Call ``op`` and give its answer as JSON-ready data (the outcome, with ``--wait``)."""
    if getattr(args, "wait", False):
        method = getattr(client, f"{op.name}_and_wait")
        outcome: TaskOutcome = method(
            **values, timeout=args.wait_timeout, show_progress=sys.stderr.isatty()
        )
        answer = outcome_json(outcome)
        if args.out is not None and outcome.status == "succeeded":
            answer["files"] = [str(p) for p in client.download(outcome, args.out)]
        return answer
    result = getattr(client, op.name)(**values)
    if isinstance(result, SyncPage):
        return {
            "items": [to_data(item) for item in result.items],
            "page": result.number,
            "total": result.total,
            "has_next_page": result.has_next_page(),
        }
    data = to_data(result)
    return data if isinstance(data, dict) else {"result": data}


def outcome_json(outcome: TaskOutcome) -> dict[str, Any]:
    data = asdict(outcome)
    data.pop("raw"), data.pop("preview")
    data["images"] = list(outcome.images)
    return data


def to_data(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    return value


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


# -- reading inputs ----------------------------------------------------------------------------
def read_input(op: Operation, param: Param, text: str | None) -> Any:
    """The value of ``--<input> text`` as the client method takes it."""
    if text is None:
        return None
    limit = op.limits.images.get(param.wire)
    if limit is not None or param.location == "file":
        return read_image(param, limit, text)
    kind = param.schema_.get("type")
    if kind in ("object", "array") or param.py_type.startswith(("models.", "list[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"--{param.py} takes JSON: {exc.msg} at {exc.pos}") from None
    if kind == "integer":
        return _number(param, text, int)
    if kind == "number":
        return _number(param, text, float)
    if kind == "boolean":
        if text.lower() not in TRUE | FALSE:
            raise ValueError(f"--{param.py} takes true or false, not {text!r}")
        return text.lower() in TRUE
    return text


def _number(param: Param, text: str, kind: type[int] | type[float]) -> int | float:
    try:
        return kind(text)
    except ValueError:
        raise ValueError(f"--{param.py} takes a number, not {text!r}") from None


def read_image(param: Param, limit: ImageLimit | None, text: str) -> Any:
    """An image input from the command line: a URL stays a URL where the input takes one; a
    file path is uploaded (a file input) or read and base64-encoded; anything else is passed
    on as given (base64 already)."""
    source = limit.source if limit is not None else "file"
    is_url = text.startswith(("http://", "https://"))
    if source == "url" or (source == "base64_or_url" and is_url):
        return text
    path = Path(text).expanduser()
    if source == "file":
        if not path.is_file():
            raise ValueError(f"--{param.py}: no such file: {text}")
        return path
    if path.is_file():
        return base64.b64encode(path.read_bytes()).decode()
    return text


# -- the parser --------------------------------------------------------------------------------
def parser(vendor: Vendor) -> argparse.ArgumentParser:
    statuses = "\n".join(f"  {status}  {meaning}" for status, meaning, _ in EXIT_STATUSES)
    env = [vendor.package.upper() + "_BASE_URL"] + [c.env for c in vendor.auth.credentials]
    env += [s.env for s in vendor.settings if s.env]
    root = argparse.ArgumentParser(
        prog=f"python -m generated.{vendor.package}",
        description=f"{vendor.title}: every operation from the command line. The answer is "
        "JSON on standard output.",
        epilog=f"environment: {', '.join(env)}\n\nexit status:\n  0  success\n{statuses}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root.add_argument("--base-url", help="where the API lives (default: as for the client)")
    commands = root.add_subparsers(dest="operation", required=True, metavar="OPERATION")
    for op in vendor.operations:
        sub = commands.add_parser(
            op.name,
            help=_escape(_first_sentence(op.doc)),
            description=_escape(op.doc),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        for param in op.inputs:
            _add_input(sub, op, param)
        if op.role == "submit" and vendor.task is not None:
            sub.add_argument("--wait", action="store_true", help="wait for the task to finish")
            sub.add_argument(
                "--out", type=Path, metavar="DIR", help="with --wait: save the result images here"
            )
            sub.add_argument(
                "--wait-timeout", type=float, default=600.0, metavar="SECONDS", help="(600)"
            )
    return root


def _add_input(sub: argparse.ArgumentParser, op: Operation, param: Param) -> None:
    names = [f"--{param.py}"]
    if "_" in param.py:
        names.append(f"--{param.py.replace('_', '-')}")
    required = param.required and param.wire != op.caller_id
    where = ""
    if param.wire in op.limits.images or param.location == "file":
        where = " [an image: a file path" + (" or a URL]" if "url" in _source(op, param) else "]")
    elif param.schema_.get("type") in ("object", "array") or param.py_type.startswith("models."):
        where = " [JSON]"
    help_text = (param.description or "not described by the spec") + where
    sub.add_argument(
        *names,
        dest=param.py,
        required=required,
        metavar=param.py.upper(),
        choices=list(param.literal) or None,
        help=_escape(help_text),
    )


def _source(op: Operation, param: Param) -> str:
    limit = op.limits.images.get(param.wire)
    return limit.source if limit is not None else "file"


def _first_sentence(doc: str) -> str:
    text = " ".join(doc.split())
    return text.split(". ")[0].rstrip(".") if text else ""


def _escape(text: str) -> str:
    return text.replace("%", "%%")


def one_line_warning(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> str:
    """A warning as one line of standard error (Python shows the source line too)."""
    return f"warning: {category.__name__}: {one_line(Exception(message))}\n"


def run_module(vendor: Vendor, client_cls: Callable[..., SyncClient]) -> None:
    """``python -m generated.<vendor>``: exit with :func:`main`'s status."""
    warnings.formatwarning = one_line_warning
    sys.exit(main(vendor, client_cls))
