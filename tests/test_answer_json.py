"""Answers are written by ``messages.encode_json`` (orjson, the standard library for what
orjson refuses): the same bytes as the standard library's compact UTF-8 encoding for every
answer without floats, the same values read back for every answer, and an answer for values
orjson cannot write."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.runtime.mock.messages import encode_json


def stdlib(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**63), 2**64 - 1), st.text(max_size=30)
)
PLAIN = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
WITH_FLOATS = st.recursive(
    SCALARS | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=1000, deadline=None)
@given(PLAIN)
def test_an_answer_without_floats_is_the_standard_library_s_bytes(body: Any) -> None:
    assert encode_json(body) == stdlib(body)


@settings(max_examples=1000, deadline=None)
@given(WITH_FLOATS)
def test_every_answer_reads_back_as_the_standard_library_s(body: Any) -> None:
    assert json.loads(encode_json(body)) == json.loads(stdlib(body))


@pytest.mark.parametrize(
    "body",
    [{"n": 2**70}, {"n": -(2**64)}, {1: "a"}, {"a": {2: [3]}}, {None: 1}],
    ids=["over 64 bits", "under -2**63", "int key", "nested int key", "None key"],
)
def test_what_orjson_refuses_is_written_by_the_standard_library(body: Any) -> None:
    assert encode_json(body) == stdlib(body)


def test_a_real_answer_is_the_standard_library_s_bytes() -> None:
    from generated.showapi import ShowapiClient
    from generated.showapi.mock import create_mock
    from generator.runtime.images import png_base64

    mock = create_mock()
    with mock.client(ShowapiClient) as client:
        task = client.submit_repaint(prompt='窗外 \u2028 "x"', image_base64=png_base64())
        client.get_task(task_id=task.task_order)
    for entry in mock.journal:
        assert entry.answer == stdlib(json.loads(entry.answer))
