"""A generated client's defaults, by value: left alone, it retries a retryable failure twice
(three requests in all), on its clock."""

from __future__ import annotations

import httpx
import pytest

from generator.runtime import errors
from generator.runtime.clock import VirtualClock
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
