"""How a page reads its items and decides whether another follows, value by value: the
vendor's page count first, then its total, then a full page; counts that are no numbers are
ignored, and the next page keeps every other input. Written against the mutants
``make mutants`` showed surviving in ``generator/runtime/pages.py``."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pydantic import BaseModel, Field, RootModel

from generator.runtime.pages import AsyncPage, SyncPage, page_items
from generator.runtime.vendor import Pagination

PAGING = Pagination(page="pageNo", size="pageSize", items="data.list", total="data.total")


class Row(BaseModel):
    id: int


class Listing(BaseModel):
    rows: list[Row] | None = Field(default=None, alias="list")


class Outer(BaseModel):
    data: Listing | None = None


class Rows(RootModel[list[Row] | None]):
    pass


def page(
    payload: Any,
    values: dict[str, Any],
    pagination: Pagination = PAGING,
    fetched: list[dict[str, Any]] | None = None,
) -> SyncPage[Any]:
    """A sync page of ``payload``; a next page is fetched from ``NEXT`` by the values asked."""

    def fetch(asked: dict[str, Any]) -> SyncPage[Any]:
        if fetched is not None:
            fetched.append(asked)
        return page({"data": {"list": [], "total": 0}}, asked, pagination, fetched)

    return SyncPage(
        fetch,
        result=payload,
        payload=payload,
        pagination=pagination,
        values=values,
        request_id="rid",
    )


def items_of(n: int, total: Any = None, pages: Any = None) -> dict[str, Any]:
    data: dict[str, Any] = {"list": [{"id": i} for i in range(n)]}
    if total is not None:
        data["total"] = total
    if pages is not None:
        data["pages"] = pages
    return {"data": data}


def test_page_items_read_a_plain_answer_at_its_path_or_as_the_list_itself() -> None:
    assert page_items({"data": {"list": [1, 2]}}, "data.list") == [1, 2]
    assert page_items({"data": {}}, "data.list") == []
    assert page_items([3, 4], "") == [3, 4]
    assert page_items(None, "") == []


def test_page_items_read_a_model_by_alias_or_field_name_or_dumped_path() -> None:
    listing = Listing.model_validate({"list": [{"id": 1}, {"id": 2}]})
    assert [r.id for r in page_items(listing, "list")] == [1, 2]
    assert [r.id for r in page_items(listing, "rows")] == [1, 2]
    assert page_items(Listing(), "list") == []
    nested = Outer.model_validate({"data": {"list": [{"id": 7}]}})
    assert page_items(nested, "data.list") == [{"id": 7}]  # a path: read from the dump
    assert page_items(Outer(), "data.list") == []


def test_page_items_of_a_root_model_are_its_list() -> None:
    assert [r.id for r in page_items(Rows([Row(id=5)]), "anything")] == [5]
    assert page_items(Rows(None), "") == []


def test_a_page_keeps_its_number_size_counts_and_request_id() -> None:
    answer = items_of(3, total="42")
    first = page(answer, {"pageNo": 3, "pageSize": 10, "q": "x"})
    assert first.result is answer
    assert (first.number, first.size, first.total, first.pages) == (3, 10, 42, None)
    assert first.request_id == "rid" and len(first) == 3
    assert first.items == [{"id": 0}, {"id": 1}, {"id": 2}]
    assert repr(first) == "SyncPage(number=3, items=3)"


def test_without_a_number_or_size_a_page_is_the_first_of_the_default_size() -> None:
    first = page(items_of(1), {})
    assert (first.number, first.size) == (1, 20)
    sized = Pagination(page="p", size="s", default_size=7)
    assert page(items_of(1), {"p": None, "s": 0}, sized).size == 7


@pytest.mark.parametrize(
    ("count", "read"),
    [(5, 5), ("5", 5), (True, None), (None, None), ("many", None), ([1], None), (0, 0)],
)
def test_counts_that_are_no_numbers_are_ignored(count: Any, read: int | None) -> None:
    assert page(items_of(1, total=count), {}).total == read


def test_counts_of_an_answer_that_is_no_object_are_none() -> None:
    listing = page([{"id": 1}], {}, Pagination(page="p", size="s", total="total"))
    assert listing.total is None and listing.pages is None
    numbers = page([3, 4], {}, Pagination(page="p", size="s", total="0", pages="1"))
    assert numbers.total is None and numbers.pages is None  # counts only from an object


def test_without_a_count_path_there_is_no_count() -> None:
    listing = page({"total": 9, "pages": 2}, {}, Pagination(page="p", size="s"))
    assert listing.total is None and listing.pages is None


def test_a_page_count_decides_first() -> None:
    paging = Pagination(
        page="p", size="s", items="data.list", total="data.total", pages="data.pages"
    )
    assert page(items_of(2, total=1, pages=3), {"p": 2, "s": 2}, paging).has_next_page()
    assert not page(items_of(2, total=99, pages=3), {"p": 3, "s": 2}, paging).has_next_page()


@pytest.mark.parametrize(
    ("number", "total", "more"), [(1, 21, True), (2, 40, False), (2, 41, True), (3, 41, False)]
)
def test_a_total_decides_when_there_is_no_page_count(number: int, total: int, more: bool) -> None:
    assert (
        page(items_of(1, total=total), {"pageNo": number, "pageSize": 20}).has_next_page() is more
    )


@pytest.mark.parametrize(("n", "more"), [(1, False), (2, True), (3, True)])
def test_without_counts_a_full_page_says_another_may_follow(n: int, more: bool) -> None:
    assert page(items_of(n), {"pageSize": 2}).has_next_page() is more


def test_an_empty_page_is_the_last_whatever_the_counts_say() -> None:
    assert not page(items_of(0, total=100), {"pageNo": 1, "pageSize": 2}).has_next_page()


def test_the_next_page_asks_for_the_following_number_with_every_other_input() -> None:
    fetched: list[dict[str, Any]] = []
    first = page(items_of(2, total=10), {"pageNo": 4, "pageSize": 2, "q": "x"}, fetched=fetched)
    second = first.get_next_page()
    assert fetched == [{"pageNo": 5, "pageSize": 2, "q": "x"}]
    assert second.number == 5


def test_the_walk_stops_at_the_last_page_and_yields_every_item() -> None:
    fetched: list[dict[str, Any]] = []
    first = page(items_of(2, total=3), {"pageNo": 1, "pageSize": 2}, fetched=fetched)
    assert [p.number for p in first.iter_pages()] == [1, 2]
    assert list(first) == [{"id": 0}, {"id": 1}]
    assert len(fetched) == 2


def test_an_async_page_walks_and_steps_the_same_way() -> None:
    fetched: list[dict[str, Any]] = []

    async def fetch(asked: dict[str, Any]) -> AsyncPage[Any]:
        fetched.append(asked)
        return AsyncPage(
            fetch,
            result=items_of(1, total=3),
            payload=items_of(1, total=3),
            pagination=PAGING,
            values=asked,
            request_id="r2",
        )

    first = AsyncPage(
        fetch,
        result=items_of(2, total=3),
        payload=items_of(2, total=3),
        pagination=PAGING,
        values={"pageNo": 1, "pageSize": 2},
        request_id="r1",
    )

    async def walk() -> tuple[list[int], list[Any]]:
        numbers = [p.number async for p in first.iter_pages()]
        items = [item async for item in first]
        return numbers, items

    numbers, items = asyncio.run(walk())
    assert numbers == [1, 2]
    assert items == [{"id": 0}, {"id": 1}, {"id": 0}]
    assert fetched[0] == {"pageNo": 2, "pageSize": 2}
    last = asyncio.run(first.get_next_page())
    with pytest.raises(StopIteration, match=r"^this is the last page$"):
        last._next_values()
