"""The messages and attributes of the client's exceptions, as a user reads them in a traceback
or a log: what was refused and why, which task failed and how. Written against the mutants
``make mutants`` showed surviving in ``generator/runtime/errors.py``."""

from __future__ import annotations

from generator.runtime import errors
from generator.runtime.tasks import TaskOutcome


def test_a_refused_input_names_the_operation_and_every_problem() -> None:
    error = errors.RequestValidationError("edit_image", ["prompt: too long", "seed: below 0"])
    assert str(error) == "edit_image: prompt: too long; seed: below 0"
    assert error.operation == "edit_image"
    assert error.problems == ["prompt: too long", "seed: below 0"]
    assert isinstance(error, ValueError)


def test_a_connection_error_keeps_its_message_and_whether_it_was_sent() -> None:
    error = errors.APIConnectionError("no answer from api.example", sent=True)
    assert str(error) == "no answer from api.example" and error.sent is True
    timeout = errors.APITimeoutError("too slow", sent=False)
    assert str(timeout) == "too slow" and timeout.sent is False


def test_an_api_error_shows_the_vendor_code_and_request_id() -> None:
    error = errors.APIError("bad key", vendor="acme", code=401, status_code=401, request_id="r1")
    assert str(error) == "[acme] bad key (code 401) [request id r1]"
    bare = errors.APIError("bad key", vendor="acme")
    assert str(bare) == "[acme] bad key"
    assert (bare.code, bare.status_code, bare.request_id, bare.body) == (None, 200, "", None)


def test_a_failed_task_names_the_task_and_the_vendors_reason() -> None:
    outcome = TaskOutcome("t-7", "failed", "FAILED", error="face not found")
    error = errors.TaskFailedError(outcome)
    assert str(error) == "task t-7 failed: face not found"
    assert error.outcome is outcome


def test_a_failed_task_without_a_reason_says_only_that_it_failed() -> None:
    error = errors.TaskFailedError(TaskOutcome("t-8", "failed", "FAILED"))
    assert str(error) == "task t-8 failed"


def test_a_wait_that_gave_up_says_where_the_task_stood_and_for_how_long() -> None:
    outcome = TaskOutcome("t-9", "running", "PROCESSING", progress=0.5)
    error = errors.WaitTimeoutError(outcome, 2.5)
    assert str(error) == "task t-9 still running after 2.5s"
    assert error.outcome is outcome
    assert str(errors.WaitTimeoutError(outcome, 60.0)) == "task t-9 still running after 60s"
