"""A unique input that is not the caller-named id (``x-sdk-limits.unique`` allows any input,
though today's specs name only caller ids): a task keeps its value's key, and a later submit
with the same value (the same JSON, whatever the order of an object's keys) is refused as a
conflict, while another value, the same digits as a number, or an empty value is not, in
either store (the SQLite one keeps an empty caller-named id as a value). Written against the
mutants ``make mutants`` showed surviving in ``Roles._prepare``, ``_refuse_reused_ids`` and
``unique_key``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.runtime.mock import VendorMock
from generator.runtime.mock.messages import MockError
from generator.runtime.mock.sqlite import SqliteStore
from generator.runtime.mock.store import TaskStore, unique_key
from tests.test_mock_roles_limits_values import call_of, unique_ops

VENDOR, OP = unique_ops()[0]
TAG = "tag"  # an input of our own, made unique for the test


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TaskStore | None]:
    if request.param == "memory":
        yield None  # the mock's own
        return
    found = SqliteStore(tmp_path / "state.sqlite3", vendor=VENDOR.package)
    yield found
    found.close()


def mock_with_task(value: Any, store: TaskStore | None = None) -> VendorMock:
    """A mock whose default account has one task, submitted with ``tag`` = ``value``."""
    mock = VendorMock(VENDOR, store=store)
    mock._unique_inputs = [TAG]
    op = tagged()
    task = mock.roles._prepare(call_of(mock, op, {TAG: value}), 1.0, 1.0)
    assert task.keys == {TAG: unique_key(value)}
    mock.roles._commit(task, mock.accounts[mock._default_credentials[0]])
    assert (task.outcome, task.error) == ("succeeded", "")  # nothing forced: no error text
    return mock


def tagged() -> Any:
    return OP.model_copy(update={"limits": OP.limits.model_copy(update={"unique": (TAG,)})})


@pytest.mark.parametrize(
    ("stored", "sent"),
    [("v1", "v1"), ({"a": 1, "b": "é"}, {"b": "é", "a": 1}), (b"\x00", b"\x00")],
    ids=["text", "object-in-another-order", "bytes"],
)
def test_a_value_already_used_is_refused_as_a_conflict(stored: Any, sent: Any) -> None:
    mock = mock_with_task(stored)

    with pytest.raises(MockError) as refused:
        mock.roles._refuse_reused_ids(call_of(mock, tagged(), {TAG: sent}))

    assert (refused.value.kind, refused.value.detail) == (
        "conflict",
        f"{TAG} {sent!r} is already used",
    )


@pytest.mark.parametrize(
    ("stored", "sent"), [("v1", "v2"), ("1", 1), ("v1", "")], ids=["another", "number", "empty"]
)
def test_another_value_or_an_empty_one_is_let_through(
    stored: Any, sent: Any, store: TaskStore | None
) -> None:
    mock = mock_with_task(stored, store)  # its task has no caller-named id: ""

    mock.roles._refuse_reused_ids(call_of(mock, tagged(), {TAG: sent}))  # no refusal


def test_a_value_s_key_is_its_json_unescaped_with_sorted_keys() -> None:
    assert unique_key({"b": "é", "a": 1}) == '{"a": 1, "b": "é"}'
    assert unique_key(b"x") == "\"b'x'\""  # not JSON: its text
