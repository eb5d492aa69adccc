"""The generator's cache of deterministic steps (models, ruff): a hit gives the very text the
step gave, a changed input never hits."""

from __future__ import annotations

import copy
import threading
import types
from pathlib import Path
from typing import Any

import datamodel_code_generator
import pytest

from generator import cache, models, render
from generator.errors import SpecError

SCHEMAS = {
    "openapi": "3.0.3",
    "components": {
        "schemas": {
            "Task": {
                "title": "Task",
                "type": "object",
                "properties": {"id": {"type": "string", "description": "The task's id."}},
            }
        }
    },
}


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(cache, "CACHE_DIR", tmp_path)
    return tmp_path


def test_models_come_from_the_cache_the_second_time(monkeypatch: pytest.MonkeyPatch) -> None:
    first = models.render_models(copy.deepcopy(SCHEMAS), "spec.json")
    assert "class Task(" in first

    def refuse(*_args: object, **_kwargs: object) -> str:
        raise AssertionError("datamodel-code-generator ran again for the same schemas")

    monkeypatch.setattr(datamodel_code_generator, "generate", refuse)
    assert models.render_models(copy.deepcopy(SCHEMAS), "spec.json") == first


def test_changed_schemas_miss_the_cache() -> None:
    first = models.render_models(copy.deepcopy(SCHEMAS), "spec.json")
    changed = copy.deepcopy(SCHEMAS)
    changed["components"]["schemas"]["Task"]["properties"]["status"] = {"type": "string"}
    second = models.render_models(changed, "spec.json")
    assert "status" in second and "status" not in first


def test_formatted_sources_come_from_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    source = {"pkg/a.py": "import os\nx=( 1 ,2)\n"}
    first = render.format_python(source)
    assert first["pkg/a.py"] == "x = (1, 2)\n"
    ran: list[dict[str, str]] = []
    real = render._run_ruff
    monkeypatch.setattr(render, "_run_ruff", lambda todo: ran.append(todo) or real(todo))
    assert render.format_python(source) == first
    assert ran == []
    changed = render.format_python({"pkg/a.py": "y=[ 3 ]\n"})
    assert changed == {"pkg/a.py": "y = [3]\n"} and len(ran) == 1


def test_the_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> None:
    monkeypatch.setattr(cache, "CACHE_DIR", None)
    models.render_models(copy.deepcopy(SCHEMAS), "spec.json")
    assert list(cache_dir.iterdir()) == []


def test_a_model_failure_in_a_worker_process_reaches_the_command_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With two vendors' models missing from the cache they are made in forked workers; a
    schema that fails there is the same SpecError (file, pointer, reason) in the parent."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("worker processes are forked; this platform has no fork")
    monkeypatch.setattr(models.cache, "CACHE_DIR", None)  # every model missing
    bad = copy.deepcopy(SCHEMAS)
    bad["components"]["schemas"]["Broken"] = {"type": "object", "properties": {"x": {"$ref": 7}}}
    raised: list[BaseException] = []

    def make() -> None:
        try:
            models.make_all([(copy.deepcopy(SCHEMAS), "good.json"), (bad, "bad.json")])
        except BaseException as exc:
            raised.append(exc)

    # An error the parent cannot rebuild leaves the pool waiting forever: a daemon thread
    # lets the test fail on that instead of hanging.
    worker = threading.Thread(target=make, daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "make_all never returned (the worker's error was lost)"
    assert len(raised) == 1 and isinstance(raised[0], SpecError), raised
    error = raised[0]
    assert (error.file, error.pointer) == ("bad.json", "/components/schemas")
    assert error.reason.startswith("model generation failed")


def _forking() -> None:
    import multiprocessing
    import os

    if "fork" not in multiprocessing.get_all_start_methods() or (os.cpu_count() or 1) < 2:
        pytest.skip("early workers are forked, one per core: this platform has no fork or one core")


def test_early_workers_start_only_for_specs_whose_models_were_never_made() -> None:
    """``start_workers`` forks one worker per spec not yet ``remember``ed (leaving a core to
    the caller), and none once every spec's models are known to be made."""
    _forking()
    import os

    made, new = b"spec one", b"spec two"
    models.remember([made])
    assert models.start_workers([made]) is None
    pool = models.start_workers([made, new])
    assert pool is not None
    try:
        assert pool._max_workers == 1  # type: ignore[attr-defined]  # one spec never made
        # forked already, warming up: not at the first job, which comes once a spec is loaded
        assert len(pool._processes) == 1  # type: ignore[attr-defined]
    finally:
        pool.shutdown(cancel_futures=True)
    three = [b"a", b"b", b"c"]
    pool = models.start_workers(three)
    assert pool is not None
    try:
        assert pool._max_workers == min(3, (os.cpu_count() or 1) - 1)  # type: ignore[attr-defined]
    finally:
        pool.shutdown(cancel_futures=True)
    models.remember([new])
    assert models.start_workers([made, new]) is None


def test_a_batch_on_early_workers_gives_each_vendors_models_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A batch whose missing models are made by the early workers gives the very text
    ``render_models`` gives, in the order the vendors were added, cached ones included; the
    workers' models are in the cache for the next run."""
    _forking()
    cached = copy.deepcopy(SCHEMAS)
    cached_code = models.render_models(cached, "cached.json")
    other = copy.deepcopy(SCHEMAS)
    other["components"]["schemas"]["Job"] = {"title": "Job", "type": "object"}
    pool = models.start_workers([b"never made"])
    assert pool is not None
    try:
        batch = models.Batch(pool)
        batch.add(other, "other.json")
        batch.add(cached, "cached.json")
        codes = batch.codes()
    finally:
        pool.shutdown(cancel_futures=True)
    assert codes[1] == cached_code
    assert "class Job(" in codes[0] and codes[0] != cached_code

    def refuse(*_args: object, **_kwargs: object) -> str:
        raise AssertionError("the worker's models were not cached for the next run")

    monkeypatch.setattr(datamodel_code_generator, "generate", refuse)
    assert models.render_models(other, "other.json") == codes[0]


class _LaterPool:
    """A pool that runs each job only when its result is asked for."""

    def submit(self, fn: Any, *args: Any) -> Any:
        return types.SimpleNamespace(result=lambda: fn(*args))


def test_a_batch_makes_the_schemas_as_they_were_when_added() -> None:
    """A worker makes the models of the schemas as they were when the vendor was added: a
    change the caller makes afterwards is not seen (the pool sends its jobs from a thread
    of its own, whenever that thread runs)."""
    named = copy.deepcopy(SCHEMAS)
    batch = models.Batch(_LaterPool())  # type: ignore[arg-type]
    batch.add(named, "spec.json")
    named["components"]["schemas"]["Late"] = {"title": "Late", "type": "object"}
    (code,) = batch.codes()
    assert "class Task(" in code and "class Late" not in code


def test_a_model_failure_in_an_early_worker_reaches_the_command_whole() -> None:
    _forking()
    bad = copy.deepcopy(SCHEMAS)
    bad["components"]["schemas"]["Broken"] = {"type": "object", "properties": {"x": {"$ref": 7}}}
    pool = models.start_workers([b"never made"])
    assert pool is not None
    try:
        batch = models.Batch(pool)
        batch.add(copy.deepcopy(SCHEMAS), "good.json")
        batch.add(bad, "bad.json")
        with pytest.raises(SpecError) as raised:
            batch.codes()
    finally:
        pool.shutdown(cancel_futures=True)
    assert (raised.value.file, raised.value.pointer) == ("bad.json", "/components/schemas")
    assert raised.value.reason.startswith("model generation failed")


def test_a_build_remembers_its_specs_so_the_next_starts_no_early_workers(tmp_path: Path) -> None:
    """After a vendor is built, its spec counts as made: the next build of it forks no early
    workers (they would only cost the time of warming up)."""
    _forking()
    from generator import pipeline

    folder = pipeline.vendor_dirs()[0]
    inputs = [pipeline._inputs(folder)]
    pool = models.start_workers(inputs)
    assert pool is not None  # the cache is empty: never made
    pool.shutdown(cancel_futures=True)
    pipeline.build_all([folder], pipeline.tool_digest(), tmp_path / "cassettes", formatted=False)
    assert models.start_workers(inputs) is None


def _die(_text: str, _file: str) -> str:
    import os

    os._exit(1)  # as a worker killed for memory would end


def test_a_model_worker_that_dies_is_an_error_naming_the_spec_not_a_wait_for_ever(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker killed while it makes a vendor's models (out of memory, say) ends the build
    with that vendor's ``SpecError``; ``multiprocessing.Pool`` would have waited for it for
    ever."""
    _forking()
    monkeypatch.setattr(models, "_models_of", _die)  # before the fork: the workers have it
    raised: list[BaseException] = []

    def build() -> None:
        pool = models.start_workers([b"never made"])
        assert pool is not None
        try:
            batch = models.Batch(pool)
            batch.add(copy.deepcopy(SCHEMAS), "doomed.json")
            batch.codes()
        except BaseException as exc:
            raised.append(exc)
        finally:
            pool.shutdown(cancel_futures=True)

    worker = threading.Thread(target=build, daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "the build waited for a dead worker"
    assert len(raised) == 1 and isinstance(raised[0], SpecError), raised
    assert (raised[0].file, raised[0].pointer) == ("doomed.json", "/components/schemas")
    assert "worker process died" in raised[0].reason
