"""Run every ``benchmarks/bench_*.py`` in turn (``make bench``)."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    sys.path.insert(0, str(HERE))
    from _timing import SHARED_DATA, SKIPPED

    only = set(sys.argv[1:])
    skipped: list[str] = []
    for path in sorted(HERE.glob("bench_*.py")):
        if only and path.stem not in only:
            continue
        print(f"\n# {path.name}")
        argv, sys.argv = sys.argv, [str(path)]  # each script runs with its own defaults
        try:
            runpy.run_path(str(path), run_name="__main__")
        except SystemExit as exc:
            if exc.code == SKIPPED:
                skipped.append(path.stem)
            elif exc.code not in (None, 0):
                raise
        finally:
            sys.argv = argv
    if skipped:
        print(f"\n# skipped (measured nothing): {', '.join(skipped)}")
        if not SHARED_DATA.is_dir():
            print(f"#   {SHARED_DATA} is absent (set GENAI_GUARD_SHARED_DATA to its path)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
