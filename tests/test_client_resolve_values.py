"""How a client fills in its settings and credentials at construction, by value: a setting
read from its environment variable when not passed, and a required credential still asked for
when an optional one (a session token) is listed before it in the spec. Vendors with settings
or optional credentials are found in ``specs/``."""

from __future__ import annotations

from typing import Any

import pytest

from generator.runtime import errors
from generator.runtime.vendor import Setting, Vendor
from tests.vendors import all_vendors, contract_for

VENDORS = all_vendors()
FROM_ENV = [(v, s) for v in VENDORS for s in v.settings if s.env]
WITH_OPTIONAL = [v for v in VENDORS if any(not c.required for c in v.auth.credentials)]


def changed(vendor: Vendor, **update: Any) -> Vendor:
    return Vendor.model_validate({**vendor.model_dump(by_alias=True), **update})


def not_the_default(setting: Setting) -> str:
    return next((c for c in setting.choices if c != setting.default), "set-by-the-environment")


@pytest.mark.skipif(not FROM_ENV, reason="no vendor in specs/ has a setting with env")
@pytest.mark.parametrize("case", FROM_ENV, ids=[f"{v.package}-{s.name}" for v, s in FROM_ENV])
def test_a_setting_not_passed_is_read_from_its_variable(
    case: tuple[Vendor, Setting], monkeypatch: pytest.MonkeyPatch
) -> None:
    vendor, setting = case
    value = not_the_default(setting)
    monkeypatch.setenv(setting.env, value)
    credentials = {c.name: "secret-value" for c in vendor.auth.credentials}
    with contract_for(vendor).client_cls(**credentials, base_url="http://vendor.test") as client:
        assert client.settings[setting.name] == value


@pytest.mark.skipif(not WITH_OPTIONAL, reason="no vendor in specs/ has an optional credential")
@pytest.mark.parametrize("vendor", WITH_OPTIONAL, ids=[v.package for v in WITH_OPTIONAL])
def test_a_required_credential_after_an_optional_one_is_still_asked_for(
    vendor: Vendor, monkeypatch: pytest.MonkeyPatch
) -> None:
    creds = vendor.auth.credentials
    optional = [c for c in creds if not c.required]
    first_required = next(c for c in creds if c.required)
    auth = vendor.auth.model_copy(
        update={"credentials": (*optional, *(c for c in creds if c.required))}
    )
    for mode in vendor.auth.modes:
        for cred in mode.credentials:
            monkeypatch.delenv(cred.env, raising=False)
    reordered = changed(vendor, auth=auth.model_dump(by_alias=True))
    assert not reordered.auth.credentials[0].required

    class Reordered(contract_for(vendor).client_cls):  # type: ignore[misc, valid-type]
        vendor = reordered

    with pytest.raises(errors.ConfigurationError) as caught:
        Reordered(base_url="http://vendor.test")
    assert str(caught.value).startswith(
        f"Reordered needs {first_required.name}: pass it or set {first_required.env}"
    )
