"""Start-up time in fresh processes: what a one-shot CLI call or a short script pays.

Three measurements, each the median of ``--runs`` (default 5) fresh interpreters:

- ``import+default``: ``import genai_guard`` and ``build_pipeline("default")``;
- ``cli scan``: ``genai-guard scan hello`` end to end (``python -m genai_guard.cli``);
- ``warm_up``: ``build_pipeline("default").warm_up()`` in addition to the first.

``--src DIR`` measures another checkout's ``src``, e.g. ``git archive ef11b12 src | tar -x -C
/tmp/before`` and ``--src /tmp/before/src``. ``--baseline DIR`` times that ``src`` too, alternating
run by run with ``--src``, so both see the same load on a shared machine (before/after figures).
Numbers on a shared machine are noisy; the median of fresh processes is the figure to quote.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

_BUILD = (
    "import genai_guard\n"
    "from genai_guard.policy import build_pipeline\n"
    "p = build_pipeline('default')\n"
)
CASES = {
    "import+default": [sys.executable, "-c", _BUILD],
    "cli scan": [sys.executable, "-m", "genai_guard.cli", "scan", "hello"],
    "warm_up": [sys.executable, "-c", _BUILD + "p.warm_up()\n"],
}


def _once(cmd: list[str], src: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1, 3):  # scan exits with the decision's status
        raise SystemExit(f"{cmd[1:]} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per case")
    parser.add_argument("--src", type=Path, default=REPO / "src", help="the src folder to time")
    parser.add_argument(
        "--baseline", type=Path, help="another src folder, timed alternately with --src"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    trees = {"src": args.src.resolve()}
    if args.baseline is not None:
        trees = {"baseline": args.baseline.resolve(), **trees}
    results: dict[str, dict[str, dict[str, float]]] = {k: {} for k in trees}
    for name, cmd in CASES.items():
        samples: dict[str, list[float]] = {k: [] for k in trees}
        for _ in range(args.runs):
            for key, src in trees.items():
                samples[key].append(_once(cmd, src))
        for key, values in samples.items():
            results[key][name] = {
                "median_s": round(statistics.median(values), 3),
                "min_s": round(min(values), 3),
                "max_s": round(max(values), 3),
                "runs": args.runs,
            }
    if args.json:
        print(json.dumps({"trees": {k: str(v) for k, v in trees.items()}, "results": results}))
        return 0
    for key, src in trees.items():
        print(f"start-up, fresh process, median of {args.runs} ({key}: {src})")
        for name, r in results[key].items():
            print(
                f"  {name:<16} median {r['median_s']:.3f} s"
                f"  (min {r['min_s']:.3f}, max {r['max_s']:.3f})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
