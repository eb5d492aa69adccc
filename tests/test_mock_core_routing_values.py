"""Two things ``VendorMock`` works out once, by value: a path parameter marked
``x-sdk-allow-slash`` routes a value holding slashes to its operation (a plain one does not
span segments), and the journal masks every input the auth plug-in names, whatever the case
the spec writes it in, beside the credential inputs. Written against the mutants ``make
mutants`` showed surviving in ``_path_pattern`` and ``_secret_inputs``."""

from __future__ import annotations

from typing import Any

import pytest

from generator.runtime.mock import VendorMock
from generator.runtime.mock.messages import MockError, MockRequest
from tests.test_client_path_values import CASES as PATH_CASES
from tests.vendors import all_vendors

PATH_PARAMS = PATH_CASES  # every path parameter of every operation, from the specs


def path_request(vendor: Any, op: Any, value: str) -> MockRequest:
    path = op.path
    for param in op.params:
        if param.location == "path":
            path = path.replace("{" + param.wire + "}", value)
    headers = [(p.wire, p.value) for p in op.params if p.source == "constant"]
    return MockRequest.build(
        op.method, f"{vendor.base_url or 'http://mock.invalid'}{path}", headers, b""
    )


@pytest.mark.parametrize(
    ("vendor", "op", "param"), PATH_PARAMS, ids=[f"{v.package}-{o.name}" for v, o, _ in PATH_PARAMS]
)
def test_a_value_with_slashes_reaches_its_operation_only_where_the_spec_allows(
    vendor: Any, op: Any, param: Any
) -> None:
    mock = VendorMock(vendor)
    request = path_request(vendor, op, "hair/change")

    if param.allow_slash:
        assert mock._route(request).name == op.name
        assert request.path_params == {param.wire: "hair/change"}
    else:
        try:
            routed = mock._route(request).name
        except MockError:
            routed = ""  # refused: no operation has that path
        assert routed != op.name


SECRET_PARAMS = [
    (v, op, p)
    for v in all_vendors()
    for op in v.operations
    for p in op.params
    if p.source != "credential"
    and p.wire.lower()
    in {n.lower() for n in VendorMock(v)._auth.secret_headers()} | {v.auth.field.lower()}
]


def test_some_input_is_a_secret_by_its_name_alone() -> None:
    assert SECRET_PARAMS


@pytest.mark.parametrize(
    ("vendor", "op", "param"),
    SECRET_PARAMS,
    ids=[f"{v.package}-{o.name}-{p.wire}" for v, o, p in SECRET_PARAMS],
)
def test_the_journal_masks_an_input_the_auth_plug_in_names(
    vendor: Any, op: Any, param: Any
) -> None:
    kept = VendorMock(vendor)._masked(op, {param.wire: "s3cr3t-token", "prompt": "plain"})

    assert kept == {param.wire: "****", "prompt": "plain"}


def with_routing_header(vendor: Any, op: Any) -> Any:
    """``vendor`` with ``op`` also picked by a constant header (as Tencent's action picks its
    operations), on top of its parametrised path: no spec has both yet, and routing takes
    another way for them."""
    action = op.params[0].model_copy(
        update={
            "wire": "X-Test-Action",
            "py": "x_test_action",
            "location": "header",
            "source": "constant",
            "value": "Find",
            "refusal": "unknown_operation",
            "routes": True,
            "allow_slash": False,
        }
    )
    changed = op.model_copy(update={"params": (*op.params, action)})
    operations = tuple(changed if o is op else o for o in vendor.operations)
    return vendor.model_copy(update={"operations": operations})


@pytest.mark.parametrize(
    ("vendor", "op", "param"), PATH_PARAMS, ids=[f"{v.package}-{o.name}" for v, o, _ in PATH_PARAMS]
)
def test_a_parametrised_path_with_a_routing_header_is_routed_by_both(
    vendor: Any, op: Any, param: Any
) -> None:
    mock = VendorMock(with_routing_header(vendor, op))
    routed = mock.vendor.ops[op.name]
    right = path_request(mock.vendor, routed, "t1")
    wrong = path_request(mock.vendor, routed, "t1")
    wrong.headers["x-test-action"] = "Other"

    assert mock._route(right).name == op.name
    assert right.path_params == {param.wire: "t1"}
    with pytest.raises(MockError) as refused:
        mock._route(wrong)
    assert (refused.value.kind, refused.value.detail) == (
        "unknown_operation",
        "X-Test-Action 'Other'",
    )
