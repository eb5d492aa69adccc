"""The page's journal, value by value: every spelling of "failures only", a success row with no
reason and its answer shortened, a refusal read from the envelope (a missing payload is a
refusal of the layer below, a 400 without the vendor's JSON is the gateway's), the refusal
cache never answering for another entry, and lists shortened level by level. Written against
the mutants ``make mutants`` showed surviving in ``mock/page``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from generator.runtime.envelope import render_success
from generator.runtime.mock import page
from generator.runtime.mock.messages import JournalEntry
from generator.runtime.mock.page import MAX_DEPTH, _journal, journal_row, refusal_of, shorten
from generator.runtime.mock.serve import build_mock
from generator.runtime.paths import set_path
from tests.vendors import all_vendors

VENDORS = all_vendors()


def entry(status: int, answer: Any, headers: dict[str, str] | None = None) -> JournalEntry:
    body = json.dumps(answer).encode() if answer is not None else b""
    media = "application/json" if answer is not None else ""
    return JournalEntry(1.0, "POST", "/x", "x", status, {}, body, media, headers or {})


@pytest.mark.parametrize("word", ["1", "true", "yes"])
def test_each_word_for_failures_only_keeps_only_the_refused(word: str) -> None:
    mock = build_mock(VENDORS[0].package)
    mock.journal.extend([entry(200, None), entry(502, None)])

    page_ = _journal(mock, {"failures": word})

    assert [row["status"] for row in page_["items"]] == [502]


def test_a_success_row_has_no_code_no_reason_and_its_answer_shortened() -> None:
    mock = build_mock(VENDORS[0].package)
    vendor = mock.vendor
    answer = render_success(vendor, {"text": "t" * 200}, "rid")
    row = journal_row(mock, entry(200, answer))

    assert (row["failed"], row["code"], row["reason"]) == (False, None, "")
    assert row["response"] == shorten(answer)


TWO_LAYERS = [
    v
    for v in VENDORS
    if len(v.envelope.layers) > 1
    and v.envelope.layers[0].payload
    and v.envelope.layers[1].code
    and None not in v.envelope.layers[1].success
]


@pytest.mark.parametrize("vendor", TWO_LAYERS, ids=[v.package for v in TWO_LAYERS])
def test_an_answer_missing_its_payload_is_refused_by_the_layer_below(vendor: Any) -> None:
    outer = vendor.envelope.layers[0]
    answer: dict[str, Any] = {}
    set_path(answer, outer.code, outer.success[0])

    found = refusal_of(build_mock(vendor.package), entry(200, answer))

    assert found == (None, "")


GATEWAYS = [v for v in VENDORS if v.envelope.error_header]


@pytest.mark.parametrize("vendor", GATEWAYS, ids=[v.package for v in GATEWAYS])
def test_a_400_without_the_vendors_json_is_the_gateways_refusal(vendor: Any) -> None:
    headers = {vendor.envelope.error_header: "Invalid AppKey"}

    found = refusal_of(build_mock(vendor.package), entry(400, None, headers))

    assert found is not None and found[1] == "Invalid AppKey"


def test_the_refusal_cache_never_answers_for_another_entry_with_the_same_id() -> None:
    mock = build_mock(VENDORS[0].package)
    refused = entry(502, None)
    page._refusals[id(refused)] = (entry(200, None), None)  # left by an entry since freed

    assert page._refusal(mock, refused) == (None, "HTTP 502")


def test_lists_are_shortened_one_level_at_a_time() -> None:
    nested: Any = "leaf"
    for _ in range(MAX_DEPTH):
        nested = [nested]

    assert shorten(nested) == json.loads(json.dumps(nested))  # six levels: kept whole
    deeper = [nested]
    cut = shorten(deeper)
    for _ in range(MAX_DEPTH):
        cut = cut[0]
    assert cut == f"… ({len(json.dumps(['leaf']))} characters)"
