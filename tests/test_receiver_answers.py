"""What the callback receiver answers, value by value: where no vendor is (an empty path, an
unknown vendor, one step too many), the body it cannot read, each vendor's own reply (a copy),
the payload reached through empty path steps, and the same answers over its ASGI app.
Vendors come from ``specs/``. Written for ``generator/runtime/receiver.py``."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from generator.runtime.mock.messages import MockError, read_json
from generator.runtime.receiver import CallbackReceiver
from generator.runtime.vendor import Operation, Vendor
from tests.vendors import all_vendors

CALLBACKS = [
    (v, op) for v in all_vendors() for op in v.operations if op.callback_example is not None
]
IDS = [f"{v.package}-{op.name}" for v, op in CALLBACKS]
VENDORS = list({v.package: v for v, _ in CALLBACKS}.values())


def body(op: Operation) -> bytes:
    return json.dumps(op.callback_example).encode()


def test_where_no_vendor_is_the_answer_is_404_naming_the_known_ones() -> None:
    receiver = CallbackReceiver(VENDORS)
    known = ", ".join(v.package for v in VENDORS)
    for path in ("/", "", "/nobody", "/nobody/op"):
        assert receiver.handle(path, b"{}") == (
            404,
            {"error": f"no vendor at {path!r} (known: {known})"},
        )


@pytest.mark.parametrize(("vendor", "op"), CALLBACKS, ids=IDS)
def test_one_step_too_many_is_no_vendor(vendor: Vendor, op: Operation) -> None:
    receiver = CallbackReceiver([vendor])
    status, _ = receiver.handle(f"/{vendor.package}/{op.name}/extra", body(op))
    assert status == 404 and receiver.received == []


@pytest.mark.parametrize(("vendor", "op"), CALLBACKS, ids=IDS)
def test_empty_steps_are_skipped(vendor: Vendor, op: Operation) -> None:
    receiver = CallbackReceiver([vendor])
    status, _ = receiver.handle(f"//{vendor.package}//{op.name}/", body(op))
    assert status == 200 and len(receiver.received) == 1


@pytest.mark.parametrize(("vendor", "op"), CALLBACKS, ids=IDS)
def test_each_vendor_gets_its_own_reply_as_a_copy(vendor: Vendor, op: Operation) -> None:
    receiver = CallbackReceiver([vendor])
    reply = dict(vendor.callback.reply or {}) if vendor.callback else {}
    status, answer = receiver.handle(f"/{vendor.package}/{op.name}", body(op))
    assert (status, answer) == (200, reply)
    answer["changed"] = True  # the caller's to change: the next answer is the same
    assert receiver.handle(f"/{vendor.package}/{op.name}", body(op)) == (200, reply)


@pytest.mark.parametrize(("vendor", "op"), CALLBACKS, ids=IDS)
def test_a_body_that_is_not_json_is_refused_with_the_reason(vendor, op) -> None:
    receiver = CallbackReceiver([vendor])
    raw = b'{"task": '
    with pytest.raises(MockError) as reading:
        read_json(raw)
    status, answer = receiver.handle(f"/{vendor.package}", raw)
    assert status == 400
    assert answer == {"error": f"not a {vendor.package} callback: {reading.value.detail}"}


@pytest.mark.parametrize(("vendor", "op"), CALLBACKS, ids=IDS)
def test_the_handler_hears_each_accepted_outcome(vendor: Vendor, op: Operation) -> None:
    heard: list[tuple[str, str]] = []
    receiver = CallbackReceiver([vendor], on_outcome=lambda v, o: heard.append((v, o.task_id)))
    receiver.handle(f"/{vendor.package}/{op.name}", body(op))
    receiver.handle(f"/{vendor.package}/{op.name}", b"[]")
    assert heard == [(vendor.package, receiver.received[0].outcome.task_id)]
    assert receiver.received[0].vendor == vendor.package


def test_the_asgi_app_answers_as_handle_does() -> None:
    vendor, op = CALLBACKS[0]
    receiver = CallbackReceiver([vendor])
    expected = CallbackReceiver([vendor]).handle(f"/{vendor.package}/{op.name}", body(op))

    async def post() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=receiver.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hooks") as http:
            return [
                await http.post(f"/{vendor.package}/{op.name}", content=body(op)),
                await http.post("/nobody", content=b"{}"),
                await http.get(f"/{vendor.package}"),
            ]

    accepted, unknown, wrong_method = asyncio.run(post())
    assert (accepted.status_code, accepted.json()) == expected
    assert accepted.headers["content-type"] == "application/json"
    assert unknown.status_code == 404 and "nobody" in unknown.json()["error"]
    assert wrong_method.status_code == 405
    assert receiver.app is receiver.app  # built once
    assert len(receiver.received) == 1
