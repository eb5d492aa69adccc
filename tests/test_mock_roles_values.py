"""How the mock serves synchronous jobs, lists and catalogues, by value: a job's refusals say
why, a job on a mock that does not hold answers back takes no time, a catalogue filter left
blank filters nothing, and every role's answer template can read ``$request`` and
``$account`` (specs/EXTENSIONS.md). Vendors are found by the roles and extensions tested."""

from __future__ import annotations

import asyncio
import json
from importlib import import_module
from typing import Any

import pytest

from generator.runtime import errors
from generator.runtime.mock import VendorMock
from generator.runtime.mock.messages import MockRequest
from generator.runtime.testing import as_kwargs, example_values
from generator.runtime.vendor import Operation, Vendor

from .hostile import answered, client_class
from .vendors import all_vendors

HOST = "http://mock.invalid"


def ops_of(*roles: str) -> list[tuple[Vendor, Operation]]:
    return [(v, op) for v in all_vendors() for op in v.operations if op.role in roles]


def ids(case: tuple[Vendor, Operation]) -> str:
    return f"{case[0].package}-{case[1].name}"


JOBS = ops_of("action")
LIMITED_JOBS = [(v, op) for v, op in JOBS if v.mock.concurrency is not None]
CATALOGUES = [  # catalogues with a filter the caller may leave out
    (v, op)
    for v, op in ops_of("catalog")
    if op.mock.rows and any(not op.params_by_wire[w].required for w in op.mock.filters)
]
PAGED = [(v, op) for v, op in ops_of("list", "catalog") if op.pagination is not None]


def call_job(mock: VendorMock, op: Operation, **options: Any) -> Any:
    package = mock.vendor.package
    kwargs = as_kwargs(op, example_values(op, mock.vendor.base_url or HOST))
    with mock.client(client_class(package), max_retries=0, **options) as client:
        return getattr(client, op.name)(**kwargs)


@pytest.mark.parametrize("case", LIMITED_JOBS, ids=ids)
def test_a_job_over_the_account_s_limit_says_how_many_run(case: tuple[Vendor, Operation]) -> None:
    vendor, op = case
    mock = VendorMock(vendor)
    package = vendor.package
    kwargs = as_kwargs(op, example_values(op, vendor.base_url or HOST))
    async_cls = getattr(import_module(f"generated.{package}"), f"Async{vendor.class_prefix}Client")

    async def overlapping() -> list[Any]:
        async with mock.client(async_cls, max_retries=0) as client:
            calls = [getattr(client, op.name)(**kwargs) for _ in range(vendor.mock.concurrency + 1)]
            return await asyncio.gather(*calls, return_exceptions=True)

    *done, refused = asyncio.run(overlapping())
    assert not [r for r in done if isinstance(r, Exception)]
    assert isinstance(refused, errors.RateLimitError)
    limit = vendor.mock.concurrency
    assert f"{limit} job(s) running, {limit} allowed" in refused.vendor_message


@pytest.mark.parametrize("case", JOBS, ids=ids)
def test_a_job_forced_to_fail_answers_the_vendor_s_server_error_with_its_reason(
    case: tuple[Vendor, Operation],
) -> None:
    vendor, op = case
    mock = VendorMock(vendor)
    mock.force_outcome("failed", error="the model ran out of memory")
    with pytest.raises(errors.ServerError) as failed:
        call_job(mock, op)
    assert "the model ran out of memory" in failed.value.vendor_message
    assert mock.journal[-1].operation == op.name
    assert mock.journal[-1].status == failed.value.status_code


@pytest.mark.parametrize("case", JOBS, ids=ids)
def test_a_mock_that_does_not_hold_answers_finishes_each_job_at_once(
    case: tuple[Vendor, Operation],
) -> None:
    """Served on a virtual clock, jobs take no time: one after another, each gets a free job
    slot and no time passes (the job is not left running for ``task_seconds``)."""
    vendor, op = case
    mock = VendorMock(vendor, hold_answers=False)
    start = mock.clock.time()
    for _ in range((vendor.mock.concurrency or 1) + 1):
        assert call_job(mock, op) is not None
    assert mock.clock.time() == start
    assert mock.store.active(mock._default_credentials[0], start) == []


@pytest.mark.parametrize("case", CATALOGUES, ids=ids)
def test_a_catalogue_filter_given_blank_filters_nothing(case: tuple[Vendor, Operation]) -> None:
    vendor, op = case
    mock = VendorMock(vendor)
    every = given(op, {op.pagination.size: len(op.mock.rows)} if op.pagination else {})
    optional = [w for w in op.mock.filters if not op.params_by_wire[w].required]
    blank = {**every, **{wire: "" for wire in optional}}
    payload = answered(mock._dispatch(op, blank, account(mock), request(op)))
    unfiltered = answered(mock._dispatch(op, every, account(mock), request(op)))
    assert payload == unfiltered
    assert json.dumps(payload).count(json.dumps(op.mock.rows[-1])[1:-1]) == 1


@pytest.mark.parametrize("case", PAGED, ids=ids)
def test_a_page_s_template_reads_the_request_and_the_account(
    case: tuple[Vendor, Operation],
) -> None:
    vendor, op = case
    pagination = op.pagination
    assert pagination is not None
    template = {"asked": f"$request.{pagination.size}", "left": "$account.remaining"}
    mock = VendorMock(with_template(vendor, op, template))
    mock.add_credential("reader", quota=7)
    values = given(op, {pagination.page: 1, pagination.size: 3})
    payload = answered(
        mock._dispatch(mock.vendor.ops[op.name], values, mock.accounts["reader"], request(op))
    )
    assert payload == {"asked": 3, "left": 7}


@pytest.mark.parametrize("case", JOBS, ids=ids)
def test_a_job_s_template_reads_the_account(case: tuple[Vendor, Operation]) -> None:
    vendor, op = case
    mock = VendorMock(with_template(vendor, op, {"left": "$account.remaining"}))
    mock.add_credential("reader", quota=7)
    values = given(op, example_values(op, HOST))
    payload = answered(
        mock._dispatch(mock.vendor.ops[op.name], values, mock.accounts["reader"], request(op))
    )
    assert payload == {"left": 6}  # the job itself used one


def with_template(vendor: Vendor, op: Operation, template: dict[str, Any]) -> Vendor:
    """``vendor`` with ``op`` answering ``template`` (rendered by the mock)."""
    data = vendor.model_dump(mode="json", by_alias=True)
    for found in data["operations"]:
        if found["name"] == op.name:
            found["mock"]["response"] = template
    return Vendor.model_validate(data)


def given(op: Operation, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` and what else the operation requires: its constants, any credential, and
    the first of each required input's examples or enum values."""
    found = dict(values)
    for param in op.params:
        if param.wire in found or not param.required:
            continue
        if param.source == "constant":
            found[param.wire] = param.value
        elif param.source in ("credential", "auth", "setting"):
            found[param.wire] = "test"
        else:
            found[param.wire] = (param.schema_.get("enum") or [op.example.get(param.wire, "x")])[0]
    return found


def account(mock: VendorMock) -> Any:
    return mock.accounts[mock._default_credentials[0]]


def request(op: Operation) -> MockRequest:
    return MockRequest.build(op.method, f"{HOST}{op.path}", [], b"")


OPTIONAL_PAGES = [
    (v, op)
    for v, op in PAGED
    if op.pagination is not None
    and not op.params_by_wire[op.pagination.page].required
    and not op.params_by_wire[op.pagination.size].required
]


@pytest.mark.parametrize("case", OPTIONAL_PAGES, ids=ids)
def test_a_page_not_asked_for_is_the_first_of_the_default_size(
    case: tuple[Vendor, Operation],
) -> None:
    vendor, op = case
    pagination = op.pagination
    assert pagination is not None
    template = {"n": "$page.number", "size": "$page.size", "pages": "$page.pages"}
    mock = VendorMock(with_template(vendor, op, template))
    values = given(op, {})
    payload = answered(mock._dispatch(mock.vendor.ops[op.name], values, account(mock), request(op)))
    assert payload == {"n": 1, "size": pagination.default_size, "pages": 1}


@pytest.mark.parametrize("vendor", all_vendors(), ids=lambda v: v.package)
def test_charging_takes_the_last_submit_and_the_last_of_the_money(vendor: Vendor) -> None:
    """An account with exactly one submit, or exactly a submit's price, is charged once;
    the next charge is refused saying why."""
    from generator.runtime.mock.messages import MockError

    mock = VendorMock(vendor)
    price = vendor.mock.price
    last = mock.add_credential("last-submit", quota=1, money=price if price else None)
    mock.roles._charge(last)
    assert (last.used, last.remaining) == (1, 0)
    if price:
        assert last.money == 0.0
    with pytest.raises(MockError) as refused:
        mock.roles._charge(last)
    assert (refused.value.kind, refused.value.detail) == (
        "quota_exceeded",
        "no submits left on this account",
    )
    if price:
        poor = mock.add_credential("poor", quota=5, money=round(price - 0.01, 2))
        with pytest.raises(MockError) as refused:
            mock.roles._charge(poor)
        assert (refused.value.kind, refused.value.detail) == (
            "account_in_arrears",
            "not enough money left on this account",
        )
        assert (poor.used, poor.money) == (0, round(price - 0.01, 2))


def followed(vendor: Vendor, get: Operation) -> Operation | None:
    """A submit operation whose tasks ``get`` follows."""
    submits = [op for op in vendor.operations if op.role == "submit"]
    return next((op for op in submits if vendor.poll_for(op.name)[0].name == get.name), None)


GETS = [(v, op) for v, op in ops_of("get") if followed(v, op) is not None]


@pytest.mark.parametrize("case", GETS, ids=ids)
def test_a_get_s_template_reads_the_request_and_the_account(case: tuple[Vendor, Operation]) -> None:
    vendor, op = case
    submit = followed(vendor, op)
    assert submit is not None
    mock = VendorMock(
        with_template(vendor, op, {"asked": f"$request.{op.task_id}", "left": "$account.remaining"})
    )
    mock.add_credential("reader", quota=7)
    reader = mock.accounts["reader"]
    sent = given(submit, example_values(submit, HOST))
    answered(mock._dispatch(mock.vendor.ops[submit.name], sent, reader, request(submit)))
    (task,) = mock.store.of_account(reader.key)
    values = given(op, {**vendor.poll_for(submit.name)[1], op.task_id: task.id})

    payload = answered(mock._dispatch(mock.vendor.ops[op.name], values, reader, request(op)))

    assert payload == {"asked": task.id, "left": 6}  # the submit used one


@pytest.mark.parametrize("vendor", all_vendors(), ids=lambda v: v.package)
def test_a_context_given_no_request_or_page_has_empty_ones_at_the_clock_s_time(
    vendor: Vendor,
) -> None:
    from generator.runtime.clock import VirtualClock

    mock = VendorMock(vendor, clock=VirtualClock(start=123.0))

    ctx = mock.roles._context()
    given = mock.roles._context(5.0, request={"a": 1}, page={"number": 2})

    assert (ctx.now, ctx.request, ctx.page, ctx.task, ctx.account) == (123.0, {}, {}, None, None)
    assert (given.now, given.request, given.page) == (5.0, {"a": 1}, {"number": 2})
