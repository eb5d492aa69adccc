"""The terminal progress line (``tasks.TerminalProgress``), character by character: the bar
filled to the vendor's figure (held within 0-100 %), the moving block where there is none, the
count of lines drawn; and inline results read back with their media type."""

from __future__ import annotations

import io

import pytest

from generator.runtime.clock import VirtualClock
from generator.runtime.tasks import TaskOutcome, TerminalProgress, inline_result


def progress_line() -> TerminalProgress:
    return TerminalProgress(io.StringIO(), VirtualClock(), quiet_seconds=0)


@pytest.mark.parametrize(
    ("figure", "bar"),
    [
        (0.5, "[##########----------]"),
        (0.0, "[--------------------]"),
        (-0.3, "[--------------------]"),  # held at 0 %
        (1.7, "[####################]"),  # held at 100 %
    ],
)
def test_the_bar_is_filled_to_the_vendor_s_figure(figure: float, bar: str) -> None:
    assert progress_line().bar(TaskOutcome("t", "running", "r", progress=figure)) == bar


def test_without_a_figure_a_block_of_four_moves_three_cells_a_line() -> None:
    line = progress_line()
    running = TaskOutcome("t", "running", "r")
    assert line.bar(running) == "[####----------------]"
    for _ in range(5):
        line(running)
    assert line.drawn == 5 and line.shown is True
    assert line.bar(running) == "[---------------####-]"  # 5 lines drawn: 15 cells on
    line(running)
    assert line.bar(running) == "[##----------------##]"  # 18 cells on: round the end
    line(running)
    assert line.drawn == 7 and line.bar(running) == "[-####---------------]"


def test_inline_results_read_back_with_their_media_type() -> None:
    assert inline_result("data:image/png;base64,QUJD") == (b"ABC", "image/png")
    assert inline_result("data:;base64,QUJD") == (b"ABC", "application/octet-stream")
    assert inline_result("https://h/x.png") is None
    with pytest.raises(ValueError, match=r"^the inline result is not valid base64$"):
        inline_result("data:image/png;base64,@@@")
