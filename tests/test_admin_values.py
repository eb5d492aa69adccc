"""The admin API's answers and what each call does to the mock, value by value (``mock.admin``):
defaults of every parameter, the exact reasons of a refusal, the health check's fields, which
paths are open without the admin token, and when a fault applies. The admin API over HTTP and
its token are in ``tests/test_admin.py`` and ``tests/test_admin_token.py``."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from generator.runtime.clock import SystemClock, VirtualClock
from generator.runtime.mock.admin import TOKEN_HEADER, Fault
from generator.runtime.mock.core import VendorMock
from generator.runtime.mock.serve import build_mock, vendor_packages

PACKAGE = vendor_packages()[0]  # the admin API is the same for every vendor


def admin_of(mock: VendorMock, **headers: str) -> httpx.Client:
    return httpx.Client(transport=mock.transport(), base_url="http://m/_mock", headers=headers)


@pytest.fixture
def mock() -> VendorMock:
    return build_mock(PACKAGE, clock=VirtualClock(start=1000.0))


@pytest.fixture
def admin(mock: VendorMock) -> Iterator[httpx.Client]:
    with admin_of(mock) as client:
        yield client


def test_health_names_the_vendor_the_clock_and_the_store(admin: httpx.Client) -> None:
    answer = admin.get("/health")
    assert answer.status_code == 200
    assert answer.json() == {
        "ok": True,
        "vendor": PACKAGE,
        "clock": "virtual",
        "time": 1000.0,
        "store": "memory",
    }
    real = build_mock(PACKAGE, clock=SystemClock())
    with admin_of(real) as client:
        assert client.get("/health").json()["clock"] == "real"


def test_advance_moves_the_clock_and_answers_the_new_time(
    mock: VendorMock, admin: httpx.Client
) -> None:
    assert admin.post("/advance", params={"seconds": "2.5"}).json() == {"now": 1002.5}
    assert admin.post("/advance").json() == {"now": 1002.5}  # no seconds: no move
    assert mock.clock.time() == 1002.5


def test_an_outcome_defaults_to_one_failed_task(mock: VendorMock, admin: httpx.Client) -> None:
    assert admin.post("/outcome").json() == {"ok": True}
    assert mock.forced_outcomes == [("failed", "the task failed (forced by the test)")]
    admin.post("/outcome", params={"status": "succeeded", "count": "2", "error": "x"})
    assert mock.forced_outcomes[1:] == [("succeeded", "x"), ("succeeded", "x")]


def test_a_fault_takes_its_defaults_and_each_value_given(
    mock: VendorMock, admin: httpx.Client
) -> None:
    assert admin.post("/faults", params={"kind": "error"}).json() == {"ok": True}
    op = mock.vendor.operations[0].name
    given = {"kind": "latency", "count": "3", "seconds": "1.5", "status": "502", "operation": op}
    admin.post("/faults", params=given)
    assert mock.faults == [
        Fault("error", count=1, seconds=0.0, status=503, operation=""),
        Fault("latency", count=3, seconds=1.5, status=502, operation=op),
    ]
    assert admin.delete("/faults").json() == {"ok": True} and mock.faults == []


def test_a_fault_applies_to_its_operation_while_its_count_lasts() -> None:
    assert Fault("drop", count=1).applies_to("any")
    assert Fault("drop", count=1, operation="get").applies_to("get")
    assert not Fault("drop", count=1, operation="get").applies_to("submit")
    assert not Fault("drop", count=0).applies_to("any")


def test_credentials_take_quota_money_and_secret_or_the_vendors_defaults(
    mock: VendorMock, admin: httpx.Client
) -> None:
    params = {"key": "k1", "quota": "3", "money": "12.5", "secret": "s"}
    assert admin.post("/credentials", params=params).json() == {"ok": True}
    account = mock.accounts["k1"]
    assert (account.quota, account.money, account.secret) == (3, 12.5, "s")
    admin.post("/credentials", params={"key": "k2", "quota": "", "money": ""})
    defaults = mock.vendor.mock
    assert (mock.accounts["k2"].quota, mock.accounts["k2"].money) == (
        defaults.quota,
        defaults.money,
    )


def test_a_quota_is_set_or_lifted(mock: VendorMock, admin: httpx.Client) -> None:
    admin.post("/credentials", params={"key": "k1", "quota": "3"})
    assert admin.post("/quota", params={"key": "k1", "quota": "7"}).json() == {"ok": True}
    assert mock.accounts["k1"].quota == 7
    admin.post("/quota", params={"key": "k1"})
    assert mock.accounts["k1"].quota is None


def test_reset_forgets_the_journal(mock: VendorMock, admin: httpx.Client) -> None:
    admin.get("/health")
    with httpx.Client(transport=mock.transport(), base_url="http://m") as http:
        http.get("/no-such-path")
    assert len(admin.get("/journal").json()) == 1
    assert admin.post("/reset").json() == {"ok": True}
    assert admin.get("/journal").json() == []


@pytest.mark.parametrize(
    ("method", "path", "params", "reason"),
    [
        ("POST", "/faults", {}, "kind must be one of latency, error, drop, rate_limit"),
        ("POST", "/faults", {"kind": "error", "count": "x"}, "count must be a number, not 'x'"),
        ("POST", "/outcome", {"status": "maybe"}, "status must be succeeded or failed"),
        ("POST", "/credentials", {"quota": "1"}, "key is required"),
        ("POST", "/quota", {"key": "nobody"}, "no credential 'nobody'"),
        ("POST", "/quota", {"quota": "1"}, "no credential ''"),
        ("POST", "/health", {}, "no admin route POST /_mock/health"),
        ("GET", "/files/none/result.png", {}, "no such file"),
    ],
)
def test_a_refused_admin_call_says_exactly_why(
    admin: httpx.Client, method: str, path: str, params: dict[str, str], reason: str
) -> None:
    answer = admin.request(method, path, params=params)
    expected = 404 if path in ("/health", "/files/none/result.png") else 400
    assert (answer.status_code, answer.json()) == (expected, {"error": reason})


def test_advance_on_the_real_clock_is_refused_saying_so() -> None:
    with admin_of(build_mock(PACKAGE, clock=SystemClock())) as admin:
        answer = admin.post("/advance", params={"seconds": "1"})
    assert (answer.status_code, answer.json()) == (
        400,
        {"error": "this mock runs on the real clock"},
    )


def test_with_a_token_only_files_examples_the_page_and_health_are_open() -> None:
    mock = build_mock(PACKAGE, admin_token="t0ken")
    with admin_of(mock) as anonymous, admin_of(mock, **{TOKEN_HEADER: "t0ken"}) as admin:
        refused = anonymous.get("/journal")
        assert (refused.status_code, refused.json()) == (
            401,
            {"error": f"this mock's admin API needs the {TOKEN_HEADER} header"},
        )
        assert anonymous.get("/health").status_code == 200
        assert anonymous.get("/").status_code == 200
        assert anonymous.get("/files/none/x.png").status_code == 404  # open, not found
        assert anonymous.get("/examples/none.png").status_code == 404
        assert anonymous.get("/state").status_code == 401
        with admin_of(mock, **{TOKEN_HEADER: "t0ke"}) as wrong:
            assert wrong.get("/journal").status_code == 401
        assert admin.get("/journal").status_code == 200
