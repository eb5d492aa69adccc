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

Credentials are supplied through Schemathesis' auth providers: static keys on the generated case,
Kling's JWT and Tencent's TC3 signature by a ``requests`` auth as the request is sent (on the
mock's clock, the signature over the exact bytes sent). One request in five deliberately carries
a wrong or no credential; Schemathesis' negative mode drops or garbles them on its own too.

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
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import jwt
import pytest
import requests
import schemathesis
from openapi_schema_validator import OAS30Validator
from schemathesis import Case

from generator.load import load
from generator.runtime.auth import canonical_request, tc3_signature, utc_date
from generator.runtime.images import mask_png_base64, png_base64
from generator.runtime.mock import VendorMock
from generator.runtime.testing import as_kwargs, example_values
from generator.runtime.vendor import Operation

ROOT = Path(__file__).resolve().parents[1]
VENDORS = ("showapi", "hdrepaint", "kling", "tencent_aiart", "zhiqite")
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
SECRET = "test"  # every credential the mocks accept by default
SIGNED = ("kling", "tencent_aiart")  # credentials computed as the request is sent
# Effect arguments the specs leave unbounded but the mock's work grows with (an image of
# width x hr_scale pixels, n_iter x batch_size images, a logo stretched to LogoRect): a task
# past these is not followed up, or the test would run for minutes (see the report).
MAX_EFFECT_NUMBER = 2048
MAX_IMAGES_PER_TASK = 8  # made (drawn and encoded) on download
MAX_LISTED_IMAGES = 1000  # listed (URL and seed) in answers and callbacks


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
        document = load(ROOT / "specs" / vendor).document
        prefix = urlsplit(document.get("servers", [{}])[0].get("url", "")).path.rstrip("/")
        # A host that cannot resolve: requests never leave the process anyway.
        self.origin = f"http://{vendor.replace('_', '-')}.mock.test"
        self.base_url = self.origin + prefix
        self.schema = schemathesis.openapi.from_dict(
            document, config=schemathesis.Config.from_dict(CONFIG)
        )
        self.schema.app = self.asgi
        self.callbacks: list[tuple[str, Any]] = []
        self.sent_variant: str | None = None  # the one the last signed request was given
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
def apply_credentials(harness: Harness, case: Case, variant: str) -> None:
    """A static key on a generated case: right, wrong or missing."""
    key = {"valid": SECRET, "wrong": "not-an-account"}.get(variant)
    if harness.vendor == "showapi":
        if case.query is None:
            case.query = {}
        case.query.pop("appKey", None)
        if key:
            case.query["appKey"] = key
    elif harness.vendor == "hdrepaint":
        if isinstance(case.body, dict):  # the key is a form field
            case.body.pop("user_key", None)
            if key:
                case.body["user_key"] = key
    elif harness.vendor == "zhiqite":
        case.headers.pop("Authorization", None)
        if key:
            case.headers["Authorization"] = f"APPCODE {key}"


class Signer(requests.auth.AuthBase):
    """Credentials that depend on the moment a request is sent (and, for Tencent, on its exact
    bytes), applied by ``requests`` as it sends: Kling's JWT and Tencent's TC3 signature, both on
    the mock's clock. Generated cases are made before they are sent (the coverage phase's at
    collection), so these cannot be set on the case."""

    def __init__(self, harness: Harness, variant: str | None = None) -> None:
        self.harness = harness
        self.variant = variant

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body or b""
        body = body.encode() if isinstance(body, str) else body
        seed = digest(request.method, request.url, body)
        variant = self.variant or credential_variant(seed)
        request.headers.pop("Authorization", None)
        self.harness.sent_variant = variant
        if variant == "missing":
            return request
        now = int(self.harness.mock.clock.time())
        # A wrong credential: signed with another secret, or too old.
        secret, stale = ("forged", False) if seed[1] % 2 else (SECRET, True)
        if variant == "valid":
            secret, stale = SECRET, False
        if self.harness.vendor == "kling":
            exp = now - 1 if stale else now + 1800
            claims = {"iss": SECRET, "exp": exp, "nbf": now - 5}
            token = jwt.encode(claims, secret, algorithm="HS256", headers={"typ": "JWT"})
            request.headers["Authorization"] = f"Bearer {token}"
        else:
            self.sign_tc3(request, body, secret, now - 360 if stale else now)
        return request

    @staticmethod
    def sign_tc3(request: requests.PreparedRequest, body: bytes, secret: str, stamp: int) -> None:
        url = urlsplit(str(request.url))
        request.headers["Host"] = url.netloc
        request.headers["X-TC-Timestamp"] = str(stamp)
        headers = {k.lower(): v for k, v in request.headers.items()}
        signed = ("content-type", "host")
        method = request.method or ""
        canonical = canonical_request(method, url.path, url.query, headers, signed, body)
        signature = tc3_signature(secret, "aiart", stamp, canonical)
        request.headers["Authorization"] = (
            f"TC3-HMAC-SHA256 Credential={SECRET}/{utc_date(stamp)}/aiart/tc3_request, "
            f"SignedHeaders={';'.join(signed)}, Signature={signature}"
        )


def register_auth(harness: Harness) -> None:
    if harness.vendor in SIGNED:
        harness.schema.auth.set_from_requests(Signer(harness))
        return

    @harness.schema.auth(refresh_interval=None)
    class Credentials:
        def get(self, case: Case, context: Any) -> str:
            return credential_variant(case_digest(case))

        def set(self, case: Case, variant: str, context: Any) -> None:
            apply_credentials(harness, case, variant)


for _harness in HARNESSES.values():
    register_auth(_harness)


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
    logo_rect, _ = _walk(case.body, "LogoParam.LogoRect")
    for index, (name, limit) in enumerate(op.limits.images.items()):
        container, key = _walk(case.body, name)
        if container is None or limit.source == "file":  # Schemathesis sends real files
            continue
        if name.startswith("LogoParam.") and not small_numbers(logo_rect):
            continue  # the logo would be stretched to a huge box: see MAX_EFFECT_NUMBER
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
    n_iter, batch_size, hr_scale) are brought down to 1-4, so the task can be followed up."""
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
    return abs((task.args.get("n_iter") or 1) * (task.args.get("batch_size") or 1))


def listable(task: Any) -> bool:
    """A finished task the mock can describe quickly: a URL and a seed per image."""
    return image_count(task) <= MAX_LISTED_IMAGES


def affordable(task: Any) -> bool:
    """A task whose result files the mock can make quickly."""
    hires = task.args.get("hr_scale") or 1
    return small_numbers(task.args) and image_count(task) <= MAX_IMAGES_PER_TASK and abs(hires) <= 4


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


REFUSED = {  # how each vendor says no to a credential
    "showapi": lambda status, body: body.get("showapi_res_code") != 0,
    "hdrepaint": lambda status, body: body.get("err_code") != 0,
    "kling": lambda status, body: status == 401,
    "tencent_aiart": lambda status, body: "Error" in body.get("Response", {}),
    "zhiqite": lambda status, body: status == 401,
}


def sent_credential(harness: Harness, case: Case, response: Any) -> str | None:
    """``valid``, ``wrong`` or ``missing``: the credential a request carried (whoever put it
    there: this module, or Schemathesis' negative mode), or None when that cannot be told."""
    if harness.vendor in SIGNED:
        if harness.sent_variant is not None:
            return harness.sent_variant
        given = response.request.headers.get("Authorization")
        return "missing" if given is None else "wrong"
    if harness.vendor == "showapi":
        given, expected = (case.query or {}).get("appKey"), SECRET
    elif harness.vendor == "hdrepaint":
        if not isinstance(case.body, dict):
            return None
        given, expected = case.body.get("user_key"), SECRET
    else:
        given, expected = (case.headers or {}).get("Authorization"), f"APPCODE {SECRET}"
    return "missing" if given is None else "valid" if given == expected else "wrong"


def credentials_enforced(ctx: Any, response: Any, case: Case) -> None:
    """A request of the operation's own method with a wrong or no credential was refused."""
    harness = HARNESSES[case.operation.schema.raw_schema["x-sdk"]["package"]]
    if response.request.method != case.operation.method.upper():
        return  # the coverage phase's unexpected methods: unknown routes come before auth
    try:
        body = response.json() if response.content else {}
    except ValueError:
        body = {}
    credential = sent_credential(harness, case, response)
    refused = REFUSED[harness.vendor](response.status_code, body if isinstance(body, dict) else {})
    if credential in ("wrong", "missing") and not refused:
        raise AssertionError(f"a request with a {credential} credential was not refused")


CUSTOM_CHECKS = [no_mock_fault, bodiless_as_declared, credentials_enforced]


def send(harness: Harness, case: Case, **kwargs: Any) -> Any:
    FAULTS.records.clear()
    harness.sent_variant = None
    return case.call_and_validate(
        base_url=harness.base_url, additional_checks=CUSTOM_CHECKS, **kwargs
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
        if param.source == "credential":
            values[param.wire] = SECRET
        if param.wire in values:
            parts.get(param.location, parts["body"])[param.wire] = values[param.wire]
    operation = harness.schema.find_operation_by_id(get.operation_id)
    extra = {"body": parts["body"], "media_type": get.media_type} if get.body != "none" else {}
    follow = operation.Case(
        query=parts["query"], path_parameters=parts["path"], headers=parts["header"], **extra
    )
    apply_credentials(harness, follow, "valid")
    signer = Signer(harness, "valid") if harness.vendor in SIGNED else None
    send(harness, follow, auth=signer)
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
    send(harness, case)
    follow_up(harness, case, known)


test_showapi = HARNESSES["showapi"].schema.parametrize()(exercise)
test_hdrepaint = HARNESSES["hdrepaint"].schema.parametrize()(exercise)
test_kling = HARNESSES["kling"].schema.parametrize()(exercise)
test_tencent_aiart = HARNESSES["tencent_aiart"].schema.parametrize()(exercise)
test_zhiqite = HARNESSES["zhiqite"].schema.parametrize()(exercise)
