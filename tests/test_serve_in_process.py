"""``generator.runtime.mock.serve`` in the test's own process: the servers it builds from the
command line (ports, clocks, state, limits), how it serves and stops them, and its collector
and allocator tuning. tests/test_serve_command.py runs the command in subprocesses."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib.util
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.runtime.clock import SystemClock, VirtualClock
from generator.runtime.live import free_ports
from generator.runtime.mock import serve
from generator.runtime.mock.collector import FULL_EVERY, YOUNG_OBJECTS, Collector
from generator.runtime.mock.core import VendorMock
from generator.runtime.mock.sqlite import SqliteStore
from generator.runtime.mock.store import MemoryStore

PACKAGES = serve.vendor_packages()


def parsed(*argv: str) -> Any:
    p = serve.parser()
    args = p.parse_args(list(argv))
    serve.check(p, args)
    return args


@contextlib.contextmanager
def built(*argv: str) -> Iterator[list[serve.Served]]:
    """``servers()`` for ``argv``; their sockets and mocks closed afterwards."""
    named = serve.servers(parsed(*argv))
    try:
        yield named
    finally:
        for _name, server, sock in named:
            sock.close()
            server.config.app.mock.close()


# -- --state ---------------------------------------------------------------------------------
def test_no_state_option_keeps_the_state_in_memory() -> None:
    assert serve.state_store(parsed(), PACKAGES[0], several=False) is None
    assert serve.state_store(parsed("--state", ""), PACKAGES[0], several=True) is None


def test_state_is_one_file_for_one_vendor_and_a_folder_for_several(tmp_path: Path) -> None:
    package = PACKAGES[0]
    one = serve.state_store(parsed("--state", str(tmp_path / "s.db")), package, several=False)
    assert isinstance(one, SqliteStore) and one.path == tmp_path / "s.db"
    one.close()
    folder = tmp_path / "states" / "deeper"
    each = serve.state_store(parsed("--state", str(folder)), package, several=True)
    assert isinstance(each, SqliteStore) and each.path == folder / f"{package}.sqlite3"
    each.close()
    again = serve.state_store(parsed("--state", str(folder)), package, several=True)
    assert again.path == folder / f"{package}.sqlite3"  # an existing folder is fine
    again.close()


@pytest.mark.parametrize(
    ("megabytes", "expected"),
    [(0.0, None), (1e-9, 1), (1.5, 1_572_864), (32.0, 32 * 2**20)],
    ids=["none", "tiny", "one-and-a-half", "default"],
)
def test_an_image_bound_in_megabytes_is_a_bound_in_bytes_however_small(
    megabytes: float, expected: int | None
) -> None:
    assert serve.image_bytes(megabytes) == expected


@pytest.mark.skipif(len(PACKAGES) < 2, reason="needs two generated vendors")
def test_another_vendors_state_file_is_one_line_naming_both(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    serve.state_store(parsed("--state", str(path)), PACKAGES[0], several=False).close()
    with pytest.raises(SystemExit) as stopped:
        serve.state_store(parsed("--state", str(path)), PACKAGES[1], several=False)
    assert stopped.value.code == (
        f"mock {PACKAGES[1]}: --state {path} holds the state of the {PACKAGES[0]} mock, "
        f"not {PACKAGES[1]}"
    )


# -- servers() -------------------------------------------------------------------------------
def test_each_vendor_gets_its_own_port_in_order_already_listening() -> None:
    first = free_ports(len(PACKAGES))
    with built("--port", str(first)) as named:
        assert [name for name, _, _ in named] == PACKAGES  # no vendor named: all of them
        for offset, (name, server, sock) in enumerate(named):
            assert sock.getsockname() == ("127.0.0.1", first + offset)
            assert (server.config.host, server.config.port) == ("127.0.0.1", first + offset)
            assert server.config.log_level == "warning"
            assert server.config.app.mock.vendor.package == name
            with socket.create_connection(("127.0.0.1", first + offset), timeout=5):
                pass  # bound and listening before anything serves


def test_a_real_clock_mock_runs_tasks_in_the_background_and_holds_answers() -> None:
    package = PACKAGES[0]
    with built(package, "--port", str(free_ports(1))) as named:
        ((_, server, _),) = named
        app = server.config.app
        mock = app.mock
        assert type(mock.clock) is SystemClock and type(mock.signing_clock) is SystemClock
        assert app.background is True and mock.hold_answers is True
        assert mock.task_seconds == mock.vendor.mock.task_seconds  # the vendor's default
        assert mock.callback_scale == 1.0 and mock.workers == serve.WORKERS == 8
        assert sorted(mock.accounts) == ["test"]
        assert not mock.allowed_hosts
        assert isinstance(mock.store, MemoryStore)
        assert mock.store.max_tasks == serve.DEFAULT_MAX_TASKS
        assert mock.store.max_image_bytes == serve.DEFAULT_MAX_IMAGE_BYTES
        assert mock._seed is None
        assert mock.admin_token is None and app.public_url == ""


def test_the_options_reach_each_mock(tmp_path: Path) -> None:
    package = PACKAGES[0]
    argv = [package, "--port", str(free_ports(1)), "--clock", "virtual", "--task-seconds", "2.75"]
    argv += ["--callback-scale", "0.25", "--credential", "k1", "--credential", "k2"]
    argv += ["--allow-host", "images.test", "--seed", "5", "--workers", "3"]
    argv += ["--max-tasks", "7", "--max-image-mb", "1.5", "--admin-token", "adm"]
    argv += ["--public-url", "http://mock.test:9000/base", "--host", "localhost"]
    with built(*argv) as named:
        ((_, server, _),) = named
        app = server.config.app
        mock = app.mock
        assert type(mock.clock) is VirtualClock and type(mock.signing_clock) is SystemClock
        assert app.background is False and mock.hold_answers is False
        assert mock.task_seconds == 2.75 and mock.callback_scale == 0.25
        assert sorted(mock.accounts) == ["k1", "k2", "test"]
        assert mock.allowed_hosts.allows("https://images.test/a.png")
        assert not mock.allowed_hosts.allows("https://other.test/a.png")
        assert mock._seed == 5 and mock.workers == 3
        assert mock.store.max_tasks == 7 and mock.store.max_image_bytes == int(1.5 * 2**20)
        assert mock.admin_token == "adm" and app.public_url == "http://mock.test:9000/base"
        assert server.config.host == "localhost"  # as the URL line will name it


def test_zero_limits_mean_none_and_state_goes_to_sqlite(tmp_path: Path) -> None:
    package = PACKAGES[0]
    argv = [package, "--port", str(free_ports(1)), "--max-tasks", "0", "--max-image-mb", "0"]
    with built(*argv) as named:
        store = named[0][1].config.app.mock.store
        assert (store.max_tasks, store.max_image_bytes) == (None, None)
    with built(package, "--port", str(free_ports(1)), "--state", str(tmp_path / "s.db")) as named:
        store = named[0][1].config.app.mock.store
        assert isinstance(store, SqliteStore) and store.path == tmp_path / "s.db"


@pytest.mark.skipif(len(PACKAGES) < 2, reason="needs two generated vendors")
def test_several_vendors_keep_one_state_file_each_and_their_public_ports(tmp_path) -> None:
    first = free_ports(2)
    argv = [*PACKAGES[:2], "--port", str(first), "--state", str(tmp_path / "states")]
    with built(*argv, "--public-url", "http://mock.test:9000") as named:
        for offset, (name, server, _) in enumerate(named):
            app = server.config.app
            assert app.mock.store.path == tmp_path / "states" / f"{name}.sqlite3"
            assert app.public_url == f"http://mock.test:{9000 + offset}"


@pytest.mark.skipif(len(PACKAGES) < 2, reason="needs two generated vendors")
def test_a_busy_port_closes_the_ports_already_taken() -> None:
    first = free_ports(2)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", first + 1))
        busy.listen(1)
        with pytest.raises(SystemExit) as stopped:
            serve.servers(parsed(*PACKAGES[:2], "--port", str(first)))
        assert str(first + 1) in str(stopped.value.code) and PACKAGES[1] in str(stopped.value)
    with socket.socket() as again:  # the first vendor's port was let go
        again.bind(("127.0.0.1", first))


def test_an_unknown_vendor_stops_before_any_port_is_taken() -> None:
    first = free_ports(1)
    with pytest.raises(SystemExit) as stopped:
        serve.servers(parsed(PACKAGES[0], "no_such_vendor", "--port", str(first)))
    assert stopped.value.code.startswith("mock: no generated vendor 'no_such_vendor' (known: ")
    with socket.socket() as again:
        again.bind(("127.0.0.1", first))


# -- serving ---------------------------------------------------------------------------------
def start(target: Any, *args: Any) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


def wait_until_up(named: list[serve.Served], thread: threading.Thread) -> None:
    for _name, server, _sock in named:
        while not server.started:
            assert thread.is_alive(), "the servers stopped before they started"
            thread.join(0.01)


def stop(named: list[serve.Served], thread: threading.Thread) -> None:
    for _name, server, _sock in named:
        server.should_exit = True
    thread.join(30)
    assert not thread.is_alive()


@pytest.fixture
def gc_restored() -> Iterator[None]:
    """``run`` tunes the collector of the whole process: put it back afterwards."""
    threshold, frozen, callbacks = gc.get_threshold(), gc.get_freeze_count(), [*gc.callbacks]
    yield
    if not frozen:  # a runner that froze its own heap (mutmut does) keeps it frozen
        gc.unfreeze()
    gc.set_threshold(*threshold)
    gc.callbacks[:] = callbacks  # the collector's own one taken out


def test_serve_all_prints_each_url_once_serving_and_answers_there(capsys) -> None:
    first = free_ports(len(PACKAGES))
    with built("--port", str(first)) as named:
        thread = start(asyncio.run, serve.serve_all(named))
        wait_until_up(named, thread)
        try:
            for offset in range(len(named)):
                answer = httpx.get(f"http://127.0.0.1:{first + offset}/_mock/health", timeout=10)
                assert answer.status_code < 500
        finally:
            stop(named, thread)
    out = capsys.readouterr().out
    assert out == "".join(
        f"{name:<15} http://127.0.0.1:{first + offset}\n" for offset, name in enumerate(PACKAGES)
    )


@pytest.mark.skipif(len(PACKAGES) < 2, reason="needs two generated vendors")
def test_a_server_that_cannot_start_ends_serve_all_with_its_error(capsys) -> None:
    """The second vendor's socket is gone: serve_all stops waiting for it to start, prints
    no URL for it, and ends with its error instead of serving on without it."""
    first = free_ports(2)
    with built(*PACKAGES[:2], "--port", str(first)) as named:
        named[1][2].close()
        raised: list[BaseException] = []

        def serve_them() -> None:
            try:
                asyncio.run(serve.serve_all(named))
            except BaseException as exc:  # what ended it is the point
                raised.append(exc)

        thread = start(serve_them)
        thread.join(30)
        alive = thread.is_alive()
        if alive:  # the mutant that keeps waiting: stop it before failing
            named[0][1].should_exit = True
            thread.join(30)
        assert not alive and len(raised) == 1 and isinstance(raised[0], OSError | ValueError)
    out = capsys.readouterr().out
    assert PACKAGES[1] not in out
    assert out in ("", f"{PACKAGES[0]:<15} http://127.0.0.1:{first}\n")


def test_run_serves_on_uvloop_with_the_collector_tuned(capsys, gc_restored, monkeypatch) -> None:
    loops: list[str] = []
    collectors: list[Collector | None] = []
    serve_all = serve.serve_all

    async def recorded(named: list[serve.Served], collector: Collector | None = None) -> None:
        loops.append(type(asyncio.get_running_loop()).__module__.split(".")[0])
        collectors.append(collector)
        await serve_all(named, collector)

    monkeypatch.setattr(serve, "serve_all", recorded)
    with built(PACKAGES[0], "--port", str(free_ports(1))) as named:
        thread = start(serve.run, named)
        wait_until_up(named, thread)
        assert gc.get_threshold() == (YOUNG_OBJECTS, 20, 20) and gc.get_freeze_count() > 0
        assert collectors[0] is not None and collectors[0].after_collection in gc.callbacks
        stop(named, thread)
    expected = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    assert serve.event_loop_name() == expected
    assert loops == [expected]
    assert capsys.readouterr().out.startswith(f"{PACKAGES[0]:<15} http://127.0.0.1:")


def test_tune_gc_freezes_startup_objects_and_installs_the_collector(gc_restored) -> None:
    before = gc.get_freeze_count()
    fresh = [[index] for index in range(2000)]  # objects made since any earlier freeze
    collector = serve.tune_gc()
    assert gc.get_threshold() == (YOUNG_OBJECTS, 20, 20)
    assert gc.get_freeze_count() >= before + len(fresh)
    assert (collector.young_objects, collector.full_every) == (YOUNG_OBJECTS, FULL_EVERY)
    assert collector.after_collection in gc.callbacks


def test_without_uvloop_the_loop_is_asyncios(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # an import of it fails
    assert serve._loop_factory() is None
    assert serve.event_loop_name() == "asyncio"


@pytest.mark.skipif(importlib.util.find_spec("uvloop") is None, reason="uvloop not installed")
def test_with_uvloop_the_loop_is_uvloops() -> None:
    import uvloop

    assert serve._loop_factory() is uvloop.new_event_loop
    assert serve.event_loop_name() == "uvloop"


class FakeLibc:
    def __init__(self, calls: list[Any], missing: bool = False) -> None:
        self.calls = calls
        self.missing = missing

    def __call__(self, name: str) -> FakeLibc:
        self.calls.append(("CDLL", name))
        if name != "libc.so.6":
            raise OSError(name)
        return self

    def mallopt(self, option: int, value: int) -> int:
        if self.missing:
            raise AttributeError("mallopt")
        self.calls.append(("mallopt", option, value))
        return 1


def test_fewer_malloc_arenas_asks_glibc_for_two(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(serve.ctypes, "CDLL", FakeLibc(calls))
    serve.fewer_malloc_arenas()
    assert calls == [("CDLL", "libc.so.6"), ("mallopt", -8, 2)]  # M_ARENA_MAX = 2


def test_fewer_malloc_arenas_does_nothing_without_glibc(monkeypatch) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(serve.ctypes, "CDLL", FakeLibc(calls, missing=True))
    serve.fewer_malloc_arenas()  # no mallopt: no error
    assert calls == [("CDLL", "libc.so.6")]

    def no_library(name: str) -> Any:
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(serve.ctypes, "CDLL", no_library)
    serve.fewer_malloc_arenas()  # no libc: no error


# -- main ------------------------------------------------------------------------------------
class Interrupted(Exception):
    pass


def test_main_builds_the_servers_runs_them_and_closes_every_mock(monkeypatch, capsys) -> None:
    first = free_ports(len(PACKAGES))
    ran: list[list[serve.Served]] = []
    closed: list[VendorMock] = []

    def fake_run(named: list[serve.Served]) -> None:
        ran.append(named)
        for _name, _server, sock in named:
            sock.close()
        raise Interrupted  # as Ctrl-C would

    monkeypatch.setattr(serve, "run", fake_run)
    monkeypatch.setattr(VendorMock, "close", lambda mock: closed.append(mock))
    with pytest.raises(Interrupted):
        serve.main(["--port", str(first), "--seed", "3"])
    ((named),) = ran
    assert [name for name, _, _ in named] == PACKAGES
    assert all(server.config.app.mock._seed == 3 for _, server, _ in named)
    assert capsys.readouterr().err == f"serving {len(PACKAGES)} mock(s); Ctrl-C stops\n"
    assert closed == [server.config.app.mock for _, server, _ in named]


def test_main_refuses_a_bad_option_as_usage(capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        serve.main(["--port", "70000"])
    assert stopped.value.code == 2
    assert "--port 70000 is not a port number (1-65535)" in capsys.readouterr().err
