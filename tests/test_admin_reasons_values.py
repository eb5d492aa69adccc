"""The admin API's reasons for a failure, by value: a missing key is named bare (not quoted as
Python's ``KeyError`` would print it), and a failure that carries no reason at all is still a
400 with an empty reason, never a traceback (``mock.admin``)."""

from __future__ import annotations

import pytest

from generator.runtime.mock import VendorMock
from generator.runtime.mock.messages import MockRequest
from generator.runtime.mock.store import MockTask

from .vendors import all_vendors

VENDOR = all_vendors()[0]  # the admin API is the same for every vendor


def admin_request(method: str, path: str) -> MockRequest:
    return MockRequest.build(method, f"http://m{path}", [], b"")


def test_a_task_of_an_operation_the_spec_no_longer_has_is_refused_naming_it_bare() -> None:
    """A state file kept from an older spec can hold such a task."""
    mock = VendorMock(VENDOR)
    mock.store.add(
        MockTask(
            id="old1",
            account=mock._default_credentials[0],
            operation="retired_operation",
            created_at=0.0,
            queue_seconds=0.0,
            run_seconds=0.0,
            outcome="succeeded",
            effect="",
            args={},
            inputs={},
            base_url="http://m",
        )
    )
    answer = mock.handle(admin_request("GET", "/_mock/tasks/old1"))
    assert (answer.status, answer.json()) == (400, {"error": "retired_operation"})


@pytest.mark.parametrize("error", [KeyError, ValueError], ids=["KeyError", "ValueError"])
def test_a_failure_without_a_reason_is_a_400_with_an_empty_reason(
    error: type[Exception], monkeypatch: pytest.MonkeyPatch
) -> None:
    mock = VendorMock(VENDOR)

    def failing() -> None:
        raise error()

    monkeypatch.setattr(mock, "reset", failing)
    answer = mock.handle(admin_request("POST", "/_mock/reset"))
    assert (answer.status, answer.json()) == (400, {"error": ""})
