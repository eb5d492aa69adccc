"""The one line ``mock`` exits with when asked for a vendor it does not have, word for word:
the known vendors listed with commas, or, when none is generated yet, what to run. Written
against the mutants ``make mutants`` showed surviving in ``build_mock_module``."""

from __future__ import annotations

import pytest

from generator.runtime.mock import serve
from generator.runtime.mock.serve import build_mock_module, vendor_packages


def test_an_unknown_vendor_exits_naming_every_known_one() -> None:
    known = vendor_packages()
    assert len(known) >= 2  # the separator shows
    with pytest.raises(SystemExit) as caught:
        build_mock_module("no_such_vendor")

    assert str(caught.value) == (
        f"mock: no generated vendor 'no_such_vendor' (known: {', '.join(known)})"
    )


def test_with_no_vendor_generated_it_says_to_generate_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(serve, "vendor_packages", lambda: [])
    with pytest.raises(SystemExit) as caught:
        build_mock_module("no_such_vendor")

    assert str(caught.value) == (
        "mock: no generated vendor 'no_such_vendor' (known: none: run 'make generate' first)"
    )


def test_a_known_vendor_gives_its_mock_module() -> None:
    package = vendor_packages()[0]
    module = build_mock_module(package)
    assert module.__name__ == f"generated.{package}.mock"
