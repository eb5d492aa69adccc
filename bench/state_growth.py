"""Does a mock's cost grow with what it stores? Per vendor, the CPU time the mock spends per
submit and per get at 10,000 stored tasks, against the same over the first thousand.

Each vendor's mock runs in-process on its virtual clock with its default (bounded, indexed)
store; the generated client sends each vendor's example request (a fresh caller-named id each
time where the vendor has one). Only the time spent inside the mock (``VendorMock.handle``,
this thread's CPU time) is counted, not the client's.

Two mocks of the vendor are measured side by side: a fresh one, whose store fills from 0 to
1,000 tasks as it is measured, and one holding 10,000 tasks. The second is filled by storing
copies of the tasks its own first 1,000 submits made (new ids, caller ids and unique inputs),
which is what 9,000 more submits would leave behind, in a fraction of the time. Each window
of calls is cut into twenty rounds of 50 calls, each given by its median call, and the rounds
alternate between the two mocks, so a busy spell of the machine falls on both sides of a ratio
rather than on one window (with five rounds of 200, one spell of a few seconds could move a
ratio by a third: Kling's get measured 1.32x in one run and 1.00x in the next). The figure is
the median of the per-round ratios (10,000 / first thousand), with the spread beside it.
Target: at most 1.2x.

A third mock is measured in the same rounds, on the submit: one past its store's bound
(``DEFAULT_MAX_TASKS``) with more tasks still running than the bound allows, one of them
finishing before each submit (the clock moved on a step each time). That is a served mock
under a steady stream of submits with the vendor's own task durations: the store must forget
the task that finished on every add, and keep the running ones. Same target.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import itertools
import statistics
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from generator.runtime.client import AsyncClient, SyncClient
from generator.runtime.mock import VendorMock
from generator.runtime.mock.core import MOCK_BASE_URL
from generator.runtime.mock.serve import vendor_packages
from generator.runtime.mock.store import DEFAULT_MAX_TASKS, unique_key
from generator.runtime.paths import set_path
from generator.runtime.tasks import submitted_task_id
from generator.runtime.testing import example_values
from generator.runtime.vendor import Operation, Vendor

from .common import Result, clock, signing_with_test_secret, spread

TARGET = 1.2
WINDOW = 1000
STORED = 10_000
ROUNDS = 20
PAST_BOUND = DEFAULT_MAX_TASKS + DEFAULT_MAX_TASKS // 10  # running copies in the third mock
STEP = 0.001  # seconds the third mock's clock moves before each submit: one task finishes
OTHER_ACCOUNT = "bench-elsewhere"  # whose running tasks fill the third mock (see ``fill``)
_fresh = itertools.count()
C = TypeVar("C", SyncClient, AsyncClient)


def client_class(package: str, base: type[C]) -> type[C]:
    """The generated package's sync (``base`` SyncClient) or async client class."""
    module = importlib.import_module(f"generated.{package}")
    return next(
        v
        for v in vars(module).values()
        if isinstance(v, type) and issubclass(v, base) and v not in (SyncClient, AsyncClient)
    )


def vendor_of(package: str) -> Vendor:
    vendor: Vendor = importlib.import_module(f"generated.{package}").VENDOR
    return vendor


def credentials(vendor: Vendor) -> dict[str, str]:
    return {c.name: c.mock_default for c in vendor.auth.credentials if c.required}


def first_submit(vendor: Vendor) -> Operation:
    """The operation that starts a task (or a synchronous job, for a vendor with no tasks)."""
    ops = [o for o in vendor.operations if o.role == "submit"] or [
        o for o in vendor.operations if o.role == "action"
    ]
    return ops[0]


def request_values(op: Operation, base_url: str) -> dict[str, Any]:
    """``op``'s example inputs, with a fresh caller-named id and fresh unique inputs."""
    values = example_values(op, base_url)
    for path in {op.caller_id, *op.limits.unique} - {""}:
        set_path(values, path, f"bench-{next(_fresh)}")
    return values


class Timed:
    """CPU time spent inside ``mock.handle``, per call, as the client calls it."""

    def __init__(self, mock: VendorMock) -> None:
        self.mock = mock
        self.samples: list[float] = []
        inner = mock.handle

        def handle(request: Any) -> Any:
            start = clock()
            try:
                return inner(request)
            finally:
                self.samples.append(clock() - start)

        mock.handle = handle  # type: ignore[method-assign]

    def round(self, fn: Callable[[], object], calls: int) -> float:
        """The median seconds inside the mock over ``calls`` calls of ``fn`` (the median, so
        that a collection or a busy neighbour in one call does not decide a round)."""
        self.samples.clear()
        for _ in range(calls):
            fn()
        return statistics.median(self.samples)


def fill(mock: VendorMock, target: int, *, finishing: float | None = None) -> None:
    """Store copies of the mock's tasks until it holds ``target`` tasks; with ``finishing``,
    the copies are still running, finish one every ``finishing`` seconds from now, and are
    another account's (``OTHER_ACCOUNT``): a vendor that lets an account run one job at a time
    (Tencent) still takes the measured account's submits, and what the store's bound costs
    does not depend on whose tasks fill it."""
    originals = list(mock.store.tasks.values())
    unique = mock._unique_inputs
    now = mock.clock.time()
    for i in range(target - len(originals)):
        model = originals[i % len(originals)]
        tag = f"fill-{next(_fresh)}"
        created, account = model.created_at, model.account
        if finishing is not None:
            created = now + (i + 1) * finishing - model.queue_seconds - model.run_seconds
            account = OTHER_ACCOUNT
        mock.store.add(
            replace(
                model,
                id=f"{tag}-{model.id}"[:23],
                account=account,
                created_at=created,
                external_id=tag if model.external_id else "",
                keys={name: unique_key(tag) for name in unique if name in model.keys},
                reported=frozenset(),
            )
        )


class Subject:
    """One mock of ``package`` with its client: a submit with fresh inputs, and a get of one
    of the tasks its submits made, each timed inside the mock."""

    def __init__(self, package: str, stack: contextlib.ExitStack) -> None:
        module = importlib.import_module(f"generated.{package}.mock")
        self.mock: VendorMock = module.create_mock()
        self.vendor = vendor = self.mock.vendor
        for account in self.mock.accounts.values():  # no quota or money runs out
            account.quota = account.money = None
        self.timed = Timed(self.mock)
        self.op = first_submit(vendor)
        self.made: list[str] = []
        self.client = stack.enter_context(self.mock.client(client_class(package, SyncClient)))
        self.base = vendor.base_url or MOCK_BASE_URL
        self._gets = itertools.count()
        self.step = 0.0  # seconds the clock moves before each submit

    @property
    def makes_tasks(self) -> bool:
        return self.op.role == "submit"

    def submit(self) -> None:
        values = request_values(self.op, self.base)
        if self.step:  # outside the timed call: only the mock's handling is timed
            self.mock.advance(self.step)
        payload = self.client._send(self.op, values)
        if self.makes_tasks:
            self.made.append(submitted_task_id(self.vendor, self.op, payload, values))

    def get(self) -> None:
        task_id = self.made[next(self._gets) % len(self.made)]
        self.client.get_outcome(task_id, operation=self.op.name)


def growth(package: str, window: int, stored: int) -> dict[str, list[float]]:
    """Per-round seconds per submit and per get, over the first ``window`` tasks (a fresh
    mock) and at ``stored`` tasks (a filled one), the rounds of the two taken in turn; and
    per submit past the store's bound (``submit_past``: the third mock, see above)."""
    per_round = max(1, window // ROUNDS)
    with contextlib.ExitStack() as stack:
        fresh, filled, past = (Subject(package, stack) for _ in range(3))
        for _ in range(window):  # the tasks the filled mocks' copies are made from
            filled.submit()
            past.submit()
        fill(filled.mock, stored)
        fill(past.mock, len(past.mock.store.tasks) + PAST_BOUND, finishing=STEP)
        past.step = STEP
        calls = ("submit", "get") if fresh.makes_tasks else ("submit",)
        found: dict[str, list[float]] = {"submit_past": []}
        found["past_stored"] = [float(len(past.mock.store.tasks))]
        gc.collect()
        for call in calls:
            first, at = found[f"{call}_first"], found[f"{call}_at"] = [], []
            for _ in range(ROUNDS):
                first.append(fresh.timed.round(getattr(fresh, call), per_round))
                at.append(filled.timed.round(getattr(filled, call), per_round))
                if call == "submit":
                    found["submit_past"].append(past.timed.round(past.submit, per_round))
        found["stored"] = [float(len(filled.mock.store.tasks))]
    return found


def _ratio(at: list[float], first: list[float]) -> tuple[float, float]:
    ratios = [a / f for a, f in zip(at, first, strict=True)]
    return statistics.median(ratios), spread(ratios)


def run(*, quick: bool = False) -> list[Result]:
    window = 200 if quick else WINDOW
    stored = 3000 if quick else STORED
    results = []
    for package in vendor_packages():
        with signing_with_test_secret():  # Kling's client signs with the mock's test secret
            found = growth(package, window, stored)
        for call in ("submit", "get"):
            if f"{call}_first" not in found:
                continue
            first, at = found[f"{call}_first"], found[f"{call}_at"]
            results.append(
                _row(
                    f"{package} {call}: cost at {stored:,} stored tasks / first {window:,}",
                    first,
                    at,
                    f"{int(found['stored'][0]):,} stored",
                )
            )
        past = int(found["past_stored"][0])
        results.append(
            _row(
                f"{package} submit past the store's bound, a task finishing per submit"
                f" / first {window:,}",
                found["submit_first"],
                found["submit_past"],
                f"{past:,} stored at the start, bound {DEFAULT_MAX_TASKS:,}",
            )
        )
    return results


def _row(name: str, first: list[float], at: list[float], stored: str) -> Result:
    ratio, noise = _ratio(at, first)
    return Result(
        "state_growth",
        name,
        round(ratio, 3),
        "x",
        f"<= {TARGET}",
        ratio <= TARGET,
        f"{statistics.median(first) * 1e6:.0f} -> {statistics.median(at) * 1e6:.0f}"
        f" us in the mock per call; spread {noise:.0%} over {ROUNDS} rounds; {stored}",
        {"first_s": first, "at_s": at},
    )
