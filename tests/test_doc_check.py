"""The document check: each vendor's document, as published, against its spec. Every vendor is
clean today; a copy of a document with a field added, a range changed or a row removed is
reported exactly. The documents live outside the project (../shared/vendor-docs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.doccheck import LAYOUT_NAME, check
from generator.layout import ROOT
from generator.pipeline import vendor_dirs

DOCS = ROOT.parent / "shared" / "vendor-docs"
pytestmark = pytest.mark.skipif(
    not DOCS.is_dir(), reason=f"the vendors' documents are not here ({DOCS})"
)


def published() -> list[tuple[str, Path]]:
    found = []
    for folder in vendor_dirs():
        layout = folder / LAYOUT_NAME
        if layout.is_file():
            found.append((folder.name, DOCS / yaml.safe_load(layout.read_text())["published_as"]))
    return found


def unexplained(vendor: str, document: Path) -> list[tuple[int, str, str, str, str]]:
    return [
        (d.line, d.place, d.aspect, d.document, d.spec)
        for d in check(vendor, document)
        if not d.explained
    ]


def test_every_vendor_with_a_spec_has_a_document_layout() -> None:
    assert {name for name, _ in published()} == {f.name for f in vendor_dirs()}


@pytest.mark.parametrize(("vendor", "document"), published(), ids=lambda v: getattr(v, "name", v))
def test_every_vendor_document_is_clean_today(vendor: str, document: Path) -> None:
    assert unexplained(vendor, document) == []


def edited(tmp_path: Path, name: str, old: str, new: str, occurrences: int = 1) -> Path:
    """A copy of a document with the first occurrence of ``old`` (found ``occurrences``
    times) replaced."""
    text = (DOCS / name).read_text(encoding="utf-8")
    assert text.count(old) == occurrences, old
    copy = tmp_path / name
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


KLING = "kling-ai-multi-shot.md"
CALLBACK_ROW = "| callback_url | string | 可选 | 空 | 回调通知地址 |\n"


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_field_added_to_the_document_is_reported(tmp_path: Path) -> None:
    copy = edited(
        tmp_path, KLING, CALLBACK_ROW, CALLBACK_ROW + "| style | string | 可选 | 空 | 风格 |\n"
    )
    assert unexplained("kling", copy) == [
        (line_of(copy, "| style |"), "style", "name", "this field", "no such field")
    ]


def test_a_range_changed_in_the_document_is_reported(tmp_path: Path) -> None:
    copy = edited(tmp_path, KLING, "页码，[1,1000]", "页码，[1,2000]")
    assert unexplained("kling", copy) == [
        (line_of(copy, "| pageNum |"), "pageNum", "range", "[1, 2000]", "[1, 1000]")
    ]


def test_a_row_removed_from_the_document_is_reported(tmp_path: Path) -> None:
    copy = edited(tmp_path, KLING, CALLBACK_ROW, "")
    first_op = line_of(copy, "| https | /v1/general/ai-multi-shot | POST |")
    assert unexplained("kling", copy) == [
        (first_op, "callback_url", "name", "nothing", "this field")
    ]


def test_changes_in_a_pdf_extracted_table_are_reported(tmp_path: Path) -> None:
    """Zhiqite's rows are tab-separated and broken across lines by the PDF: a default
    changed and a type changed are still found on their own lines."""
    name = "zhiqite-aigc-api.txt"
    text = (DOCS / name).read_text(encoding="utf-8")
    old = "» enable_hr\tbody\tboolean\t否\t高清修复\t默认false"
    assert text.count(old) == 2
    copy = tmp_path / name
    copy.write_text(text.replace(old, "» enable_hr\tbody\tstring\t否\t高清修复\t默认false", 1))
    assert unexplained("zhiqite", copy) == [
        (line_of(copy, "» enable_hr\tbody\tstring"), "enable_hr", "type", "string", "boolean")
    ]


def test_a_changed_error_message_in_a_whitespace_table_is_reported(tmp_path: Path) -> None:
    copy = edited(
        tmp_path,
        "hdrepaint-api.txt",
        '"任务未找到或状态未知" 任务未找到或状态未知',
        '"任务已过期" 任务已过期',
    )
    assert unexplained("hdrepaint", copy) == [
        (
            line_of(copy, '"任务已过期"'),
            "errors",
            "error message",
            "'任务已过期'",
            "no such message",
        )
    ]


def test_the_command_prints_each_difference_and_exits_1(tmp_path: Path) -> None:
    copy = edited(tmp_path, KLING, "页码，[1,1000]", "页码，[1,2000]")
    done = subprocess.run(
        [sys.executable, "-m", "generator", "doc-check", "kling", str(copy)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "pageNum: range: document says [1, 2000], spec says [1, 1000]" in done.stdout
    assert "[deliberate: " in done.stdout  # the spec's explained choice, marked as such


def test_a_renamed_answer_field_in_a_pdf_table_is_reported(tmp_path: Path) -> None:
    name = "zhiqite-aigc-api.txt"
    old = "»» task_id\tstring\tTRUE\tnone\t业务id\t此task_id和请求里的id_task是一个值"
    copy = edited(tmp_path, name, old, old.replace("»» task_id", "»» taskId"), occurrences=2)
    row = line_of(copy, "»» taskId\tstring")
    first_op = line_of(copy, "POST /AIGCImgOpenServ/saas/sd/v2/text2image")
    assert unexplained("zhiqite", copy) == [
        (row, "answer data.taskId", "name", "this field", "no such field"),
        (first_op, "answer data.task_id", "name", "nothing", "this field"),
    ]


def test_an_operation_the_document_drops_is_reported(tmp_path: Path) -> None:
    copy = edited(
        tmp_path,
        "tencent-aiart-image-inpainting-removal.txt",
        "本接口取值:ImageInpaintingRemoval",
        "",
    )
    found = unexplained("tencent_aiart", copy)
    assert (0, "-", "operation", "nothing", "this operation") in found


def test_a_field_retyped_in_an_answer_example_is_reported(tmp_path: Path) -> None:
    old = '"url": "string"    // 生成图片URL（30天后清理）'
    copy = edited(tmp_path, KLING, old, '"url": 7    // 生成图片URL（30天后清理）')
    assert unexplained("kling", copy) == [
        (
            line_of(copy, '"url": 7'),
            "answer data.task_result.images.url",
            "type",
            "integer",
            "string",
        )
    ]


def test_a_row_the_spec_knows_by_another_name_is_missed_when_dropped(tmp_path: Path) -> None:
    """The spec notes that the document spells modelCoverImgUrl2 as modelCoverImageUrl2: the
    difference is deliberate while the row is there, and reported once it is gone."""
    name = "zhiqite-aigc-api.txt"
    row = "»»» modelCoverImageUrl2\tstring\tFALSE\tnone\t封面图\tnone\n"
    found = [d for d in check("zhiqite", DOCS / name) if "modelCover" in d.place]
    assert [(d.place, d.aspect, bool(d.explained)) for d in found] == [
        ("answer data.rows.modelCoverImageUrl2", "name", True)
    ]
    copy = edited(tmp_path, name, row, "")
    op = line_of(copy, "POST /AIGCImgOpenServ/saas/sd/v2/queryModelList")
    assert unexplained("zhiqite", copy) == [
        (op, "answer data.rows.modelCoverImageUrl2", "name", "nothing", "this field")
    ]
