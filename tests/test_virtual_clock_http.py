"""Virtual time over HTTP: mocks served by the documented command with ``--clock virtual``.

Everything here goes over real sockets to a child process, as a test in another language would
drive it: the clock moves only on ``POST /_mock/advance``, tasks follow it, result URLs expire
on it, and callbacks due are delivered by the advance before it answers.
"""

from __future__ import annotations

import importlib
import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from generator.runtime.client import SyncClient
from generator.runtime.live import LiveServer, ServedProcess
from generator.runtime.mock.serve import vendor_packages
from generator.runtime.paths import set_path
from generator.runtime.tasks import submitted_task_id
from generator.runtime.testing import example_values
from generator.runtime.vendor import Operation, Vendor

START = 1_767_225_600.0  # where a fresh virtual clock starts (2026-01-01T00:00:00Z)


def vendor_of(package: str) -> Vendor:
    return importlib.import_module(f"generated.{package}").VENDOR


def client_for(package: str, url: str) -> SyncClient:
    """The package's sync client pointed at ``url``, with the mock's default credentials."""
    module = importlib.import_module(f"generated.{package}")
    vendor: Vendor = module.VENDOR
    cls = next(
        v
        for v in vars(module).values()
        if isinstance(v, type) and issubclass(v, SyncClient) and v is not SyncClient
    )
    credentials = {c.name: c.mock_default for c in vendor.auth.credentials if c.required}
    return cls(**credentials, base_url=url, max_retries=0)


def submits(vendor: Vendor) -> list[Operation]:
    return [op for op in vendor.operations if op.role == "submit"]


def submit(client: SyncClient, op: Operation, url: str, **extra: Any) -> str:
    """Submit ``op``'s example (its image URLs pointing at the served mock), return the id."""
    values = example_values(op, url)
    if op.caller_id:  # the example's own id would be refused the second time
        set_path(values, op.caller_id, f"t-{uuid.uuid4().hex[:16]}")
    for path, value in extra.items():
        set_path(values, path, value)
    payload = client._send(op, values)
    return submitted_task_id(client.vendor, op, payload, values)


def advance(url: str, seconds: float) -> float:
    answer = httpx.post(f"{url}/_mock/advance", params={"seconds": seconds}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["now"]


@pytest.fixture(scope="module")
def served() -> Iterator[ServedProcess]:
    """Every vendor's mock, on a virtual clock, in one child process."""
    with ServedProcess(vendor_packages(), "--clock", "virtual") as process:
        yield process


def test_health_names_the_vendor_the_clock_and_its_time(served: ServedProcess) -> None:
    for package, url in served.urls.items():
        health = httpx.get(f"{url}/_mock/health", timeout=10)
        assert health.status_code == 200
        body = health.json()
        assert (body["vendor"], body["clock"], body["store"]) == (package, "virtual", "memory")
        assert isinstance(body["time"], float)


def test_tasks_move_only_when_the_clock_is_advanced(served: ServedProcess) -> None:
    checked = []
    for package, url in served.urls.items():
        vendor = vendor_of(package)
        for op in submits(vendor)[:1]:
            with client_for(package, url) as client:
                before = httpx.get(f"{url}/_mock/health", timeout=10).json()["time"]
                task_id = submit(client, op, url)
                queued = client.get_outcome(task_id, operation=op.name)
                # requests took real time; the clock did not move
                assert httpx.get(f"{url}/_mock/health", timeout=10).json()["time"] == before
                assert queued.status == ("queued" if vendor.mock.queue_seconds else "running")
                advance(url, vendor.mock.queue_seconds + vendor.mock.task_seconds / 2)
                assert client.get_outcome(task_id, operation=op.name).status == "running"
                advance(url, vendor.mock.task_seconds)
                done = client.get_outcome(task_id, operation=op.name)
                assert done.status == "succeeded", done
                assert done.images and all(
                    httpx.get(u, timeout=30).status_code == 200 for u in done.images
                )
                checked.append(package)
    assert checked, "no vendor with a submit operation"


def test_result_urls_expire_on_the_virtual_clock(served: ServedProcess) -> None:
    checked = []
    for package, url in served.urls.items():
        for op in vendor_of(package).operations:
            if op.mock is None or op.mock.files_ttl is None or op.role != "action":
                continue
            with client_for(package, url) as client:
                answer = client._send(op, example_values(op, url))
            links = re.findall(r'http://[^"]+/_mock/files/[^"]+', json.dumps(answer))
            assert links, answer
            assert httpx.get(links[0], timeout=30).status_code == 200
            advance(url, op.mock.files_ttl - 1)
            assert httpx.get(links[0], timeout=30).status_code == 200
            advance(url, 2)
            assert httpx.get(links[0], timeout=30).status_code == 404
            checked.append(package)
    assert checked, "no vendor whose result URLs expire"


class Hooks:
    """A callback receiver that refuses the first ``refusals`` deliveries (HTTP 500), then
    accepts with the reply every vendor here wants (``{"code": "200"}``)."""

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.received: list[dict[str, Any]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.received.append(json.loads(body))
        refused = len(self.received) <= self.refusals
        status, reply = (500, b"{}") if refused else (200, b'{"code": "200"}')
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": reply})


def test_callbacks_due_are_delivered_by_the_advance_along_the_retry_ladder(
    served: ServedProcess,
) -> None:
    checked = []
    for package, url in served.urls.items():
        vendor = vendor_of(package)
        spec = vendor.callback
        ops = [op for op in submits(vendor) if op.mock.callback_url]
        if spec is None or not ops:
            continue
        op = ops[0]
        hooks = Hooks(refusals=2 if spec.retry_seconds else 0)
        with LiveServer(hooks) as receiver, client_for(package, url) as client:
            submit(client, op, url, **{op.mock.callback_url: f"{receiver.url}/hook"})
            assert hooks.received == []  # nothing is sent while the clock stands still
            advance(url, vendor.mock.queue_seconds + vendor.mock.task_seconds)
            first = len(hooks.received)  # delivered before the advance answered
            reached = [s for s in ("queued", "running", "succeeded") if s in spec.when]
            assert first == len(reached), hooks.received
            if spec.retry_seconds:  # the refused last delivery comes back on the ladder
                step, second = spec.retry_seconds[0], spec.retry_seconds[1]
                advance(url, step - 0.5)
                assert len(hooks.received) == first
                advance(url, 0.5)
                assert len(hooks.received) == first + 1  # refused again
                advance(url, second)
                assert len(hooks.received) == first + 2  # accepted: the ladder ends
                advance(url, sum(spec.retry_seconds))
                assert len(hooks.received) == first + 2
        checked.append(package)
    assert checked, "no vendor sends callbacks"


def test_advance_refuses_a_negative_or_missing_number(served: ServedProcess) -> None:
    url = next(iter(served.urls.values()))
    for seconds in ("-1", "soon"):
        answer = httpx.post(f"{url}/_mock/advance", params={"seconds": seconds}, timeout=10)
        assert answer.status_code == 400 and answer.json()["error"]
