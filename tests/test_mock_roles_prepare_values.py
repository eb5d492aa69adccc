"""What a submitted task keeps, by value, before it is stored: the inputs but not the images
nor file bytes nor empty values, the vendor's price, and no caller-named id or callback URL
where the operation has none. Written against the mutants ``make mutants`` showed surviving in
``Roles._prepare``, ``_compact`` and ``_given`` (now ``Roles._plan``)."""

from __future__ import annotations

import pytest

from generator.runtime.mock import VendorMock
from generator.runtime.mock.roles import _compact
from generator.runtime.vendor import Operation, Vendor
from tests.test_mock_roles_limits_values import call_of
from tests.vendors import all_vendors

PLAIN = [
    (v, op)
    for v in all_vendors()
    for op in v.operations
    if op.role == "submit" and not op.caller_id and not op.mock.callback_url
]


def test_a_task_keeps_its_inputs_but_not_images_files_or_empty_values() -> None:
    vendor, op = PLAIN[0]
    mock = VendorMock(vendor)
    values = {"images": ["a", "b"], "prompt": "p", "left_out": None, "upload": b"\x89PNG", "n": 0}
    call = call_of(mock, op, values, images={"images.0": b"a", "images.1": b"b"})

    assert _compact(values, call) == {"prompt": "p", "n": 0}


@pytest.mark.parametrize("case", PLAIN, ids=[f"{v.package}-{op.name}" for v, op in PLAIN])
def test_a_task_costs_the_vendor_s_price_and_has_no_id_or_callback_of_the_caller(
    case: tuple[Vendor, Operation],
) -> None:
    vendor, op = case
    mock = VendorMock(vendor)

    task = mock.roles._prepare(call_of(mock, op, {"prompt": "p"}), 1.0, 1.0)

    assert (task.price, task.external_id, task.callback_url) == (vendor.mock.price, "", "")


def test_a_task_without_an_effect_makes_no_files_and_is_never_too_large() -> None:
    vendor, op = PLAIN[0]
    mock = VendorMock(vendor)
    task = mock.roles._prepare(call_of(mock, op, {"prompt": "p"}), 1.0, 1.0)
    task.effect = "no-such-effect"

    mock.roles._refuse_oversized(task)  # no refusal, and nothing asked of a missing effect


def test_an_operation_changed_after_its_first_task_is_read_with_a_plan_of_its_own() -> None:
    """What a task takes of the inputs is worked out once per operation object: a copy of
    the operation naming a caller id (a test changing the model) is not read with the plan
    of the one it replaced."""
    vendor, op = PLAIN[0]
    mock = VendorMock(vendor)
    first = mock.roles._prepare(call_of(mock, op, {"prompt": "p", "mine": "m-1"}), 1.0, 1.0)
    named = op.model_copy(update={"caller_id": "mine"})

    task = mock.roles._prepare(call_of(mock, named, {"prompt": "p", "mine": "m-1"}), 1.0, 1.0)

    assert (first.external_id, task.external_id) == ("", "m-1")
