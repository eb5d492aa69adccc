"""The mock's state: accounts with quotas, tasks whose status follows the clock, and the
callbacks still to deliver, behind one store interface with two implementations.

:class:`MemoryStore` (the default) keeps everything in dicts, indexed by task id, by the
caller's own id and by each input a vendor wants unique, and is bounded: past ``max_tasks``
the tasks that finished first are forgotten. :class:`~generator.runtime.mock.sqlite.SqliteStore`
(``--state PATH``) keeps the same in a SQLite file, so a mock killed mid-task and started again
on the same file carries on. Every lookup a request makes goes through an index: the cost of a
submit or a get does not grow with the number of tasks stored.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..accounts import Account
from ..vendor import Status

__all__ = ["Account", "MockTask", "TaskStore"]

DEFAULT_MAX_TASKS = 10_000
DEFAULT_MAX_IMAGE_BYTES = 32 * 1024 * 1024
FORGET_PER_ADD = 2  # tasks a bounded store forgets at most on one add (see MemoryStore)


@dataclass(slots=True)
class MockTask:
    """One task. Its status is a function of the clock: queued, running, then its outcome.

    The record is kept small: the input images as bytes (its result files are made from them
    when downloaded, and kept in the mock's small file cache, not here), the arguments the
    effect reads, and the inputs without the images. ``keys`` holds the values of the inputs
    the vendor wants unique per account, as the store indexes them."""

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
    reported: frozenset[str] = frozenset()  # shared while empty: most tasks send no callback
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def finishes_at(self) -> float:
        return self.created_at + self.queue_seconds + self.run_seconds

    def status(self, now: float) -> Status:
        queued_until = self.created_at + self.queue_seconds
        if now < queued_until:
            return "queued"
        if now < queued_until + self.run_seconds:  # finishes_at, without its call
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


@dataclass
class Delivery:
    """A callback to POST: the task's status change, where to, which attempt, and when."""

    task_id: str
    url: str
    status: Status
    payload: dict[str, Any]
    attempt: int
    due: float
    id: int = 0


def unique_key(value: Any) -> str:
    """How a unique input's value is indexed: its JSON, so ``1`` and ``"1"`` stay apart."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


class TaskStore(Protocol):
    """What the mock keeps, whichever store keeps it. Every method is safe to call from
    several threads; the mock holds its own lock around changes that must go together."""

    kind: str  # "memory" or "sqlite"

    @property
    def tasks(self) -> Mapping[str, MockTask]:
        """Every stored task by id (for tests and tools; requests use the indexed lookups)."""
        ...

    def add(self, task: MockTask) -> MockTask: ...

    def find(self, task_id: str) -> MockTask | None:
        """The task with this id, whoever owns it."""
        ...

    def get(self, task_id: str, account: str) -> MockTask | None:
        """The account's task with this id, or with this caller-given (external) id."""
        ...

    def external_id_taken(self, external_id: str, account: str) -> bool: ...

    def key_taken(self, account: str, name: str, value: str) -> bool:
        """Whether one of the account's tasks has ``value`` (see :func:`unique_key`) in its
        unique input ``name``."""
        ...

    def of_account(self, account: str) -> list[MockTask]:
        """The account's tasks, newest first."""
        ...

    def active(self, account: str, now: float) -> list[MockTask]:
        """The account's tasks still queued or running at ``now``."""
        ...

    def save(self, task: MockTask) -> None:
        """Keep a change of a stored task (the statuses its callbacks have reported)."""
        ...

    def accounts(self) -> dict[str, Account]: ...

    def save_account(self, account: Account) -> None: ...

    def watch(self, task: MockTask) -> None:
        """Remember that ``task``'s status changes are to be called back."""
        ...

    def unwatch(self, task_id: str) -> None: ...

    def watched(self) -> list[MockTask]: ...

    def add_delivery(self, delivery: Delivery) -> None: ...

    def update_delivery(self, delivery: Delivery) -> None: ...

    def remove_delivery(self, delivery: Delivery) -> None: ...

    def deliveries(self) -> list[Delivery]:
        """Callbacks not yet delivered, in the order they were queued."""
        ...

    def meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...

    def clear(self) -> None:
        """Forget everything."""
        ...

    def close(self) -> None: ...


class MemoryStore:
    """The default store: dicts, indexed, bounded by ``max_tasks`` tasks and by
    ``max_image_bytes`` of input images in all (None: unbounded).

    Past either bound, each add forgets up to ``FORGET_PER_ADD`` of the tasks that finished
    first (and have no callback left to send): under a steady stream of submits, the one that
    finished meanwhile; after a pause in which many finished, the store comes back within its
    bound by one task per add. A query for a forgotten task is answered as for one that never
    existed. Tasks still queued or running are never evicted.

    A few at a time, never in a batch: forgetting a thousand tasks at once held up the request
    that did it for 4-5 ms, and every request queued behind that one; a served mock's p99 was
    set by those pauses.

    Which tasks have finished is read off a heap of the tasks by the time they finish, not by
    looking through them all: a mock under a steady stream of submits holds many running tasks
    past its bound, one finishing every few requests, and each add then costs the same however
    many are stored.
    """

    kind = "memory"

    def __init__(
        self,
        max_tasks: int | None = DEFAULT_MAX_TASKS,
        *,
        clock: Any = None,
        max_image_bytes: int | None = DEFAULT_MAX_IMAGE_BYTES,
    ) -> None:
        self.max_tasks = max_tasks
        self.max_image_bytes = max_image_bytes
        self._clock = clock
        self.clear()

    def clear(self) -> None:
        self._tasks: dict[str, MockTask] = {}  # insertion (creation) order
        self._by_external: dict[tuple[str, str], str] = {}
        self._by_key: dict[tuple[str, str, str], str] = {}
        self._by_account: dict[str, dict[str, None]] = {}
        self._unfinished: dict[str, dict[str, None]] = {}
        self._accounts: dict[str, Account] = {}
        self._watched: dict[str, MockTask] = {}
        self._deliveries: dict[int, Delivery] = {}
        self._next_delivery = 1
        self._meta: dict[str, str] = {}
        # finished tasks held back (a callback still to send), out of the heap until the
        # adds counted down here have been made (see _evict)
        self._held: list[tuple[float, int, str]] = []
        self._held_for = 0
        # (finishes at, order added, id) of every task of a bounded store: a heap, the task
        # that finishes first on top (ties: the one added first)
        self._finishing: list[tuple[float, int, str]] = []
        self._added = 0
        self.image_bytes = 0  # input images held, in bytes

    @property
    def tasks(self) -> Mapping[str, MockTask]:
        return self._tasks

    def __len__(self) -> int:
        return len(self._tasks)

    def add(self, task: MockTask) -> MockTask:
        self._tasks[task.id] = task
        if task.external_id:
            self._by_external[(task.account, task.external_id)] = task.id
        for name, value in task.keys.items():
            self._by_key[(task.account, name, value)] = task.id
        self._by_account.setdefault(task.account, {})[task.id] = None
        self._unfinished.setdefault(task.account, {})[task.id] = None
        self.image_bytes += _image_bytes(task)
        if self.max_tasks is not None or self.max_image_bytes is not None:
            heapq.heappush(self._finishing, (task.finishes_at, self._added, task.id))
            self._added += 1
            if self._over():
                self._evict()
        return task

    def _over(self) -> bool:
        too_many = self.max_tasks is not None and len(self._tasks) > self.max_tasks
        too_big = self.max_image_bytes is not None and self.image_bytes > self.max_image_bytes
        return too_many or too_big

    def find(self, task_id: str) -> MockTask | None:
        return self._tasks.get(task_id)

    def get(self, task_id: str, account: str) -> MockTask | None:
        task = self._tasks.get(task_id)
        if task is None or task.account != account:
            found = self._by_external.get((account, task_id))
            task = self._tasks.get(found) if found is not None else None
        return task if task is not None and task.account == account else None

    def external_id_taken(self, external_id: str, account: str) -> bool:
        return (account, external_id) in self._by_external

    def key_taken(self, account: str, name: str, value: str) -> bool:
        return (account, name, value) in self._by_key

    def of_account(self, account: str) -> list[MockTask]:
        ids = list(self._by_account.get(account, {}))  # a copy: others may add meanwhile
        mine = [task for i in ids if (task := self._tasks.get(i)) is not None]
        return sorted(mine, key=lambda t: (t.created_at, t.id), reverse=True)

    def active(self, account: str, now: float) -> list[MockTask]:
        ids = self._unfinished.get(account)
        if not ids:
            return []
        found = []
        for task_id in list(ids):
            task = self._tasks.get(task_id)
            if task is None or task.finishes_at <= now:
                ids.pop(task_id, None)  # finished for good: the clock never goes back
            else:
                found.append(task)
        return found

    def save(self, task: MockTask) -> None:
        """Nothing to do: the stored task is the object that changed."""

    def accounts(self) -> dict[str, Account]:
        return self._accounts

    def save_account(self, account: Account) -> None:
        self._accounts[account.key] = account

    def watch(self, task: MockTask) -> None:
        self._watched[task.id] = task

    def unwatch(self, task_id: str) -> None:
        self._watched.pop(task_id, None)

    def watched(self) -> list[MockTask]:
        return list(self._watched.values())

    def add_delivery(self, delivery: Delivery) -> None:
        delivery.id = self._next_delivery
        self._next_delivery += 1
        self._deliveries[delivery.id] = delivery

    def update_delivery(self, delivery: Delivery) -> None:
        self._deliveries[delivery.id] = delivery

    def remove_delivery(self, delivery: Delivery) -> None:
        self._deliveries.pop(delivery.id, None)

    def deliveries(self) -> list[Delivery]:
        return list(self._deliveries.values())

    def meta(self, key: str) -> str | None:
        return self._meta.get(key)

    def set_meta(self, key: str, value: str) -> None:
        self._meta[key] = value

    def close(self) -> None:
        """Nothing to close."""

    # -- bounds ------------------------------------------------------------------------------
    def _evict(self) -> None:
        """Forget the tasks that finished first until the store is within its bounds, at most
        ``FORGET_PER_ADD`` of them.

        Only finished tasks are looked at, from the heap's top: while the first to finish is
        still running, an add costs one comparison. A task whose callback is still to send is
        held back: set aside, out of the heap, for a tenth of the cap's adds, then filed again.
        The tasks behind it go on being forgotten meanwhile, and no add looks at it twice."""
        self._release_held()
        now = self._clock.time() if self._clock is not None else math.inf
        heap = self._finishing
        pending: set[str] | None = None  # tasks with a callback queued, found when first asked
        forgotten = 0
        while heap and heap[0][0] <= now and forgotten < FORGET_PER_ADD and self._over():
            entry = heapq.heappop(heap)
            task = self._tasks.get(entry[2])
            if task is None:  # forgotten already
                continue
            if task.finishes_at != entry[0]:  # its times changed since: filed again
                heapq.heappush(heap, (task.finishes_at, entry[1], task.id))
                continue
            if pending is None and task.id not in self._watched:
                pending = {d.task_id for d in self._deliveries.values()}
            if task.id in self._watched or (pending is not None and task.id in pending):
                self._hold(entry)
            else:
                self._forget(task)
                forgotten += 1

    def _hold(self, entry: tuple[float, int, str]) -> None:
        if not self._held:
            self._held_for = max(1, (self.max_tasks or DEFAULT_MAX_TASKS) // 10)
        self._held.append(entry)

    def _release_held(self) -> None:
        """Count one add down; once the held tasks have waited their turn, file them again."""
        if self._held:
            self._held_for -= 1
            if self._held_for <= 0:
                for entry in self._held:
                    heapq.heappush(self._finishing, entry)
                self._held.clear()

    def _forget(self, task: MockTask) -> None:
        del self._tasks[task.id]
        if task.external_id:
            self._by_external.pop((task.account, task.external_id), None)
        for name, value in task.keys.items():
            self._by_key.pop((task.account, name, value), None)
        self._by_account.get(task.account, {}).pop(task.id, None)
        self._unfinished.get(task.account, {}).pop(task.id, None)
        self.image_bytes -= _image_bytes(task)


def _image_bytes(task: MockTask) -> int:
    return len(task.image or b"") + sum(len(data) for data in task.slots.values())
