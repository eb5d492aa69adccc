"""Clocks. Clients sleep through one while polling and backing off; mocks run tasks on one.

:class:`SystemClock` is real time. :class:`VirtualClock` only moves when told to, and its
``sleep`` moves it, so a client polling a mock in the same process waits no wall-clock time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class SystemClock:
    def time(self) -> float:
        # ``time.time`` looked up on each call, not held: a caller's test that patches it
        # (freezegun, ``monkeypatch.setattr(time, "time", ...)``) moves this clock too.
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        import asyncio  # imported by the async code that awaits this; sync clients never do

        await asyncio.sleep(seconds)


class VirtualClock:
    """Time that passes only through :meth:`advance` (or :meth:`sleep`, which calls it)."""

    def __init__(self, start: float = 1_767_225_600.0) -> None:  # 2026-01-01T00:00:00Z
        self._now = start
        self._lock = threading.Lock()
        self._listeners: list[Callable[[float], None]] = []

    def time(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock cannot go back")
        with self._lock:
            self._now += seconds
            now = self._now
        for listener in list(self._listeners):
            listener(now)

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    async def asleep(self, seconds: float) -> None:
        """Let other tasks run first (so concurrent work overlaps, as it would in real time),
        then move the clock."""
        import asyncio

        await asyncio.sleep(0)
        self.advance(seconds)

    def on_advance(self, listener: Callable[[float], None]) -> None:
        """Call ``listener(now)`` after every advance (mocks use it to fire due work)."""
        self._listeners.append(listener)


Clock = SystemClock | VirtualClock
