"""The sync client's resend rules at their edges, value by value: a rate refusal a vendor writes
in a 2xx body is sent again (the request did nothing), as is a job-limit refusal where that is
the vendor's only limit in a body, but not one in a 400's body; a 500 to a request that is not
safe to resend is not (it may have made a task), while the same 500 to a safe one is; a resent
named submit refused as a duplicate is answered from the task found, with the get's request id
and response; and a found task that does not fit the submit's model is a conflict naming the
vendor. Written against the mutants ``make mutants`` showed surviving in
``BaseClient._retry_after_status``, ``SyncClient._read_or_recover``, ``BaseClient._model``
and ``BaseClient.__init__``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from generator.runtime import errors
from generator.runtime.client import Recovered
from generator.runtime.clock import VirtualClock
from generator.runtime.envelope import render_error
from generator.runtime.mock.core import MOCK_BASE_URL
from generator.runtime.testing import example_values
from tests.hostile import credentials
from tests.vendors import all_vendors, contract_for

VENDORS = all_vendors()

# Vendors whose rate-limit refusal comes in a 2xx body (Tencent's way).
LIMITS_IN_BODY = [
    v
    for v in VENDORS
    if v.errors.get("rate_limited") and v.errors["rate_limited"].http_status < 400
]
# (vendor, operation) pairs a client may not resend once they may have reached the vendor: not
# idempotent, and the caller cannot name the task.
UNSAFE = [(v, op) for v in VENDORS for op in v.operations if not op.idempotent and not op.caller_id]
SAFE = [(v, op) for v in VENDORS for op in v.operations if op.idempotent and op.role == "get"]
TASK_VENDORS = [v for v in VENDORS if v.task is not None and v.op_for_role("submit")]
NAMED = [v for v in TASK_VENDORS if (v.op_for_role("submit") or v.task).caller_id]


class Counting(httpx.BaseTransport):
    """Passes every request to the mock, keeping each one seen."""

    def __init__(self, mock: Any) -> None:
        self.inner = mock.transport()
        self.seen: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return self.inner.handle_request(request)


def values_for(vendor: Any, op: Any) -> dict[str, Any]:
    return example_values(op, vendor.base_url or MOCK_BASE_URL)


@pytest.mark.parametrize("vendor", LIMITS_IN_BODY, ids=[v.package for v in LIMITS_IN_BODY])
def test_a_rate_refusal_in_a_2xx_body_is_sent_again_and_then_answered(vendor: Any) -> None:
    contract = contract_for(vendor)
    mock = contract.create_mock()
    op = vendor.operations[0]
    mock.inject_fault("rate_limit", operation=op.name)
    transport = Counting(mock)
    with mock.client(
        contract.client_cls, transport=transport, clock=VirtualClock(), max_retries=2
    ) as client:
        answer = client._exchange(op, values_for(vendor, op))

    assert len(transport.seen) == 2
    assert answer.response.status_code < 400
    assert [e.operation for e in mock.journal] == [op.name, op.name]


@pytest.mark.parametrize(
    ("vendor", "op"), UNSAFE, ids=[f"{v.package}-{op.name}" for v, op in UNSAFE]
)
def test_a_500_to_a_request_not_safe_to_resend_is_sent_once(vendor: Any, op: Any) -> None:
    contract = contract_for(vendor)
    mock = contract.create_mock()
    mock.inject_fault("error", count=5, status=500, operation=op.name)
    transport = Counting(mock)
    with (
        mock.client(
            contract.client_cls, transport=transport, clock=VirtualClock(), max_retries=3
        ) as client,
        pytest.raises(errors.ServerError) as caught,
    ):
        client._exchange(op, values_for(vendor, op))

    assert len(transport.seen) == 1
    assert caught.value.status_code == 500


@pytest.mark.parametrize(("vendor", "op"), SAFE, ids=[f"{v.package}-{op.name}" for v, op in SAFE])
def test_a_500_to_a_safe_request_is_sent_again(vendor: Any, op: Any) -> None:
    contract = contract_for(vendor)
    mock = contract.create_mock()
    mock.inject_fault("error", count=1, status=500, operation=op.name)
    transport = Counting(mock)
    with mock.client(
        contract.client_cls, transport=transport, clock=VirtualClock(), max_retries=3
    ) as client:
        try:
            client._exchange(op, values_for(vendor, op))
        except errors.APIError as exc:  # the example task may be unknown: the second answer
            assert exc.status_code != 500

    assert len(transport.seen) == 2


@pytest.mark.parametrize("vendor", NAMED, ids=[v.package for v in NAMED])
def test_a_resent_named_submit_carries_the_get_s_request_id_and_response(vendor: Any) -> None:
    contract = contract_for(vendor)
    mock = contract.create_mock()
    submit = vendor.op_for_role("submit")
    mock.inject_fault("drop", operation=submit.name)
    get, _ = vendor.poll_for(submit.name)
    with mock.client(contract.client_cls, clock=VirtualClock()) as client:
        answer = client._exchange(submit, values_for(vendor, submit))
        _, get_request_id = client._read(get, answer.response)

    assert answer.response is not None
    assert answer.response.request.method == get.method.upper()
    assert get.path.split("{")[0] in answer.response.request.url.path
    assert isinstance(answer.request_id, str) and answer.request_id == get_request_id
    assert [e.operation for e in mock.journal][-1] == get.name


@pytest.mark.parametrize("vendor", NAMED, ids=[v.package for v in NAMED])
def test_a_found_task_that_does_not_fit_the_submit_s_model_is_a_conflict_of_the_vendor(
    vendor: Any,
) -> None:
    class Needs(BaseModel):
        number: int

    submit = vendor.op_for_role("submit")
    contract = contract_for(vendor)
    client = contract.create_mock().client(contract.client_cls)
    with client, pytest.raises(errors.ConflictError) as caught:
        client._model(submit, Needs, Recovered({"number": "not one"}))

    assert caught.value.vendor == vendor.package
    assert str(caught.value).startswith(f"[{vendor.package}] an earlier attempt of this submit")
    assert f"operation={submit.name!r}" in str(caught.value)


def sent_when_refused(vendor: Any, client_cls: Any, status: int, refusal: Any) -> int:
    """How many times a client (two retries allowed) sends ``vendor``'s first operation when
    every answer is ``refusal`` (``render_error``'s headers and body) with HTTP ``status``."""
    _, headers, body = refusal
    seen: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, headers=headers, json=body)

    op = vendor.operations[0]
    with (
        client_cls(
            **credentials(vendor.package),
            base_url=vendor.base_url or MOCK_BASE_URL,
            transport=httpx.MockTransport(refuse),
            clock=VirtualClock(),
            max_retries=2,
        ) as client,
        pytest.raises(errors.APIError),
    ):
        client._exchange(op, values_for(vendor, op))
    return len(seen)


JOB_LIMITS_IN_BODY = [v for v in LIMITS_IN_BODY if "concurrency_limited" in v.errors]


@pytest.mark.parametrize("vendor", JOB_LIMITS_IN_BODY, ids=[v.package for v in JOB_LIMITS_IN_BODY])
def test_a_job_limit_in_a_2xx_body_is_resent_by_a_vendor_with_no_rate_limit_of_that_kind(
    vendor: Any,
) -> None:
    kept = {kind: spec for kind, spec in vendor.errors.items() if kind != "rate_limited"}
    jobs_only = vendor.model_copy(
        update={"errors": kept, "error_specs": {str(k): s for k, s in kept.items()}}
    )
    refusal = render_error(jobs_only, "concurrency_limited", "busy", "rid-1")
    plain = contract_for(vendor).client_cls
    client_cls = type(plain.__name__, (plain,), {"vendor": jobs_only})

    assert refusal[0] < 400
    assert sent_when_refused(vendor, client_cls, refusal[0], refusal) == 3


@pytest.mark.parametrize("vendor", LIMITS_IN_BODY, ids=[v.package for v in LIMITS_IN_BODY])
def test_a_rate_refusal_in_a_400_body_is_not_resent(vendor: Any) -> None:
    # only a 2xx body is read for a limit; a 400 is the caller's to fix, whatever it says
    refusal = render_error(vendor, "rate_limited", "slow down", "rid-1")

    assert sent_when_refused(vendor, contract_for(vendor).client_cls, 400, refusal) == 1
