"""``mock.sqlite.SqliteStore`` beyond the store interface both stores share (that is in
``tests/test_mock_state.py``): the connection's settings, the mapping of stored tasks, the
newest task of a reused caller id, a failed write leaving the file usable, the record encoding
of bytes and sets, deliveries' ids, and the exact refusals of a state file."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from generator.runtime.mock.sqlite import SqliteStore, StateFileError, _dumps, _loads
from generator.runtime.mock.store import Account, Delivery, unique_key

from .test_mock_state import task


@pytest.fixture
def store(tmp_path: Path) -> Any:
    found = SqliteStore(tmp_path / "state.sqlite3", vendor="acme")
    yield found
    found.close()


def test_the_connection_commits_durably_waits_for_locks_and_serves_any_thread(
    store: SqliteStore,
) -> None:
    assert store._query("PRAGMA synchronous") == [(1,)]  # NORMAL: with WAL, durable enough
    assert store._query("PRAGMA busy_timeout") == [(10_000,)]
    assert store._db.isolation_level is None  # each change its own explicit transaction
    found: list[Any] = []
    worker = threading.Thread(target=lambda: found.append(store.meta("vendor")))
    worker.start()
    worker.join()
    assert found == ["acme"]


def test_the_stored_tasks_are_a_mapping_in_the_order_they_came(store: SqliteStore) -> None:
    for name in ("b", "c", "a"):
        store.add(task(name))
    assert list(store.tasks) == ["b", "c", "a"] and len(store.tasks) == len(store) == 3
    assert store.tasks["c"] == store.find("c") and store.tasks["c"].id == "c"
    with pytest.raises(KeyError) as missing:
        store.tasks["zz"]
    assert missing.value.args == ("zz",)


def test_a_caller_id_used_twice_finds_the_newest_task(store: SqliteStore) -> None:
    store.add(task("first", external_id="mine", created=5.0))
    store.add(task("second", external_id="mine", created=1.0))
    assert store.get("mine", "a").id == "second"  # type: ignore[union-attr]
    assert store.get("first", "a").id == "first"  # type: ignore[union-attr]
    assert store.get("second", "b") is None and store.get("nothing", "a") is None


def test_a_write_that_fails_changes_nothing_and_the_next_one_works(store: SqliteStore) -> None:
    store.add(task("t1"))
    with pytest.raises(sqlite3.IntegrityError):
        store.add(task("t1", keys={"ref": unique_key("r")}))
    assert not store.key_taken("a", "ref", unique_key("r")) and len(store) == 1
    store.add(task("t2", keys={"ref": unique_key("r")}))
    assert store.key_taken("a", "ref", unique_key("r")) and list(store.tasks) == ["t1", "t2"]


def test_saving_a_task_keeps_its_columns_and_changes_its_record(store: SqliteStore) -> None:
    original = task("t1", external_id="mine")
    store.add(original)
    original.reported = frozenset({"queued", "running"})
    original.callback_url = "http://hooks/y"
    store.save(original)
    assert store.find("t1") == original and store.get("mine", "a") == original


def test_records_keep_bytes_sets_and_objects_that_look_like_bytes() -> None:
    value = {"raw": b"\x00\xff", "tags": {"b", "a"}, "$bytes": "not bytes", "n": 1}
    assert _loads(_dumps(value)) == {
        "raw": b"\x00\xff",
        "tags": ["a", "b"],
        "$bytes": "not bytes",
        "n": 1,
    }
    assert _dumps({"name": "café"}) == '{"name":"café"}'
    with pytest.raises(TypeError) as refused:
        _dumps({"when": object()})
    assert str(refused.value) == "cannot store object"


def test_deliveries_are_numbered_updated_and_removed_one_by_one(store: SqliteStore) -> None:
    first = Delivery("t1", "http://hooks/x", "succeeded", {"id": "t1"}, 0, 5.0)
    second = Delivery("t2", "http://hooks/x", "failed", {"id": "t2"}, 0, 6.0)
    store.add_delivery(first)
    store.add_delivery(second)
    assert (first.id, second.id) == (1, 2)
    assert store.deliveries() == [first, second]
    second.attempt = 3
    store.update_delivery(second)
    store.remove_delivery(first)
    assert store.deliveries() == [second]


def test_watched_tasks_come_in_the_order_they_were_stored_until_unwatched(
    store: SqliteStore,
) -> None:
    for name in ("t1", "t2", "t3"):
        store.add(task(name))
    for name in ("t3", "t1", "t2"):
        store.watch(store.find(name))  # type: ignore[arg-type]
    store.watch(store.find("t1"))  # type: ignore[arg-type]
    assert [t.id for t in store.watched()] == ["t1", "t2", "t3"]
    store.unwatch("t2")
    assert [t.id for t in store.watched()] == ["t1", "t3"]


def test_accounts_come_back_in_the_order_they_were_added(store: SqliteStore) -> None:
    for key in ("k2", "k1", "k3"):
        store.save_account(Account(key, quota=3))
    store.save_account(Account("k2", quota=5, used=2))
    accounts = store.accounts()
    assert list(accounts) == ["k1", "k3", "k2"]  # a replaced row is a new one
    assert accounts["k2"] == Account("k2", quota=5, used=2)


def test_a_state_file_names_its_vendor_and_refuses_another(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    SqliteStore(path, vendor="kling").close()
    with pytest.raises(StateFileError) as refused:
        SqliteStore(path, vendor="showapi")
    assert str(refused.value) == f"{path} holds the state of the kling mock, not showapi"
    anyone = SqliteStore(path)  # no vendor named: a tool reading any state
    assert anyone.meta("vendor") == "kling" and anyone.vendor == ""
    anyone.close()
    unnamed = SqliteStore(tmp_path / "unnamed.sqlite3")
    assert unnamed.meta("vendor") is None
    unnamed.close()


def test_a_file_that_is_not_sqlite_is_refused_naming_it(tmp_path: Path) -> None:
    junk = tmp_path / "junk"
    junk.write_bytes(b"not a database, just some bytes " * 64)
    with pytest.raises(StateFileError) as refused:
        SqliteStore(junk, vendor="showapi")
    assert str(refused.value).startswith(f"{junk}: ") and refused.value.__cause__ is None
