"""The mock's state: accounts with quotas, and tasks whose status follows the clock."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from ..vendor import Status


@dataclass
class Account:
    """A credential the mock accepts: its key, its secret (for signing schemes), what it has
    left (submits and money) and the tasks it may see."""

    key: str
    secret: str = ""
    quota: int | None = None
    used: int = 0
    money: float | None = None

    @property
    def remaining(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.used, 0)


@dataclass
class MockTask:
    """One task. Its status is a function of the clock: queued, running, then its outcome."""

    id: str
    account: str
    operation: str
    created_at: float
    queue_seconds: float
    run_seconds: float
    outcome: Status
    effect: str
    args: dict[str, Any]
    inputs: dict[str, Any]
    base_url: str
    image: bytes | None = None
    callback_url: str = ""
    error: str = ""
    external_id: str = ""
    price: float = 0.0
    slots: dict[str, bytes] = field(default_factory=dict)
    files_ttl: float | None = None
    poll_op: str = ""
    files: dict[str, tuple[bytes, str]] | None = None
    reported: set[str] = field(default_factory=set)

    @property
    def finishes_at(self) -> float:
        return self.created_at + self.queue_seconds + self.run_seconds

    def status(self, now: float) -> Status:
        if now < self.created_at + self.queue_seconds:
            return "queued"
        if now < self.finishes_at:
            return "running"
        return self.outcome

    def progress(self, now: float) -> float:
        started = self.created_at + self.queue_seconds
        if now >= self.finishes_at:  # first: a task without run time is done, not at 0
            return 1.0
        if now <= started:  # also every time before a task without run time is done
            return 0.0
        return round((now - started) / self.run_seconds, 4)

    def seeds(self, count: int) -> list[int]:
        """The seed of each of ``count`` results: the caller's ``seed`` argument counting up,
        or, for none or -1 (random), one derived from the task id."""
        given = self.args.get("seed")
        try:
            base = int(given) if given is not None else -1
        except (TypeError, ValueError):
            base = -1
        if base < 0:
            base = int.from_bytes(hashlib.sha256(self.id.encode()).digest()[:4], "big") >> 1
        return [base + i for i in range(count)]

    def reached_at(self, status: Status) -> float:
        """When the task entered ``status``."""
        if status == "queued":
            return self.created_at
        if status == "running":
            return self.created_at + self.queue_seconds
        return self.finishes_at

    def updated_at(self, now: float) -> float:
        return self.reached_at(self.status(now))


class TaskStore:
    def __init__(self) -> None:
        self.tasks: dict[str, MockTask] = {}

    def add(self, task: MockTask) -> MockTask:
        self.tasks[task.id] = task
        return task

    def get(self, task_id: str, account: str) -> MockTask | None:
        """The account's task with this id, or with this caller-given (external) id."""
        task = self.tasks.get(task_id)
        if task is None:
            task = next(
                (t for t in self.tasks.values() if t.external_id and t.external_id == task_id), None
            )
        return task if task is not None and task.account == account else None

    def external_id_taken(self, external_id: str, account: str) -> bool:
        return any(
            t.external_id == external_id and t.account == account for t in self.tasks.values()
        )

    def of_account(self, account: str) -> list[MockTask]:
        """Newest first."""
        mine = [t for t in self.tasks.values() if t.account == account]
        return sorted(mine, key=lambda t: (t.created_at, t.id), reverse=True)
