"""``python -m generator generate | check``: behind ``make generate`` and ``make check``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import pipeline
from .errors import SpecError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator")
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="regenerate generated/ from specs/")
    gen.add_argument("--specs", type=Path, default=pipeline.SPECS)
    gen.add_argument("--out", type=Path, default=pipeline.GENERATED)
    chk = commands.add_parser("check", help="fail if generated/ does not match specs/")
    chk.add_argument("--specs", type=Path, default=pipeline.SPECS)
    chk.add_argument("--out", type=Path, default=pipeline.GENERATED)
    args = parser.parse_args(argv)
    try:
        files, seeds = pipeline.build(args.specs)
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command == "generate":
        changed = pipeline.write(files, args.out)
        for rel in changed:
            print(f"  wrote {args.out.name}/{rel}")
        for path in pipeline.write_seeds(seeds):
            print(f"  seeded {path.relative_to(pipeline.ROOT)}")
        print(f"generated {len(files)} files, {len(changed)} changed")
        return 0
    bad = pipeline.stale(files, args.out)
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
