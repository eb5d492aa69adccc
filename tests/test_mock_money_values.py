"""What a submit costs an account with money: its balance is kept to the cent."""

from __future__ import annotations

import pytest

from generator.runtime.accounts import Account
from generator.runtime.mock import VendorMock
from tests.vendors import all_vendors

VENDOR = all_vendors()[0]


def test_a_charge_leaves_the_balance_rounded_to_the_cent() -> None:
    mock = VendorMock(VENDOR)
    price = VENDOR.mock.price
    account = Account(key="k", money=price + 0.504)

    mock.roles._charge(account)

    assert account.money == pytest.approx(0.5, abs=1e-9)
    assert round(account.money, 2) == account.money  # no third decimal kept
    assert account.used == 1
