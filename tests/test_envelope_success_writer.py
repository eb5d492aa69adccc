"""A vendor's success writer (``envelope.success_writer``): the plan written out as straight-line
code gives exactly what ``write_success`` gives walking the plan, for each vendor found in
specs/ and for plans drawn at random (layers that wrap or not, names shared between a layer's
fields and the payload's, constants, dotted paths), on payloads that already hold those
names, hold them as None, or are no object at all."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.runtime.envelope import success_layer, success_writer, write_success
from generator.runtime.vendor import EnvelopeLayer
from tests.vendors import all_vendors

NAMES = st.sampled_from(["code", "msg", "data", "rid", "ret", "fee", "head.code", ""])
LAYERS = st.builds(
    EnvelopeLayer,
    code=NAMES,
    success=st.sampled_from([(0,), (200,), ("ok",), (None,), ()]),
    message=st.lists(NAMES.filter(bool), max_size=2).map(tuple),
    request_id=NAMES,
    request_id_on=st.sampled_from(["all", "errors"]),
    payload=NAMES,
    on_success=st.dictionaries(NAMES.filter(bool), st.integers(0, 3), max_size=2),
)
PAYLOADS = st.one_of(
    st.dictionaries(NAMES.filter(bool), st.one_of(st.none(), st.integers(0, 9)), max_size=4),
    st.lists(st.integers(0, 9), max_size=2),
    st.none(),
    st.text(max_size=3),
)


def both(layers: list[EnvelopeLayer], payload: Any) -> tuple[Any, Any]:
    """``payload`` through the plan of ``layers`` by the compiled writer and by the walk: what
    each gives, or the type of what it raised (a dotted path into a list)."""
    plan = [success_layer(layer) for layer in layers]
    return (
        outcome(success_writer(plan), payload),
        outcome(lambda body, rid: write_success(plan, body, rid), payload),
    )


def outcome(write: Any, payload: Any) -> Any:
    try:
        return write(copy.deepcopy(payload), "rid-1")
    except ValueError as exc:
        return type(exc)


@settings(max_examples=1500, deadline=None)
@given(st.lists(LAYERS, max_size=3), PAYLOADS)
def test_the_written_out_plan_writes_what_the_walk_writes(layers, payload) -> None:
    compiled, walked = both(layers, payload)
    assert compiled == walked


@pytest.mark.parametrize("vendor", all_vendors(), ids=lambda v: v.package)
@pytest.mark.parametrize(
    "payload",
    [{"taskId": "t-1"}, {}, [1, 2], None],
    ids=["object", "empty", "list", "none"],
)
def test_each_vendors_writer_writes_what_the_walk_writes(vendor, payload) -> None:
    layers = list(reversed(vendor.envelope.layers))
    own = {f: 5 for layer in layers for f in (layer.code, layer.request_id) if f and "." not in f}
    for given_payload in (payload, {**own, **payload} if isinstance(payload, dict) else payload):
        compiled, walked = both(layers, given_payload)
        assert compiled == walked


def test_a_payloads_own_field_of_the_codes_name_is_kept_and_a_fresh_object_is_stamped() -> None:
    inner = EnvelopeLayer(code="code", success=(0,))
    outer = EnvelopeLayer(code="status", success=(1,), payload="data", message=("msg",))
    plan = [success_layer(inner), success_layer(outer)]
    written = success_writer(plan)({"code": 7}, "rid-1")
    assert written == {"data": {"code": 7}, "msg": "", "status": 1}
    assert success_writer(plan)({"code": None}, "r") == {
        "data": {"code": 0},
        "msg": "",
        "status": 1,
    }
