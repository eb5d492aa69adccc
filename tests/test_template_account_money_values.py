"""``$account.money`` as the vendors write a balance: a whole amount as an integer, cents kept
as they are, no balance as nothing. Written against the mutants ``make mutants`` showed
surviving in ``_number``."""

from __future__ import annotations

import pytest

from generator.runtime.accounts import Account
from generator.runtime.mock.templates import _account_value


@pytest.mark.parametrize(
    ("money", "shown"),
    [(12.0, 12), (12.5, 12.5), (0.0, 0), (None, None)],
    ids=["whole", "cents", "nothing-left", "no-balance"],
)
def test_a_balance_is_shown_as_the_vendors_write_it(money: float | None, shown: object) -> None:
    value = _account_value(Account(key="k", money=money), "money")

    assert (value, type(value)) == (shown, type(shown))
