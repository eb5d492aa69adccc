"""Callbacks a mock sends when its tasks change status, on the vendor's retry ladder.

The dispatcher notices status changes (``x-sdk.callback.when``), renders the vendor's payload
(``x-sdk.callback.payload``) and POSTs it as JSON to the task's callback URL. A delivery counts
when the receiver answers 2xx (and, where the vendor asks for one, the expected JSON reply);
otherwise it is tried again after each step of ``retry_seconds`` (times the mock's
``callback_scale``, so that a served mock need not wait an hour of real time), on the mock's
clock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from ..vendor import Status
from .store import MockTask
from .templates import render

if TYPE_CHECKING:
    from .core import VendorMock

log = logging.getLogger("generator.runtime.mock.callbacks")
ORDER: tuple[Status, ...] = ("queued", "running")


@dataclass
class Delivery:
    task_id: str
    url: str
    status: Status
    payload: dict[str, Any]
    attempt: int
    due: float


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
        self.watched: dict[str, MockTask] = {}
        self.pending: list[Delivery] = []
        self.attempts: list[Attempt] = []

    def watch(self, task: MockTask) -> None:
        if self.mock.vendor.callback is not None and task.callback_url:
            self.watched[task.id] = task

    def collect(self, now: float) -> list[Delivery]:
        """Queue a delivery for every status a watched task has reached, then return those due."""
        spec = self.mock.vendor.callback
        if spec is None:
            return []
        with self.mock._lock:
            for task in list(self.watched.values()):
                current = task.status(now)
                for status in (*ORDER, task.outcome):
                    if status in spec.when and status not in task.reported:
                        task.reported.add(status)
                        # the task as it was when it reached this status, not as it is now
                        at = self.mock._context(now=task.reached_at(status), task=task)
                        payload = render(spec.payload, at)
                        self.pending.append(
                            Delivery(task.id, task.callback_url, status, payload, 0, now)
                        )
                    if status == current:
                        break
                if current in ("succeeded", "failed"):
                    del self.watched[task.id]
            due = [d for d in self.pending if d.due <= now]
            self.pending = [d for d in self.pending if d.due > now]
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
        if accepted:
            return
        if delivery.attempt < len(spec.retry_seconds):
            delivery.due = now + spec.retry_seconds[delivery.attempt] * self.mock.callback_scale
            delivery.attempt += 1
            with self.mock._lock:
                self.pending.append(delivery)
        else:
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
