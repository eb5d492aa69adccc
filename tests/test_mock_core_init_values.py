"""What a ``VendorMock`` starts with, by value: the account of the vendor's first credential's
mock default (or ``test`` for a vendor without credentials), the queue time it is given, no
worker threads unless asked, and the path of the vendor's base URL as the prefix it strips.
Written against the mutants ``make mutants`` showed surviving in ``VendorMock.__init__``."""

from __future__ import annotations

from typing import Any

from generator.runtime.mock import VendorMock
from tests.vendors import all_vendors

VENDOR = next(v for v in all_vendors() if len(v.auth.credentials) >= 2)


def with_auth(**update: Any) -> Any:
    return VENDOR.model_copy(update={"auth": VENDOR.auth.model_copy(update=update)})


def test_the_default_account_is_the_first_credential_s_mock_default() -> None:
    first, second = VENDOR.auth.credentials[:2]
    credentials = (
        first.model_copy(update={"mock_default": "own-key"}),
        second.model_copy(update={"mock_default": "other-key"}),
        *VENDOR.auth.credentials[2:],
    )

    mock = VendorMock(with_auth(credentials=credentials))

    assert mock._default_credentials == ("own-key",)
    assert "own-key" in mock.accounts and "other-key" not in mock.accounts


def test_a_vendor_without_credentials_gets_the_test_account() -> None:
    assert VendorMock(with_auth(credentials=()))._default_credentials == ("test",)


def test_a_mock_takes_the_queue_time_it_is_given_and_starts_no_workers() -> None:
    mock = VendorMock(VENDOR, queue_seconds=VENDOR.mock.queue_seconds + 7.5)

    assert mock.queue_seconds == VENDOR.mock.queue_seconds + 7.5
    assert mock.workers == 0  # every request answered on the event loop


def test_the_base_url_s_path_is_the_prefix_without_its_last_slash() -> None:
    vendor = VENDOR.model_copy(update={"base_url": "https://vendor.example/api/v1/"})

    assert VendorMock(vendor)._prefix == "/api/v1"
