"""What a ``VendorMock`` starts with, by value: the account of the vendor's first credential's
mock default (or ``test`` for a vendor without credentials), the queue time it is given, no
worker threads unless asked, the path of the vendor's base URL as the prefix it strips, a
store on its clock, a journal within its limit, and no secret for a key of a vendor that
signs with none.
Written against the mutants ``make mutants`` showed surviving in ``VendorMock.__init__``."""

from __future__ import annotations

from typing import Any

import pytest

from generator.runtime import errors
from generator.runtime.clock import VirtualClock
from generator.runtime.images import png_base64
from generator.runtime.mock import VendorMock
from generator.runtime.mock.callbacks import ATTEMPTS_KEPT
from generator.runtime.mock.messages import MockError, MockRequest
from generator.runtime.testing import example_values
from generator.runtime.wire import wire_layout
from tests.hostile import answered, client_class, offline_client
from tests.test_mock_state import task
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
    vendor = VENDOR.model_copy(update={"base_url": "https://vendor.example/api/BOX/"})

    assert VendorMock(vendor)._prefix == "/api/BOX"  # the slash goes, nothing else


def test_the_store_keeps_time_by_the_mock_s_clock() -> None:
    mock = VendorMock(VENDOR, clock=VirtualClock(0.0), max_tasks=2)
    for number in range(3):  # each runs for ten seconds from 0: all running at 0
        mock.store.add(task(f"t{number}", created=0.0))

    assert sorted(mock.store.tasks) == ["t0", "t1", "t2"]  # a running task is never forgotten


def test_the_journal_keeps_only_the_latest_entries_up_to_its_limit() -> None:
    mock = VendorMock(VENDOR, journal_limit=2)
    for number in range(3):
        mock.handle(MockRequest.build("GET", f"http://mock.invalid/nowhere/{number}", [], b""))

    assert [entry.path for entry in mock.journal] == ["/nowhere/1", "/nowhere/2"]


def test_a_key_added_to_a_vendor_with_one_credential_has_no_secret() -> None:
    mock = VendorMock(with_auth(credentials=VENDOR.auth.credentials[:1]))

    assert mock.add_credential("another-key").secret == ""


ALTERNATIVES = [(v, m) for v in all_vendors() for m in v.auth.alternatives]


@pytest.mark.parametrize(("vendor", "mode"), ALTERNATIVES, ids=[v.package for v, _ in ALTERNATIVES])
def test_a_client_given_another_way_in_does_not_fall_back_on_the_default_key(
    vendor: Any, mode: Any
) -> None:
    """Half of another way in (its key without its secret) is the caller's mistake, said as
    such: the mock's client does not quietly sign in with the default key instead."""
    mock = VendorMock(vendor)

    with pytest.raises(errors.ConfigurationError):
        mock.client(client_class(vendor.package), **{mode.credentials[0].name: "k"})


def test_after_a_reset_the_callback_attempts_kept_are_the_latest_up_to_their_bound() -> None:
    mock = VendorMock(VENDOR)
    mock.callbacks.clear()
    mock.callbacks.attempts.extend(range(ATTEMPTS_KEPT + 3))  # stand-ins for attempts

    assert (len(mock.callbacks.attempts), mock.callbacks.attempts[0]) == (ATTEMPTS_KEPT, 3)


def test_a_task_whose_effect_is_unknown_has_no_result_files() -> None:
    mock = VendorMock(VENDOR)

    assert mock.file_urls(task("t1", effect="no-such-effect")) == {}


BASE64_IMAGES = [
    (v, op, name)
    for v in all_vendors()
    for op in v.operations
    for name, limit in op.limits.images.items()
    if limit.source == "base64" and not op.limits.slots and "." not in name
]


def test_an_image_over_the_mock_s_pixel_limit_is_refused_naming_its_input() -> None:
    vendor, op, name = BASE64_IMAGES[0]
    mock = VendorMock(vendor, max_pixels=100)
    base_url = vendor.base_url or "http://mock.invalid"
    with offline_client(vendor.package, base_url) as client:
        fixed = client._fixed_values(wire_layout(op))
    values = {**fixed, **example_values(op, base_url), name: png_base64(64, 48)}
    account = mock.accounts[mock._default_credentials[0]]
    request = MockRequest.build(op.method, f"{base_url}{op.path}", [], b"")

    with pytest.raises(MockError) as refused:
        answered(mock._dispatch(op, values, account, request))

    assert refused.value.kind == "image_resolution"
    assert refused.value.detail.split(":")[0] in op.limits.images
