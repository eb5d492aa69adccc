"""``python -m generator generate | check | diff | watch``: behind ``make generate``,
``make check``, ``make diff`` and ``make watch``.

- ``generate`` rebuilds the vendors whose spec, overlay, generator or templates changed, or
  whose generated files were edited or deleted (``--force``: all), and prints, per rebuilt
  vendor, what changed in its API (a new vendor: its operations).
- ``check`` rebuilds everything in memory and fails naming each file that differs.
- ``diff OLD NEW`` reports the API changes between two versions of a spec (a vendor folder, a
  spec file, or ``REV:path`` from git), as text or ``--json``; it exits 1 on a breaking
  change, so a CI job can gate a vendor update.
- ``watch`` regenerates a vendor whenever its spec or overlay is saved.
- ``new NAME`` writes ``specs/NAME/openapi.yaml``, a commented skeleton of an asynchronous task
  API that generates and passes every generic test as it is.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

from . import pipeline
from .errors import SpecError


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator")
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="regenerate what changed in generated/")
    gen.add_argument("--force", action="store_true", help="rebuild every vendor")
    gen.add_argument("--cassettes", type=Path, default=None, help="where seed cassettes go")
    chk = commands.add_parser("check", help="fail if generated/ does not match specs/")
    watch = commands.add_parser("watch", help="regenerate a vendor when its spec is saved")
    watch.add_argument("--interval", type=float, default=0.5, help="seconds between looks")
    for sub in (gen, chk, watch):
        sub.add_argument("--specs", type=Path, default=pipeline.SPECS)
        sub.add_argument("--out", type=Path, default=pipeline.GENERATED)
    new = commands.add_parser("new", help="write a skeleton spec for a new vendor")
    new.add_argument("name", help="the vendor's package name (lower case, e.g. acme_images)")
    new.add_argument("--specs", type=Path, default=pipeline.SPECS)
    dif = commands.add_parser("diff", help="API changes between two versions of a spec")
    dif.add_argument("old", help="vendor folder, spec file, or REV:path (git)")
    dif.add_argument("new", help="vendor folder, spec file, or REV:path (git)")
    dif.add_argument("--overlay", type=Path, help="overlay to apply to both (ShowAPI's)")
    dif.add_argument("--json", action="store_true", help="print JSON instead of text")
    doc = commands.add_parser("doc-check", help="compare a vendor's document with its spec")
    doc.add_argument("vendor", help="the vendor's folder name under specs/")
    doc.add_argument("document", help="the vendor's document, as published")
    return parser


def _generate(args: argparse.Namespace) -> int:
    done = pipeline.generate(args.specs, args.out, force=args.force, cassettes_dir=args.cassettes)
    _print_generated(done, args.out)
    schema = _extension_schema(args.specs)
    if schema is not None and (not schema[0].is_file() or schema[0].read_bytes() != schema[1]):
        schema[0].write_bytes(schema[1])
        print(f"  wrote {schema[0].parent.name}/{schema[0].name}")
    return 0


def _extension_schema(specs: Path) -> tuple[Path, bytes] | None:
    """Where the extensions' JSON Schema goes, and its bytes: only for the project's own
    ``specs/`` (a folder elsewhere, as tests use, gets none)."""
    if specs.resolve() != pipeline.SPECS.resolve():
        return None
    from .extschema import SCHEMA_NAME, schema_bytes

    return specs / SCHEMA_NAME, schema_bytes()


def _print_generated(done: pipeline.Generated, out: Path) -> None:
    for package, operations in done.new.items():
        print(f"{package}: new vendor, {len(operations)} operation(s)")
        for line in operations:
            print(f"  + {line}")
    if done.changes:
        from .diff import report

        for package, changes in done.changes.items():
            print(report(changes, package))
    for rel in done.written:
        print(f"  wrote {out.name}/{rel}")
    for path in done.seeded:
        shown = path.relative_to(pipeline.ROOT) if path.is_relative_to(pipeline.ROOT) else path
        print(f"  seeded {shown}")
    rebuilt = ", ".join([*done.new, *done.changes]) or "none"
    unchanged = ", ".join(done.skipped) or "none"
    print(f"rebuilt: {rebuilt}; unchanged: {unchanged}; {len(done.written)} file(s) written")


def _check(args: argparse.Namespace) -> int:
    files, _ = pipeline.build(args.specs)
    bad = pipeline.stale(files, args.out)
    schema = _extension_schema(args.specs)
    if schema is not None and (not schema[0].is_file() or schema[0].read_bytes() != schema[1]):
        print(f"stale: {schema[0].parent.name}/{schema[0].name}", file=sys.stderr)
        bad.append(schema[0].name)
    for rel in bad:
        print(f"stale: {args.out.name}/{rel}", file=sys.stderr)
    if bad:
        print(
            f"{len(bad)} generated file(s) do not match specs/: run 'make generate'",
            file=sys.stderr,
        )
        return 1
    print(f"generated/ matches specs/ ({len(files)} files)")
    return 0


def _diff(args: argparse.Namespace) -> int:
    from .diff import diff, is_breaking, report
    from .versions import api_of

    old, new = api_of(args.old, args.overlay), api_of(args.new, args.overlay)
    changes = diff(old, new)
    breaking = is_breaking(changes)
    if args.json:
        answer = {
            "vendor": new.package,
            "breaking": breaking,
            "changes": [c.as_json() for c in changes],
        }
        print(json.dumps(answer, indent=1, ensure_ascii=False))
    else:
        print(report(changes, new.package))
    return 1 if breaking else 0


def _watch(args: argparse.Namespace) -> int:
    from .watch import watch

    print(f"watching {args.specs} (Ctrl-C stops)", file=sys.stderr, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        watch(
            args.specs,
            args.out,
            interval=args.interval,
            on_done=lambda d: _print_generated(d, args.out),
        )
    return 0


def _doc_check(args: argparse.Namespace) -> int:
    from .doccheck import run

    return run(args.vendor, args.document)


def _new(args: argparse.Namespace) -> int:
    from .skeleton import new_vendor

    path = new_vendor(args.name, args.specs)
    print(f"wrote {path}")
    print("next: make generate (then make test); edit the spec to match the vendor, step by step")
    return 0


COMMANDS = {
    "generate": _generate,
    "check": _check,
    "diff": _diff,
    "watch": _watch,
    "doc-check": _doc_check,
    "new": _new,
}
