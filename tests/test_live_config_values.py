"""How the real servers for tests are set up, by value: a ``LiveServer`` binds the host it is
given, keeps uvicorn's logs to warnings, runs the app's lifespan (a failing start-up is an
error, not a server without its start-up), waits for a slow start, and never keeps the
interpreter alive; a ``ServedProcess`` runs its command in a session of its own with its output
thrown away. Written against the mutants ``make mutants`` showed surviving in
``generator/runtime/live.py``."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.runtime.live import LiveServer, ServedProcess
from tests.test_live_values import hello

UVICORN_LOGGERS = ("uvicorn.error", "uvicorn.access", "uvicorn.asgi")


def test_a_live_server_is_set_to_bind_the_host_it_is_given() -> None:
    server = LiveServer(hello, host="127.0.0.2", port=8765)  # set up, never started

    assert (server.host, server.server.config.host) == ("127.0.0.2", "127.0.0.2")
    assert server.url == "http://127.0.0.2:8765"


@pytest.fixture
def loud_uvicorn() -> Iterator[None]:
    """uvicorn's loggers at DEBUG, as another library may have left them; restored after."""
    before = {name: logging.getLogger(name).level for name in UVICORN_LOGGERS}
    for name in UVICORN_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield
    for name, level in before.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.usefixtures("loud_uvicorn")
def test_a_live_server_keeps_uvicorn_to_warnings() -> None:
    LiveServer(hello)

    assert {logging.getLogger(name).level for name in UVICORN_LOGGERS} == {logging.WARNING}


def test_a_live_server_thread_never_keeps_the_interpreter_alive() -> None:
    assert LiveServer(hello).thread.daemon is True


async def failing_start(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await receive()
        raise RuntimeError("the app cannot start")  # no startup.complete, no startup.failed
    await hello(scope, receive, send)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")  # uvicorn exits
def test_a_live_server_whose_app_fails_to_start_up_does_not_start() -> None:
    server = LiveServer(failing_start)
    with pytest.raises(RuntimeError) as caught, server:
        pass
    server.thread.join(timeout=10)

    assert str(caught.value) == f"the server on {server.url} did not start"


async def slow_start(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await receive()
        await asyncio.sleep(0.3)  # a real server's start-up: only real time will do
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.complete"})
        return
    await hello(scope, receive, send)


def test_a_live_server_waits_for_a_start_up_slower_than_its_polls() -> None:
    with LiveServer(slow_start) as server:
        assert server.server.started is True


@pytest.fixture
def health_after(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A server whose ``/_mock/health`` answers 200 once the marker file exists."""
    marker = tmp_path / "ready"

    async def health(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await hello(scope, receive, send)
            return
        status = 200 if marker.exists() else 503
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    with LiveServer(health) as server:
        yield server.url, marker


def test_a_served_process_runs_in_its_own_session_with_its_output_discarded(
    health_after: tuple[str, Path], capfd: pytest.CaptureFixture[str]
) -> None:
    url, marker = health_after
    served = ServedProcess(["one", "two"])
    served.urls = {"one": url}
    served.command = [
        sys.executable,
        "-c",
        "import pathlib, sys, time\n"
        "print('printed by the served process', flush=True)\n"
        f"pathlib.Path({str(marker)!r}).touch()\n"
        "time.sleep(60)\n",
    ]
    try:
        served.start()  # returns once health answers 200: after the print
        assert served.process is not None
        session = os.getsid(served.process.pid)
    finally:
        served.stop()
        served.log.close()

    assert (served.vendors, session) == (["one", "two"], served.process.pid)
    assert "printed by the served process" not in capfd.readouterr().out


def test_leaving_the_block_stops_the_server_before_it_returns() -> None:
    with LiveServer(hello) as server:
        assert server.thread.is_alive()

    assert not server.thread.is_alive()
