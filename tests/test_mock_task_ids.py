"""Task ids: 23 ASCII letters, of both cases, drawn from the mock's own random source (the
same seed, the same ids), never one a stored task has."""

from __future__ import annotations

import string

from generator.runtime.mock import VendorMock
from generator.runtime.mock.core import _ID_LETTERS

from .vendors import all_vendors


def a_mock(seed: int | None = None) -> VendorMock:
    return VendorMock(all_vendors()[0], seed=seed)


def test_an_id_is_23_ascii_letters() -> None:
    mock = a_mock()
    for _ in range(200):
        found = mock._new_id()
        assert len(found) == 23 and set(found) <= set(string.ascii_letters), found


def test_every_letter_of_both_cases_is_used() -> None:
    mock = a_mock(seed=1)
    used = set("".join(mock._new_id() for _ in range(500)))
    assert used == set(string.ascii_letters)


def test_each_byte_stands_for_one_letter_each_letter_four_or_five_times() -> None:
    assert len(_ID_LETTERS) == 256
    counts = {letter: _ID_LETTERS.count(letter) for letter in set(_ID_LETTERS)}
    assert set(counts) == set(string.ascii_letters.encode())
    assert sorted(set(counts.values())) == [4, 5]


def test_the_same_seed_gives_the_same_ids_and_another_seed_others() -> None:
    first, twin, other = a_mock(seed=7), a_mock(seed=7), a_mock(seed=8)
    ids = [first._new_id() for _ in range(5)]
    assert [twin._new_id() for _ in range(5)] == ids
    assert [other._new_id() for _ in range(5)] != ids
    assert len(set(ids)) == 5


def test_an_id_a_stored_task_has_is_drawn_again(monkeypatch) -> None:
    taken = a_mock(seed=3)._new_id()
    mock = a_mock(seed=3)
    monkeypatch.setattr(mock.store, "find", lambda task_id: object() if task_id == taken else None)
    found = mock._new_id()
    assert found != taken and len(found) == 23
