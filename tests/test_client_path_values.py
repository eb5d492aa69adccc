"""A path parameter goes into the URL percent-encoded, a ``/`` in it too, except where the spec
says the value is itself a path (``x-sdk-allow-slash``): there its slashes stay literal, and
everything else is still encoded. Every operation with a path parameter, of every vendor.
Written against the mutants ``make mutants`` showed surviving in ``BaseClient._outgoing``."""

from __future__ import annotations

from typing import Any

import pytest

from generator.runtime.wire import wire_layout
from tests.hostile import client_class, credentials
from tests.vendors import all_vendors

CASES = [
    (vendor, op, param)
    for vendor in all_vendors()
    for op in vendor.operations
    for param in op.params
    if param.location == "path"
]


@pytest.mark.parametrize(
    ("vendor", "op", "param"),
    CASES,
    ids=[f"{v.package}-{op.name}-{p.wire}" for v, op, p in CASES],
)
def test_a_path_value_is_encoded_its_slashes_kept_only_where_the_spec_allows(
    vendor: Any, op: Any, param: Any
) -> None:
    with client_class(vendor.package)(**credentials(vendor.package)) as client:
        values = {p.wire: "x" for p in op.params if p.location == "path"}
        values[param.wire] = "a/b c?d"

        path = client._outgoing(wire_layout(op), values, {}).path

    encoded = "a/b%20c%3Fd" if param.allow_slash else "a%2Fb%20c%3Fd"
    expected = op.path.replace("{" + param.wire + "}", encoded)
    for other in values:
        expected = expected.replace("{" + other + "}", "x")
    assert path == expected
    assert any(p.allow_slash for _, _, p in CASES)  # the spec extension is in use somewhere
