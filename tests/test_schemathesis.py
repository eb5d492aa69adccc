"""Schemathesis against every vendor mock, from that vendor's own OpenAPI document.

Each vendor's spec (loaded with our overlay applied, as the generator sees it) drives Schemathesis'
three phases per operation: the spec's examples, the coverage phase (boundary and negative values,
deterministic) and fuzzing (``MAX_EXAMPLES`` positive and negative cases, derandomised, no example
database, no shrinking). Every request goes in-process into the mock's Starlette app: nothing
leaves the machine (the test refuses outgoing connections; callbacks go to a recorder).

Every answer must:

- not be a 5xx (``not_a_server_error``);
- use a status code, content type, headers and body the spec declares for the operation
  (``status_code_conformance``, ``content_type_conformance``, ``response_headers_conformance``,
  ``response_schema_conformance``); a response the spec declares without content (Zhiqite's
  gateway 401 / 403, reason in ``X-Ca-Error-Message``) must come without a body;
- not hide a fault of the mock: a vendor answering every error with HTTP 200 would turn a crash
  into a well-shaped "system error", so the mock's own error log must stay empty;
- refuse a request that carries a wrong or no credential.

Credentials come from the runtime's own auth plug-in for the vendor (``x-sdk.auth``), with
the credentials the mock accepts by default: a form field is put on the generated case (its body
is encoded later), query and headers on the request as it is sent (a signature covers the bytes
sent, on the mock's clock). One request in five deliberately carries a wrong credential (the last
one the vendor takes: the key itself, or the secret that signs) or none at all. At the end the
module reports, per vendor, how many cases with a valid credential reached the operation rather
than being refused by the auth check: most must.

Most generated requests would stop at validation, so the test steers part of them past it: where
a field carries an image, three cases in four get a real one (the spec cannot say "a PNG in
base64"); every other case meets x-sdk-limits (exactly one of, not blank); numbers the spec leaves
unbounded but the mock's work grows with are mostly kept small. A submit that makes a task is
followed, on the mock's virtual clock, by the get operation for it (checked the same way) and the
download of its result files; callbacks the mock sends are checked against the spec's callback
schemas. Each operation runs against a fresh mock holding one finished task per submit operation
(the x-sdk examples), which get operations are sometimes pointed at. Every such choice derives
from a hash of the generated case, so a run is the same every time.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest
import requests
import schemathesis
from openapi_schema_validator import OAS30Validator
from schemathesis import Case

from generator.discover import vendor_folders
from generator.load import load
from generator.runtime import errors
from generator.runtime.auth import plugin_for
from generator.runtime.client import Outgoing
from generator.runtime.envelope import bodiless_error, unwrap
from generator.runtime.images import mask_png_base64, png_base64
from generator.runtime.mock import VendorMock
from generator.runtime.mock.effects import EFFECTS
from generator.runtime.secrets import Secret
from generator.runtime.testing import as_kwargs, example_values
from generator.runtime.vendor import Operation, Vendor

FOLDERS = {v.package: v.folder for v in vendor_folders()}
VENDORS = sorted(FOLDERS)
# Fuzzed cases per operation; set SCHEMATHESIS_MAX_EXAMPLES for a deeper run.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
CONFIG = {
    "seed": 20260101,
    "suppress-health-check": ["all"],  # generation is slow for the larger schemas; no matter
    "generation": {
        "mode": "all",  # positive and negative cases
        "max-examples": MAX_EXAMPLES,
        "deterministic": True,
        "database": "none",
        # A failure is reported as found: shrinking replays requests against a mock whose state
        # has moved on, which takes minutes and rarely makes the request smaller.
        "no-shrink": True,
    },
    "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
}
# Effect arguments the specs leave unbounded but the mock's work grows with (an image's sides
# and scale, a count of images, a logo stretched to a box): a task past these is not followed
# up, or the test would run for minutes.
MAX_EFFECT_NUMBER = 2048
MAX_EFFECT_WORK = 2048 * 2048 * 4  # the product of a task's numeric effect arguments
MAX_IMAGES_PER_TASK = 8  # made (drawn and encoded) on download
MAX_LISTED_IMAGES = 1000  # listed (URL and seed) in answers and callbacks
# Of the cases sent with a valid credential, the share that must reach the operation.
MIN_REACHED = 0.5


def digest(*parts: Any) -> bytes:
    """A stable hash of a request's generated parts: every choice this module makes about a case
    derives from it, so a case Hypothesis replays is sent the same way."""
    return hashlib.sha256(repr(parts).encode()).digest()


def case_digest(case: Case) -> bytes:
    return digest(case.method, case.path, case.path_parameters, case.query, case.body)


def credential_variant(seed: bytes) -> str:
    """``valid`` for most requests; ``wrong`` or ``missing`` for one in ten each."""
    return {0: "wrong", 1: "missing"}.get(seed[0] % 10, "valid")


# -- a vendor under test ----------------------------------------------------------------------
class Harness:
    """A vendor's spec as a Schemathesis schema, served by a mock that each test replaces."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.package = importlib.import_module(f"generated.{vendor}")
        self.create_mock = importlib.import_module(f"generated.{vendor}.mock").create_mock
        self.model: Vendor = self.package.VENDOR
        document = load(FOLDERS[vendor]).document
        prefix = urlsplit(document.get("servers", [{}])[0].get("url", "")).path.rstrip("/")
        # A host that cannot resolve: requests never leave the process anyway.
        self.origin = f"http://{vendor.replace('_', '-')}.mock.test"
        self.prefix = prefix
        self.base_url = self.origin + prefix
        self.schema = schemathesis.openapi.from_dict(
            document, config=schemathesis.Config.from_dict(CONFIG)
        )
        self.schema.app = self.asgi
        self.callbacks: list[tuple[str, Any]] = []
        self.variant = "valid"  # the credential the case being sent carries
        self.reached = {"operation": 0, "auth": 0}  # valid credentials: where the cases stopped
        self.mock: VendorMock = self.new_mock()
        self.seeded: dict[str, list[str]] = {}

    async def asgi(self, scope: Any, receive: Any, send: Any) -> None:
        await self.mock.app(scope, receive, send)

    def new_mock(self) -> VendorMock:
        def receive(request: httpx.Request) -> httpx.Response:
            """Every callback arrives here, and is accepted (Zhiqite wants {"code": "200"})."""
            self.callbacks.append((str(request.url), json.loads(request.content)))
            return httpx.Response(200, json={"code": "200"})

        self.callbacks = []
        return self.create_mock(callback_transport=httpx.MockTransport(receive))

    def reset(self) -> None:
        """A fresh mock holding one finished task per submit operation, made from the x-sdk
        examples through the generated client (ids and state are the same on every run)."""
        self.mock = self.new_mock()
        client_cls = getattr(self.package, f"{self.mock.vendor.class_prefix}Client")
        with self.mock.client(client_cls) as client:
            for op in self.mock.vendor.operations:
                if op.role == "submit":
                    values = example_values(op, client.base_url)
                    getattr(client, op.name)(**as_kwargs(op, values))
        try:
            self.mock.advance(3600)  # the seeded tasks finish and send their callbacks
        except Exception as exc:
            raise AssertionError(
                f"the {self.vendor} mock failed while its seeded tasks finished: {exc!r}"
            ) from exc
        self.seeded = {}
        for task in self.mock.store.tasks.values():
            self.seeded.setdefault(task.poll_op, []).append(task.external_id or task.id)
        self.callbacks.clear()

    def op(self, case: Case) -> Operation:
        """The runtime's view of the operation a case is for."""
        method, path = case.operation.method.upper(), case.operation.path
        return next(o for o in self.mock.vendor.operations if (o.method, o.path) == (method, path))


HARNESSES = {vendor: Harness(vendor) for vendor in VENDORS}


# -- credentials ------------------------------------------------------------------------------
def credentials(vendor: Vendor, variant: str) -> dict[str, Secret]:
    """The credentials the mock accepts by default; for ``wrong``, the last one the plug-in
    uses forged (the key itself for a one-key vendor, the secret that signs for the others)."""
    values = {c.name: Secret(c.mock_default) for c in vendor.auth.credentials if c.required}
    if variant == "wrong":
        values[forged_credential(vendor)] = Secret("forged-credential")
    return values


def forged_credential(vendor: Vendor) -> str:
    """The last credential whose value changes what the plug-in writes on a request."""

    def written(values: dict[str, Secret]) -> tuple[Any, ...]:
        probe = Outgoing(method="POST", path="/", host="probe.test", content=b"")
        plugin_for(vendor.auth).apply(probe, values, 0.0)
        return probe.query, probe.headers, probe.form

    valid = {c.name: Secret(c.mock_default) for c in vendor.auth.credentials if c.required}
    used = [
        name
        for name in valid
        if written({**valid, name: Secret("forged-credential")}) != written(valid)
    ]
    return used[-1]


def plugin_writes(vendor: Vendor) -> Outgoing:
    """What the vendor's auth plug-in puts on a blank request: the slots of a credential."""
    probe = Outgoing(method="POST", path="/", host="probe.test", content=b"")
    plugin_for(vendor.auth).apply(probe, credentials(vendor, "valid"), 0.0)
    return probe


def credential_params(op: Operation) -> dict[str, str]:
    """Inputs the client fills with a credential besides the plug-in's (by wire name)."""
    return {p.wire: p.value for p in op.params if p.source == "credential"}


def put_form_credentials(harness: Harness, case: Case, variant: str) -> None:
    """The plug-in's form fields (HD repaint's ``user_key``) on a generated case, whose body is
    encoded only when it is sent; other credential inputs of the operation alike."""
    if not isinstance(case.body, dict):
        return
    written = plugin_writes(harness.model)
    for name in written.form:
        case.body.pop(name, None)
    if variant != "missing":
        outgoing = Outgoing(method=case.method, path=case.path)
        plugin_for(harness.model.auth).apply(
            outgoing, credentials(harness.model, variant), harness.mock.clock.time()
        )
        case.body.update(outgoing.form)
    by_name = {c.name: c.mock_default for c in harness.model.auth.credentials}
    for wire, name in credential_params(harness.op(case)).items():
        container, key = _walk(case.body, wire)
        if container is not None:
            container[key] = by_name.get(name, "")


class PluginAuth(requests.auth.AuthBase):
    """The vendor's auth plug-in applied to a request as it is sent: query and headers (a
    signature covers the exact bytes sent), on the mock's clock. A ``missing`` credential
    takes out whatever the plug-in would have put in the query and its secret headers."""

    def __init__(self, harness: Harness, variant: str) -> None:
        self.harness = harness
        self.variant = variant

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        vendor = self.harness.model
        url = urlsplit(str(request.url))
        body = request.body or b""
        body = body.encode() if isinstance(body, str) else body
        written = plugin_writes(vendor)
        query = [(k, v) for k, v in parse_qsl(url.query, keep_blank_values=True)]
        query = [(k, v) for k, v in query if k not in {name for name, _ in written.query}]
        for header in plugin_for(vendor.auth).secret_headers():
            request.headers.pop(header, None)
        if self.variant != "missing":
            outgoing = Outgoing(
                method=request.method or "GET",
                path=url.path[len(self.harness.prefix) :],
                host=url.netloc,
                prefix=self.harness.prefix,
                query=query,
                headers=dict(request.headers),
                content=body,
            )
            plugin_for(vendor.auth).apply(
                outgoing, credentials(vendor, self.variant), self.harness.mock.clock.time()
            )
            query = outgoing.query
            request.headers.update(outgoing.headers)
        request.url = urlunsplit(url._replace(query=urlencode(query)))
        return request


# -- making generated requests reach the mock's logic -----------------------------------------
def _walk(root: Any, dotted: str) -> tuple[Any, Any]:
    """(container, key) of a dotted path (``a.b.0.c``) in a generated body, or (None, None)."""
    node, parts = root, dotted.split(".")
    for part in parts[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None, None
    last = parts[-1]
    if isinstance(node, dict) and last in node:
        return node, last
    if isinstance(node, list) and last.isdigit() and int(last) < len(node):
        return node, int(last)
    return None, None


def small_numbers(value: Any, bound: int = MAX_EFFECT_NUMBER) -> bool:
    if isinstance(value, dict):
        return all(small_numbers(v, bound) for v in value.values())
    if isinstance(value, list):
        return all(small_numbers(v, bound) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return abs(value) <= bound
    return True


def meet_sdk_limits(harness: Harness, case: Case) -> None:
    """Every other case: what x-sdk-limits asks beyond JSON schema (ShowAPI's exactly one of
    orgin_img_base64 / orgin_img_url, a prompt that is not blank), so more requests get through."""
    op = harness.op(case)
    seed = case_digest(case)
    if not isinstance(case.body, dict) or seed[5] % 2:
        return
    for index, group in enumerate(op.limits.exactly_one_of):
        given = [name for name in group if case.body.get(name) not in (None, "")]
        keep = given[0] if given else group[seed[6 + index] % len(group)]
        value = case.body.get(keep) if given else "placeholder"  # put_real_images fills it
        for name in group:
            case.body.pop(name, None)
        case.body[keep] = value
    for name in op.limits.non_empty:
        if name in case.body and not str(case.body[name]).strip():
            case.body[name] = "a lighthouse at dusk"


def put_real_images(harness: Harness, case: Case) -> None:
    """Three cases in four: every image field the generated body has gets a real image (base64
    or a URL the mock serves itself), sized to the field's limits."""
    seed = case_digest(case)
    op = harness.op(case)
    if not op.limits.images or not isinstance(case.body, dict) or seed[2] % 4 == 0:
        return
    for index, (name, limit) in enumerate(op.limits.images.items()):
        container, key = _walk(case.body, name)
        if container is None or limit.source == "file":  # Schemathesis sends real files
            continue
        if "." in name and not small_numbers(container):
            continue  # an image in an object with huge numbers (a logo stretched to a box)
        large = bool(limit.min_side)
        as_url = limit.source == "url" or (limit.source == "base64_or_url" and seed[3 + index] % 2)
        if limit.channels == 1:  # a mask: the mock serves no grey image, so always base64
            if as_url:
                del container[key]
                slot = next(s for s in op.limits.slots.values() if name in s.inputs)
                key = next(i for i in slot.inputs if op.limits.images[i].source == "base64")
                container = case.body
            container[key] = mask_png_base64()
        elif as_url:
            container[key] = (
                f"{harness.origin}/_mock/examples/{'example' if large else 'small'}.png"
            )
        else:
            container[key] = png_base64(400, 320) if large else png_base64()


def keep_work_small(harness: Harness, case: Case) -> None:
    """Three cases in four: the effect's numeric inputs the spec sets no maximum for (Zhiqite's
    counts of images, a scale) are brought down to 1-4, so the task can be followed up."""
    op = harness.op(case)
    if not isinstance(case.body, dict) or case_digest(case)[4] % 4 == 0:
        return
    for wire in op.mock.params.values():
        param = op.params_by_wire.get(wire)
        container, key = _walk(case.body, wire)
        if param is None or container is None or "maximum" in param.schema_:
            continue
        value = container[key]
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 4:
            container[key] = 1 + abs(value) % 4


def point_at_seeded_task(harness: Harness, case: Case) -> None:
    """One get in three asks for a task that exists (a seeded, finished one)."""
    op = harness.op(case)
    seed = case_digest(case)
    ids = harness.seeded.get(op.name)
    if op.role != "get" or not ids or seed[2] % 3:
        return
    param = op.params_by_wire[op.task_id]
    container = {"query": case.query, "path": case.path_parameters}.get(param.location, case.body)
    if isinstance(container, dict) and op.task_id in container:
        container[op.task_id] = ids[seed[3] % len(ids)]


def image_count(task: Any) -> int:
    """How many result files the task's effect makes (known without making them)."""
    return len(EFFECTS[task.effect].names(task)) if task.effect in EFFECTS else 1


def listable(task: Any) -> bool:
    """A finished task the mock can describe quickly: a URL and a seed per image."""
    return image_count(task) <= MAX_LISTED_IMAGES


def affordable(task: Any) -> bool:
    """A task whose result files the mock can make quickly."""
    work = 1.0
    for value in task.args.values():
        if isinstance(value, int | float) and not isinstance(value, bool):
            work *= max(abs(value), 1)
    small = small_numbers(task.args) and work <= MAX_EFFECT_WORK
    return small and image_count(task) <= MAX_IMAGES_PER_TASK


# -- checks beyond Schemathesis' own ----------------------------------------------------------
class MockFaults(logging.Handler):
    """Errors the mock logged: an unexpected exception it turned into the vendor's answer."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


FAULTS = MockFaults()
logging.getLogger("generator.runtime.mock").addHandler(FAULTS)


def no_mock_fault(ctx: Any, response: Any, case: Case) -> None:
    """The mock answered without an internal exception, whatever the answer looked like."""
    if FAULTS.records:
        record = FAULTS.records[-1]
        FAULTS.records.clear()
        error = record.exc_info[1] if record.exc_info else None
        raise AssertionError(
            f"the mock failed internally ({record.getMessage()}): {type(error).__name__}: {error}"
        )


def bodiless_as_declared(ctx: Any, response: Any, case: Case) -> None:
    """A response the spec declares without content (Zhiqite's gateway 401 / 403) has no body:
    Schemathesis' own checks have nothing to compare it with."""
    declared = case.operation.responses.find_by_status_code(response.status_code)
    if declared is not None and not declared.definition.get("content") and response.content:
        raise AssertionError(
            f"HTTP {response.status_code} is declared without content, "
            f"but came with {len(response.content)} bytes: {response.content[:200]!r}"
        )


def check_callbacks(harness: Harness) -> None:
    """Every callback the mock sent reached the recorder (which accepts them all) and matches
    the callback schema the spec gives the operation that made the task."""
    schemas = {op.name: op.callback_schema for op in harness.mock.vendor.operations}
    for attempt in harness.mock.callbacks.attempts:
        task = harness.mock.store.tasks[attempt.task_id]
        where = f"{task.operation}'s callback to {attempt.url[:200]}"
        assert attempt.accepted, f"{where} was not delivered: {attempt.answer}"
        schema = schemas.get(task.operation)
        errors = [e.message for e in OAS30Validator(schema).iter_errors(attempt.payload)]
        assert not schema or not errors, f"{where} breaks the spec: {errors}"
    assert len(harness.callbacks) == len(harness.mock.callbacks.attempts)
    harness.callbacks.clear()


def answer_error(vendor: Vendor, op: Operation, response: Any) -> errors.APIError | None:
    """The typed error the runtime makes of an answer (as a client would), or None for a
    success: so the test tells a refusal from a success in each vendor's own terms."""
    try:
        body = response.json() if response.content else None
    except ValueError:
        body = None
    if body is None:
        if response.status_code < 400:
            return None
        return bodiless_error(vendor, response.status_code, "", response.headers)
    try:
        unwrap(vendor, body, response.status_code, op.role)
    except errors.APIError as exc:
        return exc
    except errors.ResponseFormatError:
        return None
    return None


def credentials_enforced(ctx: Any, response: Any, case: Case) -> None:
    """A request of the operation's own method with a wrong or no credential was refused;
    with a valid one, count whether it reached the operation or stopped at the auth check."""
    harness = HARNESSES[case.operation.schema.raw_schema["x-sdk"]["package"]]
    if response.request.method != case.operation.method.upper():
        return  # the coverage phase's unexpected methods: unknown routes come before auth
    error = answer_error(harness.model, harness.op(case), response)
    variant = harness.variant
    if variant in ("wrong", "missing") and error is None:
        raise AssertionError(f"a request with a {variant} credential was not refused")
    if variant == "valid":
        stopped = isinstance(error, errors.AuthenticationError)
        harness.reached["auth" if stopped else "operation"] += 1


CUSTOM_CHECKS = [no_mock_fault, bodiless_as_declared, credentials_enforced]


def send(harness: Harness, case: Case, variant: str) -> Any:
    """Send a case with a credential of the given variant, and check the answer."""
    FAULTS.records.clear()
    harness.variant = variant
    put_form_credentials(harness, case, variant)
    return case.call_and_validate(
        base_url=harness.base_url,
        additional_checks=CUSTOM_CHECKS,
        auth=PluginAuth(harness, variant),
    )


def watched(harness: Harness) -> list[Any]:
    """The tasks the mock will send callbacks for."""
    return list(harness.mock.callbacks.watched.values())


def follow_up(harness: Harness, case: Case, known: set[str]) -> None:
    """After a submit that made a task: let the task finish on the mock's clock, ask for it with
    the get operation that follows it (checked like any generated request), and download its
    result files."""
    op = harness.op(case)
    made = [t for t in harness.mock.store.tasks.values() if t.id not in known]
    # Moving the clock renders the callback of every task that has one: all must be listable.
    if op.role != "submit" or not made or not all(map(listable, [*made, *watched(harness)])):
        return
    task = made[-1]
    harness.mock.advance(task.queue_seconds + task.run_seconds + 1)
    get, fixed = harness.mock.vendor.poll_for(op.name)
    values = {**fixed, get.task_id: task.external_id or task.id}
    parts: dict[str, dict[str, Any]] = {"query": {}, "path": {}, "header": {}, "body": {}}
    for param in get.params:
        if param.wire in values:
            parts.get(param.location, parts["body"])[param.wire] = values[param.wire]
    operation = harness.schema.find_operation_by_id(get.operation_id)
    extra = {"body": parts["body"], "media_type": get.media_type} if get.body != "none" else {}
    follow = operation.Case(
        query=parts["query"], path_parameters=parts["path"], headers=parts["header"], **extra
    )
    send(harness, follow, "valid")
    if not affordable(task):
        return
    # The result files are made when first downloaded: fetch them, as a caller would.
    with httpx.Client(transport=harness.mock.transport()) as http:
        for url in harness.mock.file_urls(task).values():
            answer = http.get(url)
            assert answer.status_code == 200 and answer.content, f"{url}: {answer.status_code}"


# -- the tests ---------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any attempt to open a network connection fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield


@pytest.fixture(scope="module", autouse=True)
def reached_the_operation(request: pytest.FixtureRequest) -> Iterator[None]:
    """After the module: per vendor, how many cases with a valid credential reached the
    operation rather than the auth check (printed), and that most did."""
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    short = []
    for vendor, harness in HARNESSES.items():
        reached, stopped = harness.reached["operation"], harness.reached["auth"]
        if reached + stopped == 0:
            continue  # the vendor's tests did not run (deselected)
        total = reached + stopped
        line = f"{vendor}: {reached} of {total} cases with a valid credential reached the operation"
        if reporter is not None:
            with request.config.pluginmanager.get_plugin(
                "capturemanager"
            ).global_and_fixture_disabled():
                reporter.write_line(f"schemathesis {line}")
        if reached < MIN_REACHED * (reached + stopped):
            short.append(line)
    assert not short, f"most cases must get past authentication: {short}"


@pytest.fixture
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    vendor = next(v for v in VENDORS if request.node.name.startswith(f"test_{v}["))
    found = HARNESSES[vendor]
    found.reset()
    started = time.monotonic()
    yield found
    check_callbacks(found)
    assert time.monotonic() - started < 120, "one operation took over two minutes"


def exercise(case: Case, harness: Harness) -> None:
    meet_sdk_limits(harness, case)
    put_real_images(harness, case)
    keep_work_small(harness, case)
    point_at_seeded_task(harness, case)
    known = set(harness.mock.store.tasks)
    send(harness, case, credential_variant(case_digest(case)))
    follow_up(harness, case, known)


for _vendor, _harness in HARNESSES.items():
    globals()[f"test_{_vendor}"] = _harness.schema.parametrize()(exercise)
