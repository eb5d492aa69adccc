"""``ServedProcess.stop`` by value, on a plain child process standing in for a served mock: a
running child is asked to end (SIGTERM), and a never-started one is a no-op."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from generator.runtime.live import ServedProcess
from generator.runtime.mock.serve import vendor_packages
from tests.test_live_kill_values import child, served

__all__ = ["served"]  # the fixture, shared with the kill tests


def test_stop_ends_a_running_child_with_sigterm(served: ServedProcess) -> None:
    served.process = child()

    served.stop()

    assert served.process.returncode == -signal.SIGTERM


def test_stop_before_start_does_nothing(served: ServedProcess) -> None:
    served.stop()

    assert served.process is None


def test_start_runs_the_mock_in_the_environment_given(tmp_path: Path) -> None:
    vendor = vendor_packages()[0]  # any: the child never gets as far as reading its spec
    served = ServedProcess([vendor], env={"PYTHONHOME": str(tmp_path / "no-python-here")})
    try:
        exited = r"(?s)^the mock exited \(1\): .*PYTHONHOME = '.*no-python-here'"
        with pytest.raises(RuntimeError, match=exited):
            served.start()  # that environment has no standard library: the child cannot start
    finally:
        served.stop()
        served.log.close()
