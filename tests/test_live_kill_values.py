"""``ServedProcess.kill`` by value, on a plain child process standing in for a served mock (no
server needed): a running child ends by SIGKILL, one already gone is left alone without an
error, and a never-started one is a no-op."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest

from generator.runtime.live import ServedProcess


@pytest.fixture
def served() -> Iterator[ServedProcess]:
    made = ServedProcess(["unused"])
    yield made
    if made.process is not None and made.process.poll() is None:
        made.process.kill()
        made.process.wait(timeout=30)
    made.log.close()


def child() -> subprocess.Popen[bytes]:
    """A child that would live for a minute unless killed."""
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def test_kill_ends_a_running_child_with_sigkill(served: ServedProcess) -> None:
    served.process = child()
    served.kill()
    assert served.process.poll() == -signal.SIGKILL


def test_kill_leaves_a_finished_child_and_its_status_alone(served: ServedProcess) -> None:
    served.process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    served.process.wait(timeout=30)
    served.kill()
    assert served.process.returncode == 3


def test_kill_before_start_does_nothing(served: ServedProcess) -> None:
    served.kill()
    assert served.process is None
