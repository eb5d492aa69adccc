"""Every generated client's timeout and retry defaults are the runtime's, kept in one place
(``DEFAULT_TIMEOUT``, ``DEFAULT_MAX_RETRIES``), not a number repeated in each client."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from generator.runtime.client import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from tests.vendors import all_vendors, contract_for

VENDORS = all_vendors()
CLASSES = [
    pytest.param(vendor, is_async, id=f"{vendor.package}-{'async' if is_async else 'sync'}")
    for vendor in VENDORS
    for is_async in (False, True)
]


def client_class(vendor: Any, is_async: bool) -> Any:
    contract = contract_for(vendor)
    return contract.async_client_cls if is_async else contract.client_cls


@pytest.mark.parametrize(("vendor", "is_async"), CLASSES)
def test_a_client_s_signature_defaults_are_the_runtime_s(vendor: Any, is_async: bool) -> None:
    params = inspect.signature(client_class(vendor, is_async)).parameters
    assert params["timeout"].default == DEFAULT_TIMEOUT
    assert params["max_retries"].default == DEFAULT_MAX_RETRIES


@pytest.mark.parametrize(("vendor", "is_async"), CLASSES)
def test_a_client_made_without_them_has_the_runtime_s_defaults(vendor: Any, is_async: bool) -> None:
    client = contract_for(vendor).create_mock().client(client_class(vendor, is_async))
    assert (client.max_retries, client.timeout.read) == (DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT)
