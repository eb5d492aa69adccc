"""A mock's success answer (``envelope.render_success``), built afresh for each vendor found in
specs/: reading it back gives the payload and the request id; each layer carries its success
code, its constant fields and, where it wraps a payload, a blank message. A success code
that comes as text (``"0"`` for ``0``) still reads as a success."""

from __future__ import annotations

from typing import Any

import pytest

from generator.runtime.envelope import render_success, unwrap
from generator.runtime.paths import get_path, set_path
from tests.vendors import all_vendors

VENDORS = all_vendors()
PAYLOAD: dict[str, Any] = {"taskId": "t-1", "nested": {"a": 1}}


def fresh(vendor):
    """A copy of the vendor model: its answers are worked out anew, not taken from a cache."""
    return vendor.model_copy(deep=True)


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.package)
def test_a_success_reads_back_as_its_payload_and_request_id(vendor) -> None:
    body = render_success(fresh(vendor), dict(PAYLOAD), "rid-7")
    payload, request_id = unwrap(vendor, body, 200)
    assert {key: payload[key] for key in PAYLOAD} == PAYLOAD
    own = set()  # what the layers write (beside the payload, where they share its object)
    for layer in vendor.envelope.layers:
        own |= {layer.code.split(".")[-1], layer.request_id.split(".")[-1], *layer.on_success}
        own |= {m.split(".")[-1] for m in layer.message}
    assert set(payload) - set(PAYLOAD) <= own
    on_all = [layer for layer in vendor.envelope.layers if layer.request_id]
    if any(layer.request_id_on == "all" for layer in on_all):
        assert request_id == "rid-7"


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.package)
def test_each_layer_of_a_success_carries_its_code_and_constant_fields(vendor) -> None:
    node: Any = render_success(fresh(vendor), dict(PAYLOAD), "rid-7")
    for layer in vendor.envelope.layers:
        assert isinstance(node, dict)
        if (
            layer.code
            and layer.success
            and layer.success[0] is not None
            and (layer.code not in layer.on_success)
        ):
            assert get_path(node, layer.code) == layer.success[0]
        if layer.request_id and layer.request_id_on == "all":
            assert get_path(node, layer.request_id) == "rid-7"
        for key, value in layer.on_success.items():
            assert node[key] == value
        if layer.payload:
            node = get_path(node, layer.payload)
    assert {key: node[key] for key in PAYLOAD} == PAYLOAD


def test_a_payload_is_copied_not_changed() -> None:
    vendor = next(v for v in VENDORS if v.envelope.layers and not v.envelope.layers[0].payload)
    payload = dict(PAYLOAD)
    render_success(fresh(vendor), payload, "rid-7")
    assert payload == PAYLOAD


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.package)
def test_an_answer_whose_success_codes_come_as_text_is_read_as_a_success(vendor) -> None:
    body = render_success(vendor, {"marker": 7}, "rid-7")
    node, written = body, 0
    for layer in vendor.envelope.layers:
        if layer.code and get_path(node, layer.code) is not None:
            set_path(node, layer.code, str(get_path(node, layer.code)))
            written += 1
        node = get_path(node, layer.payload) if layer.payload else node
    if not written:
        pytest.skip(f"{vendor.package}: no success code to write as text")
    assert unwrap(vendor, body, 200)[0]["marker"] == 7
