"""A caller-named id left empty is named by the client (a resent submit then cannot make a
second task), at the top level or inside an object input, the caller's own object left as it
was. Every operation that lets the caller name its task. Written against the mutants ``make
mutants`` showed surviving in ``BaseClient._named``; and the byte count of a task's images
(its input and its slots), which the store's bound is kept by."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from generator.runtime.mock.store import MemoryStore
from generator.runtime.paths import get_path, set_path
from tests.hostile import client_class, credentials
from tests.test_mock_state import task
from tests.vendors import all_vendors

NAMED = [(v, op) for v in all_vendors() for op in v.operations if op.caller_id]


@pytest.mark.parametrize(("vendor", "op"), NAMED, ids=[f"{v.package}-{o.name}" for v, o in NAMED])
def test_a_caller_named_id_left_empty_is_named_by_the_client(vendor: Any, op: Any) -> None:
    values: dict[str, Any] = {}
    set_path(values, op.caller_id, "")
    before = copy.deepcopy(values)
    base_url = vendor.base_url or "http://mock.invalid"
    with client_class(vendor.package)(**credentials(vendor.package), base_url=base_url) as client:
        named = client._named(op, values)

    assert isinstance(get_path(named, op.caller_id), str) and get_path(named, op.caller_id)
    assert values == before


def test_a_task_s_image_bytes_are_its_input_and_its_slots() -> None:
    store = MemoryStore(None)
    store.add(task("t1", image=b"0123456789", slots={"mask": b"01234"}))

    assert store.image_bytes == 15
