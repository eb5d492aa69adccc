"""The typed error for a failure the vendor reports, by value, on a vendor whose spec has
exactly two kinds under one code (none of today's five has, a new one may): the message tells
the two apart, a get that matches neither is "not found" when one of them is, and a failure
without a message says so. Written against the mutants ``make mutants`` showed surviving in
``api_error``."""

from __future__ import annotations

from generator.runtime import errors
from generator.runtime.envelope import api_error
from generator.runtime.vendor import ErrorSpec, Vendor
from tests.vendors import all_vendors

CODE = 4242


def two_kinds_one_code(first: str, second: str) -> Vendor:
    """The first vendor with a coded envelope, its errors only ``first`` and ``second``, both
    under ``CODE`` at layer 0 and told apart by their messages' fixed starts."""
    vendor = next(v for v in all_vendors() if v.envelope.layers and v.envelope.layers[0].code)
    specs = {
        first: ErrorSpec(code=CODE, message="first kind: {detail}"),
        second: ErrorSpec(code=CODE, message="second kind: {detail}"),
    }
    return vendor.model_copy(update={"errors": specs, "error_specs": specs})


def test_two_kinds_under_one_code_are_told_apart_by_the_message() -> None:
    vendor = two_kinds_one_code("quota_exceeded", "rate_limited")

    found = api_error(vendor, 0, CODE, "second kind: slow down", 200, "rid-1", {})

    assert type(found) is errors.RateLimitError


def test_a_get_refused_with_a_code_one_of_two_kinds_share_with_not_found_is_not_found() -> None:
    vendor = two_kinds_one_code("invalid_request", "not_found")

    found = api_error(vendor, 0, CODE, "neither start", 200, "rid-1", {}, role="get")

    assert type(found) is errors.NotFoundError


def test_a_failure_without_a_message_says_the_request_failed() -> None:
    vendor = two_kinds_one_code("invalid_request", "not_found")

    found = api_error(vendor, 0, CODE, "", 200, "", {})

    assert found.vendor_message == "request failed"
