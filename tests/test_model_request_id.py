"""``request_id_of``: the request id an answer came with, read the same way from a model
(``_request_id``) and from a page (``request_id``); empty, never "None", when there is none."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from generator.runtime.model import VendorModel, request_id_of
from generator.runtime.pages import SyncPage
from tests.vendors import all_vendors, contract_for

VENDORS = all_vendors()


def test_a_models_own_request_id_is_read() -> None:
    model = VendorModel()
    assert request_id_of(model) == ""  # built by hand: none
    model._request_id = "req-1"
    assert request_id_of(model) == "req-1"


@pytest.mark.parametrize(
    ("answer", "found"),
    [
        (SimpleNamespace(request_id="page-7"), "page-7"),
        (SimpleNamespace(_request_id="own", request_id="page"), "own"),
        (SimpleNamespace(_request_id="", request_id="page"), "page"),
        (SimpleNamespace(_request_id=None, request_id="page"), "page"),
        (SimpleNamespace(request_id=None), ""),
        (SimpleNamespace(request_id=12), "12"),
        (SimpleNamespace(), ""),
        (object(), ""),
        ({"request_id": "in a dict"}, ""),  # a key is no attribute
    ],
    ids=["page", "both", "empty-own", "none-own", "none", "number", "neither", "object", "dict"],
)
def test_a_request_id_is_found_as_an_attribute_or_is_empty(answer: object, found: str) -> None:
    assert request_id_of(answer) == found


@pytest.mark.parametrize("vendor", VENDORS, ids=[v.package for v in VENDORS])
def test_an_answer_from_the_mock_carries_the_request_id_it_came_with(vendor) -> None:
    """Every operation but a get (no task yet), called on the vendor's mock: the request id
    read from its answer is the one the client kept on it (empty where the vendor sends
    none)."""
    contract = contract_for(vendor)
    mock = contract.create_mock()
    with mock.client(contract.client_cls) as client:
        for op in vendor.operations:
            if op.role == "get":
                continue
            kwargs = {op.params_by_wire[w].py: v for w, v in contract.examples(op).items()}
            answer = getattr(client, op.name)(**kwargs)
            own = answer.request_id if isinstance(answer, SyncPage) else answer._request_id
            assert request_id_of(answer) == own, op.name


def test_some_vendor_answers_with_a_request_id() -> None:
    """So that the test above compares ids, not only empty text, for some vendor."""
    found = []
    for vendor in VENDORS:
        contract = contract_for(vendor)
        op = next(o for o in vendor.operations if o.role != "get")
        with contract.create_mock().client(contract.client_cls) as client:
            kwargs = {op.params_by_wire[w].py: v for w, v in contract.examples(op).items()}
            found.append(request_id_of(getattr(client, op.name)(**kwargs)))
    assert any(len(text) >= 8 for text in found), found
