"""Small runtime functions no other in-process test reached: a served process's standard
error as text, the pytest plugin's mock builder (and its one-line hint when the mock extra is
missing), and an auth plug-in's default answer to "does this request try your way in"."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest

from generator.runtime import pytest_plugin
from generator.runtime.auth import AuthPlugin, plugin_for
from generator.runtime.clock import VirtualClock
from generator.runtime.live import ServedProcess
from generator.runtime.mock.core import VendorMock
from tests.vendors import all_vendors

VENDORS = all_vendors()


def test_a_served_process_gives_all_its_stderr_as_text_bad_bytes_replaced() -> None:
    served = ServedProcess([VENDORS[0].package])  # not started: no process
    try:
        served.log.write(b"mock: first line\nbad byte \xff here\n")
        assert served.errors() == "mock: first line\nbad byte \ufffd here\n"
        assert served.errors() == "mock: first line\nbad byte \ufffd here\n"  # read again whole
    finally:
        served.log.close()


@pytest.mark.parametrize("vendor", VENDORS, ids=[v.package for v in VENDORS])
def test_the_plugin_builds_the_vendors_mock_with_the_options_given(vendor) -> None:
    clock = VirtualClock()
    mock = pytest_plugin._build_mock(vendor.package, clock=clock, task_seconds=4.25)
    try:
        assert isinstance(mock, VendorMock) and mock.vendor.package == vendor.package
        assert mock.clock is clock and mock.task_seconds == 4.25
    finally:
        mock.close()


def test_without_the_mock_extra_the_plugin_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if not installed
    monkeypatch.delitem(sys.modules, "generator.runtime.mock.serve")
    package = VENDORS[0].package
    with pytest.raises(pytest.UsageError) as refused:
        pytest_plugin._build_mock(package)
    assert str(refused.value) == (
        f"the {package}_* fixtures need the mock extra: "
        "pip install 'imagekit-sdk-factory[mock]' (uvicorn is missing)"
    )
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


def test_a_plugin_with_one_way_in_claims_every_request() -> None:
    """``claims`` tells ``Alternatives`` which way a request tries; a plug-in that is the only
    way in (it does not override ``claims``) takes every request, with or without its
    headers."""
    plain = [plugin_for(v.auth) for v in VENDORS if not v.auth.alternatives]
    plain = [p for p in plain if type(p).claims is AuthPlugin.claims]
    assert plain, "every vendor's plug-in overrides claims"
    for plugin in plain:
        bare = SimpleNamespace(method="GET", path="/", query_string="", query={}, headers={})
        assert plugin.claims(bare) is True
