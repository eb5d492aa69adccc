"""What a vendor's envelope carries, by value: on a success, the request id where the vendor
names one (every vendor here sends it on successes too, and one that sends it on errors only
does not) and no null; on a failure the vendor does not describe (no code of its own), no
null code either. Written against the mutants ``make mutants`` showed surviving in
``_stamp``."""

from __future__ import annotations

from typing import Any

import pytest

from generator.runtime.envelope import render_error, render_success
from generator.runtime.paths import get_path
from tests.vendors import all_vendors

VENDORS = all_vendors()


def leaves(body: Any, at: str = "") -> dict[str, Any]:
    if isinstance(body, dict):
        return {
            k: v for key, value in body.items() for k, v in leaves(value, f"{at}.{key}").items()
        }
    return {at.lstrip("."): body}


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.package)
def test_a_success_carries_the_request_id_and_no_null(vendor: Any) -> None:
    body = render_success(vendor, {"answer": 1}, "rid-1")

    for layer in vendor.envelope.layers:
        if layer.request_id and layer.request_id_on == "all":
            assert get_path(body, layer.request_id) == "rid-1"
    assert None not in leaves(body).values()


def test_a_vendor_may_send_its_request_id_on_errors_only() -> None:
    vendor = next(v for v in VENDORS if any(layer.request_id for layer in v.envelope.layers))
    layers = tuple(
        layer.model_copy(update={"request_id_on": "errors"}) for layer in vendor.envelope.layers
    )
    quiet = vendor.model_copy(
        update={"envelope": vendor.envelope.model_copy(update={"layers": layers})}
    )

    assert "rid-1" not in leaves(render_success(quiet, {"answer": 1}, "rid-1")).values()


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.package)
def test_a_failure_without_a_code_of_its_own_has_no_null_code(vendor: Any) -> None:
    bare = vendor.model_copy(update={"error_specs": {}})  # every kind undescribed: no code

    body = render_error(bare, "server_error", "broken", "rid-1")[2]

    assert body is not None and None not in leaves(body).values()
