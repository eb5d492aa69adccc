"""The contract checks on answers (``generator.runtime.testing``) catch what they promise to.

The generated contract tests run these checks on mocks that answer well, where every check
passes; here each is fed faults on purpose and must name exactly those: which schema an HTTP
status is checked against, a mock journal mixing good and bad answers (JSON and image bodies,
success and failure, an unknown route), a mock that takes any credential or refuses with
another status than its spec's, and the models the round trip and the example give back.

Journals are checked on the synthetic vendor ``tests/vendors/image_body`` (its get answers an
image, its answers declare their fields), compiled to its vendor model in memory; the other
checks run on every vendor found from ``specs/``.
"""

from __future__ import annotations

import io
import json
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image

from generator.pipeline import build_vendor
from generator.runtime.envelope import unwrap
from generator.runtime.images import png_bytes
from generator.runtime.mock import VendorMock
from generator.runtime.mock.messages import JournalEntry
from generator.runtime.testing import Contract, answer_schema
from generator.runtime.vendor import Operation, Vendor

from .synthetic import VENDORS
from .vendors import all_vendors, contract_for

JOB_SCHEMA = {"type": "object", "properties": {"id": {"type": "string"}}}
FAILURE_SCHEMA = {"type": "object", "properties": {"name": {"type": "string"}}}


def get_op(**changes: Any) -> Operation:
    fields: dict[str, Any] = {
        "name": "get_thing",
        "operation_id": "getThing",
        "method": "GET",
        "path": "/things/{id}",
        "role": "get",
        "response_schema": JOB_SCHEMA,
    }
    return Operation(**{**fields, **changes})


def rebuilt(v: Vendor, **changes: Any) -> Vendor:
    """A fresh copy of ``v`` with ``changes`` (no look-up cached on the original carries over)."""
    fields = {key: getattr(v, key) for key in Vendor.model_fields}
    return Vendor(**{**fields, **changes})


# -- which schema a status is checked against --------------------------------------------------
def test_a_success_status_is_checked_against_the_answer_schema_and_300_is_not_one() -> None:
    op = get_op(error_schemas={"404": {}, "400": FAILURE_SCHEMA})
    assert answer_schema(op, 200) == JOB_SCHEMA
    assert answer_schema(op, 299) == JOB_SCHEMA
    assert answer_schema(op, 300) is None
    assert answer_schema(op, 400) == FAILURE_SCHEMA
    assert answer_schema(op, 404) == {}
    assert answer_schema(op, 500) is None


def test_statuses_the_spec_does_not_list_take_its_default_answer() -> None:
    op = get_op(error_schemas={"400": {}, "default": FAILURE_SCHEMA})
    assert answer_schema(op, 300) == FAILURE_SCHEMA
    assert answer_schema(op, 503) == FAILURE_SCHEMA
    assert answer_schema(op, 400) == {}
    assert answer_schema(op, 201) == JOB_SCHEMA


# -- a mock's journal ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def image_body() -> Vendor:
    return build_vendor(VENDORS / "image_body").vendor


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (10, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def entry(operation: str, status: int, body: Any, media_type: str = "application/json") -> Any:
    answer = body if isinstance(body, bytes) else json.dumps(body).encode()
    return JournalEntry(
        time=0.0,
        method="GET",
        path="/",
        operation=operation,
        status=status,
        answer=answer,
        media_type=media_type,
    )


def journal_problems(vendor: Vendor, *entries: Any) -> str:
    """The message the journal check fails with for ``entries`` ("" when it passes)."""
    contract = Contract(vendor, Any, Any, Any, None)  # type: ignore[arg-type]
    try:
        contract.assert_answers_match_spec(SimpleNamespace(journal=list(entries)))  # type: ignore[arg-type]
    except AssertionError as failed:  # unindented, without what pytest's rewriting adds
        text = str(failed).split("\nassert ", 1)[0]
        return "\n".join(line.strip() for line in text.splitlines())
    return ""


FAILURE = {"id": "req-1", "name": "invalid_request", "errors": [{"message": "bad input"}]}


def test_every_bad_answer_of_a_mixed_journal_is_named_in_order(image_body: Vendor) -> None:
    """Unknown routes and good image bodies are passed over, not the end of the check; a
    success is checked strictly (an undeclared field is a fault), a failure is not."""
    found = journal_problems(
        image_body,
        entry("", 404, {"anything": 1}),
        entry("create_job", 200, {"id": 5}),
        entry("get_job", 200, png_bytes(4, 3), "image/png"),
        entry("create_job", 200, {"id": "job-1", "extra": True}),
        entry("get_job", 200, jpeg_bytes(), "image/png"),
        entry("create_job", 400, {**FAILURE, "extra": True}),
        entry("get_job", 202, {"id": "job-1", "progress": 2}),
        entry("create_job", 400, {**FAILURE, "errors": [{"message": 5}]}),
    )
    assert found == "\n".join(
        [
            "mock answers break the spec:",
            "create_job (200): id: 5 is not of type 'string'",
            "create_job (200): /extra: not declared by the spec",
            "get_job (200): the body is not an image/png image",
            "get_job (202): progress: 2 is greater than the maximum of 1",
            "create_job (400): errors/0/message: 5 is not of type 'string'",
        ]
    )


def test_a_sound_journal_passes(image_body: Vendor) -> None:
    assert (
        journal_problems(
            image_body,
            entry("create_job", 200, {"id": "job-1"}),
            entry("get_job", 200, png_bytes(4, 3), "image/png"),
            entry("create_job", 400, FAILURE),
        )
        == ""
    )


def test_an_image_answered_with_300_is_not_taken_for_a_success(image_body: Vendor) -> None:
    """Only 2xx answers may be the image itself: a 300 is held to the spec's failure answer."""
    found = journal_problems(image_body, entry("get_job", 300, png_bytes(4, 3), "image/png"))
    assert found == "\n".join(
        [
            "mock answers break the spec:",
            "get_job (300): <root>: None for not nullable",
            "get_job (300): <root>: None is not of type 'object'",
        ]
    )


def test_answers_the_spec_has_no_body_or_no_entry_for_are_named(image_body: Vendor) -> None:
    ops = tuple(
        op.model_copy(update={"error_schemas": {"404": {}}}) if op.name == "get_job" else op
        for op in image_body.operations
    )
    found = journal_problems(
        rebuilt(image_body, operations=ops),
        entry("get_job", 404, b"", ""),
        entry("get_job", 404, FAILURE),
        entry("get_job", 500, FAILURE),
    )
    assert found == "\n".join(
        [
            "mock answers break the spec:",
            "get_job (404): declared without a body, got one",
            "get_job (500): the spec declares no such answer",
        ]
    )


# -- credentials refused -------------------------------------------------------------------------
VENDORS_FOUND = all_vendors()
IDS = [v.package for v in VENDORS_FOUND]


def first_op(vendor: Vendor) -> Operation:
    """The first operation whose answer is one model (not a page)."""
    return next(op for op in vendor.operations if op.payload_model and op.pagination is None)


@pytest.mark.parametrize("vendor", VENDORS_FOUND, ids=IDS)
def test_a_mock_that_takes_an_unknown_credential_fails_the_check(vendor: Vendor) -> None:
    sound = contract_for(vendor)
    known = VendorMock(sound.vendor)._default_credentials[0]
    lax = Contract(
        sound.vendor,
        sound.client_cls,
        sound.async_client_cls,
        lambda: VendorMock(sound.vendor, credentials=[known, "not-a-known-key"]),
        sound.models,
    )
    with pytest.raises(AssertionError) as caught:
        lax.refused_answers_match_spec(first_op(vendor).name)
    assert str(caught.value) == "an unknown credential was accepted"


@pytest.mark.parametrize("vendor", VENDORS_FOUND, ids=IDS)
def test_a_refusal_with_another_status_than_the_specs_fails_the_check(vendor: Vendor) -> None:
    """The spec says the refusal's status; a mock answering another one is caught."""
    sound = contract_for(vendor)
    sound.refused_answers_match_spec(first_op(vendor).name)
    refusal = sound.vendor.errors["authentication"]
    moved = refusal.model_copy(update={"http_status": refusal.http_status + 1})
    other = rebuilt(sound.vendor, errors={**sound.vendor.errors, "authentication": moved})
    claims = Contract(other, sound.client_cls, sound.async_client_cls, sound.create_mock, None)
    with pytest.raises(AssertionError):
        claims.refused_answers_match_spec(first_op(vendor).name)


@pytest.mark.parametrize("vendor", VENDORS_FOUND, ids=IDS)
def test_a_spec_without_a_refusal_kind_asks_for_no_status(vendor: Vendor) -> None:
    sound = contract_for(vendor)
    errors = {k: v for k, v in sound.vendor.errors.items() if k != "authentication"}
    silent = rebuilt(sound.vendor, errors=errors)
    Contract(
        silent, sound.client_cls, sound.async_client_cls, sound.create_mock, sound.models
    ).refused_answers_match_spec(first_op(vendor).name)


# -- what the round trip and the example give back ---------------------------------------------
@pytest.mark.parametrize("vendor", VENDORS_FOUND, ids=IDS)
def test_the_round_trip_gives_back_the_operations_model(vendor: Vendor) -> None:
    contract = contract_for(vendor)
    op = first_op(vendor)
    result = contract.round_trip(op.name)
    assert type(result) is getattr(contract.models, op.payload_model)


@pytest.mark.parametrize("vendor", VENDORS_FOUND, ids=IDS)
def test_the_example_parses_into_the_model_of_its_payload(vendor: Vendor) -> None:
    contract = contract_for(vendor)
    op = first_op(vendor)
    model = getattr(contract.models, op.payload_model)
    payload, _ = unwrap(contract.vendor, op.response_example, 200)
    assert contract.example_answer_parses(op.name) == model.model_validate(payload)
