"""The command line's options, value by value: which inputs' help says they take JSON (an
object or array schema, whatever its Python type, or a model-typed input, whatever its schema),
and the exit status of an answer that reports a failed task when nothing was waited for."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from generator.runtime import cli
from generator.runtime.vendor import Operation, Param
from tests.test_cli import arguments
from tests.vendors import all_vendors, contract_for

VENDORS = all_vendors()


def plain_text_input() -> tuple[Operation, Param]:
    """The first string input of any vendor that is no image (its help has no marker)."""
    for vendor in VENDORS:
        for op in vendor.operations:
            for param in op.inputs:
                is_image = param.wire in op.limits.images or param.location == "file"
                if param.schema_.get("type") == "string" and not is_image:
                    return op, param
    pytest.skip("no vendor has a plain text input")


def help_of(op: Operation, param: Param) -> str:
    sub = argparse.ArgumentParser()
    cli._add_input(sub, op, param)
    return next(a for a in sub._actions if a.dest == param.py).help or ""


@pytest.mark.parametrize(
    ("schema", "py_type", "marked"),
    [
        ({"type": "array", "items": {"type": "string"}}, "list[str]", True),
        ({"type": "object"}, "dict[str, Any]", True),
        ({}, "models.Region", True),
        ({"type": "object"}, "models.Region", True),
        ({"type": "string"}, "str", False),
        ({}, "Any", False),
    ],
    ids=["array-list", "object-dict", "model-no-type", "object-model", "string", "untyped"],
)
def test_help_says_json_for_nested_or_model_inputs(
    schema: dict, py_type: str, marked: bool
) -> None:
    op, param = plain_text_input()
    typed = param.model_copy(update={"schema_": schema, "py_type": py_type, "description": "D."})
    assert help_of(op, typed) == ("D. [JSON]" if marked else "D.")


def test_an_inputs_value_is_stored_under_its_python_name() -> None:
    op, param = plain_text_input()
    sub = argparse.ArgumentParser()
    cli._add_input(sub, op, param.model_copy(update={"required": False}))
    assert vars(sub.parse_args([f"--{param.py}", "given"])) == {param.py: "given"}


# -- exit status without --wait --------------------------------------------------------------
FAILED = {"task_id": "t-1", "status": "failed"}


class FailedTaskClient:
    """A client whose every operation answers that the task failed (as a vendor's own get
    does when its answer has a top-level ``status``)."""

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = base_url

    def __enter__(self) -> FailedTaskClient:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        return lambda **_values: dict(FAILED)


def queries() -> list[tuple[Any, Operation]]:
    found = [(v, op) for v in VENDORS for op in v.operations if op.role == "get"]
    return found or [pytest.param(None, None, marks=pytest.mark.skip(reason="no get operation"))]


@pytest.mark.parametrize(
    ("vendor", "op"), queries(), ids=lambda x: getattr(x, "package", None) or getattr(x, "name", "")
)
def test_a_failed_task_queried_without_wait_is_exit_status_0(
    vendor: Any, op: Operation, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Exit status 1 says a task waited for failed; a query answered is a success, whatever
    the task it reports on did."""
    args = arguments(op, contract_for(vendor).examples(op), tmp_path)
    status = cli.main(vendor, FailedTaskClient, [op.name, *args])
    out = capsys.readouterr().out
    assert (status, json.loads(out)) == (0, FAILED)
