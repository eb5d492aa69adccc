"""``--wait`` on a terminal draws its progress bar from the first poll, in the test's own
process: standard error stands in for a terminal, the mock's clock is virtual."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from generator.runtime import cli
from tests.test_cli import arguments
from tests.vendors import all_vendors, contract_for

TASK_VENDORS = [
    v for v in all_vendors() if v.task is not None and any(o.role == "submit" for o in v.operations)
]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("vendor", TASK_VENDORS, ids=[v.package for v in TASK_VENDORS])
def test_on_a_terminal_a_short_wait_still_shows_its_bar(vendor, monkeypatch, tmp_path: Path):
    """A task of one virtual second: the client's own default would hold the bar back for
    three seconds; the command asks for it at once, so it is drawn and ends 'succeeded'."""
    contract = contract_for(vendor)
    mock = contract.create_mock(task_seconds=1, queue_seconds=0)
    op = next(o for o in vendor.operations if o.role == "submit")
    values = contract.examples(op)
    if op.caller_id and "." not in op.caller_id:
        values.pop(op.caller_id, None)
    terminal, out = Terminal(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(sys, "stdout", out)
    argv = [op.name, *arguments(op, values, tmp_path), "--wait"]
    status = cli.main(vendor, lambda base_url=None: mock.client(contract.client_cls), argv)
    assert status == 0 and json.loads(out.getvalue())["status"] == "succeeded"
    drawn = terminal.getvalue()
    assert "\r" in drawn and "succeeded" in drawn
