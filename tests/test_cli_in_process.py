"""``generator.runtime.cli`` run in the test's own process (``cli.main`` with a client class
bound to an in-process mock), so every answer, exit status, error line and parsed input is
checked by value. tests/test_cli.py runs the same command line in subprocesses."""

from __future__ import annotations

import argparse
import base64
import json
import re
import sys
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import BaseModel

from generator.runtime import cli, errors
from generator.runtime.mock.core import VendorMock
from generator.runtime.vendor import Operation, Param, Vendor
from tests.test_cli import arguments
from tests.vendors import all_vendors, contract_for

VENDORS = all_vendors()


def submits(vendor: Vendor) -> list[Operation]:
    return [op for op in vendor.operations if op.role == "submit"]


TASK_VENDORS = [v for v in VENDORS if v.task is not None and submits(v)]


def ids(vendors: list[Vendor]) -> list[str]:
    return [v.package for v in vendors]


class Command:
    """``python -m generated.<vendor>`` in process: the client class is bound to ``mock``."""

    def __init__(self, vendor: Vendor, mock: VendorMock | None = None, **client: Any) -> None:
        self.vendor = vendor
        self.contract = contract_for(vendor)
        self.mock = mock if mock is not None else self.contract.create_mock()
        self.client_options = client
        self.base_urls: list[str | None] = []

    def client(self, base_url: str | None = None) -> Any:
        self.base_urls.append(base_url)
        return self.mock.client(self.contract.client_cls, **self.client_options)

    def __call__(self, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
        status = cli.main(self.vendor, self.client, list(argv))
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    def examples(self, op: Operation) -> dict[str, Any]:
        return self.contract.examples(op)


def printed(data: Any) -> str:
    """What the command prints for ``data``: indented JSON, non-ASCII kept, one newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def submit_values(command: Command, op: Operation) -> dict[str, Any]:
    values = command.examples(op)
    if op.caller_id and "." not in op.caller_id:
        values.pop(op.caller_id, None)  # the client names the task
    return values


# -- exit statuses ---------------------------------------------------------------------------
DOCUMENTED = {  # the table README and --help give, error kind by error kind
    errors.TaskFailedError: 1,
    errors.RequestValidationError: 2,
    errors.ConfigurationError: 2,
    errors.AuthenticationError: 3,
    errors.PermissionDeniedError: 3,
    errors.NotFoundError: 4,
    errors.QuotaExceededError: 5,
    errors.RateLimitError: 5,
    errors.InvalidRequestError: 6,
    errors.ConflictError: 6,
    errors.APIConnectionError: 7,
    errors.WaitTimeoutError: 7,
    errors.SDKError: 8,
    errors.ServerError: 8,
    errors.ResponseFormatError: 8,
}


@pytest.mark.parametrize("kind", list(DOCUMENTED), ids=[k.__name__ for k in DOCUMENTED])
def test_each_error_kind_has_its_documented_exit_status(kind: type[Exception]) -> None:
    error = kind.__new__(kind)  # the class is what counts, not its message
    assert cli.exit_status(error) == DOCUMENTED[kind]


def test_the_exit_status_table_says_what_each_status_means() -> None:
    assert [(status, meaning) for status, meaning, _ in cli.EXIT_STATUSES] == [
        (1, "the task failed (with --wait)"),
        (2, "bad usage, or input refused before anything was sent"),
        (3, "the credentials were refused"),
        (4, "no such task or resource"),
        (5, "a quota or rate limit"),
        (6, "the vendor refused the request"),
        (7, "no answer, or --wait gave up"),
        (8, "the vendor failed, or answered unexpectedly"),
    ]


# -- answers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("vendor", VENDORS, ids=ids(VENDORS))
def test_each_operation_prints_the_answer_the_client_gets(vendor: Vendor, capsys, tmp_path):
    """Twin mocks with one seed: the command on one prints exactly what the client method
    returns on the other (a model as its wire JSON, a page as items and counts)."""
    for op in vendor.operations:
        if op.role == "get":
            continue
        command = Command(vendor, contract_for(vendor).create_mock(seed=7))
        twin = command.contract.create_mock(seed=7)
        values = command.examples(op)
        status, out, err = command(capsys, op.name, *arguments(op, values, tmp_path))
        assert (status, err) == (0, ""), op.name
        kwargs = {op.params_by_wire[w].py: v for w, v in values.items()}
        with twin.client(command.contract.client_cls) as client:
            result = getattr(client, op.name)(**kwargs)
        if op.pagination is not None:
            expected = {
                "items": [cli.to_data(item) for item in result.items],
                "page": result.number,
                "total": result.total,
                "has_next_page": result.has_next_page(),
            }
        else:
            expected = result.model_dump(mode="json", by_alias=True, exclude_none=True)
        assert out == printed(expected), op.name
        assert command.base_urls == [None]  # no --base-url: the client's own


def listable(vendor: Vendor) -> tuple[Operation, Operation] | None:
    """A submit and the list operation that pages through its tasks, if the vendor has one."""
    lists = [op for op in vendor.operations if op.role == "list"]
    subs = submits(vendor)
    return (subs[0], lists[0]) if lists and subs else None


LISTING = [v for v in VENDORS if listable(v) is not None]


@pytest.mark.parametrize("vendor", LISTING, ids=ids(LISTING))
def test_a_page_prints_its_items_number_total_and_whether_more_follow(vendor, capsys, tmp_path):
    submit, listing = listable(vendor)
    command = Command(vendor)
    with command.mock.client(command.contract.client_cls) as client:
        for _ in range(3):
            client._send(submit, submit_values(command, submit))
    size = next(p for p in listing.inputs if p.wire == listing.pagination.size)
    first = next(p for p in listing.inputs if p.wire == listing.pagination.page)
    status, out, _ = command(capsys, listing.name, f"--{size.py}", "2")
    answer = json.loads(out)
    assert status == 0
    assert list(answer) == ["items", "page", "total", "has_next_page"]
    total = 3 if listing.pagination.total else None  # a vendor may not count its tasks
    assert (len(answer["items"]), answer["page"], answer["total"]) == (2, 1, total)
    assert answer["has_next_page"] is True
    status, out, _ = command(capsys, listing.name, f"--{size.py}", "2", f"--{first.py}", "2")
    answer = json.loads(out)
    assert (len(answer["items"]), answer["page"], answer["total"]) == (1, 2, total)
    assert answer["has_next_page"] is False


CALLER_NAMED = [
    v for v in VENDORS if any(op.caller_id and "." not in op.caller_id for op in submits(v))
]


@pytest.mark.parametrize("vendor", CALLER_NAMED, ids=ids(CALLER_NAMED))
def test_non_ascii_text_is_printed_as_itself(vendor: Vendor, capsys, tmp_path) -> None:
    """A task id the caller chose, in Chinese, comes back unescaped in the task's answer."""
    op = next(o for o in submits(vendor) if o.caller_id and "." not in o.caller_id)
    command = Command(vendor)
    values = {**command.examples(op), op.caller_id: "订单甲乙"}
    status, out, _ = command(capsys, op.name, *arguments(op, values, tmp_path))
    assert status == 0
    get, extra = vendor.poll_for(op.name)
    poll = {**extra, get.task_id: "订单甲乙"} if get.task_id == op.caller_id else None
    if poll is None:
        assert "订单甲乙" in out and "\\u" not in out
        return
    status, out, _ = command(capsys, get.name, *arguments(get, poll, tmp_path))
    assert status == 0 and "订单甲乙" in out and "\\u8ba2" not in out


def test_to_data_gives_a_models_wire_names_without_empty_fields() -> None:
    """Found in the generated models: a field whose wire name differs from its Python name,
    built from wire JSON with an optional field left out; to_data gives that JSON back."""
    for vendor in VENDORS:
        models = contract_for(vendor).models
        for name in dir(models):
            model = getattr(models, name)
            fields = getattr(model, "model_fields", None)
            if not isinstance(fields, dict) or not fields:
                continue
            aliased = [f for f, info in fields.items() if info.alias and info.alias != f]
            optional = [f for f, info in fields.items() if not info.is_required()]
            required = [f for f, info in fields.items() if info.is_required()]
            if not aliased or not optional or required:
                continue
            field = aliased[0]
            wire = fields[field].alias
            kind = fields[field].annotation
            value: Any = 3 if kind in (int, int | None) else "x"
            try:
                built = model.model_validate({wire: value})
            except Exception:  # a field of another type: try another model
                continue
            assert cli.to_data(built) == {wire: value}, name
            assert cli.to_data([1, "a"]) == [1, "a"]  # anything else as it is
            return
    raise AssertionError("no generated model has an aliased field and an optional one")


def test_to_data_gives_json_ready_values() -> None:
    """Values JSON has no type for (a time, bytes, a tuple) come out as JSON text and lists,
    so that ``json.dump`` can print any answer."""

    class Stamped(BaseModel):
        at: datetime
        raw: bytes
        pair: tuple[int, int]

    stamped = Stamped(at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), raw=b"ab", pair=(1, 2))
    data = cli.to_data(stamped)
    assert data == {"at": "2026-01-02T03:04:05Z", "raw": "ab", "pair": [1, 2]}
    assert json.loads(json.dumps(data)) == data


def test_an_answer_that_is_no_object_is_printed_under_result() -> None:
    op = next(op for v in VENDORS for op in v.operations if op.pagination is None)
    client = SimpleNamespace(**{op.name: lambda **values: ["a", values["n"]]})
    assert cli.run(client, op, {"n": 2}, argparse.Namespace(wait=False)) == {"result": ["a", 2]}


# -- --wait and --out ------------------------------------------------------------------------
def outcome_data(outcome: Any) -> dict[str, Any]:
    return {
        "task_id": outcome.task_id,
        "status": outcome.status,
        "vendor_status": outcome.vendor_status,
        "images": list(outcome.images),
        "progress": outcome.progress,
        "error": outcome.error,
    }


@pytest.mark.parametrize("vendor", TASK_VENDORS, ids=ids(TASK_VENDORS))
def test_wait_prints_the_outcome_and_out_saves_each_image(vendor, capsys, tmp_path) -> None:
    op = submits(vendor)[0]
    command = Command(vendor)
    args = arguments(op, submit_values(command, op), tmp_path)
    out_dir = tmp_path / "results"
    status, out, err = command(capsys, op.name, *args, "--wait", "--out", str(out_dir))
    assert (status, err) == (0, "")  # stderr is no terminal: no progress bar
    answer = json.loads(out)
    with command.mock.client(command.contract.client_cls) as client:
        outcome = client.get_outcome(answer["task_id"], operation=op.name)
        saved = client.download(outcome, tmp_path / "again")
    assert outcome.status == "succeeded" and outcome.images
    files = [str(out_dir / p.name) for p in saved]
    assert out == printed({**outcome_data(outcome), "files": files})
    assert [Path(f).read_bytes() for f in files] == [p.read_bytes() for p in saved]
    status, out, err = Command(vendor)(capsys, op.name, *args, "--wait")
    answer = json.loads(out)
    assert status == 0 and "files" not in answer and answer["status"] == "succeeded"


@pytest.mark.parametrize("vendor", TASK_VENDORS, ids=ids(TASK_VENDORS))
def test_a_failed_task_is_exit_status_1_with_wait_and_saves_nothing(vendor, capsys, tmp_path):
    op = submits(vendor)[0]
    command = Command(vendor)
    args = arguments(op, submit_values(command, op), tmp_path)
    command.mock.force_outcome("failed", error="no GPU left")
    out_dir = tmp_path / "results"
    status, out, _ = command(capsys, op.name, *args, "--wait", "--out", str(out_dir))
    answer = json.loads(out)
    assert status == 1
    assert answer["status"] == "failed" and answer["images"] == []
    assert "files" not in answer and not out_dir.exists()
    command = Command(vendor)
    command.mock.force_outcome("failed")
    status, out, _ = command(capsys, op.name, *args)  # no --wait: the submit itself went well
    assert status == 0 and json.loads(out)


@pytest.mark.parametrize("vendor", TASK_VENDORS, ids=ids(TASK_VENDORS))
def test_wait_timeout_is_how_long_wait_follows_the_task(vendor, capsys, tmp_path) -> None:
    """On the mock's virtual clock: a task of 600.5 s outlives the default 600 s wait (exit 7,
    one line), and is followed to the end with --wait-timeout 700."""
    op = submits(vendor)[0]

    def command() -> Command:
        return Command(
            vendor, contract_for(vendor).create_mock(task_seconds=600.5, queue_seconds=0)
        )

    args = arguments(op, submit_values(command(), op), tmp_path)
    status, out, err = command()(capsys, op.name, *args, "--wait")
    assert (status, out) == (7, "")
    assert re.fullmatch(r"error: task \S+ still (queued|running) after 600s\n", err), err
    status, out, err = command()(capsys, op.name, *args, "--wait", "--wait-timeout", "700")
    assert (status, err) == (0, "") and json.loads(out)["status"] == "succeeded"
    status, out, err = command()(capsys, op.name, *args, "--wait", "--wait-timeout", "0.5")
    assert status == 7 and err.endswith(" after 0.5s\n")


# -- failures --------------------------------------------------------------------------------
def error_line(call: Callable[[], Any]) -> str:
    """The line the command prints for the error ``call`` raises."""
    with pytest.raises(errors.SDKError) as raised:
        call()
    return f"error: {' '.join(str(raised.value).split())}\n"


@pytest.mark.parametrize("vendor", VENDORS, ids=ids(VENDORS))
def test_refused_credentials_are_exit_status_3_and_one_line(vendor, capsys, tmp_path) -> None:
    op = next(o for o in vendor.operations if o.role in ("list", "catalog", "action", "submit"))
    name = vendor.auth.credentials[0].name
    command, twin = (
        Command(vendor, contract_for(vendor).create_mock(seed=7), **{name: "wrong-credential"})
        for _ in range(2)
    )
    values = command.examples(op)
    status, out, err = command(capsys, op.name, *arguments(op, values, tmp_path))
    kwargs = {op.params_by_wire[w].py: v for w, v in values.items()}
    with twin.client() as client:  # the same seed: the same request id
        expected = error_line(lambda: getattr(client, op.name)(**kwargs))
    assert (status, out, err) == (3, "", expected)


GETTING = [v for v in VENDORS if any(o.role == "get" and o.task_id for o in v.operations)]


@pytest.mark.parametrize("vendor", GETTING, ids=ids(GETTING))
def test_a_missing_task_is_exit_status_4_and_the_vendors_message(vendor, capsys, tmp_path):
    get = next(o for o in vendor.operations if o.role == "get" and o.task_id)
    values = {**vendor.poll_for(get.name)[1], get.task_id: "no-such-task-404"}
    command, twin = (Command(vendor, contract_for(vendor).create_mock(seed=7)) for _ in range(2))
    status, out, err = command(capsys, get.name, *arguments(get, values, tmp_path))
    kwargs = {get.params_by_wire[w].py: v for w, v in values.items()}
    with twin.client() as client:  # the same seed: the same request id
        expected = error_line(lambda: getattr(client, get.name)(**kwargs))
    assert (status, out, err) == (4, "", expected)


@pytest.mark.parametrize("vendor", VENDORS, ids=ids(VENDORS))
def test_missing_credentials_are_exit_status_2(vendor, capsys, monkeypatch, tmp_path) -> None:
    for credential in vendor.auth.credentials:
        monkeypatch.delenv(credential.env, raising=False)
    op = vendor.operations[0]
    client_cls = contract_for(vendor).client_cls
    values = contract_for(vendor).examples(op)
    status = cli.main(vendor, client_cls, [op.name, *arguments(op, values, tmp_path)])
    captured = capsys.readouterr()
    expected = error_line(lambda: client_cls(base_url="http://127.0.0.1:9"))
    assert (status, captured.out, captured.err) == (2, "", expected)


def number_input(vendor: Vendor, kind: str) -> tuple[Operation, Param] | None:
    for op in vendor.operations:
        for param in op.inputs:
            if param.schema_.get("type") == kind and not param.literal:
                return op, param
    return None


NUMBERED = [v for v in VENDORS if number_input(v, "integer") or number_input(v, "number")]


@pytest.mark.parametrize("vendor", NUMBERED, ids=ids(NUMBERED))
def test_a_word_for_a_number_is_exit_status_2_before_sending(vendor, capsys, tmp_path) -> None:
    op, param = number_input(vendor, "integer") or number_input(vendor, "number")
    command = Command(vendor)
    values = {**command.examples(op), param.wire: "many"}
    status, out, err = command(capsys, op.name, *arguments(op, values, tmp_path))
    assert (status, out, err) == (2, "", f"error: --{param.py} takes a number, not 'many'\n")
    assert command.base_urls == []  # refused before a client was made


@pytest.mark.parametrize("vendor", VENDORS, ids=ids(VENDORS))
def test_base_url_reaches_the_client(vendor: Vendor, capsys, tmp_path) -> None:
    op = next(o for o in vendor.operations if o.role != "get")
    command = Command(vendor)
    argv = [op.name, *arguments(op, command.examples(op), tmp_path)]
    assert command(capsys, "--base-url", "http://x.test/v1", *argv)[0] == 0
    assert command.base_urls == ["http://x.test/v1"]


# -- reading inputs --------------------------------------------------------------------------
def inputs_where(test: Callable[[Operation, Param], bool]) -> list[tuple[Operation, Param]]:
    return [(op, p) for v in VENDORS for op in v.operations for p in op.inputs if test(op, p)]


def first_input(test: Callable[[Operation, Param], bool]) -> tuple[Operation, Param]:
    found = inputs_where(test)
    if not found:
        pytest.skip("no vendor has such an input")
    return found[0]


def of_type(kind: str) -> Callable[[Operation, Param], bool]:
    def test(op: Operation, param: Param) -> bool:
        return param.schema_.get("type") == kind and param.wire not in op.limits.images

    return test


@pytest.mark.parametrize(
    ("text", "value"),
    [
        *[("true", True), ("TRUE", True), ("Yes", True), ("on", True), ("1", True)],
        *[("false", False), ("FALSE", False), ("No", False), ("OFF", False), ("0", False)],
    ],
    ids=lambda x: str(x),
)
def test_a_switch_reads_true_and_false_words_in_any_case(text: str, value: bool) -> None:
    op, param = first_input(of_type("boolean"))
    assert cli.read_input(op, param, text) is value


def test_a_switch_refuses_other_words_naming_the_input() -> None:
    op, param = first_input(of_type("boolean"))
    with pytest.raises(ValueError) as refused:
        cli.read_input(op, param, "maybe")
    assert str(refused.value) == f"--{param.py} takes true or false, not 'maybe'"


def test_numbers_are_read_as_their_type_and_words_refused() -> None:
    op, whole = first_input(of_type("integer"))
    value = cli.read_input(op, whole, "12")
    assert value == 12 and type(value) is int
    for text in ("1.5", "many"):
        with pytest.raises(ValueError) as refused:
            cli.read_input(op, whole, text)
        assert str(refused.value) == f"--{whole.py} takes a number, not {text!r}"
    op, real = first_input(of_type("number"))
    value = cli.read_input(op, real, "2.5")
    assert value == 2.5 and type(value) is float
    assert type(cli.read_input(op, real, "3")) is float
    with pytest.raises(ValueError) as refused:
        cli.read_input(op, real, "many")
    assert str(refused.value) == f"--{real.py} takes a number, not 'many'"


def test_a_nested_input_is_json_and_bad_json_says_where() -> None:
    op, param = first_input(of_type("object"))
    assert cli.read_input(op, param, '{"a": [1, "b"]}') == {"a": [1, "b"]}
    with pytest.raises(ValueError) as refused:
        cli.read_input(op, param, "{not json")
    message = "Expecting property name enclosed in double quotes at 1"
    assert str(refused.value) == f"--{param.py} takes JSON: {message}"
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


def test_a_list_or_model_typed_input_without_a_schema_type_is_json_too() -> None:
    op, param = first_input(of_type("string"))
    for py_type in ("list[str]", "models.Anything"):
        typed = param.model_copy(update={"py_type": py_type, "schema_": {}})
        assert cli.read_input(op, typed, '["a", 2]') == ["a", 2]
    plain = param.model_copy(update={"py_type": "Any", "schema_": {}})
    assert cli.read_input(op, plain, '["a", 2]') == '["a", 2]'


def test_an_object_or_array_schema_is_json_whatever_its_python_type() -> None:
    op, param = first_input(of_type("string"))
    for kind in ("object", "array"):
        typed = param.model_copy(update={"py_type": "Any", "schema_": {"type": kind}})
        assert cli.read_input(op, typed, '{"a": [1]}') == {"a": [1]}
        assert cli.read_input(op, typed, "[true]") == [True]


def test_text_stays_text_and_an_absent_input_is_none() -> None:
    op, param = first_input(of_type("string"))
    assert cli.read_input(op, param, "12") == "12"
    assert cli.read_input(op, param, "true") == "true"
    assert cli.read_input(op, param, None) is None
    _, number = first_input(of_type("integer"))
    assert cli.read_input(op, number, None) is None


def image_input(source: str) -> tuple[Operation, Param]:
    def test(op: Operation, param: Param) -> bool:
        limit = op.limits.images.get(param.wire)
        if source == "file":
            return param.location == "file"
        return limit is not None and limit.source == source

    return first_input(test)


@pytest.fixture
def picture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file in the home folder (``~`` is tmp_path here)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    path = tmp_path / "face.png"
    path.write_bytes(b"\x89PNG picture bytes")
    return path


@pytest.mark.parametrize("source", ["base64", "base64_or_url"])
def test_a_base64_image_input_reads_a_file_and_passes_other_text_on(source, picture) -> None:
    op, param = image_input(source)
    encoded = base64.b64encode(picture.read_bytes()).decode()
    assert cli.read_input(op, param, str(picture)) == encoded
    assert cli.read_input(op, param, "~/face.png") == encoded
    assert cli.read_input(op, param, "aGVsbG8=") == "aGVsbG8="  # base64 already
    assert cli.read_input(op, param, str(picture.parent)) == str(picture.parent)  # a folder
    url = "https://example.test/face.png"
    assert cli.read_input(op, param, url) == url
    assert cli.read_input(op, param, "http://example.test/a.png") == "http://example.test/a.png"


def test_a_base64_only_input_reads_a_file_even_if_its_name_looks_like_a_url(
    picture: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    op, param = image_input("base64")
    odd = tmp_path / "http:" / "x.png"
    odd.parent.mkdir()
    odd.write_bytes(b"odd")
    monkeypatch.chdir(tmp_path)
    assert cli.read_input(op, param, "http:/x.png") == base64.b64encode(b"odd").decode()
    op, either = image_input("base64_or_url")
    (tmp_path / "https:").mkdir()
    (tmp_path / "https:" / "y.png").write_bytes(b"y")
    assert cli.read_input(op, either, "https://y.png") == "https://y.png"  # a URL first
    (tmp_path / "http:").mkdir(exist_ok=True)
    (tmp_path / "http:" / "z.png").write_bytes(b"z")
    assert cli.read_input(op, either, "http://z.png") == "http://z.png"


def test_a_url_image_input_is_passed_on_as_given(picture: Path) -> None:
    op, param = image_input("url")
    assert cli.read_input(op, param, str(picture)) == str(picture)
    assert cli.read_input(op, param, "https://example.test/a.png") == "https://example.test/a.png"


def test_a_file_image_input_is_the_path_and_a_missing_file_is_refused(picture: Path) -> None:
    op, param = image_input("file")
    assert cli.read_input(op, param, str(picture)) == picture
    assert cli.read_input(op, param, "~/face.png") == picture
    for text in ("https://example.test/a.png", str(picture.parent / "nothing.png")):
        with pytest.raises(ValueError) as refused:
            cli.read_input(op, param, text)
        assert str(refused.value) == f"--{param.py}: no such file: {text}"


def test_read_image_without_limits_is_a_file_upload(picture: Path) -> None:
    op, param = image_input("file")
    assert cli.read_image(param, None, str(picture)) == picture
    unlimited = param.model_copy(update={"wire": "not-an-image-input"})
    assert cli._source(op, unlimited) == "file"
    assert cli.read_input(op, unlimited, str(picture)) == picture  # a file part: an upload
    sub = argparse.ArgumentParser()
    cli._add_input(sub, op, unlimited)
    assert action(sub, param.py).help.endswith(" [an image: a file path]")
    op, limited = image_input("base64_or_url")
    assert cli._source(op, limited) == "base64_or_url"


# -- the parser ------------------------------------------------------------------------------
def subparser(vendor: Vendor, name: str) -> argparse.ArgumentParser:
    root = cli.parser(vendor)
    commands = next(a for a in root._actions if isinstance(a, argparse._SubParsersAction))
    return commands.choices[name]


def action(parser: argparse.ArgumentParser, dest: str) -> argparse.Action:
    return next(a for a in parser._actions if a.dest == dest)


@pytest.mark.parametrize("vendor", VENDORS, ids=ids(VENDORS))
def test_help_names_the_program_its_environment_and_every_exit_status(vendor) -> None:
    text = cli.parser(vendor).format_help()
    env = [f"{vendor.package.upper()}_BASE_URL", *(c.env for c in vendor.auth.credentials)]
    env += [s.env for s in vendor.settings if s.env]
    assert text.startswith(f"usage: python -m generated.{vendor.package} [-h]")
    assert (
        f"\n\n{vendor.title}: every operation from the command line. The answer is JSON on "
        "standard output.\n\n" in text
    )
    assert text.endswith(
        f"\n\nenvironment: {', '.join(env)}\n\nexit status:\n  0  success\n"
        "  1  the task failed (with --wait)\n"
        "  2  bad usage, or input refused before anything was sent\n"
        "  3  the credentials were refused\n"
        "  4  no such task or resource\n"
        "  5  a quota or rate limit\n"
        "  6  the vendor refused the request\n"
        "  7  no answer, or --wait gave up\n"
        "  8  the vendor failed, or answered unexpectedly\n"
    )
    assert ", , " not in text and not text.split("environment: ")[1].startswith(",")
    base = action(cli.parser(vendor), "base_url")
    assert base.option_strings == ["--base-url"] and base.default is None
    assert base.help == "where the API lives (default: as for the client)"
    ops = action(cli.parser(vendor), "operation")
    assert ops.required is True and ops.metavar == "OPERATION"
    assert list(ops.choices) == [op.name for op in vendor.operations]
    for op in vendor.operations:
        line = next(c for c in ops._choices_actions if c.dest == op.name)
        assert line.help == cli._escape(cli._first_sentence(op.doc))
        sub = ops.choices[op.name]
        assert sub.description == cli._escape(op.doc)
        assert isinstance(sub.formatter_class, type)
        assert sub.formatter_class is argparse.RawDescriptionHelpFormatter


def test_no_operation_is_bad_usage(capsys) -> None:
    vendor = VENDORS[0]
    with pytest.raises(SystemExit) as stopped:
        cli.main(vendor, contract_for(vendor).client_cls, [])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.endswith(
        "error: the following arguments are required: OPERATION\n"
    )


def expected_help(op: Operation, param: Param) -> str:
    text = param.description or "not described by the spec"
    limit = op.limits.images.get(param.wire)
    if limit is not None or param.location == "file":
        source = limit.source if limit is not None else "file"
        return text + (
            " [an image: a file path or a URL]" if "url" in source else " [an image: a file path]"
        )
    if param.schema_.get("type") in ("object", "array") or param.py_type.startswith("models."):
        return text + " [JSON]"
    return text


@pytest.mark.parametrize("vendor", VENDORS, ids=ids(VENDORS))
def test_each_input_is_an_option_with_its_doc_and_kind(vendor: Vendor) -> None:
    for op in vendor.operations:
        sub = subparser(vendor, op.name)
        for param in op.inputs:
            option = action(sub, param.py)
            names = [f"--{param.py}"] + (
                [f"--{param.py.replace('_', '-')}"] if "_" in param.py else []
            )
            assert option.option_strings == names
            assert option.required is (param.required and param.wire != op.caller_id)
            assert option.metavar == param.py.upper()
            assert option.choices == (list(param.literal) or None)
            assert option.help == cli._escape(expected_help(op, param))
            assert option.default is None


def test_an_input_without_a_description_says_so_and_percent_signs_are_kept() -> None:
    op, param = first_input(of_type("string"))
    sub = argparse.ArgumentParser()
    bare = param.model_copy(update={"description": ""})
    cli._add_input(sub, op, bare)
    assert action(sub, param.py).help == "not described by the spec"
    sub = argparse.ArgumentParser()
    cli._add_input(sub, op, param.model_copy(update={"description": "100% of it"}))
    assert "100% of it" in sub.format_help()


@pytest.mark.parametrize("vendor", VENDORS, ids=ids(VENDORS))
def test_only_a_task_submit_has_wait_out_and_wait_timeout(vendor: Vendor) -> None:
    for op in vendor.operations:
        sub = subparser(vendor, op.name)
        dests = {a.dest for a in sub._actions}
        has = op.role == "submit" and vendor.task is not None
        assert {"wait", "out", "wait_timeout"} <= dests if has else not dests & {"wait", "out"}
        if not has:
            continue
        wait, out, timeout = (action(sub, d) for d in ("wait", "out", "wait_timeout"))
        assert (wait.option_strings, wait.default, wait.const) == (["--wait"], False, True)
        assert wait.help == "wait for the task to finish"
        assert (out.option_strings, out.type, out.metavar) == (["--out"], Path, "DIR")
        assert out.help == "with --wait: save the result images here" and out.default is None
        assert timeout.option_strings == ["--wait-timeout"]
        assert (timeout.type, timeout.default, timeout.metavar) == (float, 600.0, "SECONDS")
        assert timeout.help == "(600)"
        required = [f"--{p.py}" for p in op.inputs if action(sub, p.py).required]
        fill = [x for r in required for x in (r, "1")]
        parsed = sub.parse_args([*fill, "--wait", "--out", "d", "--wait-timeout", "2.5"])
        assert (parsed.wait, parsed.out, parsed.wait_timeout) == (True, Path("d"), 2.5)


@pytest.mark.parametrize(
    ("doc", "first"),
    [
        ("Submit a task. Then wait.", "Submit a task"),
        ("One line\n  over two.  Second.", "One line over two"),
        ("No full stop", "No full stop"),
        ("Ends here.", "Ends here"),
        ("Size in pixels X.", "Size in pixels X"),
        ("Version 1.5 works. Yes.", "Version 1.5 works"),
        ("", ""),
        ("   ", ""),
    ],
    ids=["two", "wrapped", "no-stop", "one", "ends-in-x", "dotted", "empty", "blank"],
)
def test_the_first_sentence_of_a_doc_is_its_summary(doc: str, first: str) -> None:
    assert cli._first_sentence(doc) == first


def test_percent_signs_are_escaped_for_argparse() -> None:
    assert cli._escape("100% sure, 5%s") == "100%% sure, 5%%s"
    assert cli._escape("none") == "none"


def test_one_line_joins_a_message_and_names_a_silent_error() -> None:
    assert cli.one_line(ValueError("bad\n  input\there ")) == "bad input here"
    assert cli.one_line(KeyError()) == "KeyError"
    assert cli.one_line(errors.SDKError("")) == "SDKError"


def test_a_warning_is_one_line_naming_its_kind() -> None:
    line = cli.one_line_warning(UserWarning("key too\n short"), UserWarning, "x.py", 3)
    assert line == "warning: UserWarning: key too short\n"
    assert (
        cli.one_line_warning("plain", DeprecationWarning) == "warning: DeprecationWarning: plain\n"
    )


@pytest.mark.parametrize("vendor", TASK_VENDORS[:1], ids=ids(TASK_VENDORS[:1]))
def test_run_module_exits_with_mains_status_and_one_line_warnings(
    vendor: Vendor, capsys, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    command = Command(vendor)
    get = next(o for o in vendor.operations if o.role == "get" and o.task_id)
    values = {**vendor.poll_for(get.name)[1], get.task_id: "no-such-task-404"}
    monkeypatch.setattr(sys, "argv", ["prog", get.name, *arguments(get, values, tmp_path)])
    monkeypatch.setattr(warnings, "formatwarning", warnings.formatwarning)
    with pytest.raises(SystemExit) as stopped:
        cli.run_module(vendor, command.client)
    assert stopped.value.code == 4
    assert warnings.formatwarning is cli.one_line_warning
    assert capsys.readouterr().err.startswith("error: ")
