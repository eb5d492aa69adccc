"""``read_answer`` value by value: the media type read from ``Content-Type`` whatever its case
and parameters, bytes only for a success the operation declares, a non-JSON failure turned
into the vendor's typed error with its (redacted) text, a non-JSON success refused with the
first 200 characters, and the HTTP status kept beside the payload only for a family that reads
its status from it. The synthetic vendor ``image_body`` (tests/vendors/) has such a family.
Written against the mutants ``make mutants`` left unchecked in
``generator/runtime/answers.py``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from types import ModuleType

import httpx
import pytest

from generator.runtime import errors
from generator.runtime.answers import (
    ResultBytes,
    TaskAnswer,
    declared_binary,
    http_statuses,
    read_answer,
)
from generator.runtime.envelope import render_error
from generator.runtime.images import png_bytes
from generator.runtime.secrets import MASK, Secret
from generator.runtime.vendor import Operation, Vendor

from .synthetic import generated
from .test_vocabulary_image_body import _get_op
from .vendors import all_vendors


@pytest.fixture(scope="module")
def body_vendor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with generated("image_body", "answers_body", tmp_path_factory.mktemp("answers")) as module:
        yield module


def get_op(binary_media: tuple[str, ...] = ("image/png",)) -> Operation:
    """The synthetic image-body vendor's get operation, answering ``binary_media``."""
    return _get_op(binary_media)


def test_declared_binary_takes_the_exact_type_or_its_family() -> None:
    assert declared_binary(get_op(("image/png",)), "image/png")
    assert not declared_binary(get_op(("image/png",)), "image/jpeg")
    assert declared_binary(get_op(("image/*",)), "image/webp")
    assert not declared_binary(get_op(("image/*",)), "application/json")
    assert not declared_binary(get_op(()), "image/png")


def test_the_media_type_is_read_without_parameters_or_case(body_vendor: ModuleType) -> None:
    data = png_bytes(2, 2)
    answer = httpx.Response(203, headers={"Content-Type": " Image/PNG ; q=1"}, content=data)
    read, request_id = read_answer(body_vendor.VENDOR, get_op(), answer)
    assert read == ResultBytes(data, "image/png", 203) and request_id == ""


def test_a_failure_with_a_declared_image_type_is_an_error_not_bytes(body_vendor) -> None:
    answer = httpx.Response(400, headers={"content-type": "image/png"}, content=png_bytes(2, 2))
    with pytest.raises(errors.APIError) as raised:
        read_answer(body_vendor.VENDOR, get_op(), answer)
    assert raised.value.status_code == 400


def test_a_non_json_failure_is_the_vendors_typed_error_with_its_text(body_vendor) -> None:
    secret = f"sk-{uuid.uuid4().hex}"
    Secret(secret)
    text = f"upstream broke for {secret} " + "y" * 300
    answer = httpx.Response(502, headers={"content-type": "text/plain"}, text=text)
    with pytest.raises(errors.ServerError) as raised:
        read_answer(body_vendor.VENDOR, get_op(), answer)
    error = raised.value
    assert error.status_code == 502
    assert error.body == text[:200].replace(secret, MASK)  # cut first, then redacted
    assert secret not in str(error) and error.body in str(error)


def test_a_non_json_success_is_refused_with_its_first_200_characters(body_vendor) -> None:
    text = "<html>" + "z" * 400
    answer = httpx.Response(200, headers={"content-type": "text/html"}, text=text)
    with pytest.raises(errors.ResponseFormatError) as raised:
        read_answer(body_vendor.VENDOR, get_op(), answer)
    package = body_vendor.VENDOR.package
    assert str(raised.value) == f"[{package}] get_job: answer is not JSON: {text[:200]!r}"
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_a_family_with_http_statuses_keeps_the_status_beside_the_payload(body_vendor) -> None:
    vendor = body_vendor.VENDOR
    get = vendor.op_for_role("get")
    assert http_statuses(vendor, get)  # the synthetic family reads its status from HTTP
    answer = httpx.Response(202, json={"id": "j1"})
    read, _ = read_answer(vendor, get, answer)
    assert isinstance(read, TaskAnswer) and read == {"id": "j1"} and read.status_code == 202


def test_other_roles_have_no_http_statuses(body_vendor) -> None:
    vendor = body_vendor.VENDOR
    submit = next(op for op in vendor.operations if op.role == "submit")
    assert http_statuses(vendor, submit) == {}
    answer = httpx.Response(200, json={"id": "j1"})
    read, _ = read_answer(vendor, submit, answer)
    assert read == {"id": "j1"} and not isinstance(read, TaskAnswer)


@pytest.mark.parametrize(
    "vendor", [v for v in all_vendors() if v.envelope.layers], ids=lambda v: v.package
)
def test_an_operation_shared_by_two_vendor_models_is_read_with_each_one_s_envelope(
    vendor: Vendor,
) -> None:
    """What reading an operation's answers needs is worked out once per operation; a second
    vendor model holding the same operation (a copy with another envelope) gets its own."""
    bare = vendor.model_copy(update={"envelope": vendor.envelope.model_copy(update={"layers": ()})})
    op = next(o for o in vendor.ops.values() if not o.binary_media)
    assert bare.ops[op.name] is op  # the copy shares the operation object itself
    body = render_error(vendor, "invalid_request", "bad", "rid-1")[2]
    if body is None:  # a refusal told by its HTTP status and headers alone
        pytest.skip(f"{vendor.package}: its invalid_request answer has no body to read")
    answer = httpx.Response(200, json=body)  # a 2xx: the envelope alone says it failed
    with pytest.raises(errors.InvalidRequestError):
        read_answer(vendor, op, answer)
    assert read_answer(bare, op, answer)[0] == body  # no envelope: the whole body, no error
    with pytest.raises(errors.InvalidRequestError):  # and the first model still has its own
        read_answer(vendor, op, answer)
