"""Each exposure option of the serve command is explained in ``--help`` by exactly its own
sentence: nothing added before or after it (a substring check would let either pass)."""

from __future__ import annotations

import pytest

from generator.runtime.images import DEFAULT_MAX_PIXELS
from generator.runtime.mock.asgi import DEFAULT_READ_TIMEOUT
from generator.runtime.mock.downloads import DEFAULT_DEADLINE
from generator.runtime.mock.exposure import ADMIN_TOKEN_ENV
from generator.runtime.mock.serve import parser

HELP = {
    "--admin-token": "required as X-Mock-Admin-Token on /_mock/ calls"
    f" (default: ${ADMIN_TOKEN_ENV})",
    "--max-pixels": "largest input image in pixels, where the vendor states none"
    f" ({DEFAULT_MAX_PIXELS})",
    "--read-timeout": "seconds a request body may stall before it is dropped"
    f" ({DEFAULT_READ_TIMEOUT:g})",
    "--download-seconds": f"total seconds to download a caller's image URL ({DEFAULT_DEADLINE:g})",
    "--public-url": "base of the mock's own URLs (result files)",
}


def help_of(option: str, out: str) -> str:
    """The help text of ``option`` in ``--help`` output: the rest of its line, or the line
    after it when argparse moved the text down."""
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.lstrip().startswith(option + " "))
    _invocation, _, rest = lines[at].strip().partition("  ")
    return rest.strip() or lines[at + 1].strip()


@pytest.mark.parametrize("option", sorted(HELP), ids=lambda o: o.strip("-"))
def test_each_exposure_option_has_exactly_its_sentence(
    option: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # no sentence wrapped over two lines
    with pytest.raises(SystemExit) as stopped:
        parser().parse_args(["--help"])
    assert stopped.value.code == 0
    assert help_of(option, capsys.readouterr().out) == HELP[option]
