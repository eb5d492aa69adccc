"""The whole compile: every vendor folder in ``specs/`` to its package in ``generated/``.

``build`` is pure: the same specs give the same bytes; ``stale`` lists what on disk differs,
for ``make check``. ``generate`` is what ``make generate`` runs: it rebuilds only the vendors
whose spec, overlay, generator or templates changed since the last run, or whose generated
files were edited or deleted since (``fingerprints.json`` records what each package was made
from and a digest of the files made), says per vendor what changed in its API since the last
generation (``diff``; a new vendor is reported as new, with its operations), and removes the
packages of vendors that are gone.

The heavy stages (datamodel-code-generator, Jinja, ruff) are imported only when a vendor is
actually rebuilt, so a run with nothing to do stays fast.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .layout import GENERATED, OVERLAY_NAME, ROOT, SPEC_NAMES, SPECS, TEMPLATES

if TYPE_CHECKING:
    from .diff import Change
    from .runtime.vendor import Vendor

__all__ = ["GENERATED", "ROOT", "SPECS", "build", "generate", "stale", "write"]
FINGERPRINTS = "fingerprints.json"
INIT = (
    b'"""Generated vendor packages: one per spec in specs/. Do not edit; run `make generate`."""\n'
)
# PEP 561's marker: type checkers read the generated packages' own annotations.
PY_TYPED = b""


@dataclass
class VendorBuild:
    """One vendor compiled: its package name, files (by path inside the package; Python
    sources unformatted until ``finish``), seed cassettes, vendor model, and the fingerprint
    of what it was made from."""

    folder: str
    package: str
    sources: dict[str, str]
    seeds: dict[Path, bytes]
    vendor: Vendor
    fingerprint: str
    files: dict[str, bytes] = field(default_factory=dict)


def finish(builds: list[VendorBuild]) -> None:
    """Format every build's Python sources with ruff, in one batch, into ``files``."""
    from .render import format_python

    sources = {f"{b.package}/{rel}": text for b in builds for rel, text in b.sources.items()}
    formatted = format_python(sources)
    for built in builds:
        prefix = f"{built.package}/"
        built.files = {
            rel[len(prefix) :]: text.encode()
            for rel, text in formatted.items()
            if rel.startswith(prefix)
        }


@dataclass
class Generated:
    """What ``generate`` did: per rebuilt vendor, the API changes; the files written."""

    changes: dict[str, list[Change]] = field(default_factory=dict)
    new: dict[str, list[str]] = field(default_factory=dict)  # new vendors: their operations
    written: list[str] = field(default_factory=list)
    seeded: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def vendor_dirs(specs: Path = SPECS) -> list[Path]:
    return sorted(p for p in specs.iterdir() if p.is_dir() and _has_spec(p))


def _has_spec(folder: Path) -> bool:
    return any((folder / name).is_file() for name in SPEC_NAMES)


def tool_digest() -> str:
    """A hash of everything besides the spec that shapes the output: the generator's code
    (its runtime included) and the templates."""
    digest = hashlib.sha256()
    sources = sorted((ROOT / "generator").rglob("*.py")) + sorted(TEMPLATES.glob("*"))
    for path in sources:
        if "__pycache__" not in path.parts:
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(vendor_dir: Path, tools: str) -> str:
    return hashlib.sha256(tools.encode() + _inputs(vendor_dir)).hexdigest()


def _inputs(vendor_dir: Path) -> bytes:
    """What a vendor is made from besides the generator: its spec and overlay, named."""
    parts = []
    for name in (*SPEC_NAMES, OVERLAY_NAME):
        if (vendor_dir / name).is_file():
            parts += [name.encode(), (vendor_dir / name).read_bytes()]
    return b"".join(parts)


def build_vendor(
    vendor_dir: Path, tools: str | None = None, cassettes_dir: Path | None = None
) -> VendorBuild:
    """Compile one vendor folder (the heavy stages are imported here, on first use); seed
    cassettes go under ``cassettes_dir`` (``tests/cassettes`` by default)."""
    return build_all([vendor_dir], tools or tool_digest(), cassettes_dir, formatted=False)[0]


def build_all(
    folders: list[Path], tools: str, cassettes_dir: Path | None = None, formatted: bool = True
) -> list[VendorBuild]:
    """Compile ``folders`` and format them in one batch (``finish``; not when ``formatted``
    is false). Once its stages are imported a vendor takes well under 0.1 s, except for making
    its models, which the cache usually spares. When models are likely missing, worker
    processes are forked before anything else and make each vendor's as soon as its spec is
    loaded, while this process loads the others and builds the vendor models and cassettes
    (``models.Batch``)."""
    from . import models

    inputs = [_inputs(folder) for folder in folders]
    pool = models.start_workers(inputs)  # first: they warm up while the specs load
    try:
        from . import cassettes, ir, load, render
        from .runtime.testing import CASSETTES

        batch, made = models.Batch(pool), []
        for folder in folders:
            one = load.load(folder)
            named = models.name_schemas(one.document)
            batch.add(named, str(one.spec_file))
            made.append((folder, one, ir.build(one, named)))
        seeds = [cassettes.build(vendor, cassettes_dir or CASSETTES) for *_, vendor in made]
        codes = batch.codes()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    models.remember(inputs)
    builds = []
    for (folder, one, vendor), code, seeded in zip(made, codes, seeds, strict=True):
        spec_path = f"specs/{folder.name}/{one.spec_file.name}"
        builds.append(
            VendorBuild(
                folder=folder.name,
                package=vendor.package,
                sources=render.render_package(vendor, code, spec_path),
                seeds=seeded,
                vendor=vendor,
                fingerprint=fingerprint(folder, tools),
            )
        )
    if formatted:
        finish(builds)
    return builds


def build(specs: Path = SPECS) -> tuple[dict[str, bytes], dict[Path, bytes]]:
    """Every generated file by its path relative to ``generated/``, and the seed cassettes."""
    builds = build_all(vendor_dirs(specs), tool_digest())
    made = [(b.folder, b.package, b.fingerprint, files_digest(b.files)) for b in builds]
    files: dict[str, bytes] = {
        "__init__.py": INIT,
        "py.typed": PY_TYPED,
        FINGERPRINTS: _fingerprints(made),
    }
    seeds: dict[Path, bytes] = {}
    for built in builds:
        files.update({f"{built.package}/{rel}": data for rel, data in built.files.items()})
        seeds.update(built.seeds)
    return files, seeds


def _fingerprints(made: list[tuple[str, str, str, str]]) -> bytes:
    """``fingerprints.json``: per spec folder, its package, what it was made from, and a
    digest of the files made (so that an edited or deleted file is rebuilt)."""
    table = {
        folder: {"package": package, "fingerprint": fp, "files": files}
        for folder, package, fp, files in made
    }
    return (json.dumps(table, indent=1, sort_keys=True) + "\n").encode()


def files_digest(files: dict[str, bytes]) -> str:
    """A digest of a package's files (path inside the package -> bytes)."""
    digest = hashlib.sha256()
    for rel, data in sorted(files.items()):
        digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def _digest_on_disk(package_dir: Path) -> str:
    files = {p.relative_to(package_dir).as_posix(): p.read_bytes() for p in _on_disk(package_dir)}
    return files_digest(files)


def generate(
    specs: Path = SPECS,
    out: Path = GENERATED,
    *,
    force: bool = False,
    cassettes_dir: Path | None = None,
) -> Generated:
    """Rebuild what changed (everything with ``force``) and report each vendor's API changes;
    seed cassettes go under ``cassettes_dir`` (``tests/cassettes`` by default)."""
    tools = tool_digest()
    recorded = _recorded(out)
    done = Generated()
    made: list[tuple[str, str, str, str]] = []
    changed: list[Path] = []
    for folder in vendor_dirs(specs):
        entry = recorded.get(folder.name, {})
        current = fingerprint(folder, tools)
        package = entry.get("package", "")
        intact = bool(package) and entry.get("files") == _digest_on_disk(out / package)
        if not force and entry.get("fingerprint") == current and intact:
            done.skipped.append(package)
            made.append((folder.name, package, current, entry["files"]))
        else:
            changed.append(folder)
    for built in build_all(changed, tools, cassettes_dir) if changed else []:
        previous = _previous_vendor(out / built.package)
        if previous is None:
            done.new[built.package] = [
                f"{op.name} ({op.method} {op.path})" for op in built.vendor.operations
            ]
        else:
            from .diff import diff

            done.changes[built.package] = diff(previous, built.vendor)
        done.written += _write_package(built, out)
        done.seeded += write_seeds(built.seeds)
        made.append((built.folder, built.package, built.fingerprint, files_digest(built.files)))
    done.written += _remove_gone(out, {package for _f, package, *_ in made}, recorded)
    index = {"__init__.py": INIT, "py.typed": PY_TYPED, FINGERPRINTS: _fingerprints(made)}
    done.written += write(index, out, prune=False)
    return done


def _recorded(out: Path) -> dict[str, dict[str, str]]:
    try:
        table: dict[str, dict[str, str]] = json.loads((out / FINGERPRINTS).read_text())
    except (OSError, ValueError):
        return {}
    return table


def _previous_vendor(package_dir: Path) -> Vendor | None:
    """The vendor model of the package on disk, or None for a vendor generated the first time
    (or whose ``vendor.json`` is gone or unreadable: then everything is new)."""
    from .runtime.vendor import load_vendor

    try:
        return load_vendor(package_dir / "vendor.json")
    except (OSError, ValueError):
        return None


def _write_package(built: VendorBuild, out: Path) -> list[str]:
    files = {f"{built.package}/{rel}": data for rel, data in built.files.items()}
    return write(files, out, prune=True, within=built.package)


def _remove_gone(out: Path, packages: set[str], recorded: dict[str, dict[str, str]]) -> list[str]:
    """Delete the packages of vendors whose spec folder is gone."""
    removed = []
    for entry in recorded.values():
        package = entry.get("package", "")
        if package and package not in packages and (out / package).is_dir():
            shutil.rmtree(out / package)
            removed.append(f"{package}/")
    return removed


def write_seeds(seeds: dict[Path, bytes]) -> list[Path]:
    """Write seed cassettes, never over a recorded one; returns those that changed."""
    from . import cassettes

    changed = []
    for path, data in sorted(seeds.items()):
        if cassettes.writable(path) and (not path.is_file() or path.read_bytes() != data):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed.append(path)
    return changed


def write(
    files: dict[str, bytes], out: Path = GENERATED, *, prune: bool = True, within: str = ""
) -> list[str]:
    """Write ``files`` under ``out``; with ``prune``, remove files under ``out`` (or its
    ``within`` folder) that ``files`` does not have. Returns the paths that changed."""
    changed = []
    for rel, data in sorted(files.items()):
        path = out / rel
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed.append(rel)
    if prune:
        for path in sorted(_on_disk(out / within if within else out)):
            rel = path.relative_to(out).as_posix()
            if rel not in files:
                path.unlink()
                changed.append(rel)
    return changed


def stale(files: dict[str, bytes], out: Path = GENERATED) -> list[str]:
    """Paths under ``out`` that differ from ``files``: changed, missing, or not generated."""
    wrong = [
        rel
        for rel, data in sorted(files.items())
        if not (out / rel).is_file() or (out / rel).read_bytes() != data
    ]
    extra = [p.relative_to(out).as_posix() for p in _on_disk(out)]
    return wrong + sorted(rel for rel in extra if rel not in files)


def _on_disk(out: Path) -> list[Path]:
    if not out.is_dir():
        return []
    return [p for p in out.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
