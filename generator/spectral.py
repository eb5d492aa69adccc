"""Spectral's ``oas`` ruleset on every spec: a check by a tool we did not write.

``python -m generator.spectral [VENDOR...]`` (``make spectral``) lints each vendor's spec as
shipped and, where it has an overlay, the overlaid document too, prints every error and exits
1 when there is one. Spectral comes from npm, installed on first use into ``.tools/node/``
(gitignored) at a pinned version.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .layout import ROOT, SPECS
from .load import load
from .pipeline import vendor_dirs

PACKAGE = "@stoplight/spectral-cli"
VERSION = "6.15.0"
NODE_PREFIX = ROOT / ".tools" / "node"
RULESET = 'extends: ["spectral:oas"]\n'
ERROR = 0  # Spectral's severity of an error (1 warning, 2 info, 3 hint)


class Unavailable(Exception):
    """Spectral cannot be run here (no npm, or its install failed)."""


@dataclass(frozen=True)
class Finding:
    document: str
    code: str
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.document}:{self.line}: {self.code} at {self.path or '/'}: {self.message}"


def executable() -> str:
    """Spectral's command in ``.tools/node/``, installed there with npm when missing."""
    exe = NODE_PREFIX / "node_modules" / ".bin" / "spectral"
    if exe.exists():
        return str(exe)
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise Unavailable("node and npm are needed to install Spectral")
    NODE_PREFIX.mkdir(parents=True, exist_ok=True)
    print(f"installing {PACKAGE}@{VERSION} into {NODE_PREFIX}", file=sys.stderr)
    done = subprocess.run(
        [npm, "install", "--prefix", str(NODE_PREFIX), "--no-audit", "--no-fund",
         "--loglevel=error", f"{PACKAGE}@{VERSION}"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if done.returncode != 0 or not exe.exists():
        raise Unavailable(f"npm install {PACKAGE} failed: {done.stderr.strip()[-300:]}")
    return str(exe)


def lint_files(documents: dict[Path, str]) -> list[Finding]:
    """Spectral's errors for OpenAPI documents (path -> the name to report), in one run."""
    with tempfile.TemporaryDirectory() as tmp:
        ruleset = Path(tmp) / ".spectral.yaml"
        ruleset.write_text(RULESET)
        done = subprocess.run(
            [executable(), "lint", "--ruleset", str(ruleset), "--format", "json", "--quiet",
             "--fail-severity", "error", *map(str, documents)],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    try:
        results = json.loads(done.stdout or "[]")
    except ValueError:
        raise Unavailable(f"Spectral gave no report: {done.stderr.strip()[-300:]}") from None
    names = {str(p.resolve()): n for p, n in documents.items()}
    return [
        Finding(
            names.get(str(Path(r.get("source", "")).resolve()), str(r.get("source", ""))),
            str(r.get("code", "")),
            "/".join(str(p) for p in r.get("path", [])),
            int(r.get("range", {}).get("start", {}).get("line", -1)) + 1,
            str(r.get("message", "")),
        )
        for r in results
        if r.get("severity") == ERROR
    ]


def lint_vendors(vendor_dirs: list[Path]) -> list[Finding]:
    """Each spec as shipped, and the overlaid document where there is an overlay."""
    with tempfile.TemporaryDirectory() as tmp:
        documents: dict[Path, str] = {}
        for folder in vendor_dirs:
            loaded = load(folder)
            shown = _shown(loaded.spec_file)
            documents[loaded.spec_file] = shown
            if loaded.overlay_file is not None:
                merged = Path(tmp) / f"{folder.name}.overlaid.json"
                merged.write_text(json.dumps(loaded.document, ensure_ascii=False, indent=1))
                documents[merged] = f"{shown} with {loaded.overlay_file.name} applied"
        return lint_files(documents)


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    names = sys.argv[1:] if argv is None else argv
    folders = [SPECS / n for n in names] if names else vendor_dirs()
    try:
        findings = lint_vendors(folders)
    except Unavailable as exc:
        print(f"spectral: {exc}", file=sys.stderr)
        return 2
    for finding in findings:
        print(finding)
    print(f"spectral {VERSION} (oas ruleset): {len(findings)} error(s) in {len(folders)} spec(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
