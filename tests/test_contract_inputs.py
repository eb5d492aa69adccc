"""What a contract round trip sends and where its checks look (``testing.Contract``), by value:
a get that follows another get's tasks is asked with the inputs its submit's poll names; a list
in a vendor without submits is called with its examples alone; and the payload schema is found
through a dotted envelope path, or is empty where the answer declares no such field.

Vendors come from ``specs/``; a submit polled with extra inputs is found by its ``poll``.
"""

from __future__ import annotations

from typing import Any

import pytest

from generator.runtime.mock import VendorMock
from generator.runtime.testing import Contract, payload_schema
from generator.runtime.vendor import Operation, Vendor

from .vendors import all_vendors, contract_for

VENDORS_FOUND = all_vendors()


def rebuilt(v: Vendor, **changes: Any) -> Vendor:
    """A fresh copy of ``v`` with ``changes`` (no look-up cached on the original carries over)."""
    fields = {key: getattr(v, key) for key in Vendor.model_fields}
    return Vendor(**{**fields, **changes})


def polled_gets() -> list[tuple[Vendor, Operation, Operation]]:
    """(vendor, get, the first submit that get follows) where that submit's poll adds inputs."""
    found = []
    for v in VENDORS_FOUND:
        for get in (op for op in v.operations if op.role == "get"):
            submits = [
                op
                for op in v.operations
                if op.role == "submit" and v.poll_for(op.name)[0].name == get.name
            ]
            if submits and v.poll_for(submits[0].name)[1]:
                found.append((v, get, submits[0]))
    return found


POLLED = polled_gets()


@pytest.mark.parametrize(
    ("vendor", "get", "submit"), POLLED, ids=[f"{v.package}-{g.name}" for v, g, _s in POLLED]
)
def test_a_get_is_asked_with_the_inputs_its_submits_poll_names(
    vendor: Vendor, get: Operation, submit: Operation
) -> None:
    sound = contract_for(vendor)
    mocks: list[VendorMock] = []

    def create_mock(**options: Any) -> VendorMock:
        mocks.append(sound.create_mock(**options))
        return mocks[-1]

    Contract(
        sound.vendor, sound.client_cls, sound.async_client_cls, create_mock, sound.models
    ).round_trip(get.name)
    [asked] = [entry for entry in mocks[0].journal if entry.operation == get.name]
    for wire, value in vendor.poll_for(submit.name)[1].items():
        assert asked.params[wire] == value


LISTS = [(v, op) for v in VENDORS_FOUND for op in v.operations if op.role == "list"]


@pytest.mark.parametrize(("vendor", "op"), LISTS, ids=[f"{v.package}-{op.name}" for v, op in LISTS])
def test_a_list_of_a_vendor_without_submits_is_called_with_its_examples(
    vendor: Vendor, op: Operation
) -> None:
    sound = contract_for(vendor)
    no_submits = rebuilt(
        sound.vendor, operations=tuple(o for o in vendor.operations if o.role != "submit")
    )
    contract = Contract(
        no_submits, sound.client_cls, sound.async_client_cls, sound.create_mock, sound.models
    )
    page = contract.round_trip(op.name)
    assert isinstance(page.result, getattr(sound.models, op.payload_model))  # type: ignore[attr-defined]


INNER = {"type": "object", "properties": {"id": {"type": "string"}}}
ANSWER = {"type": "object", "properties": {"outer": {"properties": {"inner": INNER}}}}


def test_the_payload_schema_is_found_through_a_dotted_envelope_path() -> None:
    """Any vendor with an envelope, its payload moved to ``outer.inner``."""
    vendor = next((v for v in VENDORS_FOUND if v.envelope.layers), None)
    if vendor is None:
        pytest.skip("no spec in specs/ wraps its answers in an envelope")
    layer = vendor.envelope.layers[0]
    op = vendor.operations[0].model_copy(update={"response_schema": ANSWER})

    def with_payload(path: str) -> Vendor:
        layers = (layer.model_copy(update={"payload": path}),)
        return rebuilt(vendor, envelope=vendor.envelope.model_copy(update={"layers": layers}))

    assert payload_schema(with_payload("outer.inner"), op) == INNER
    assert payload_schema(with_payload("outer.missing.deeper"), op) == {}
    assert payload_schema(with_payload(""), op) == ANSWER
