"""mutmut's mutant generation alone (``python -m mutation.generate <processes>``, run from the
folder mutmut works in): the mutated copies of the runtime under ``mutants/``, each with its
``.meta`` (the mutants' names) and ``.spans`` (where each generated function is). A file whose
mutated copy is newer than its source is left as it is. Running the mutants is
``mutation/session.py``'s work."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mutmut.__main__ import create_mutants
from mutmut.mutation.trampoline import set_mutant_under_test
from mutmut.utils.file_utils import copy_also_copy_files, copy_src_dir, setup_source_paths


def main(processes: int) -> None:
    set_mutant_under_test("mutant_generation")
    Path("mutants").mkdir(exist_ok=True)
    copy_src_dir()
    copy_also_copy_files()
    setup_source_paths()
    made = create_mutants(processes)
    print(f"{made.mutated} file(s) mutated, {made.unmodified} unchanged", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else os.cpu_count() or 2)
