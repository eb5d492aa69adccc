"""The contract checks themselves (``generator.runtime.testing``) catch what they promise to.

The generated contract tests only ever run these checks on sound specs, where every check
passes; here each check is given a fault on purpose and must name it, exactly: a binary
answer whose bytes are not the image its media type says, and task fields that the spec's
answers do not declare. Vendors come from ``specs/`` (their generated packages); the faults
are made on copies of each vendor's model.
"""

from __future__ import annotations

import importlib
import io
from typing import Any

import pytest
from PIL import Image

from generator.runtime.images import png_bytes
from generator.runtime.mock.serve import vendor_packages
from generator.runtime.testing import Contract, binary_answer_problems
from generator.runtime.vendor import Operation, TaskSpec, Vendor

HEADER = "the client follows tasks by fields the spec lacks:\n"


def message_of(failed: pytest.ExceptionInfo[AssertionError]) -> str:
    """The check's message, lines unindented and without the expression pytest adds when it
    rewrites the runtime's asserts (as it does in a whole-suite run)."""
    text = str(failed.value).split("\nassert ", 1)[0]
    return "\n".join(line.strip() for line in text.splitlines())


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (10, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


RESULT_OP = Operation(
    name="fetch_result", operation_id="fetchResult", method="GET", path="/r", role="get"
)


# -- binary answers ----------------------------------------------------------------------------
def test_a_jpeg_served_as_image_jpg_is_a_jpeg() -> None:
    """``image/jpg`` is the common misspelling of ``image/jpeg``: JPEG bytes under it are fine."""
    assert binary_answer_problems(RESULT_OP, 200, "image/jpg", jpeg_bytes()) == []
    assert binary_answer_problems(RESULT_OP, 200, "image/jpeg", jpeg_bytes()) == []


def test_bytes_of_another_format_are_named_with_the_media_type() -> None:
    assert binary_answer_problems(RESULT_OP, 201, "image/jpg", png_bytes(4, 4)) == [
        "fetch_result (201): the body is not an image/jpg image"
    ]
    assert binary_answer_problems(RESULT_OP, 200, "image/png", jpeg_bytes()) == [
        "fetch_result (200): the body is not an image/png image"
    ]


# -- task fields -------------------------------------------------------------------------------
def task_vendors() -> list[str]:
    return [n for n in vendor_packages() if any(op.role == "submit" for op in vendor(n).operations)]


def vendor(name: str) -> Vendor:
    found: Vendor = importlib.import_module(f"generated.{name}").VENDOR
    return found


def contract_for(v: Vendor) -> Contract:
    """A contract over ``v`` alone: the task-field check reads nothing but the vendor model."""
    return Contract(v, Any, Any, Any, None)  # type: ignore[arg-type]


def rebuilt(v: Vendor, **changes: Any) -> Vendor:
    """A fresh copy of ``v`` with ``changes`` (no look-up cached on the original carries over)."""
    fields = {key: getattr(v, key) for key in Vendor.model_fields}
    return Vendor(**{**fields, **changes})


def family_with(spec: TaskSpec, **fields: str) -> TaskSpec:
    return spec.model_copy(update={"fields": spec.fields.model_copy(update=fields)})


def own_families(v: Vendor) -> Vendor:
    """``v`` with no vendor-wide task family: each get operation carries its own, whose id and
    status point at fields no answer has (``missing.<get>.id`` / ``.status``), and each submit
    that names its task id by a field takes it from the family of the get that follows it."""
    ops = []
    for op in v.operations:
        if op.role == "get":
            family = op.task or v.task
            assert family is not None, f"{v.package}: {op.name} follows tasks of no family"
            missing = f"missing.{op.name}"
            op = op.model_copy(
                update={"task": family_with(family, id=f"{missing}.id", status=f"{missing}.status")}
            )
        elif op.role == "submit" and not op.task_id.startswith("$"):
            op = op.model_copy(update={"task_id": ""})
        ops.append(op)
    return rebuilt(v, task=None, operations=tuple(ops))


@pytest.mark.parametrize("name", task_vendors(), ids=str)
def test_every_missing_task_field_is_named_in_order(name: str) -> None:
    """Each get's status and each submit's task id (read through the get that follows it, and
    that get's own family) is reported once, in the order of the spec's operations."""
    broken = own_families(vendor(name))
    expected = []
    for op in broken.operations:
        if op.role == "get":
            expected.append(f"{op.name}: missing.{op.name}.status")
        if op.role == "submit" and not op.task_id.startswith("$"):
            follower = broken.poll_for(op.name)[0].name
            expected.append(f"{op.name}: missing.{follower}.id")
    assert len(expected) >= 2
    with pytest.raises(AssertionError) as caught:
        contract_for(broken).task_fields_are_in_the_spec()
    assert message_of(caught) == HEADER + "\n".join(expected)


@pytest.mark.parametrize("name", task_vendors(), ids=str)
def test_a_submit_names_its_own_missing_task_id_field(name: str) -> None:
    """A submit's own ``task_id`` field, when the answer lacks it, is reported as that field."""
    v = vendor(name)
    named = [
        op.name for op in v.operations if op.role == "submit" and not op.task_id.startswith("$")
    ]
    ops = tuple(
        op.model_copy(update={"task_id": "nowhere.id"}) if op.name in named else op
        for op in v.operations
    )
    with pytest.raises(AssertionError) as caught:
        contract_for(rebuilt(v, operations=ops)).task_fields_are_in_the_spec()
    expected = [f"{n}: nowhere.id" for n in named]
    assert message_of(caught) == HEADER + "\n".join(expected)


@pytest.mark.parametrize("name", task_vendors(), ids=str)
def test_the_sound_spec_passes(name: str) -> None:
    contract_for(vendor(name)).task_fields_are_in_the_spec()


@pytest.mark.parametrize("name", task_vendors(), ids=str)
def test_a_submit_without_any_task_family_is_not_blamed(name: str) -> None:
    """With no task family anywhere there is no id field to ask for: nothing is reported
    (neither a made-up field nor a crash)."""
    v = vendor(name)
    ops = tuple(
        op.model_copy(update={"task": None, "task_id": "" if op.role == "submit" else op.task_id})
        for op in v.operations
    )
    contract_for(rebuilt(v, task=None, operations=ops)).task_fields_are_in_the_spec()
