"""A served mock's lifespan, driven message by message: with background delivery on, start-up
starts a loop that runs due callbacks tick after tick, and shut-down stops that loop and says
it is complete; without it, nothing runs between requests. Written against the mutants
``make mutants`` showed surviving in ``MockApp._lifespan`` and ``_deliver_forever``."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from generator.runtime.mock import VendorMock, asgi
from generator.runtime.mock.asgi import create_app
from tests.vendors import all_vendors

VENDOR = all_vendors()[0]


async def lifespan(background: bool, ticks: int) -> tuple[list[str], int, int, int]:
    """The messages the app sent, and how many times due callbacks were run: after start-up
    and ``ticks`` turns of the event loop, once shut-down is complete, and ``ticks`` turns
    after that."""
    mock = VendorMock(VENDOR)
    runs = 0

    async def run_due() -> None:
        nonlocal runs
        runs += 1

    mock.callbacks.arun_due = run_due  # type: ignore[method-assign]
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    sent: list[str] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message["type"])

    serving = asyncio.create_task(
        create_app(mock, background=background)({"type": "lifespan"}, inbox.get, send)
    )
    await inbox.put({"type": "lifespan.startup"})
    for _ in range(ticks):
        await asyncio.sleep(0)
    while_up = runs
    await inbox.put({"type": "lifespan.shutdown"})
    await asyncio.wait_for(serving, timeout=10)
    at_stop = runs
    for _ in range(ticks):
        await asyncio.sleep(0)
    return sent, while_up, at_stop, runs


@pytest.fixture
def no_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(asgi, "CALLBACK_TICK", 0)  # a tick is a turn of the event loop


@pytest.mark.usefixtures("no_tick")
def test_background_delivery_runs_due_callbacks_every_tick_until_shut_down() -> None:
    sent, while_up, at_stop, after = asyncio.run(lifespan(background=True, ticks=10))

    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert while_up >= 3  # one run per tick, not only the first
    assert after == at_stop  # stopped with the server


@pytest.mark.usefixtures("no_tick")
def test_without_background_delivery_nothing_runs_between_requests() -> None:
    sent, while_up, at_stop, after = asyncio.run(lifespan(background=False, ticks=10))

    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert (while_up, at_stop, after) == (0, 0, 0)
