"""Engine limits under worst-case inputs: the invisible-character flood and oversized answers.

For 10 KB, 100 KB and 1 MB of each input: time of the default pipeline's ``check_input`` /
``check_output`` (one call after a warm-up), its action, the views and findings it keeps, the
size of ``to_dict()`` as JSON, and the peak of memory traced by ``tracemalloc`` in a second,
separate call (Python allocations only: the ``re``/``regex`` engines' own buffers are not seen); and
the Unicode sanitizer alone on the flood (it is linear: us per character stays flat).

Run: ``PYTHONPATH=src python benchmarks/bench_engine_limits.py``. Numbers on a shared, busy
machine are noisy; compare between runs on the same machine only.
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import report

from genai_guard import Decision
from genai_guard.context import Context
from genai_guard.policy import build_pipeline
from genai_guard.sanitize import UnicodeSanitizer

SIZES = (10_000, 100_000, 1_000_000)
# Synthetic worst cases (issue 21), not taken from any corpus.
INPUTS = {"invisible flood": "\U000e0049\u200b"}
ANSWERS = {"digits": "1 ", "tags": "<a ", "newlines": "\n", "bangs": "!" * 299 + "@"}


def _sized(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def _measure(fn: Callable[[str], Decision], text: str) -> str:
    start = time.perf_counter()
    decision = fn(text)
    ms = (time.perf_counter() - start) * 1000
    tracemalloc.start()
    fn(text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    size = len(json.dumps(decision.to_dict()))
    return (
        f"{ms:9.2f} ms {decision.action.value:<6} views={len(decision.views)} "
        f"findings={len(decision.findings)} json={size} B traced peak={peak / 1e6:.1f} MB"
    )


def main() -> None:
    pipe = build_pipeline("default").warm_up()
    rows: dict[str, object] = {}
    for name, unit in INPUTS.items():
        for size in SIZES:
            rows[f"check_input {name} {size // 1000:>5} KB"] = _measure(
                pipe.check_input, _sized(unit, size)
            )
    for name, unit in ANSWERS.items():
        for size in SIZES:
            rows[f"check_output {name} {size // 1000:>5} KB"] = _measure(
                pipe.check_output, _sized(unit, size)
            )
    report("default pipeline on worst-case inputs (one call each)", rows)

    san = UnicodeSanitizer()
    san.warm_up()
    ctx = Context()
    alone: dict[str, object] = {}
    for size in SIZES:
        text = _sized(INPUTS["invisible flood"], size)
        start = time.perf_counter()
        out = san.check(text, ctx)
        ms = (time.perf_counter() - start) * 1000
        alone[f"unicode alone, flood {size // 1000:>5} KB"] = (
            f"{ms:9.2f} ms ({ms * 1000 / size:.3f} us/char) views={len(out.views)} "
            f"findings={len(out.findings)}"
        )
    report("Unicode sanitizer alone on the invisible flood", alone)


if __name__ == "__main__":
    main()
