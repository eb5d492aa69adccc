"""Results given inline (``generator.runtime.tasks``): a get that answered the image itself,
and base64 text, both kept as ``data:`` URLs whose media type is the image's."""

from __future__ import annotations

import base64

import pytest

from generator.runtime.answers import ResultBytes
from generator.runtime.images import png_bytes
from generator.runtime.tasks import as_data_url, bytes_outcome, inline_result, read_outcome
from generator.runtime.vendor import TaskFields, TaskSpec

PNG = png_bytes(8, 6)


def family(http_statuses: dict[int, str]) -> TaskSpec:
    return TaskSpec(http_statuses=http_statuses, fields=TaskFields(id="id"))


def test_an_image_answer_is_a_succeeded_outcome_holding_the_image() -> None:
    outcome = bytes_outcome(family({202: "running"}), ResultBytes(PNG, "image/png"), "job-1")
    assert (outcome.task_id, outcome.status, outcome.vendor_status) == ("job-1", "succeeded", "200")
    assert outcome.raw == {"media_type": "image/png", "bytes": len(PNG)}
    assert inline_result(outcome.images[0]) == (PNG, "image/png")


def test_an_image_answer_s_status_is_what_its_http_status_says() -> None:
    spec = family({200: "succeeded", 203: "failed"})
    outcome = bytes_outcome(spec, ResultBytes(PNG, "image/png", 203), "job-2")
    assert (outcome.status, outcome.vendor_status) == ("failed", "203")


@pytest.mark.parametrize(
    ("fmt", "kind"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
)
def test_base64_text_becomes_a_data_url_of_its_image_s_type(fmt: str, kind: str) -> None:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format=fmt)
    text = base64.b64encode(out.getvalue()).decode()
    assert as_data_url(text) == f"data:{kind};base64,{text}"


def test_a_data_url_is_kept_and_unknown_bytes_are_taken_for_png() -> None:
    url = "data:image/jpeg;base64,AAAA"
    assert as_data_url(url) == url
    assert as_data_url("AAAA") == "data:image/png;base64,AAAA"


def test_empty_inline_results_are_left_out_and_a_non_object_answer_is_empty() -> None:
    spec = TaskSpec(
        statuses={"done": "succeeded"},
        fields=TaskFields(id="id", status="state", images_base64=("images[]",)),
    )
    outcome = read_outcome(spec, {"id": "t", "state": "done", "images": ["", None, "iVBORw0"]})
    assert outcome.images == ("data:image/png;base64,iVBORw0",)
    empty = read_outcome(spec, ["not", "a", "task"], "t-3")
    assert (empty.task_id, empty.raw, empty.images) == ("t-3", {}, ())
