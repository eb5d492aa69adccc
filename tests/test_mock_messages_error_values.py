"""A refusal raised without a detail has an empty one (the vendor's text then reads without
it), never a placeholder. Written against the mutants ``make mutants`` showed surviving in
``MockError.__init__``."""

from __future__ import annotations

from generator.runtime.mock.messages import MockError


def test_a_refusal_without_a_detail_has_an_empty_one() -> None:
    assert MockError("not_found").detail == ""
