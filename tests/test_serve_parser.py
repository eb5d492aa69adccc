"""``make mock``'s command line (``mock/serve.parser``), value by value: every option's default,
every option read back with its type, repeated options kept in order, the clock's two choices,
and the help a user reads for each option. Written against the mutants ``make mutants``
showed surviving in ``parser``."""

from __future__ import annotations

import pytest

from generator.runtime.mock.serve import WORKERS, parser
from generator.runtime.mock.store import DEFAULT_MAX_IMAGE_BYTES, DEFAULT_MAX_TASKS

OWN = {  # the serve command's own options (the exposure ones are tested with exposure.py)
    "vendors", "host", "port", "task_seconds", "callback_scale", "credential", "allow_host",
    "clock", "state", "seed", "max_tasks", "max_image_mb", "workers",
}  # fmt: skip


def test_every_option_has_its_default() -> None:
    args = vars(parser().parse_args([]))

    assert {k: args[k] for k in OWN} == {
        "vendors": [],
        "host": "127.0.0.1",
        "port": 8000,
        "task_seconds": None,
        "callback_scale": 1.0,
        "credential": [],
        "allow_host": [],
        "clock": "real",
        "state": None,
        "seed": None,
        "max_tasks": DEFAULT_MAX_TASKS,
        "max_image_mb": DEFAULT_MAX_IMAGE_BYTES / 2**20,
        "workers": WORKERS,
    }


def test_every_option_is_read_with_its_type_and_repeats_kept_in_order() -> None:
    argv = [
        "acme_images", "beta_images", "--host", "0.0.0.0", "--port", "9001",
        "--task-seconds", "2.5",
        "--callback-scale", "0.25", "--credential", "k1", "--credential", "k2",
        "--allow-host", "a.test", "--allow-host", "b.test:8080", "--clock", "virtual",
        "--state", "/tmp/state", "--seed", "7", "--max-tasks", "0", "--max-image-mb", "1.5",
        "--workers", "3",
    ]  # fmt: skip
    args = vars(parser().parse_args(argv))

    assert {k: args[k] for k in OWN} == {
        "vendors": ["acme_images", "beta_images"],
        "host": "0.0.0.0",
        "port": 9001,
        "task_seconds": 2.5,
        "callback_scale": 0.25,
        "credential": ["k1", "k2"],
        "allow_host": ["a.test", "b.test:8080"],
        "clock": "virtual",
        "state": "/tmp/state",
        "seed": 7,
        "max_tasks": 0,
        "max_image_mb": 1.5,
        "workers": 3,
    }
    assert type(args["port"]) is int and type(args["task_seconds"]) is float


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--port", "80.5"),
        ("--seed", "x"),
        ("--clock", "wall"),
        ("--workers", "two"),
        ("--task-seconds", "nan"),
        ("--task-seconds", "-1"),
        ("--callback-scale", "0"),
        ("--callback-scale", "nan"),
        ("--max-tasks", "-1"),
        ("--max-image-mb", "-0.5"),
        ("--max-image-mb", "nan"),
        ("--read-timeout", "nan"),
        ("--max-image-mb", "inf"),
        ("--task-seconds", "inf"),
        ("--download-seconds", "inf"),
    ],
    ids=[
        "port",
        "seed",
        "clock",
        "workers",
        "task-seconds-nan",
        "task-seconds-negative",
        "callback-scale-zero",
        "callback-scale-nan",
        "max-tasks-negative",
        "max-image-mb-negative",
        "max-image-mb-nan",
        "read-timeout-nan",
        "max-image-mb-inf",
        "task-seconds-inf",
        "download-seconds-inf",
    ],
)
def test_a_wrong_value_is_a_one_line_usage_error(
    option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        parser().parse_args([option, value])

    assert caught.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith(f"mock: error: argument {option}") and error.count("\n") == 1


def test_the_help_says_what_each_option_does() -> None:
    helps = {action.dest: action.help for action in parser()._actions if action.dest in OWN}

    assert helps == {
        "vendors": "generated vendor packages (default: all)",
        "host": None,
        "port": "the first vendor's port",
        "task_seconds": "how long each task runs",
        "callback_scale": "retry ladder factor",
        "credential": "another key to accept",
        "allow_host": "host images may be downloaded from: host (default ports) or host:port",
        "clock": "virtual: time moves only on POST /_mock/advance?seconds=N",
        "state": "keep the state in this SQLite file (a folder of one file per vendor when "
        "serving several), so it survives a restart; default: in memory",
        "seed": "same ids every run (default: unique)",
        "max_tasks": "in memory: past this many tasks those that finished first are forgotten "
        "(0: never)",
        "max_image_mb": "in memory: past this many MB of input images the tasks that finished "
        "first are forgotten (0: never)",
        "workers": "threads for image work",
    }
    assert parser().description == "Serve vendor mocks on loopback."
    assert parser().prog == "mock"
    state = next(a for a in parser()._actions if a.dest == "state")
    assert state.metavar == "PATH"


@pytest.mark.parametrize("clock", ["real", "virtual"])
def test_either_clock_can_be_named(clock: str) -> None:
    assert parser().parse_args(["--clock", clock]).clock == clock
