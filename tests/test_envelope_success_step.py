"""One layer of a mock's success answer (``envelope.write_success``), written exactly: the
payload wrapped, the message blanked, the success code and the request id stamped only where
the layer says so and never over a field the payload already has; and a bodiless refusal read
as the one kind that has its status. Written against the mutants ``make mutants`` showed
surviving in ``_success_step`` (now ``success_layer`` and ``write_success``) and
``bodiless_error``. Each layer is written both ways: by ``write_success``'s own single-key
writes, and by ``_write_dotted``, which any layer with a dotted path takes."""

from __future__ import annotations

from typing import Any

import pytest

from generator.runtime import errors
from generator.runtime.envelope import _write_dotted, bodiless_error, success_layer, write_success
from generator.runtime.vendor import EnvelopeLayer
from tests.vendors import all_vendors


def step(answer: dict[str, Any], **layer: Any) -> Any:
    """``answer`` through one success layer made of ``layer``'s fields, request id "rid-1",
    written the same by both writers."""
    plan = success_layer(EnvelopeLayer(**layer))
    written = write_success([plan], dict(answer), "rid-1")
    assert _write_dotted(plan, dict(answer), "rid-1") == written
    return written


def test_a_wrapping_layer_writes_its_code_a_blank_message_the_request_id_and_constants() -> None:
    body = step(
        {"a": 1},
        code="res_code",
        success=(0, 1),
        message=("res_error", "other_error"),
        request_id="res_id",
        payload="res_body",
        on_success={"fee": 1},
    )

    assert body == {"res_body": {"a": 1}, "res_error": "", "res_code": 0, "res_id": "rid-1",
                    "fee": 1}  # fmt: skip


def test_the_message_is_not_blanked_where_success_means_the_code_is_absent() -> None:
    body = step({"a": 1}, code="status", success=(None,), message=("error",), payload="data")

    assert body == {"data": {"a": 1}}


def test_a_layer_with_no_success_values_stamps_no_code() -> None:
    assert step({"a": 1}, code="code", success=()) == {"a": 1}


def test_a_layer_without_a_code_stamps_none() -> None:
    assert step({"a": 1}, code="", success=(0,), message=("msg",)) == {"a": 1}


def test_a_request_id_given_on_errors_only_is_not_written_on_a_success() -> None:
    body = step({"a": 1}, code="code", success=(0,), request_id="rid", request_id_on="errors")

    assert body == {"a": 1, "code": 0}


def test_a_layer_sharing_the_payloads_object_keeps_the_payloads_own_code_and_id() -> None:
    body = step({"code": 5, "rid": "theirs", "a": 1}, code="code", success=(0,), request_id="rid")

    assert body == {"code": 5, "rid": "theirs", "a": 1}


def test_dotted_paths_are_written_inside_nested_objects() -> None:
    body = step({"a": 1}, code="head.code", success=("OK",), request_id="head.id", payload="data")

    assert body == {"data": {"a": 1}, "head": {"code": "OK", "id": "rid-1"}}


def test_every_layer_is_written_after_a_dotted_one_and_after_a_body_that_is_no_object() -> None:
    dotted = success_layer(EnvelopeLayer(code="head.code", success=(0,), payload="data"))
    flat = success_layer(EnvelopeLayer(code="ret", success=(0,), request_id="rid"))
    outer = success_layer(EnvelopeLayer(code="code", success=(1,), payload="body"))

    after_dotted = write_success([dotted, outer], {"a": 1}, "rid-1")
    after_a_list = write_success([flat, outer], [1, 2], "rid-1")

    assert after_dotted == {"body": {"data": {"a": 1}, "head": {"code": 0}}, "code": 1}
    assert after_a_list == {"body": [1, 2], "code": 1}  # nothing stamped in a list


BODILESS = [
    (vendor, kind, spec.http_status)
    for vendor in all_vendors()
    for kind, spec in vendor.error_specs.items()
    if not spec.body
    and sum(
        1 for s in vendor.error_specs.values() if not s.body and s.http_status == spec.http_status
    )
    == 1
]


EACH_BODILESS_KIND = pytest.mark.parametrize(
    ("vendor", "kind", "status"), BODILESS, ids=[f"{v.package}-{kind}" for v, kind, _ in BODILESS]
)


@EACH_BODILESS_KIND
def test_a_bodiless_refusal_is_the_one_bodiless_kind_with_its_status(
    vendor: Any, kind: str, status: int
) -> None:
    error = bodiless_error(vendor, status, "refused", {})

    assert type(error) is errors.BY_KIND[kind]
    assert (error.status_code, str(error)) == (status, f"[{vendor.package}] refused")


def _another_kinds_reason(vendor: Any, kind: str) -> str:
    """The fixed start of the reason of a bodiless kind with another status and exception."""
    mine = vendor.error_specs[kind]
    return next(
        s.message.split("{detail}")[0]
        for k, s in vendor.error_specs.items()
        if not s.body
        and s.http_status != mine.http_status
        and errors.BY_KIND[k] is not errors.BY_KIND[kind]
        and s.message.split("{detail}")[0]
    )


@EACH_BODILESS_KIND
def test_the_status_picks_among_bodiless_kinds_before_the_reasons_text(
    vendor: Any, kind: str, status: int
) -> None:
    error = bodiless_error(vendor, status, _another_kinds_reason(vendor, kind), {})

    assert type(error) is errors.BY_KIND[kind]
