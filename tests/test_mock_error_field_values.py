"""A refusal raised while an operation is served carries its message in the field that
operation's answer declares (ShowAPI's submit has ``remark`` where its other answers have
``ret_msg``), not in the vendor's default one. Every (vendor, operation, error kind) whose
message field depends on the operation, found from the specs. Written against the mutants
``make mutants`` showed surviving in ``VendorMock._answer``."""

from __future__ import annotations

from typing import Any

import pytest

from generator.runtime.envelope import render_error
from generator.runtime.mock import VendorMock
from generator.runtime.mock.messages import MockError
from generator.runtime.testing import example_values
from tests.hostile import client_class, send_unchecked
from tests.vendors import all_vendors

MARK = "DETAIL-MARK"
CASES = [
    (vendor, op, kind)
    for vendor in all_vendors()
    for op in vendor.operations
    for kind in vendor.error_specs
    if render_error(vendor, kind, MARK, "r", op.response_schema)
    != render_error(vendor, kind, MARK, "r", None)
]


def marked(body: Any, at: tuple[Any, ...] = ()) -> set[tuple[Any, ...]]:
    """The paths of the leaves of ``body`` that hold the mark."""
    if isinstance(body, dict):
        return {p for k, v in body.items() for p in marked(v, (*at, k))}
    return {at} if isinstance(body, str) and MARK in body else set()


def test_some_operation_has_a_message_field_of_its_own() -> None:
    assert CASES


@pytest.mark.parametrize(
    ("vendor", "op", "kind"), CASES, ids=[f"{v.package}-{o.name}-{k}" for v, o, k in CASES]
)
def test_a_refusal_puts_its_message_where_the_operation_s_answer_has_it(
    vendor: Any, op: Any, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    mock = VendorMock(vendor)

    def refuse(*args: Any) -> Any:
        raise MockError(kind, MARK)

    monkeypatch.setattr(mock, "_dispatch", refuse)
    values = example_values(op, vendor.base_url or "http://mock.invalid")
    with mock.client(client_class(vendor.package), max_retries=0) as client:
        answer = send_unchecked(client, op, values)

    expected = render_error(vendor, kind, MARK, "r", op.response_schema)[2]
    assert (
        marked(answer.json())
        == marked(expected)
        != marked(render_error(vendor, kind, MARK, "r", None)[2])
    )
