"""Starting real servers for tests, when it goes wrong: a free port is drawn below the system's
range for outgoing connections (so a restarted mock finds its port free), skipping one taken;
``free_ports`` tries again after a taken port and says how many it could not find; a
``LiveServer`` whose port is taken raises instead of handing back nothing, and one that does not
start in time is told to stop; a served mock that exits or does not answer in time is reported
with its exit status, its error output and the vendors still waited for. Written against the
mutants ``make mutants`` showed, no test running their lines, in ``generator/runtime/live.py``."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from generator.runtime import live
from generator.runtime.live import LiveServer, ServedProcess, free_port, free_ports
from generator.runtime.mock.serve import vendor_packages

HOST = "127.0.0.1"


@pytest.fixture
def taken() -> Iterator[int]:
    """A port held (bound and listening) for the test's length."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        s.listen()
        yield s.getsockname()[1]


def test_free_ports_tries_again_after_a_run_with_a_taken_port(
    taken: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[int] = []

    def offering(host: str = HOST) -> int:
        port = taken - 1 if not offered else free_port(host)
        offered.append(port)
        return port

    monkeypatch.setattr(live, "free_port", offering)
    first = free_ports(2)

    assert len(offered) >= 2 and offered[0] == taken - 1
    assert first == offered[-1] and first != taken - 1


def test_free_ports_gives_up_naming_the_count_and_the_host(
    taken: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[int] = []

    def always_before_the_taken_one(host: str = HOST) -> int:
        offered.append(taken - 1)
        return taken - 1

    monkeypatch.setattr(live, "free_port", always_before_the_taken_one)
    with pytest.raises(RuntimeError) as caught:
        free_ports(2)

    assert str(caught.value) == f"no 2 consecutive free ports on {HOST}"
    assert len(offered) == 50


async def hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A tiny ASGI app: lifespan events answered, every request a 204."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            kind = message["type"].rsplit(".", 1)[-1]
            await send({"type": f"lifespan.{kind}.complete"})
            if kind == "shutdown":
                return
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_live_server_whose_port_is_taken_raises_and_is_told_to_stop(taken: int) -> None:
    server = LiveServer(hello, port=taken)
    with pytest.raises(RuntimeError) as caught, server:
        pass

    assert str(caught.value) == f"the server on http://{HOST}:{taken} did not start"
    assert server.server.should_exit is True


def test_a_live_server_that_does_not_start_in_time_is_stopped() -> None:
    release = threading.Event()

    async def slow_start(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            message = await receive()
            while not release.is_set():  # a startup held until the test lets it go
                await asyncio.sleep(0.01)
            await send({"type": "lifespan.startup.complete"})
            message = await receive()
            assert message["type"] == "lifespan.shutdown"
            await send({"type": "lifespan.shutdown.complete"})
            return
        await hello(scope, receive, send)

    server = LiveServer(slow_start, start_timeout=0.05)
    with pytest.raises(RuntimeError) as caught, server:
        pass
    release.set()
    server.thread.join(timeout=10)

    assert str(caught.value) == f"the server on {server.url} did not start"
    assert not server.thread.is_alive()  # it was told to stop, and did


def test_a_served_mock_that_exits_is_reported_with_its_status_and_error() -> None:
    served = ServedProcess(["no_such_vendor"])
    with pytest.raises(RuntimeError) as caught:
        served.start()
    served.log.close()

    known = ", ".join(vendor_packages())
    assert str(caught.value) == (
        f"the mock exited (1): mock: no generated vendor 'no_such_vendor' (known: {known})\n"
    )


def test_a_served_mock_not_answering_in_time_is_stopped_and_named() -> None:
    package = vendor_packages()[0]
    served = ServedProcess([package], start_timeout=0.0)
    with pytest.raises(RuntimeError) as caught:
        served.start()
    served.log.close()

    assert str(caught.value) == f"the mocks [{package!r}] did not start"
    assert served.process is not None and served.process.poll() is not None


def test_free_ports_takes_a_first_port_whatever_the_port_below_it(
    taken: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[int] = []

    def just_above_the_taken_one(host: str = HOST) -> int:
        offered.append(taken + 1)
        return taken + 1

    monkeypatch.setattr(live, "free_port", just_above_the_taken_one)

    assert (free_ports(1), offered) == (taken + 1, [taken + 1])


def test_a_free_port_lies_below_the_ports_the_system_gives_outgoing_connections() -> None:
    start = live._ephemeral_start()
    if start <= live.LOWEST_PORT:
        pytest.skip(f"this system does not say its ephemeral port range ({live.EPHEMERAL_RANGE})")

    ports = [free_port(HOST) for _ in range(200)]

    assert all(live.LOWEST_PORT <= port < start for port in ports)
    assert len(set(ports)) > 1  # drawn at random, not the same one each time


def test_a_free_port_skips_a_port_something_listens_on(
    monkeypatch: pytest.MonkeyPatch, taken: int, tmp_path: Any
) -> None:
    with socket.socket() as spare:
        spare.bind((HOST, 0))
        free = spare.getsockname()[1]
    offered = iter([taken, free])
    monkeypatch.setattr(live._random, "randrange", lambda low, high: next(offered))
    monkeypatch.setattr(live, "LOWEST_PORT", 1024)
    monkeypatch.setattr(live, "_ephemeral_start", lambda: 65536)

    assert free_port(HOST) == free  # the next one drawn


def test_a_system_that_does_not_say_its_range_gives_the_port_itself(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    def never(low: int, high: int) -> int:
        raise AssertionError("no port is drawn when the range is unknown")

    monkeypatch.setattr(live, "EPHEMERAL_RANGE", tmp_path / "missing")
    monkeypatch.setattr(live._random, "randrange", never)

    port = free_port(HOST)

    assert port > 1023  # the system's choice, no well-known port
    with socket.socket() as s:
        s.bind((HOST, port))  # free indeed


def test_a_range_that_starts_where_drawing_would_start_leaves_the_choice_to_the_system(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(live, "_ephemeral_start", lambda: live.LOWEST_PORT)

    assert free_port(HOST) > 1023


@pytest.mark.parametrize(
    ("text", "start"),
    [("12345\t60999\n", 12345), ("", 0), ("x 1", 0)],
    ids=["linux", "empty", "garbled"],
)
def test_the_ephemeral_range_starts_where_the_system_says_else_is_unknown(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, text: str, start: int
) -> None:
    said = tmp_path / "ip_local_port_range"
    said.write_text(text)
    monkeypatch.setattr(live, "EPHEMERAL_RANGE", said)

    assert live._ephemeral_start() == start
