"""Reading a body part without a timeout when it is already in: ``_next_message`` takes the
first step of ``receive()`` itself, and only a part that has to be waited for is awaited (the
rest of the same coroutine, ``_Resumed``) under the read timeout."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from generator.runtime.mock import asgi
from generator.runtime.mock.asgi import _next_message, _Resumed, _Stalled

PART = {"type": "http.request", "body": b"abc", "more_body": False}


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 5))


def counted_timeouts(monkeypatch: pytest.MonkeyPatch) -> list[float | None]:
    """The timeouts ``_next_message`` sets up, recorded as it asks for them."""
    asked: list[float | None] = []
    real = asyncio.timeout

    def timeout(delay: float | None) -> Any:
        asked.append(delay)
        return real(delay)

    monkeypatch.setattr(asgi.asyncio, "timeout", timeout)
    return asked


def test_a_part_already_in_is_read_with_no_timeout_set_up(monkeypatch) -> None:
    asked = counted_timeouts(monkeypatch)

    async def receive() -> dict[str, Any]:
        return PART

    assert run(_next_message(receive, 5.0)) is PART
    assert asked == []


def test_a_part_that_comes_later_is_waited_for_under_the_timeout(monkeypatch) -> None:
    asked = counted_timeouts(monkeypatch)

    async def main() -> dict[str, Any]:
        arrived = asyncio.Event()

        async def receive() -> dict[str, Any]:
            await arrived.wait()
            for _ in range(3):  # several more steps, each carried on by _Resumed
                await asyncio.sleep(0)
            return PART

        asyncio.get_running_loop().call_soon(arrived.set)
        return await _next_message(receive, 5.0)

    assert run(main()) is PART
    assert asked == [5.0]


def test_a_part_that_does_not_come_in_time_is_stalled_and_its_wait_cancelled() -> None:
    cancelled: list[bool] = []

    async def receive() -> dict[str, Any]:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return PART

    with pytest.raises(_Stalled):
        run(_next_message(receive, 0.01))
    assert cancelled == [True]


def test_a_disconnect_that_comes_later_is_stalled() -> None:
    async def main() -> None:
        async def receive() -> dict[str, Any]:
            await asyncio.sleep(0)
            return {"type": "http.disconnect"}

        await _next_message(receive, 5.0)

    with pytest.raises(_Stalled):
        run(main())


def test_an_error_of_receive_after_a_wait_is_raised_as_it_is() -> None:
    async def receive() -> dict[str, Any]:
        await asyncio.sleep(0)
        raise RuntimeError("the server broke")

    with pytest.raises(RuntimeError, match="the server broke"):
        run(_next_message(receive, 5.0))


def test_a_receive_that_gives_a_future_is_awaited_under_the_timeout(monkeypatch) -> None:
    asked = counted_timeouts(monkeypatch)

    async def main(later: bool) -> dict[str, Any]:
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        if later:
            asyncio.get_running_loop().call_soon(future.set_result, PART)
        else:
            future.set_result(PART)
        return await _next_message(lambda: future, 5.0)

    assert run(main(later=False)) is PART
    assert run(main(later=True)) is PART
    assert asked == [5.0, 5.0]


def test_a_future_that_never_comes_is_stalled() -> None:
    async def main() -> None:
        never: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        await _next_message(lambda: never, 0.01)

    with pytest.raises(_Stalled):
        run(main())


def test_closing_a_resumed_wait_closes_the_coroutine_it_carries_on() -> None:
    closed: list[bool] = []

    async def receive() -> dict[str, Any]:
        try:
            await asyncio.sleep(3600)
        except GeneratorExit:
            closed.append(True)
            raise
        return PART

    async def main() -> None:
        coro = receive()
        first = coro.send(None)
        waiting = _Resumed(coro, first).__await__()
        assert next(waiting) is first  # the step already taken is handed on, not taken again
        waiting.close()
        assert closed == [True]
        assert coro.cr_frame is None  # finished: nothing of it is left to run

    run(main())
