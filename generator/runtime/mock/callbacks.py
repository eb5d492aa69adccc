"""Callbacks a mock sends when its tasks change status, on the vendor's retry ladder.

The dispatcher notices status changes (``x-sdk.callback.when``), renders the vendor's payload
(``x-sdk.callback.payload``) and POSTs it as JSON to the task's callback URL. A delivery counts
when the receiver answers 2xx (and, where the vendor asks for one, the expected JSON reply);
otherwise it is tried again after each step of ``retry_seconds`` (times the mock's
``callback_scale``, so that a served mock need not wait an hour of real time), on the mock's
clock.

What is still to send lives in the mock's store (which tasks are watched, which deliveries are
pending and when they are due), so a mock on a state file sends them after a restart too; the
attempts made are kept in memory, the last ``ATTEMPTS_KEPT``.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from ..vendor import Status
from .store import Delivery, MockTask
from .templates import render

if TYPE_CHECKING:
    from .core import VendorMock

log = logging.getLogger("generator.runtime.mock.callbacks")
ORDER: tuple[Status, ...] = ("queued", "running")
ATTEMPTS_KEPT = 10_000
__all__ = ["Attempt", "CallbackDispatcher", "Delivery"]


@dataclass
class Attempt:
    """One POST the mock made: what, where, and whether the receiver accepted it."""

    task_id: str
    url: str
    status: Status
    payload: dict[str, Any]
    attempt: int
    time: float
    accepted: bool
    answer: str


class CallbackDispatcher:
    def __init__(self, mock: VendorMock, transport: httpx.BaseTransport | None = None) -> None:
        self.mock = mock
        self.transport = transport
        self.clear()

    def clear(self) -> None:
        """Forget the attempts made (the store forgets what is pending on its own reset)."""
        self.attempts: deque[Attempt] = deque(maxlen=ATTEMPTS_KEPT)
        self._in_flight: set[int] = set()
        self._flight_lock = threading.Lock()

    @property
    def watched(self) -> dict[str, MockTask]:
        """Tasks whose status changes are still to be called back, by id."""
        return {task.id: task for task in self.mock.store.watched()}

    @property
    def pending(self) -> list[Delivery]:
        """Deliveries not yet accepted nor given up, due now or later."""
        return self.mock.store.deliveries()

    def watch(self, task: MockTask) -> None:
        if self.mock.vendor.callback is not None and task.callback_url:
            self.mock.store.watch(task)

    def collect(self, now: float) -> list[Delivery]:
        """Queue a delivery for every status a watched task has reached, then return those due
        (each handed out once: a delivery in flight is not returned again until settled)."""
        spec = self.mock.vendor.callback
        if spec is None:
            return []
        store = self.mock.store
        with self.mock._lock:
            for task in store.watched():
                current = task.status(now)
                changed = False
                for status in (*ORDER, task.outcome):
                    if status in spec.when and status not in task.reported:
                        task.reported = task.reported | {status}
                        changed = True
                        # the task as it was when it reached this status, not as it is now
                        at = self.mock._context(now=task.reached_at(status), task=task)
                        payload = render(spec.payload, at)
                        store.add_delivery(
                            Delivery(task.id, task.callback_url, status, payload, 0, now)
                        )
                    if status == current:
                        break
                if changed:
                    store.save(task)
                if current in ("succeeded", "failed"):
                    store.unwatch(task.id)
            with self._flight_lock:
                due = [
                    d for d in store.deliveries() if d.due <= now and d.id not in self._in_flight
                ]
                self._in_flight.update(d.id for d in due)
        return due

    def run_due(self) -> None:
        """Deliver what is due, blocking (used on a virtual clock's advance)."""
        now = self.mock.clock.time()
        due = self.collect(now)
        if not due:
            return
        with httpx.Client(transport=self.transport, timeout=10.0) as client:
            for delivery in due:
                try:
                    response = client.post(delivery.url, json=delivery.payload)
                    self._settle(delivery, now, response.status_code, response.text)
                except (httpx.HTTPError, ValueError) as exc:  # a URL httpx cannot use too
                    self._settle(delivery, now, 0, type(exc).__name__)

    async def arun_due(self) -> None:
        """Deliver what is due without blocking the event loop (used by a served mock)."""
        now = self.mock.clock.time()
        due = self.collect(now)
        if not due:
            return
        async with httpx.AsyncClient(timeout=10.0) as client:
            for delivery in due:
                try:
                    response = await client.post(delivery.url, json=delivery.payload)
                    self._settle(delivery, now, response.status_code, response.text)
                except (httpx.HTTPError, ValueError) as exc:  # a URL httpx cannot use too
                    self._settle(delivery, now, 0, type(exc).__name__)

    def _settle(self, delivery: Delivery, now: float, status_code: int, text: str) -> None:
        spec = self.mock.vendor.callback
        assert spec is not None
        accepted = 200 <= status_code < 300 and _reply_matches(spec.reply, text)
        with self._flight_lock:
            self._in_flight.discard(delivery.id)
        self.attempts.append(
            Attempt(
                delivery.task_id,
                delivery.url,
                delivery.status,
                delivery.payload,
                delivery.attempt,
                now,
                accepted,
                text[:200],
            )
        )
        store = self.mock.store
        if accepted:
            store.remove_delivery(delivery)
            return
        if delivery.attempt < len(spec.retry_seconds):
            delivery.due = now + spec.retry_seconds[delivery.attempt] * self.mock.callback_scale
            delivery.attempt += 1
            store.update_delivery(delivery)
        else:
            store.remove_delivery(delivery)
            log.info(
                "callback for task %s (%s) given up after %d attempts",
                delivery.task_id,
                delivery.status,
                delivery.attempt + 1,
            )


def _reply_matches(expected: dict[str, Any] | None, text: str) -> bool:
    if expected is None:
        return True
    import json

    try:
        answer = json.loads(text)
    except ValueError:
        return False
    return isinstance(answer, dict) and all(answer.get(k) == v for k, v in expected.items())
