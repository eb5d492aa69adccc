"""A generated client's defaults, by value: left alone, it retries a retryable failure twice
(three requests in all), on its clock, and closes the HTTP client it made but not one it was
given; a failure the vendor does not describe is a 400, the mock's own a 500; a success
envelope under HTTP 400 is a failure."""

from __future__ import annotations

import httpx
import pytest

from generator.runtime import errors
from generator.runtime.clock import VirtualClock
from generator.runtime.envelope import error_spec, render_success, unwrap
from generator.runtime.testing import as_kwargs, example_values
from tests.hostile import client_class, credentials
from tests.vendors import all_vendors

VENDOR = all_vendors()[0]


def test_by_default_a_retryable_failure_is_sent_three_times_in_all() -> None:
    seen: list[httpx.Request] = []

    def unavailable(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503)

    op = next(o for o in VENDOR.operations if o.role == "get")
    base_url = VENDOR.base_url or "http://mock.invalid"
    values = example_values(op, base_url)
    client = client_class(VENDOR.package)(
        **credentials(VENDOR.package),
        base_url=base_url,
        transport=httpx.MockTransport(unavailable),
        clock=VirtualClock(),
    )
    with client, pytest.raises(errors.APIError):
        getattr(client, op.name)(**as_kwargs(op, values))

    assert len(seen) == 3


def test_a_client_closes_the_http_client_it_made_and_never_one_it_was_given() -> None:
    base_url = VENDOR.base_url or "http://mock.invalid"
    cls = client_class(VENDOR.package)
    given = httpx.Client()
    with cls(**credentials(VENDOR.package), base_url=base_url, http_client=given) as borrowing:
        pass
    with cls(**credentials(VENDOR.package), base_url=base_url) as owning:
        pass

    assert (given.is_closed, borrowing._http is given, owning._http.is_closed) == (
        False,
        True,
        True,
    )
    given.close()


def test_a_failure_the_vendor_does_not_describe_is_the_caller_s_unless_the_mock_failed() -> None:
    bare = VENDOR.model_copy(update={"error_specs": {}})

    assert (
        error_spec(bare, "server_error").http_status,
        error_spec(bare, "invalid_request").http_status,
    ) == (500, 400)


@pytest.mark.parametrize("vendor", all_vendors(), ids=lambda v: v.package)
def test_a_success_envelope_under_http_400_is_a_failure(vendor) -> None:
    body = render_success(vendor, {"answer": 1}, "rid")

    unwrap(vendor, body, 399)  # below the error range: the envelope decides
    with pytest.raises(errors.APIError) as raised:
        unwrap(vendor, body, 400)
    assert raised.value.status_code == 400
