"""The mock's roles, by value: the follow-up get of a submit ("" where the vendor has none),
the mock's own limits on a task's result files and pixels (the words and numbers of the
refusal), unique inputs checked past one left empty, and which image-slot problem is reported
first (``x-sdk-limits``). Vendors and operations are found by the extensions tested."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from generator.runtime.images import png_bytes
from generator.runtime.mock import VendorMock
from generator.runtime.mock.effects import EFFECTS, RESULT_PIXELS_FACTOR
from generator.runtime.mock.messages import Call, MockError, MockRequest
from generator.runtime.mock.roles import MAX_RESULT_FILES
from generator.runtime.mock.store import MockTask
from generator.runtime.paths import set_path
from generator.runtime.vendor import Operation, Vendor

from .vendors import all_vendors

HOST = "http://mock.invalid"
VENDORS = all_vendors()


def submits() -> list[tuple[Vendor, Operation]]:
    return [(v, op) for v in VENDORS for op in v.operations if op.role == "submit"]


def follow_up(vendor: Vendor, op: Operation) -> str:
    try:
        return vendor.poll_for(op.name)[0].name
    except KeyError:
        return ""


@pytest.mark.parametrize("vendor", VENDORS, ids=[v.package for v in VENDORS])
def test_each_operation_s_follow_up_get_is_its_name_or_empty(vendor: Vendor) -> None:
    """The task field is a string: "" where the vendor has no get operation at all."""
    mock = VendorMock(vendor)
    for op in vendor.operations:
        assert mock.roles._poll_op(op) == follow_up(vendor, op), op.name
        assert mock.roles._plan(op).poll_op == follow_up(vendor, op), op.name  # what tasks keep


def test_some_vendor_has_no_get_operation() -> None:
    """Guard for the test above: the empty case is exercised by some spec."""
    assert any(v.op_for_role("get") is None for v in VENDORS)


def task(effect: str, **args: object) -> MockTask:
    return MockTask(
        id="t1",
        account="test",
        operation="draw",
        created_at=0.0,
        queue_seconds=0.0,
        run_seconds=0.0,
        outcome="succeeded",
        effect=effect,
        args=dict(args),
        inputs={},
        base_url=HOST,
    )


def counting_effect() -> str:
    """An effect whose number of result files is read from ``n_iter`` x ``batch_size``."""
    for name, effect in EFFECTS.items():
        if len(effect.names(task(name, n_iter=3, batch_size=5))) == 15:
            return name
    pytest.skip("no effect makes a number of files the caller chooses")


def test_a_task_asking_for_more_result_files_than_the_mock_makes_is_refused_with_the_count() -> (
    None
):
    effect = counting_effect()
    mock = VendorMock(VENDORS[0])
    mock.roles._refuse_oversized(task(effect, n_iter=16, batch_size=MAX_RESULT_FILES // 16))
    with pytest.raises(MockError) as refused:
        mock.roles._refuse_oversized(task(effect, n_iter=17, batch_size=16))
    assert (refused.value.kind, refused.value.detail) == (
        "invalid_request",
        f"this mock makes at most {MAX_RESULT_FILES} result files a task, not 272",
    )


def test_a_result_over_the_pixel_limit_is_refused_naming_the_limit_and_the_size() -> None:
    effect = counting_effect()
    mock = VendorMock(VENDORS[0], max_pixels=1000)
    limit = 1000 * RESULT_PIXELS_FACTOR
    mock.roles._refuse_oversized(task(effect, width=limit // 50, height=50))  # exactly the limit
    with pytest.raises(MockError) as refused:
        mock.roles._refuse_oversized(task(effect, width=limit // 50 + 1, height=50))
    assert (refused.value.kind, refused.value.detail) == (
        "invalid_request",
        f"this mock makes results of at most {limit:,} pixels, not {limit + 50:,}",
    )


def unique_ops() -> list[tuple[Vendor, Operation]]:
    return [(v, op) for v in VENDORS for op in v.operations if op.limits.unique]


def call_of(mock: VendorMock, op: Operation, values: dict, images: dict | None = None) -> Call:
    account = mock.accounts[mock._default_credentials[0]]
    request = MockRequest.build(op.method, f"{HOST}{op.path}", [], b"")
    return Call(op, values, images or {}, account, request)


@pytest.mark.parametrize(
    "case", unique_ops(), ids=[f"{v.package}-{op.name}" for v, op in unique_ops()]
)
def test_a_unique_input_left_empty_does_not_stop_the_check_of_the_next(
    case: tuple[Vendor, Operation],
) -> None:
    vendor, op = case
    mock = VendorMock(vendor)
    name = op.limits.unique[0]
    limits = op.limits.model_copy(update={"unique": ("not_given", *op.limits.unique)})
    two = op.model_copy(update={"limits": limits})
    used = task("")
    used.account = mock._default_credentials[0]
    used.external_id = "mine"
    mock.store.add(used)
    values: dict = {"not_given": ""}
    set_path(values, name, "mine")
    with pytest.raises(MockError) as refused:
        mock.roles._refuse_reused_ids(call_of(mock, two, values))
    assert (refused.value.kind, refused.value.detail) == (
        "conflict",
        f"{name} 'mine' is already used",
    )
    set_path(values, name, "another")
    mock.roles._refuse_reused_ids(call_of(mock, two, values))  # not used: no refusal


def grey_png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height), 128).save(out, "PNG")
    return out.getvalue()


def sized_slots() -> list[tuple[Vendor, Operation, str]]:
    """(vendor, op, slot) for a grey slot that must match another slot's size."""
    found = []
    for vendor in VENDORS:
        for op in vendor.operations:
            for name, slot in op.limits.slots.items():
                grey = any(
                    op.limits.images[n].channels == 1 for n in slot.inputs if n in op.limits.images
                )
                if slot.same_size_as and grey:
                    found.append((vendor, op, name))
    return found


@pytest.mark.parametrize(
    "case", sized_slots(), ids=[f"{v.package}-{op.name}-{s}" for v, op, s in sized_slots()]
)
def test_the_first_slot_problem_is_the_one_reported(
    case: tuple[Vendor, Operation, str],
) -> None:
    vendor, op, name = case
    slot = op.limits.slots[name]
    other = op.limits.slots[slot.same_size_as]
    mock = VendorMock(vendor)
    base = {other.inputs[0]: png_bytes(64, 48)}
    colour = call_of(mock, op, {}, {**base, slot.inputs[0]: png_bytes(32, 32)})
    with pytest.raises(MockError) as refused:  # two problems: channels, then size
        mock.roles._slot_images(colour)
    assert (refused.value.kind, refused.value.detail) == (
        "invalid_request",
        f"{name}: needs 1 channel(s), a grey image",
    )
    grey = call_of(mock, op, {}, {**base, slot.inputs[0]: grey_png(32, 32)})
    with pytest.raises(MockError) as refused:  # one problem: size
        mock.roles._slot_images(grey)
    assert (refused.value.kind, refused.value.detail) == (
        "invalid_request",
        f"{name} is 32x32 but {slot.same_size_as} is 64x48",
    )
