"""What a client says when it is built or asked wrongly, word for word: a missing base URL,
credential or task family, a setting outside its choices, each message naming the client class
and what to do; and whether a progress line is drawn at once or after a quiet time. Written
against the mutants ``make mutants`` showed surviving in ``BaseClient._resolve_base_url``,
``_resolve_credentials``, ``_resolve_settings``, ``_poll`` and ``_reporter``."""

from __future__ import annotations

import io
from typing import Any

import pytest

from generator.runtime import errors
from generator.runtime.tasks import TerminalProgress
from generator.runtime.vendor import Vendor
from tests.hostile import offline_client
from tests.vendors import all_vendors, contract_for

VENDORS = all_vendors()
NO_BASE_URL = [v for v in VENDORS if not v.base_url]
WITH_CHOICES = [(v, s) for v in VENDORS for s in v.settings if s.choices]
WITH_ALTERNATIVES = [v for v in VENDORS if v.auth.alternatives]
NO_GET = [v for v in VENDORS if v.op_for_role("get") is None]
WITH_GET = [v for v in VENDORS if v.op_for_role("get") is not None]


def ids(vendors: list[Vendor]) -> list[str]:
    return [v.package for v in vendors]


def changed(vendor: Vendor, **update: Any) -> Vendor:
    """``vendor`` with some of its fields replaced, rebuilt (so nothing cached stays)."""
    return Vendor.model_validate({**vendor.model_dump(by_alias=True), **update})


def without_credentials(monkeypatch: pytest.MonkeyPatch, vendor: Vendor) -> None:
    for mode in vendor.auth.modes:
        for cred in mode.credentials:
            monkeypatch.delenv(cred.env, raising=False)


@pytest.mark.parametrize("vendor", NO_BASE_URL, ids=ids(NO_BASE_URL))
def test_a_client_of_a_vendor_without_a_url_names_itself_and_the_variable(
    vendor: Vendor, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = f"{vendor.package.upper()}_BASE_URL"
    monkeypatch.delenv(env, raising=False)
    cls = contract_for(vendor).client_cls
    credentials = {c.name: "secret-value" for c in vendor.auth.credentials}
    with pytest.raises(errors.ConfigurationError) as caught:
        cls(**credentials)

    assert str(caught.value) == (
        f"{cls.__name__} needs base_url: this vendor publishes none (pass base_url= or set {env})"
    )


@pytest.mark.parametrize("vendor", VENDORS, ids=ids(VENDORS))
def test_a_missing_credential_is_named_with_the_client_and_its_variable(
    vendor: Vendor, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_credentials(monkeypatch, vendor)
    cls = contract_for(vendor).client_cls
    missing = next(c for c in vendor.auth.credentials if c.required)
    others = "".join(
        f" (or sign in with {m.credentials[0].name} and its kin)" for m in vendor.auth.alternatives
    )
    with pytest.raises(errors.ConfigurationError) as caught:
        cls(base_url="http://vendor.test")

    assert str(caught.value) == (
        f"{cls.__name__} needs {missing.name}: pass it or set {missing.env}{others}"
    )


@pytest.mark.parametrize("vendor", WITH_ALTERNATIVES, ids=ids(WITH_ALTERNATIVES))
def test_every_other_way_in_is_offered_one_after_the_other(
    vendor: Vendor, monkeypatch: pytest.MonkeyPatch
) -> None:
    alternative = vendor.auth.alternatives[0]
    first = alternative.credentials[0]
    renamed = first.model_copy(update={"name": "spare_key", "env": "SPARE_KEY_FOR_THE_TEST"})
    spare = alternative.model_copy(update={"credentials": (renamed,)})
    auth = vendor.auth.model_copy(update={"alternatives": (alternative, spare)})
    without_credentials(monkeypatch, vendor)
    monkeypatch.delenv("SPARE_KEY_FOR_THE_TEST", raising=False)

    two_ways = changed(vendor, auth=auth.model_dump(by_alias=True))

    class TwoWays(contract_for(vendor).client_cls):  # type: ignore[misc, valid-type]
        vendor = two_ways

    missing = next(c for c in vendor.auth.credentials if c.required)
    with pytest.raises(errors.ConfigurationError) as caught:
        TwoWays(base_url="http://vendor.test")

    assert str(caught.value) == (
        f"TwoWays needs {missing.name}: pass it or set {missing.env}"
        f" (or sign in with {first.name} and its kin) (or sign in with spare_key and its kin)"
    )


@pytest.mark.parametrize(
    ("vendor", "setting"), WITH_CHOICES, ids=[f"{v.package}-{s.name}" for v, s in WITH_CHOICES]
)
def test_a_setting_outside_its_choices_is_refused_listing_them(
    vendor: Vendor, setting: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if setting.env:
        monkeypatch.delenv(setting.env, raising=False)
    contract = contract_for(vendor)
    cls = contract.client_cls
    with pytest.raises(errors.ConfigurationError) as caught:
        contract.create_mock().client(cls, **{setting.name: "not-a-choice"})

    assert str(caught.value) == (
        f"{cls.__name__}: {setting.name} must be one of "
        f"{', '.join(setting.choices)}, not 'not-a-choice'"
    )


@pytest.mark.parametrize(
    ("vendor", "setting"), WITH_CHOICES, ids=[f"{v.package}-{s.name}" for v, s in WITH_CHOICES]
)
def test_a_setting_among_its_choices_is_kept(
    vendor: Vendor, setting: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if setting.env:
        monkeypatch.delenv(setting.env, raising=False)
    contract = contract_for(vendor)
    chosen = setting.choices[-1]
    with contract.create_mock().client(contract.client_cls, **{setting.name: chosen}) as client:
        assert client.settings[setting.name] == chosen


@pytest.mark.parametrize("vendor", NO_GET, ids=ids(NO_GET))
def test_asking_a_vendor_without_a_get_operation_about_a_task_says_it_has_none(
    vendor: Vendor,
) -> None:
    contract = contract_for(vendor)
    client = contract.create_mock().client(contract.client_cls)
    with client, pytest.raises(errors.ConfigurationError) as caught:
        client.get_outcome("t-1")

    assert str(caught.value) == f"{vendor.package} has no tasks"


@pytest.mark.parametrize("vendor", WITH_GET, ids=ids(WITH_GET))
def test_a_get_operation_without_a_task_family_is_no_tasks_either(vendor: Vendor) -> None:
    bare = changed(
        vendor,
        task=None,
        operations=[
            {**op.model_dump(by_alias=True), "task": None, "poll": None} for op in vendor.operations
        ],
    )

    class Bare(contract_for(vendor).client_cls):  # type: ignore[misc, valid-type]
        vendor = bare

    credentials = {c.name: "secret-value" for c in vendor.auth.credentials}
    client = Bare(**credentials, base_url="http://vendor.test")
    with client, pytest.raises(errors.ConfigurationError) as caught:
        client.get_outcome("t-1")

    assert str(caught.value) == f"{vendor.package} has no tasks"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("asked", "quiet"), [(None, 3), (True, 0)], ids=["by-default", "when-asked"]
)
def test_a_progress_line_waits_three_seconds_unless_asked_for(
    asked: bool | None, quiet: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stderr", Terminal())
    vendor = VENDORS[0]
    contract = contract_for(vendor)
    with contract.create_mock().client(contract.client_cls) as client:
        reporter = client._reporter(None, asked)
        assert client._reporter(None, False) is None

    assert isinstance(reporter, TerminalProgress)
    assert reporter.quiet_seconds == quiet


@pytest.mark.parametrize("vendor", NO_BASE_URL, ids=ids(NO_BASE_URL))
def test_a_client_whose_building_failed_still_has_a_repr(vendor: Vendor) -> None:
    # a traceback that shows locals reprs the half-built client: never a second error there
    client_cls = contract_for(vendor).client_cls
    half_built = client_cls.__new__(client_cls)
    with pytest.raises(errors.ConfigurationError):
        half_built.__init__(base_url=None)

    assert repr(half_built) == f"{client_cls.__name__}(base_url=None)"


@pytest.mark.parametrize("vendor", VENDORS, ids=ids(VENDORS))
def test_a_client_s_repr_shows_no_password_or_query_of_its_base_url(vendor: Vendor) -> None:
    client_cls = contract_for(vendor).client_cls
    base_url = "https://gw-user:pa55word@gw.example/api?key=k3y#part"
    with offline_client(vendor.package, base_url) as client:
        shown = repr(client)

    assert shown == f"{client_cls.__name__}(base_url='https://gw.example/api')"
