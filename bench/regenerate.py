"""Regeneration speed: a full regeneration of every vendor, and a run with nothing to do,
beside openapi-python-client generating a client for the ShowAPI spec alone.

Each is a whole command as a user runs it (``python -m generator generate``, a fresh
interpreter, imports included), on copies of ``specs/`` and ``generated/`` in a temporary
folder so the repository is not touched; the commands run in alternating rounds and each
figure is the median with its spread. The full regeneration is timed twice: with the
generator's cache (``generator/cache.py``: models and ruff output by the hash of their inputs)
as an earlier run left it, which is what a developer's regeneration meets, and with it empty
(a fresh clone, or a new datamodel-code-generator or ruff). Targets: full regeneration under
2 s wall, no-change run under 0.2 s. openapi-python-client is installed on first use into
``bench/.opc/`` (gitignored).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import ROOT, Options, Result, measured

HERE = Path(__file__).resolve().parent
OPC_VENV = HERE / ".opc"
OPC_VERSION = "0.29.1"
FULL_TARGET_S, NOTHING_TARGET_S = 2.0, 0.2


def _opc() -> Path:
    """The openapi-python-client command, installed in its own venv when missing."""
    command = OPC_VENV / "bin" / "openapi-python-client"
    if not command.exists():
        print(f"installing openapi-python-client {OPC_VERSION} into {OPC_VENV}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(OPC_VENV)], check=True)
        pip = [str(OPC_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, f"openapi-python-client=={OPC_VERSION}"], check=True)
    return command


def _timed(cmd: list[str], cwd: Path, cache: Path | None = None) -> float:
    env = {**os.environ, "SDKGEN_CACHE": str(cache)} if cache is not None else None
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} failed: {(done.stderr or done.stdout)[-400:]}")
    return elapsed


def run(opts: Options) -> list[Result]:
    rounds = opts.rounds
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "specs", work / "specs")
        shutil.copytree(
            ROOT / "generated", work / "generated", ignore=shutil.ignore_patterns("__pycache__")
        )
        ours = [sys.executable, "-m", "generator", "generate", "--specs", str(work / "specs")]
        ours += ["--out", str(work / "generated"), "--cassettes", str(work / "cassettes")]
        spec = work / "showapi.json"
        spec.write_text(json.dumps(_showapi_document()))
        theirs = [str(_opc()), "generate", "--path", str(spec), "--output-path"]
        theirs += [str(work / "opc"), "--overwrite"]
        warm = work / "cache-warm"
        _timed([*ours, "--force"], ROOT, warm)  # in step with this checkout, cache filled
        samples: dict[str, list[float]] = {"full": [], "cold": [], "nothing": [], "opc": []}
        for i in range(rounds):
            order = ["full", "cold", "nothing", "opc"]
            for name in order if i % 2 == 0 else reversed(order):
                cmd = {"nothing": ours, "opc": theirs}.get(name, [*ours, "--force"])
                cache = work / f"cache-cold-{i}" if name == "cold" else warm
                samples[name].append(_timed(cmd, ROOT, cache))
    note = "alternating rounds, wall clock, a fresh interpreter each"
    vendors = sum(1 for d in (ROOT / "specs").iterdir() if d.is_dir())
    return [
        measured("regenerate", f"full regeneration (--force), all {vendors} vendors (wall)",
                 samples["full"], "s", target=f"< {FULL_TARGET_S:g} s",
                 meets=lambda v: v < FULL_TARGET_S,
                 note=note + "; the generator's cache (models, ruff) filled by an earlier run"),
        measured("regenerate", "full regeneration, the generator's cache empty (wall)",
                 samples["cold"], "s", target=f"< {FULL_TARGET_S:g} s",
                 meets=lambda v: v < FULL_TARGET_S,
                 note=note + "; every model made and every file formatted again"),
        measured("regenerate", "no-change run (wall)", samples["nothing"], "s",
                 target=f"< {NOTHING_TARGET_S:g} s", meets=lambda v: v < NOTHING_TARGET_S,
                 note=note),
        measured("regenerate", f"  openapi-python-client {OPC_VERSION}, ShowAPI spec alone",
                 samples["opc"], "s", note=note),
        measured("regenerate", "  full regeneration / openapi-python-client (one vendor)",
                 [a / b for a, b in zip(samples["full"], samples["opc"], strict=True)], "x",
                 note="ours: every vendor with clients, mocks, tests and cassettes"),
    ]  # fmt: skip


def _showapi_document() -> dict[str, Any]:
    """ShowAPI with our overlay applied: the document both generators are given."""
    from generator.load import load

    return load(ROOT / "specs" / "showapi").document
