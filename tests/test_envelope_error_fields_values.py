"""A mock's error answer (``envelope.render_error``) carries the constant fields each layer adds
on errors (``on_error``), value by value, in every layer the error passes through; vendors are
the ones in specs/ whose envelope has such fields."""

from __future__ import annotations

from typing import Any

import pytest

from generator.runtime.envelope import render_error
from generator.runtime.paths import get_path
from tests.vendors import all_vendors

WITH_ERROR_FIELDS = [v for v in all_vendors() if any(layer.on_error for layer in v.envelope.layers)]


@pytest.mark.skipif(not WITH_ERROR_FIELDS, reason="no vendor in specs/ has on_error fields")
@pytest.mark.parametrize("vendor", WITH_ERROR_FIELDS, ids=[v.package for v in WITH_ERROR_FIELDS])
def test_every_layer_of_an_error_answer_carries_its_on_error_fields(vendor) -> None:
    layers = vendor.envelope.layers
    kinds = [k for k, s in vendor.error_specs.items() if s.body]
    assert kinds
    for kind in kinds:
        _status, _headers, body = render_error(vendor, kind, "bad input", "rid-9")
        node: Any = body
        for layer in layers[: min(vendor.error_specs[kind].layer, len(layers) - 1) + 1]:
            assert isinstance(node, dict), (kind, body)
            assert {key: node.get(key) for key in layer.on_error} == layer.on_error, (kind, body)
            node = get_path(node, layer.payload) if layer.payload else node
