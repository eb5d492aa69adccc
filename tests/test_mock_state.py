"""Mock state: one store interface, in memory (bounded, indexed) or in SQLite (survives a
SIGKILL), and ids unique across processes unless a seed asks for the same ones."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from generated.kling import KlingClient
from generated.kling.mock import create_mock as create_kling_mock
from generated.showapi import ShowapiClient
from generated.showapi.mock import create_mock as create_showapi_mock
from generator.runtime import errors
from generator.runtime.clock import VirtualClock
from generator.runtime.images import png_base64
from generator.runtime.live import LiveServer, ServedProcess
from generator.runtime.mock import VendorMock
from generator.runtime.mock.serve import vendor_packages
from generator.runtime.mock.sqlite import SqliteStore, StateFileError
from generator.runtime.mock.store import Delivery, MemoryStore, MockTask, unique_key

from .test_virtual_clock_http import Hooks, advance, client_for, submit, submits, vendor_of


def task(task_id: str, account: str = "a", *, created: float = 0.0, **fields: Any) -> MockTask:
    defaults: dict[str, Any] = {
        "operation": "op",
        "queue_seconds": 0.0,
        "run_seconds": 10.0,
        "outcome": "succeeded",
        "effect": "repaint",
        "args": {},
        "inputs": {"prompt": "p"},
        "base_url": "http://m",
        "image": b"\x89PNG...",
    }
    return MockTask(id=task_id, account=account, created_at=created, **{**defaults, **fields})


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "memory":
        yield MemoryStore(None)
    else:
        found = SqliteStore(tmp_path / "state.sqlite3", vendor="test")
        yield found
        found.close()


# -- the store interface, both implementations ----------------------------------------------
def test_tasks_are_found_by_id_and_by_caller_id_within_their_account(store: Any) -> None:
    store.add(task("t1", "a", external_id="mine", keys={"ref": unique_key("r-1")}))
    store.add(task("t2", "b", external_id="mine"))
    assert store.find("t1").id == "t1"
    assert store.get("t1", "a").id == "t1" and store.get("t1", "b") is None
    assert store.get("mine", "a").id == "t1" and store.get("mine", "b").id == "t2"
    assert store.external_id_taken("mine", "a") and not store.external_id_taken("other", "a")
    assert store.key_taken("a", "ref", unique_key("r-1"))
    assert not store.key_taken("b", "ref", unique_key("r-1"))
    assert not store.key_taken("a", "ref", unique_key(1))  # "r-1" and 1 stay apart


def test_a_stored_task_comes_back_whole(store: Any) -> None:
    original = task(
        "t1",
        slots={"mask": b"\x00\x01binary"},
        args={"factor": 2, "vector": True},
        callback_url="http://hooks/x",
        files_ttl=60.0,
        reported=frozenset({"queued"}),
        keys={"ref": unique_key("x")},
    )
    store.add(original)
    assert store.find("t1") == original


def test_lists_newest_first_and_active_tasks_of_one_account(store: Any) -> None:
    for i in range(5):
        store.add(task(f"t{i}", "a", created=float(i)))
    store.add(task("other", "b", created=9.0))
    assert [t.id for t in store.of_account("a")] == ["t4", "t3", "t2", "t1", "t0"]
    # each runs 10 s: at 12 the first three have finished
    assert sorted(t.id for t in store.active("a", 12.0)) == ["t3", "t4"]


def test_accounts_callbacks_and_meta_are_kept_and_cleared(store: Any) -> None:
    from generator.runtime.mock.store import Account

    store.save_account(Account("k", quota=3, used=1, money=9.5))
    store.add(task("t1", callback_url="http://hooks/x"))
    store.watch(store.find("t1"))
    delivery = Delivery("t1", "http://hooks/x", "succeeded", {"id": "t1"}, 0, 5.0)
    store.add_delivery(delivery)
    delivery.attempt, delivery.due = 1, 8.0
    store.update_delivery(delivery)
    store.set_meta("clock", "12.5")
    assert store.accounts()["k"].remaining == 2 and store.accounts()["k"].money == 9.5
    assert [t.id for t in store.watched()] == ["t1"]
    assert [(d.attempt, d.due) for d in store.deliveries()] == [(1, 8.0)]
    assert store.meta("clock") == "12.5"
    store.clear()
    assert (len(store.tasks), store.accounts(), store.watched(), store.deliveries()) == (
        0,
        {},
        [],
        [],
    )


# -- indexes, not scans ---------------------------------------------------------------------
class NoScans(dict):
    """The memory store's task dict, refusing to be walked: any scan fails the test."""

    def __iter__(self) -> Any:
        raise AssertionError("the store scanned its tasks")

    def values(self) -> Any:
        raise AssertionError("the store scanned its tasks")

    def items(self) -> Any:
        raise AssertionError("the store scanned its tasks")


def test_submits_and_gets_by_both_ids_never_scan_the_stored_tasks() -> None:
    mock = create_kling_mock(max_tasks=None)
    image = png_base64(400, 400)
    with mock.client(KlingClient) as client:
        for i in range(50):
            client.create_task(element_frontal_image=image, external_task_id=f"e-{i}")
        mock.store._tasks = NoScans(mock.store._tasks)
        made = client.create_task(element_frontal_image=image, external_task_id="last")
        assert client.get_task(task_id=made.task_id).task_id == made.task_id
        assert client.get_task(task_id="last").task_id == made.task_id
        with pytest.raises(errors.ConflictError):
            client.create_task(element_frontal_image=image, external_task_id="e-7")


def test_every_sqlite_lookup_a_request_makes_uses_an_index(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite3")
    lookups = {
        "find": ("SELECT * FROM tasks WHERE id = ?", ("x",)),
        "external": (
            "SELECT * FROM tasks WHERE account = ? AND external_id = ? ORDER BY seq DESC LIMIT 1",
            ("a", "x"),
        ),
        "key": (
            "SELECT 1 FROM task_keys WHERE account = ? AND name = ? AND value = ?",
            ("a", "n", "v"),
        ),
        "active": ("SELECT * FROM tasks WHERE account = ? AND finishes_at > ?", ("a", 1.0)),
    }
    for name, (sql, params) in lookups.items():
        plan = " ".join(str(row[-1]) for row in store._query(f"EXPLAIN QUERY PLAN {sql}", params))
        assert "SCAN" not in plan and ("INDEX" in plan or "PRIMARY KEY" in plan), (name, plan)
    store.close()


# -- the bounded memory store ---------------------------------------------------------------
def test_the_memory_store_forgets_the_oldest_finished_tasks_past_its_cap() -> None:
    mock = create_showapi_mock(max_tasks=50)
    image = png_base64()
    with mock.client(ShowapiClient) as client:
        ids = [client.submit_repaint(prompt="p", image_base64=image).task_order for _ in range(40)]
        mock.advance(60)  # all finished
        ids += [client.submit_repaint(prompt="p", image_base64=image).task_order for _ in range(40)]
        assert len(mock.store.tasks) <= 50
        assert ids[0] not in mock.store.tasks and ids[-1] in mock.store.tasks
        with pytest.raises(errors.NotFoundError):
            client.get_task(task_id=ids[0])
        assert client.get_task(task_id=ids[-1]).task_order == ids[-1]


def test_tasks_still_running_are_never_evicted() -> None:
    mock = create_showapi_mock(max_tasks=10)
    with mock.client(ShowapiClient) as client:
        ids = [
            client.submit_repaint(prompt="p", image_base64=png_base64()).task_order
            for _ in range(25)
        ]
    assert set(ids) <= set(mock.store.tasks)


# -- SQLite: survives the process -----------------------------------------------------------
def test_a_state_file_of_another_vendor_or_not_sqlite_is_refused(tmp_path: Path) -> None:
    SqliteStore(tmp_path / "s.sqlite3", vendor="kling").close()
    with pytest.raises(StateFileError, match="kling"):
        SqliteStore(tmp_path / "s.sqlite3", vendor="showapi")
    (tmp_path / "junk").write_bytes(b"not a database at all" * 100)
    with pytest.raises(StateFileError):
        SqliteStore(tmp_path / "junk", vendor="showapi")


def test_the_state_file_is_in_wal_mode(tmp_path: Path) -> None:
    SqliteStore(tmp_path / "s.sqlite3").close()
    with sqlite3.connect(tmp_path / "s.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_seeded_mock_restarted_on_its_state_does_not_hand_out_its_ids_again(
    tmp_path: Path,
) -> None:
    def one_task() -> str:
        mock = create_showapi_mock(seed=5, store=SqliteStore(tmp_path / "s.sqlite3"))
        with mock.client(ShowapiClient) as client:
            made = client.submit_repaint(prompt="p", image_base64=png_base64()).task_order
        mock.close()
        return made

    first, second = one_task(), one_task()
    assert first != second


def state_of(folder: Path, package: str) -> SqliteStore:
    return SqliteStore(folder / f"{package}.sqlite3", vendor=package)


def test_a_mock_killed_mid_task_answers_for_it_and_completes_it_after_a_restart(
    tmp_path: Path,
) -> None:
    packages = [p for p in vendor_packages() if submits(vendor_of(p))]
    state = tmp_path / "state"
    served = ServedProcess(packages, "--clock", "virtual", "--state", str(state))
    made: dict[str, tuple[str, str, str]] = {}
    with served:
        for package, url in served.urls.items():
            vendor, op = vendor_of(package), submits(vendor_of(package))[0]
            caller_id = f"c-{uuid.uuid4().hex[:12]}" if op.caller_id else ""
            with client_for(package, url) as client:
                extra = {op.caller_id: caller_id} if caller_id else {}
                made[package] = (submit(client, op, url, **extra), op.name, caller_id)
            advance(url, vendor.mock.queue_seconds + vendor.mock.task_seconds / 2)
        stopped_at = {
            p: httpx.get(f"{u}/_mock/health").json()["time"] for p, u in served.urls.items()
        }
        served.kill()  # SIGKILL: no chance to tidy up
        for package in packages:
            saved = state_of(state, package)
            assert saved.accounts()["test"].used == 1, package
            saved.close()
        served.start()  # the same command on the same state
        for package, url in served.urls.items():
            vendor = vendor_of(package)
            task_id, operation, caller_id = made[package]
            assert httpx.get(f"{url}/_mock/health").json()["time"] == stopped_at[package]
            with client_for(package, url) as client:
                assert client.get_outcome(task_id, operation=operation).status == "running"
                advance(url, vendor.mock.task_seconds)
                done = client.get_outcome(task_id, operation=operation)
                assert done.status == "succeeded", (package, done)
                assert all(httpx.get(u, timeout=30).status_code == 200 for u in done.images)
                op = vendor.ops[operation]
                if caller_id:  # found by the caller's id, which stays taken
                    assert client.get_outcome(caller_id, operation=operation).task_id == task_id
                    with pytest.raises(errors.ConflictError):
                        submit(client, op, url, **{op.caller_id: caller_id})
                submit(client, op, url)  # the account's count carries on from before
        for package in packages:
            saved = state_of(state, package)
            assert saved.accounts()["test"].used == 2, package
            saved.close()


def test_pending_callbacks_survive_a_sigkill(tmp_path: Path) -> None:
    packages = [
        p
        for p in vendor_packages()
        if (spec := vendor_of(p).callback) is not None and spec.retry_seconds
    ]
    if not packages:
        pytest.skip("no vendor retries its callbacks")
    hooks = Hooks(refusals=len(packages))  # every first delivery is refused
    state = tmp_path / "state"
    served = ServedProcess(packages, "--clock", "virtual", "--state", str(state))
    with LiveServer(hooks) as receiver, served:
        for package, url in served.urls.items():
            vendor = vendor_of(package)
            op = next(o for o in submits(vendor) if o.mock.callback_url)
            with client_for(package, url) as client:
                submit(client, op, url, **{op.mock.callback_url: f"{receiver.url}/{package}"})
            advance(url, vendor.mock.queue_seconds + vendor.mock.task_seconds)
        assert len(hooks.received) == len(packages)  # all refused: each waits for its retry
        served.kill()
        served.start()
        for package, url in served.urls.items():
            advance(url, vendor_of(package).callback.retry_seconds[0])
        assert len(hooks.received) == 2 * len(packages)  # delivered again after the restart
        for package, url in served.urls.items():
            advance(url, sum(vendor_of(package).callback.retry_seconds))
        assert len(hooks.received) == 2 * len(packages)  # accepted: nothing more


# -- ids ------------------------------------------------------------------------------------
def first_ids(mock: VendorMock) -> tuple[str, str]:
    """(task id, request id) of a fresh mock's first submit."""
    with mock.client(ShowapiClient) as client:
        client.submit_repaint(prompt="p", image_base64=png_base64())
    body = mock.journal[-1].response
    return body["showapi_res_body"]["taskOrder"], body["showapi_res_id"]


def test_ids_differ_between_mocks_by_default_and_repeat_with_a_seed() -> None:
    a, b = first_ids(create_showapi_mock()), first_ids(create_showapi_mock())
    assert a[0] != b[0] and a[1] != b[1]
    seeded = [first_ids(create_showapi_mock(seed=42)) for _ in range(2)]
    assert seeded[0] == seeded[1]
    assert first_ids(create_showapi_mock(seed=43)) != seeded[0]


def test_ids_differ_between_processes_by_default() -> None:
    script = (
        "from tests.test_mock_state import first_ids\n"
        "from generated.showapi.mock import create_mock\n"
        "print(*first_ids(create_mock()))\n"
    )
    root = Path(__file__).resolve().parents[1]
    runs = [
        subprocess.run(
            [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(2)
    ]
    assert len(runs[0]) == 2 and runs[0][0] != runs[1][0] and runs[0][1] != runs[1][1]


def test_the_served_command_takes_a_seed() -> None:
    ids = []
    for _ in range(2):
        with ServedProcess(["showapi"], "--seed", "7") as served:
            url = served.urls["showapi"]
            answer = httpx.post(
                f"{url}/3259-1",
                params={"appKey": "test"},
                data={"prompt": "p", "orgin_img_base64": png_base64()},
            ).json()
            ids.append(answer["showapi_res_body"]["taskOrder"])
    assert ids[0] == ids[1]


def test_a_clock_restored_from_the_state_file_goes_on_from_where_it_stopped(
    tmp_path: Path,
) -> None:
    clock = VirtualClock()
    mock = create_showapi_mock(clock=clock, store=SqliteStore(tmp_path / "s.sqlite3"))
    mock.advance(123.5)
    mock.close()
    again = create_showapi_mock(clock=VirtualClock(), store=SqliteStore(tmp_path / "s.sqlite3"))
    assert again.clock.time() == clock.time()
    again.close()


def test_the_memory_store_is_bounded_by_the_bytes_of_its_input_images_too() -> None:
    mock = create_showapi_mock(max_tasks=None, max_image_bytes=200_000)
    image = png_base64(400, 400)  # about 4 kB each
    with mock.client(ShowapiClient) as client:
        for _ in range(120):
            client.submit_repaint(prompt="p", image_base64=image)
            mock.advance(60)  # each finishes before the next
    assert mock.store.image_bytes <= 200_000
    assert 30 < len(mock.store.tasks) < 120
