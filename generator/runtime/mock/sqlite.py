"""A mock's state in a SQLite file (``--state PATH``): it survives the process.

Tasks (their input images included, so their result files can be made again), accounts and
their quotas, caller-named ids, unique inputs, callbacks still to deliver and a virtual clock's
time are written as they change, each change one transaction in WAL mode: a mock killed with
SIGKILL and started again on the same file answers for every task it had accepted and carries
them on. Lookups go through indexes (task id, caller id, unique input, account), as in memory.
Uses only the standard library's ``sqlite3``.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .store import Account, Delivery, MockTask

SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    account TEXT NOT NULL,
    external_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    finishes_at REAL NOT NULL,
    record TEXT NOT NULL,
    image BLOB
);
CREATE INDEX IF NOT EXISTS tasks_by_external ON tasks (account, external_id);
CREATE INDEX IF NOT EXISTS tasks_by_account ON tasks (account, created_at);
CREATE INDEX IF NOT EXISTS tasks_by_finish ON tasks (account, finishes_at);
CREATE TABLE IF NOT EXISTS task_keys (
    account TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    task_id TEXT NOT NULL,
    PRIMARY KEY (account, name, value)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS accounts (key TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS watched (task_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
TASK_COLUMNS = "id, account, external_id, created_at, record, image"
# MockTask fields kept in their own columns rather than in the JSON record.
COLUMN_FIELDS = ("id", "account", "external_id", "created_at", "image")


class StateFileError(Exception):
    """The state file cannot be used (unreadable, not SQLite, another vendor's)."""


def _default(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot store {type(value).__name__}")


def _hook(value: dict[str, Any]) -> Any:
    if len(value) == 1 and "$bytes" in value:
        return base64.b64decode(value["$bytes"])
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_default, ensure_ascii=False, separators=(",", ":"))


def _loads(text: str) -> Any:
    return json.loads(text, object_hook=_hook)


def _task_row(task: MockTask) -> tuple[Any, ...]:
    record = {name: getattr(task, name) for name in MockTask.__slots__ if name not in COLUMN_FIELDS}
    return (
        task.id,
        task.account,
        task.external_id,
        task.created_at,
        task.finishes_at,
        _dumps(record),
        task.image,
    )


def _task(row: tuple[Any, ...]) -> MockTask:
    task_id, account, external_id, created_at, record, image = row
    fields = _loads(record)
    fields["reported"] = frozenset(fields.get("reported", ()))
    return MockTask(
        id=task_id,
        account=account,
        external_id=external_id,
        created_at=created_at,
        image=image,
        **fields,
    )


class _Tasks(Mapping[str, MockTask]):
    """The stored tasks as a read-only mapping (tests and tools)."""

    def __init__(self, store: SqliteStore) -> None:
        self._store = store

    def __getitem__(self, task_id: str) -> MockTask:
        task = self._store.find(task_id)
        if task is None:
            raise KeyError(task_id)
        return task

    def __iter__(self) -> Iterator[str]:
        rows = self._store._query("SELECT id FROM tasks ORDER BY seq")
        return iter([row[0] for row in rows])

    def __len__(self) -> int:
        return int(self._store._query("SELECT count(*) FROM tasks")[0][0])


class SqliteStore:
    """The mock's state in the SQLite file at ``path`` (created when missing). ``vendor``
    names whose state it is: a file of another vendor's mock is refused."""

    kind = "sqlite"

    def __init__(self, path: str | Path, *, vendor: str = "") -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None, timeout=10.0
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # WAL: a commit survives a crash
            self._db.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise StateFileError(f"{self.path}: {exc}") from None
        owner = self.meta("vendor")
        if vendor and owner not in (None, vendor):
            self._db.close()
            raise StateFileError(f"{self.path} holds the state of the {owner} mock, not {vendor}")
        if vendor and owner is None:
            self.set_meta("vendor", vendor)
        self.vendor = vendor

    # -- plumbing ----------------------------------------------------------------------------
    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _write(self, *statements: tuple[str, tuple[Any, ...]]) -> None:
        """Run ``statements`` as one transaction."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                for sql, params in statements:
                    self._db.execute(sql, params)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def clear(self) -> None:
        tables = ("tasks", "task_keys", "accounts", "watched", "deliveries")
        self._write(*((f"DELETE FROM {table}", ()) for table in tables))

    # -- tasks -------------------------------------------------------------------------------
    @property
    def tasks(self) -> Mapping[str, MockTask]:
        return _Tasks(self)

    def __len__(self) -> int:
        return len(self.tasks)

    def add(self, task: MockTask) -> MockTask:
        keys = [
            ("INSERT OR REPLACE INTO task_keys VALUES (?, ?, ?, ?)", (task.account, n, v, task.id))
            for n, v in task.keys.items()
        ]
        self._write(
            (
                "INSERT INTO tasks (id, account, external_id, created_at, finishes_at, record,"
                " image) VALUES (?, ?, ?, ?, ?, ?, ?)",
                _task_row(task),
            ),
            *keys,
        )
        return task

    def find(self, task_id: str) -> MockTask | None:
        rows = self._query(f"SELECT {TASK_COLUMNS} FROM tasks WHERE id = ?", (task_id,))
        return _task(rows[0]) if rows else None

    def get(self, task_id: str, account: str) -> MockTask | None:
        task = self.find(task_id)
        if task is None or task.account != account:
            rows = self._query(
                f"SELECT {TASK_COLUMNS} FROM tasks WHERE account = ? AND external_id = ?"
                " ORDER BY seq DESC LIMIT 1",
                (account, task_id),
            )
            task = _task(rows[0]) if rows else None
        return task if task is not None and task.account == account else None

    def external_id_taken(self, external_id: str, account: str) -> bool:
        return bool(
            self._query(
                "SELECT 1 FROM tasks WHERE account = ? AND external_id = ? LIMIT 1",
                (account, external_id),
            )
        )

    def key_taken(self, account: str, name: str, value: str) -> bool:
        return bool(
            self._query(
                "SELECT 1 FROM task_keys WHERE account = ? AND name = ? AND value = ?",
                (account, name, value),
            )
        )

    def of_account(self, account: str) -> list[MockTask]:
        rows = self._query(
            f"SELECT {TASK_COLUMNS} FROM tasks WHERE account = ? ORDER BY created_at DESC, id DESC",
            (account,),
        )
        return [_task(row) for row in rows]

    def active(self, account: str, now: float) -> list[MockTask]:
        rows = self._query(
            f"SELECT {TASK_COLUMNS} FROM tasks WHERE account = ? AND finishes_at > ?",
            (account, now),
        )
        return [_task(row) for row in rows]

    def save(self, task: MockTask) -> None:
        row = _task_row(task)
        self._write(("UPDATE tasks SET record = ? WHERE id = ?", (row[5], task.id)))

    # -- accounts ----------------------------------------------------------------------------
    def accounts(self) -> dict[str, Account]:
        rows = self._query("SELECT record FROM accounts ORDER BY rowid")
        return {a.key: a for a in (Account(**json.loads(row[0])) for row in rows)}

    def save_account(self, account: Account) -> None:
        self._write(
            (
                "INSERT OR REPLACE INTO accounts VALUES (?, ?)",
                (account.key, json.dumps(asdict(account))),
            )
        )

    # -- callbacks ---------------------------------------------------------------------------
    def watch(self, task: MockTask) -> None:
        self._write(("INSERT OR IGNORE INTO watched VALUES (?)", (task.id,)))

    def unwatch(self, task_id: str) -> None:
        self._write(("DELETE FROM watched WHERE task_id = ?", (task_id,)))

    def watched(self) -> list[MockTask]:
        rows = self._query(
            f"SELECT {', '.join('t.' + c.strip() for c in TASK_COLUMNS.split(','))}"
            " FROM watched w JOIN tasks t ON t.id = w.task_id ORDER BY t.seq"
        )
        return [_task(row) for row in rows]

    def add_delivery(self, delivery: Delivery) -> None:
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO deliveries (task_id, record) VALUES (?, ?)",
                (delivery.task_id, _dumps(asdict(delivery))),
            )
            delivery.id = int(cursor.lastrowid or 0)

    def update_delivery(self, delivery: Delivery) -> None:
        record = _dumps(asdict(delivery))
        self._write(("UPDATE deliveries SET record = ? WHERE id = ?", (record, delivery.id)))

    def remove_delivery(self, delivery: Delivery) -> None:
        self._write(("DELETE FROM deliveries WHERE id = ?", (delivery.id,)))

    def deliveries(self) -> list[Delivery]:
        rows = self._query("SELECT id, record FROM deliveries ORDER BY id")
        return [Delivery(**{**_loads(record), "id": row_id}) for row_id, record in rows]

    # -- meta --------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        self._write(("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value)))
