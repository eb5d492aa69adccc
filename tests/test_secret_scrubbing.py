"""What ``scrub_chain`` leaves of an exception chain, value by value: every request and
response attached anywhere in it (masked credential headers and query fields, whatever their
case; other values redacted; no body), every string argument redacted, each exception of the
chain reached once even where the chain loops. And how a :class:`Secret` compares. Written
against the mutants ``make mutants`` showed surviving in ``generator/runtime/secrets.py``."""

from __future__ import annotations

import logging
import uuid

import httpx

from generator.runtime.secrets import (
    MASK,
    MIN_REDACTED,
    RedactingFilter,
    Secret,
    install_log_filter,
    redact,
    scrub_chain,
)


def registered() -> str:
    """A fresh secret value, registered for redaction as a client's credential is."""
    value = f"sk-{uuid.uuid4().hex}"
    Secret(value)
    return value


def request_with(secret: str, key: str) -> httpx.Request:
    """A request carrying ``key`` (a credential) in its header ``X-Api-Key`` and query field
    ``appKey``, and the registered ``secret`` inside another header, the path and a field."""
    return httpx.Request(
        "POST",
        f"https://api.example/v1/{secret}/edit?appKey={key}&note=by-{secret}&size=2",
        headers={"X-Api-Key": key, "X-Trace": f"trace-{secret}", "Accept": "image/png"},
        content=b"body with " + secret.encode(),
    )


class Holder(Exception):
    """An exception that keeps a request and a response as plain attributes."""

    def __init__(self, message: str, request: httpx.Request, response: httpx.Response) -> None:
        super().__init__(message)
        self.request = request
        self.response = response


def test_a_request_keeps_its_method_shape_and_plain_values_with_secrets_masked() -> None:
    secret, key = registered(), "short"  # a key too short to be redacted: masked by name
    error = httpx.ConnectError("refused", request=request_with(secret, key))
    scrub_chain(error, ["x-api-key", "APPKEY"])
    clean = error.request
    assert clean.method == "POST"
    assert clean.url.path == f"/v1/{MASK}/edit"
    assert clean.url.host == "api.example"
    assert list(clean.url.params.multi_items()) == [
        ("appKey", MASK),
        ("note", f"by-{MASK}"),
        ("size", "2"),
    ]
    assert clean.headers["X-Api-Key"] == MASK
    assert clean.headers["X-Trace"] == f"trace-{MASK}"
    assert clean.headers["Accept"] == "image/png"
    assert clean.content == b""


def test_names_are_matched_ignoring_case_both_ways() -> None:
    error = httpx.ConnectError("refused", request=request_with(registered(), "short"))
    scrub_chain(error, ["X-API-KEY", "AppKey"])
    assert error.request.headers["x-api-key"] == MASK
    assert error.request.url.params["appKey"] == MASK


def test_a_response_keeps_its_status_with_headers_and_its_request_scrubbed() -> None:
    secret, key = registered(), "short"
    response = httpx.Response(
        503,
        headers={"X-Api-Key": key, "X-Echo": f"echo-{secret}", "Retry-After": "3"},
        content=b"echo " + secret.encode(),
        request=request_with(secret, key),
    )
    error = httpx.HTTPStatusError("failed", request=response.request, response=response)
    scrub_chain(error, ["x-api-key", "appkey"])
    clean = error.response
    assert clean.status_code == 503
    assert clean.headers["X-Api-Key"] == MASK
    assert clean.headers["X-Echo"] == f"echo-{MASK}"
    assert clean.headers["Retry-After"] == "3"
    assert clean.content == b""
    assert clean.request.url.params["appKey"] == MASK
    assert clean.request.headers["X-Trace"] == f"trace-{MASK}"
    assert error.request.url.params["appKey"] == MASK


def test_a_response_without_a_request_stays_without_one() -> None:
    secret = registered()
    holder = Holder("x", httpx.Request("GET", "https://a.example"), httpx.Response(500))
    holder.response = httpx.Response(500, headers={"X-Echo": secret})
    scrub_chain(holder)
    assert holder.response.headers["X-Echo"] == MASK
    assert holder.response._request is None


def test_requests_and_responses_kept_as_plain_attributes_are_scrubbed_too() -> None:
    secret = registered()
    request = request_with(secret, "short")
    holder = Holder(f"failed for {secret}", request, httpx.Response(401, request=request))
    scrub_chain(holder, ["x-api-key"])
    assert holder.request.headers["X-Api-Key"] == MASK
    assert holder.request.url.path == f"/v1/{MASK}/edit"
    assert holder.response.status_code == 401
    assert holder.response.request.headers["X-Api-Key"] == MASK
    assert holder.args == (f"failed for {MASK}",)


def test_string_arguments_are_redacted_and_others_kept() -> None:
    secret = registered()
    error = ValueError(f"key {secret} refused", 42, None)
    assert scrub_chain(error) is error
    assert error.args == (f"key {MASK} refused", 42, None)


def test_every_exception_of_the_chain_is_reached_once_even_when_seen_twice() -> None:
    """``outer`` has ``shared`` as its context and ``middle`` as its cause; ``middle`` has
    ``shared`` as its context too (already scrubbed when met again) and ``deepest`` as its
    cause, which must still be reached."""
    secret = registered()
    outer, middle = RuntimeError(f"outer {secret}"), RuntimeError(f"middle {secret}")
    shared, deepest = RuntimeError(f"shared {secret}"), RuntimeError(f"deepest {secret}")
    outer.__cause__, outer.__context__ = middle, shared
    middle.__cause__, middle.__context__ = deepest, shared
    scrub_chain(outer)
    assert [e.args[0] for e in (outer, middle, shared, deepest)] == [
        f"outer {MASK}",
        f"middle {MASK}",
        f"shared {MASK}",
        f"deepest {MASK}",
    ]


def test_a_chain_that_loops_is_scrubbed_and_the_walk_ends() -> None:
    secret = registered()
    first, second = RuntimeError(f"a {secret}"), RuntimeError(f"b {secret}")
    first.__context__, second.__context__ = second, first
    scrub_chain(first)
    assert (first.args, second.args) == ((f"a {MASK}",), (f"b {MASK}",))


def test_redact_masks_every_registered_value_and_nothing_else() -> None:
    one, two = registered(), registered()
    assert redact(f"{one}/{two}/{one}/plain") == f"{MASK}/{MASK}/{MASK}/plain"
    Secret("abc")  # too short to register: ordinary text keeps it
    assert redact("abc") == "abc"


def test_secrets_compare_by_value_and_never_equal_their_plain_text() -> None:
    value = registered()
    assert Secret(value) == Secret(value)
    assert Secret(value) != Secret(value + "x")
    assert Secret(value) != value
    assert hash(Secret(value)) == hash(Secret(value))
    assert hash(Secret(value)) != hash(Secret(value + "x"))
    assert len({Secret(value), Secret(value), Secret(value + "x")}) == 2


def test_a_secret_of_the_shortest_redacted_length_is_redacted() -> None:
    value = "~" + uuid.uuid4().hex[: MIN_REDACTED - 1]  # "~": in no id or message
    Secret(value)
    assert redact(f"key={value};") == f"key={MASK};"


def test_the_log_filter_masks_secrets_in_httpx_records(caplog) -> None:
    secret = registered()
    install_log_filter()
    install_log_filter()  # idempotent: one filter
    logger = logging.getLogger("httpx")
    assert sum(isinstance(f, RedactingFilter) for f in logger.filters) == 1
    with caplog.at_level(logging.INFO, logger="httpx"):
        logger.info("GET https://api.example/?appKey=%s", secret)
    assert caplog.records[-1].getMessage() == f"GET https://api.example/?appKey={MASK}"
