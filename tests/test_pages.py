"""Every list operation of every vendor returns a page that walks the following ones, sync
and async, against the mocks' real pages."""

from __future__ import annotations

import asyncio
import math

import pytest
from pydantic import BaseModel

from generator.runtime.pages import AsyncPage, SyncPage
from tests.vendors import all_vendors, contract_for

LISTS = [(v, op) for v in all_vendors() for op in v.operations if op.pagination is not None]
TASKS = 5


def py_name(op, wire: str) -> str:
    return op.params_by_wire[wire].py


def stocked(contract, op):
    """A fresh mock with something to list, the kwargs that list it two at a time, and how
    many items it holds: ``TASKS`` submitted tasks, or the rows of a catalog."""
    mock = contract.create_mock()
    page_key, size_key = py_name(op, op.pagination.page), py_name(op, op.pagination.size)
    with mock.client(contract.client_cls) as client:
        given = contract._inputs(op, mock, client)
        kwargs = {k: v for k, v in given.items() if k not in (page_key, size_key)}
        if op.role != "catalog":
            submit = contract._submit_for(op)
            for _ in range(TASKS):
                client._send(submit, unnamed(submit, contract.examples(submit)))
        first = getattr(client, op.name)(**given)
        # the vendor's own count, or what one walk finds
        expected = first.total if first.total is not None else len(list(first))
    if op.role == "catalog" and not kwargs:
        assert expected == len(op.mock.rows)
    elif op.role != "catalog":
        assert expected == TASKS + 1  # and the one the example inputs made
    size = 2 if expected >= 4 else 1  # small catalogs: one a page, so there are pages to walk
    return mock, {**kwargs, page_key: 1, size_key: size}, expected


def unnamed(submit, values: dict) -> dict:
    """``values`` without the caller's id for the task, so each submit makes a new task."""
    *parents, last = submit.caller_id.split(".") if submit.caller_id else [""]
    node = values
    for key in parents:
        node = node.get(key, {})
    if isinstance(node, dict):
        node.pop(last, None)
    return values


def list_calls(mock, op) -> int:
    return sum(1 for entry in mock.journal if entry.operation == op.name)


@pytest.mark.parametrize(("vendor", "op"), LISTS, ids=lambda x: getattr(x, "name", ""))
def test_a_page_iterates_every_item_fetching_pages_only_when_reached(vendor, op) -> None:
    contract = contract_for(vendor)
    mock, kwargs, expected = stocked(contract, op)
    size = kwargs[py_name(op, op.pagination.size)]
    before = list_calls(mock, op)
    with mock.client(contract.client_cls) as client:
        page = getattr(client, op.name)(**kwargs)
        assert isinstance(page, SyncPage) and page.number == 1
        assert len(page.items) == min(size, expected)
        walk = iter(page)
        first = [next(walk) for _ in page.items]
        assert list_calls(mock, op) == before + 1  # nothing fetched beyond the first page
        rest = list(walk)
    items = first + rest
    assert len(items) == expected
    assert all(isinstance(item, BaseModel) for item in items)
    pages = math.ceil(expected / size)
    assert list_calls(mock, op) - before in (pages, pages + 1)  # + an empty last, without counts
    dumped = [item.model_dump_json() for item in items]
    assert len(set(dumped)) == len(dumped)  # no page seen twice


@pytest.mark.parametrize(("vendor", "op"), LISTS, ids=lambda x: getattr(x, "name", ""))
def test_an_async_page_walks_the_same_items(vendor, op) -> None:
    contract = contract_for(vendor)
    mock, kwargs, expected = stocked(contract, op)
    with mock.client(contract.client_cls) as client:
        walked_sync = [item.model_dump_json() for item in getattr(client, op.name)(**kwargs)]

    async def walk() -> tuple[list[str], list[int]]:
        async with mock.client(contract.async_client_cls) as client:
            page = await getattr(client, op.name)(**kwargs)
            assert isinstance(page, AsyncPage)
            numbers = [p.number async for p in page.iter_pages()]
            return [item.model_dump_json() async for item in page], numbers

    walked, numbers = asyncio.run(walk())
    assert walked == walked_sync and len(walked) == expected
    assert numbers[:2] == list(range(1, min(expected, 2) + 1))


def test_the_last_page_says_so_and_will_not_step_past() -> None:
    vendor, op = LISTS[0]
    contract = contract_for(vendor)
    mock, kwargs, _expected = stocked(contract, op)
    with mock.client(contract.client_cls) as client:
        pages = list(getattr(client, op.name)(**kwargs).iter_pages())
    assert not pages[-1].has_next_page() and all(p.has_next_page() for p in pages[:-1])
    with pytest.raises(StopIteration):
        pages[-1].get_next_page()
