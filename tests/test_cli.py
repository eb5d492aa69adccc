"""``python -m generated.<vendor>``, run in subprocesses against served mocks, for every
vendor: help, every kind of input, ``--wait`` / ``--out``, JSON out, typed errors as one
line and a documented exit status."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.runtime.cli import EXIT_STATUSES
from generator.runtime.clock import SystemClock
from generator.runtime.live import LiveServer
from generator.runtime.mock.asgi import create_app
from generator.runtime.mock.serve import build_mock
from generator.runtime.testing import example_values
from generator.runtime.vendor import Operation, Vendor
from tests.vendors import all_vendors

VENDORS = all_vendors()


@pytest.fixture(params=VENDORS, ids=lambda v: v.package)
def served(request: pytest.FixtureRequest) -> Iterator[tuple[Vendor, dict[str, str]]]:
    """A vendor's mock served on loopback in real time (tasks take half a second), and the
    environment a shell user would set: base URL and credentials."""
    vendor: Vendor = request.param
    mock = build_mock(vendor.package, clock=SystemClock(), task_seconds=0.5, queue_seconds=0)
    with LiveServer(create_app(mock, background=True)) as live:
        env = {**os.environ, f"{vendor.package.upper()}_BASE_URL": live.url}
        env.update(dict(zip(vendor_envs(vendor), mock_credentials(vendor, mock), strict=False)))
        env["_EXAMPLES_BASE"] = live.url  # example image URLs point at the served mock
        yield vendor, env


def examples(vendor: Vendor, op: Operation, env: dict[str, str]) -> dict:
    """The spec's example inputs of ``op``, their image URLs on the served mock."""
    return dict(example_values(op, env.get("_EXAMPLES_BASE") or vendor.base_url))


def error_lines(stderr: str) -> list[str]:
    """Standard error without warnings (PyJWT warns about the mocks' short test keys)."""
    return [line for line in stderr.splitlines() if not line.startswith("warning: ")]


def vendor_envs(vendor: Vendor) -> list[str]:
    return [c.env for c in vendor.auth.credentials if c.required]


def mock_credentials(vendor: Vendor, mock) -> list[str]:
    values = [c.mock_default for c in vendor.auth.credentials if c.required]
    values[0] = mock._default_credentials[0]
    return values


def cli(vendor: Vendor, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", f"generated.{vendor.package}", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def decoded(text: str) -> bytes:
    """An example's base64 image as bytes (text that is not base64 as itself)."""
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        return text.encode()


def arguments(op: Operation, values: dict, folder: Path) -> list[str]:
    """Command-line arguments for an operation's inputs (wire names -> values): images as
    files, nested inputs as JSON, the rest as text."""
    args: list[str] = []
    for param in op.inputs:
        if param.wire not in values or values[param.wire] is None:
            continue
        value = values[param.wire]
        limit = op.limits.images.get(param.wire)
        is_file = param.location == "file" or (
            limit is not None and limit.source != "url" and not str(value).startswith("http")
        )
        if is_file:  # hand the CLI a file, as a user would
            path = folder / f"{param.py}.img"
            path.write_bytes(value if isinstance(value, bytes) else decoded(value))
            text = str(path)
        elif isinstance(value, dict | list):
            text = json.dumps(value)
        elif isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = str(value)
        args += [f"--{param.py.replace('_', '-')}", text]
    return args


def test_help_lists_every_operation_and_each_ones_inputs_with_their_docs() -> None:
    for vendor in VENDORS:
        top = cli(vendor, dict(os.environ), "--help")
        assert top.returncode == 0
        for op in vendor.operations:
            assert op.name in top.stdout
            own = cli(vendor, dict(os.environ), op.name, "--help")
            assert own.returncode == 0
            flat = " ".join(own.stdout.split())
            for param in op.inputs:
                assert f"--{param.py}" in own.stdout
                if param.description:
                    assert " ".join(param.description.split())[:30] in flat
        for status, meaning, _ in EXIT_STATUSES:
            assert f"{status}  {meaning}" in top.stdout


def test_every_operation_runs_and_prints_json(served, tmp_path: Path) -> None:
    vendor, env = served
    for op in vendor.operations:
        if op.role in ("get",):
            continue  # needs a task: covered by the --wait test, which follows one
        done = cli(vendor, env, op.name, *arguments(op, examples(vendor, op, env), tmp_path))
        assert done.returncode == 0, (op.name, done.stderr)
        answer = json.loads(done.stdout)
        assert isinstance(answer, dict) and answer, op.name


def test_wait_and_out_follow_a_submit_and_save_its_images(served, tmp_path: Path) -> None:
    vendor, env = served
    submits = [op for op in vendor.operations if op.role == "submit"]
    if not submits or vendor.task is None:
        pytest.skip(f"{vendor.package} has no tasks to wait for")
    op = submits[0]
    values = examples(vendor, op, env)
    if op.caller_id and "." not in op.caller_id:
        values.pop(op.caller_id, None)  # the client names the task
    out = tmp_path / "results"
    args = arguments(op, values, tmp_path)
    done = cli(vendor, env, op.name, *args, "--wait", "--out", str(out))
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert outcome["status"] == "succeeded" and outcome["images"]
    saved = [Path(p) for p in outcome["files"]]
    assert len(saved) == len(outcome["images"]) and all(p.parent == out for p in saved)
    assert all(p.stat().st_size > 0 for p in saved)
    assert "\r" not in done.stderr and "task " not in done.stderr  # no terminal: no bar
    get = vendor.poll_for(op.name)[0]
    poll_values = {**vendor.poll_for(op.name)[1], get.task_id: outcome["task_id"]}
    again = cli(vendor, env, get.name, *arguments(get, poll_values, tmp_path))
    assert again.returncode == 0, again.stderr
    assert outcome["task_id"] in again.stdout


def test_a_refused_credential_is_one_line_and_exit_status_3(served, tmp_path: Path) -> None:
    vendor, env = served
    env = {**env, **{name: "wrong-credential-value" for name in vendor_envs(vendor)}}
    op = next(o for o in vendor.operations if o.role in ("get", "list", "catalog", "action"))
    args = arguments(op, examples(vendor, op, env), tmp_path)
    done = cli(vendor, env, op.name, *args)
    assert done.returncode == 3, done.stderr
    assert done.stdout == "" and len(error_lines(done.stderr)) == 1
    assert "wrong-credential-value" not in done.stderr
    assert "Traceback" not in done.stderr


def refusable(vendor: Vendor) -> tuple[Operation, str, str]:
    """An operation, one of its inputs and a value the client refuses before sending: a file
    that is no image, a word for a number, or text that is no JSON for a nested input."""
    for op in vendor.operations:
        for param in op.inputs:
            limit = op.limits.images.get(param.wire)
            if param.location == "file" or (limit is not None and limit.source != "url"):
                return op, param.wire, "not-an-image"
            if param.schema_.get("type") in ("integer", "number"):
                return op, param.wire, "many"
            if param.schema_.get("type") in ("object", "array"):
                return op, param.wire, "{not json"
    raise AssertionError(f"{vendor.package}: nothing to refuse")


def test_input_the_client_refuses_is_exit_status_2_before_sending(served, tmp_path: Path) -> None:
    vendor, env = served
    op, wire, bad = refusable(vendor)
    values = {**examples(vendor, op, env), wire: bad}
    done = cli(vendor, env, op.name, *arguments(op, values, tmp_path))
    assert done.returncode == 2, done.stderr
    assert len(error_lines(done.stderr)) == 1 and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_a_missing_task_is_exit_status_4(served, tmp_path: Path) -> None:
    vendor, env = served
    get = next((o for o in vendor.operations if o.role == "get"), None)
    if get is None:
        pytest.skip(f"{vendor.package} has no get operation")
    values = {**vendor.poll_for(get.name)[1], get.task_id: "no-such-task-404"}
    done = cli(vendor, env, get.name, *arguments(get, values, tmp_path))
    assert done.returncode == 4, done.stderr
    assert len(error_lines(done.stderr)) == 1


def test_no_server_is_exit_status_7(tmp_path: Path) -> None:
    from generator.runtime.live import free_port

    vendor = next(v for v in VENDORS if any(o.role == "get" for o in v.operations))
    get = next(o for o in vendor.operations if o.role == "get")
    env = {**os.environ, f"{vendor.package.upper()}_BASE_URL": f"http://127.0.0.1:{free_port()}"}
    env.update({name: "credential-value" for name in vendor_envs(vendor)})
    values = {**vendor.poll_for(get.name)[1], get.task_id: "t"}
    done = cli(vendor, env, get.name, *arguments(get, values, tmp_path))
    assert done.returncode == 7, done.stderr
    assert len(error_lines(done.stderr)) == 1 and "Traceback" not in done.stderr


def test_on_a_terminal_wait_draws_a_progress_bar_on_stderr(tmp_path: Path) -> None:
    import pty

    vendor = next(v for v in VENDORS if v.task is not None)
    op = next(o for o in vendor.operations if o.role == "submit")
    mock = build_mock(vendor.package, clock=SystemClock(), task_seconds=4, queue_seconds=0)
    with LiveServer(create_app(mock, background=True)) as live:
        env = {**os.environ, f"{vendor.package.upper()}_BASE_URL": live.url}
        env.update(dict(zip(vendor_envs(vendor), mock_credentials(vendor, mock), strict=False)))
        values = examples(vendor, op, {"_EXAMPLES_BASE": live.url})
        if op.caller_id and "." not in op.caller_id:
            values.pop(op.caller_id, None)
        leader, follower = pty.openpty()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                f"generated.{vendor.package}",
                op.name,
                *arguments(op, values, tmp_path),
                "--wait",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=120,
        )
        os.close(follower)
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            drawn += chunk
        os.close(leader)
    assert done.returncode == 0
    assert json.loads(done.stdout)["status"] == "succeeded"
    text = drawn.decode()
    assert "\r" in text and "[" in text and "succeeded" in text
