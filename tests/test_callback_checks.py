"""A payload that is not one of the vendor's callbacks is refused: ``parse_callback`` raises
``CallbackError`` and the receiver answers 400 with the reason, never a task with an empty
id. The vendors' own callback examples still pass."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest

from generator.runtime import errors
from generator.runtime.mock.serve import vendor_packages
from generator.runtime.paths import get_path
from generator.runtime.receiver import CallbackReceiver

from .hostile import client_class, credentials, vendor

CALLBACKS = [
    (package, op.name)
    for package in vendor_packages()
    for op in vendor(package).operations
    if op.callback_example is not None
]


def _fields(package: str, name: str):
    v = vendor(package)
    spec = v.task_spec(v.poll_for(name)[0])
    return (v.callback.fields if v.callback else None) or spec.fields


def _not_callbacks(package: str, name: str) -> dict[str, Any]:
    example = vendor(package).ops[name].callback_example
    fields = _fields(package, name)
    without_id = copy.deepcopy(example)
    _drop(without_id, fields.id)
    bad_status = copy.deepcopy(example)
    _set(bad_status, fields.status, "teleported")
    return {
        "foo": {"foo": 1},
        "empty object": {},
        "a list": [example],
        "no task id": without_id,
        "an unknown status": bad_status,
    }


def _drop(payload: dict[str, Any], path: str) -> None:
    parent, _, key = path.rpartition(".")
    target = get_path(payload, parent) if parent else payload
    target.pop(key, None)


def _set(payload: dict[str, Any], path: str, value: Any) -> None:
    parent, _, key = path.rpartition(".")
    target = get_path(payload, parent) if parent else payload
    target[key] = value


def test_vendors_with_callbacks_are_found() -> None:
    assert len({package for package, _ in CALLBACKS}) >= 3


@pytest.mark.parametrize(("package", "name"), CALLBACKS)
def test_the_vendors_own_callback_example_is_accepted(package: str, name: str) -> None:
    example = vendor(package).ops[name].callback_example
    with client_class(package)(**credentials(package), base_url="http://x.invalid") as client:
        outcome = client.parse_callback(example, operation=name)
    assert outcome.task_id == str(get_path(example, _fields(package, name).id))
    receiver = CallbackReceiver([vendor(package)])
    status, _answer = receiver.handle(f"/{package}/{name}", json.dumps(example).encode())
    assert status == 200 and receiver.received[0].outcome.task_id == outcome.task_id


@pytest.mark.parametrize(("package", "name"), CALLBACKS)
def test_a_payload_that_is_no_callback_is_refused_by_the_client(package: str, name: str) -> None:
    with client_class(package)(**credentials(package), base_url="http://x.invalid") as client:
        for what, payload in _not_callbacks(package, name).items():
            with pytest.raises(errors.CallbackError) as raised:
                client.parse_callback(payload, operation=name)
            assert package in str(raised.value), what


@pytest.mark.parametrize(("package", "name"), CALLBACKS)
def test_the_receiver_answers_400_with_the_reason(package: str, name: str) -> None:
    receiver = CallbackReceiver([vendor(package)])
    payloads = {**_not_callbacks(package, name)}
    with httpx.Client(transport=receiver.transport(), base_url="http://hooks.invalid") as http:
        for what, payload in payloads.items():
            answer = http.post(f"/{package}/{name}", json=payload)
            assert answer.status_code == 400, what
            assert f"not a {package} callback" in answer.json()["error"], what
        for raw in (b"{not json", b"[" * 100_000, b"\xff\xfe"):
            answer = http.post(f"/{package}/{name}", content=raw)
            assert answer.status_code == 400 and answer.json()["error"]
    assert receiver.received == []


def test_the_reason_names_what_is_wrong() -> None:
    package, name = CALLBACKS[0]
    fields = _fields(package, name)
    receiver = CallbackReceiver([vendor(package)])
    status, answer = receiver.handle(f"/{package}/{name}", b'{"foo": 1}')
    assert status == 400
    assert fields.id in answer["error"] or fields.status in answer["error"], answer
