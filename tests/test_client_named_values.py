"""A caller-named id left empty is named by the client (a resent submit then cannot make a
second task), at the top level or inside an object input, the caller's own object left as it
was. Every operation that lets the caller name its task. Written against the mutants ``make
mutants`` showed surviving in ``BaseClient._named`` and ``_prepare``: an operation without a
caller-named id is sent as given, and a call's own timeout is its request's. Also the byte
count of a task's images (its input and its slots), which the store's bound is kept by."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from generator.runtime.client import user_agent
from generator.runtime.mock.store import MemoryStore
from generator.runtime.paths import get_path, set_path
from generator.runtime.responses import RequestOptions
from generator.runtime.testing import example_values
from tests.hostile import client_class, credentials, offline_client
from tests.test_mock_state import task
from tests.vendors import all_vendors

NAMED = [(v, op) for v in all_vendors() for op in v.operations if op.caller_id]


@pytest.mark.parametrize(("vendor", "op"), NAMED, ids=[f"{v.package}-{o.name}" for v, o in NAMED])
def test_a_caller_named_id_left_empty_is_named_by_the_client(vendor: Any, op: Any) -> None:
    values: dict[str, Any] = {}
    set_path(values, op.caller_id, "")
    before = copy.deepcopy(values)
    base_url = vendor.base_url or "http://mock.invalid"
    with offline_client(vendor.package, base_url) as client:
        named = client._named(op, values)

    assert isinstance(get_path(named, op.caller_id), str) and get_path(named, op.caller_id)
    assert values == before


def test_a_task_s_image_bytes_are_its_input_and_its_slots() -> None:
    store = MemoryStore(None)
    store.add(task("t1", image=b"0123456789", slots={"mask": b"01234"}))

    assert store.image_bytes == 15


UNNAMED = [(v, op) for v in all_vendors() for op in v.operations if not op.caller_id]


def test_an_operation_the_caller_cannot_name_is_sent_as_given() -> None:
    vendor, op = UNNAMED[0]
    base_url = vendor.base_url or "http://mock.invalid"
    values = {"prompt": "p"}
    with offline_client(vendor.package, base_url) as client:
        assert client._named(op, values) == {"prompt": "p"}


def test_a_call_s_own_timeout_is_the_request_s() -> None:
    vendor, op = NAMED[0]
    base_url = vendor.base_url or "http://mock.invalid"
    values = example_values(op, base_url)
    with client_class(vendor.package)(
        **credentials(vendor.package), base_url=base_url, timeout=30.0
    ) as client:
        own = client._prepare(op, values, RequestOptions(timeout=1.5)).request
        default = client._prepare(op, values).request

    assert (own.extensions["timeout"]["read"], default.extensions["timeout"]["read"]) == (1.5, 30.0)


def test_every_request_names_the_client_and_accepts_gzip() -> None:
    vendor, op = NAMED[0]
    base_url = vendor.base_url or "http://mock.invalid"
    with offline_client(vendor.package, base_url) as client:
        request = client._prepare(op, example_values(op, base_url)).request

    assert (request.headers["User-Agent"], request.headers["Accept-Encoding"]) == (
        user_agent(),
        "gzip",
    )
