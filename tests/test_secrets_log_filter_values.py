"""``secrets.install_log_filter``: the redacting filter goes on each logger that sees request
URLs exactly once, and a registered secret logged there reaches the handlers masked."""

from __future__ import annotations

import logging

import pytest

from generator.runtime import secrets
from generator.runtime.secrets import LOGGERS, MASK, Secret, install_log_filter


def test_the_filter_is_installed_once_on_every_logger_and_masks_a_secret(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name in LOGGERS:
        monkeypatch.setattr(logging.getLogger(name), "filters", [])
    install_log_filter()
    install_log_filter()
    assert {name: logging.getLogger(name).filters for name in LOGGERS} == {
        name: [secrets._filter] for name in LOGGERS
    }
    key = Secret("log-filter-test-app-key-7f3a").get()
    with caplog.at_level(logging.INFO, logger="httpx"):
        logging.getLogger("httpx").info("GET https://api.example/x?appKey=%s", key)
    assert [r.getMessage() for r in caplog.records] == [f"GET https://api.example/x?appKey={MASK}"]
