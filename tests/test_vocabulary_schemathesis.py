"""Schemathesis against the mock of the second synthetic vendor (tests/vendors/image_body),
with the generic harness of ``tests/test_schemathesis.py``: its get answers the result image
itself (``image/png`` bytes, declared ``type: string, format: binary``) once a job succeeded,
202 while it runs and 422 once it failed, and every answer must still conform to the spec.

The vendor is not shipped, so it is generated here, at collection, into a temporary package
that the harness finds under ``generated.image_body`` for the length of this module."""

from __future__ import annotations

import atexit
import importlib
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import pipeline
from tests import test_schemathesis as generic

SYNTHETIC = Path(__file__).parent / "vendors" / "image_body"
PACKAGE = SYNTHETIC.name


def _generated() -> Path:
    """The synthetic vendor generated into a temporary folder; returns its spec folder."""
    root = Path(tempfile.mkdtemp(prefix="synthetic_st"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    specs = root / "specs"
    shutil.copytree(SYNTHETIC, specs / PACKAGE)
    pipeline.generate(specs, root / "synthetic_st", cassettes_dir=root / "cassettes")
    sys.path.insert(0, str(root))
    for name in ("", ".mock", ".models", ".client", ".vendor"):
        module = importlib.import_module(f"synthetic_st.{PACKAGE}{name}")
        sys.modules[f"generated.{PACKAGE}{name}"] = module
    return specs / PACKAGE


generic.FOLDERS[PACKAGE] = _generated()
HARNESS = generic.Harness(PACKAGE)
generic.HARNESSES[PACKAGE] = HARNESS
offline = generic.offline  # no test here reaches the network either


@pytest.fixture(scope="module", autouse=True)
def _forget_the_alias() -> Iterator[None]:
    yield
    for name in [m for m in sys.modules if m.startswith(f"generated.{PACKAGE}")]:
        del sys.modules[name]


SEEN: set[tuple[str, int, str]] = set()  # (operation, HTTP status, media type) answered


@pytest.fixture
def harness() -> Iterator[generic.Harness]:
    HARNESS.reset()
    yield HARNESS
    generic.check_callbacks(HARNESS)
    SEEN.update((e.operation, e.status, e.media_type) for e in HARNESS.mock.journal)


def test_the_spec_declares_an_image_answer() -> None:
    """What the Schemathesis run below is about: the get's 200 is the image, not JSON."""
    get = HARNESS.model.ops["get_job"]
    assert get.binary_media == ("image/png",) and get.mock.body_file == "image"


test_image_body = HARNESS.schema.parametrize()(generic.exercise)


def test_schemathesis_met_the_image_answer() -> None:
    """The run above (this module's tests run in order) checked image answers against the
    spec (jobs are followed once finished; the contract tests check a running job's 202)."""
    if not SEEN:
        pytest.skip("the Schemathesis run was deselected")
    assert ("get_job", 200, "image/png") in SEEN
