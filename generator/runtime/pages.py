"""Pages of a list operation, one style for every vendor (as openai-python's pages).

A list method returns the first page. Iterating a page yields its items and then those of
every following page, each fetched only when the items before it are used up;
:meth:`SyncPage.iter_pages` walks page by page, :meth:`SyncPage.get_next_page` takes one step.
Whether another page follows is read from the vendor's own counts where it gives them (its
page count, else its total) and otherwise from a full page (see ``x-sdk-pagination``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .paths import get_path

if TYPE_CHECKING:
    from .vendor import Pagination

T = TypeVar("T")


def page_items(result: Any, items: str) -> list[Any]:
    """The items of a parsed list answer: the list itself (a ``RootModel``), or the field
    whose wire name is ``items``."""
    from pydantic import BaseModel, RootModel  # loaded with the answer models already

    if isinstance(result, RootModel):
        return list(result.root or [])
    if isinstance(result, BaseModel):
        for name, info in type(result).model_fields.items():
            if items in (info.alias, name):
                return list(getattr(result, name) or [])
        return list(get_path(result.model_dump(by_alias=True), items) or [])
    found = result if not items else get_path(result, items)
    return list(found or [])


class BasePage(Generic[T]):
    """One page: ``items``, the page's ``number`` and ``size`` as sent, the vendor's
    ``total`` (of items) and ``pages`` counts where it gives them, ``result`` (the parsed
    answer, counts included) and ``request_id``."""

    def __init__(
        self,
        *,
        result: Any,
        payload: Any,
        pagination: Pagination,
        values: Mapping[str, Any],
        request_id: str,
    ) -> None:
        self.result = result
        self.items: list[T] = page_items(result, pagination.items)
        self.request_id = request_id
        self._pagination = pagination
        self._values = dict(values)
        self.number = int(values.get(pagination.page) or 1)
        self.size = int(values.get(pagination.size) or pagination.default_size)
        self.total = _count(payload, pagination.total)
        self.pages = _count(payload, pagination.pages)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(number={self.number}, items={len(self.items)})"

    def has_next_page(self) -> bool:
        if not self.items:
            return False
        if self.pages is not None:
            return self.number < self.pages
        if self.total is not None:
            return self.number * self.size < self.total
        return len(self.items) >= self.size

    def _next_values(self) -> dict[str, Any]:
        if not self.has_next_page():
            raise StopIteration("this is the last page")
        return {**self._values, self._pagination.page: self.number + 1}


def _count(payload: Any, path: str) -> int | None:
    value = get_path(payload, path) if path and isinstance(payload, dict) else None
    try:
        return None if value is None or isinstance(value, bool) else int(value)
    except (TypeError, ValueError):
        return None


class SyncPage(BasePage[T]):
    """A page of a sync client's list operation; iterate it for every item of every page."""

    def __init__(self, fetch: Callable[[dict[str, Any]], SyncPage[T]], **page: Any) -> None:
        super().__init__(**page)
        self._fetch = fetch

    def get_next_page(self) -> SyncPage[T]:
        """The page after this one (``StopIteration`` when this is the last)."""
        return self._fetch(self._next_values())

    def iter_pages(self) -> Iterator[SyncPage[T]]:
        """This page and each following one, fetched as the loop reaches it."""
        page: SyncPage[T] = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.get_next_page()

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.items


class AsyncPage(BasePage[T]):
    """A page of an async client's list operation; ``async for`` gives every item of every
    page."""

    def __init__(
        self, fetch: Callable[[dict[str, Any]], Awaitable[AsyncPage[T]]], **page: Any
    ) -> None:
        super().__init__(**page)
        self._fetch = fetch

    async def get_next_page(self) -> AsyncPage[T]:
        """The page after this one (``StopIteration`` when this is the last)."""
        return await self._fetch(self._next_values())

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """This page and each following one, fetched as the loop reaches it."""
        page: AsyncPage[T] = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.get_next_page()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item
