"""The whole compile: every vendor folder in ``specs/`` to its package in ``generated/``.

``build`` is pure: the same specs give the same bytes. ``write`` puts them on disk (removing
files a vendor no longer has), and ``stale`` lists what on disk differs, for ``make check``.
"""

from __future__ import annotations

from pathlib import Path

from . import cassettes, ir, load, models, render
from .render import ROOT

SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"


def vendor_dirs(specs: Path = SPECS) -> list[Path]:
    return sorted(p for p in specs.iterdir() if p.is_dir() and _has_spec(p))


def _has_spec(folder: Path) -> bool:
    return any((folder / name).is_file() for name in load.SPEC_NAMES)


def build_vendor(vendor_dir: Path) -> tuple[str, dict[str, bytes], dict[Path, bytes]]:
    """(package name, files by path inside the package, seed cassettes) for one vendor."""
    loaded = load.load(vendor_dir)
    named = models.name_schemas(loaded.document)
    vendor = ir.build(loaded, named)
    spec_path = f"specs/{vendor_dir.name}/{loaded.spec_file.name}"
    code = models.render_models(named, str(loaded.spec_file))
    return vendor.package, render.render_package(vendor, code, spec_path), cassettes.build(vendor)


def build(specs: Path = SPECS) -> tuple[dict[str, bytes], dict[Path, bytes]]:
    """Every generated file by its path relative to ``generated/``, and the seed cassettes."""
    files: dict[str, bytes] = {"__init__.py": INIT}
    seeds: dict[Path, bytes] = {}
    for folder in vendor_dirs(specs):
        package, package_files, package_seeds = build_vendor(folder)
        files.update({f"{package}/{rel}": data for rel, data in package_files.items()})
        seeds.update(package_seeds)
    return files, seeds


def write_seeds(seeds: dict[Path, bytes]) -> list[Path]:
    """Write seed cassettes, never over a recorded one; returns those that changed."""
    changed = []
    for path, data in sorted(seeds.items()):
        if cassettes.writable(path) and (not path.is_file() or path.read_bytes() != data):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed.append(path)
    return changed


INIT = (
    b'"""Generated vendor packages: one per spec in specs/. Do not edit; run `make generate`."""\n'
)


def write(files: dict[str, bytes], out: Path = GENERATED) -> list[str]:
    """Write ``files`` under ``out``; returns the paths that changed (removed ones included)."""
    changed = []
    for rel, data in sorted(files.items()):
        path = out / rel
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed.append(rel)
    for path in sorted(_on_disk(out)):
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
