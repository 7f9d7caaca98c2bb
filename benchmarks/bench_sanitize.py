"""Sanitizer timings: each stage and all together on the shared prompts, the default pipeline,
and time against input size (1 KB to 1 MB) to show linear growth.

Run: ``PYTHONPATH=src python benchmarks/bench_sanitize.py``. Numbers on a shared, busy machine
are noisy; compare medians between runs on the same machine only.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import report, shared_texts, time_each

from genai_guard.context import Context
from genai_guard.policy import build_pipeline
from genai_guard.sanitize import LengthLimit, PayloadDecoder, UnicodeSanitizer

CTX = Context()
# A synthetic paragraph mixing the cases the sanitizers handle (not taken from the corpus):
# plain prose, a homoglyph word, a zero-width joiner, a fullwidth word, a base64 token.
_UNIT = (
    "Please summarize the quarterly report and list the three main risks. "
    "Then p\u0430ss the result to the team\u200b lead. \uff28\uff49 there, "
    "reference SGVsbG8gd29ybGQgZnJvbSB0aGUgYmVuY2htYXJr and continue.\n"
)


def _sized(n: int, unit: str) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def main() -> None:
    uni = UnicodeSanitizer()
    dec = PayloadDecoder()
    lim = LengthLimit(max_chars=100_000)
    uni.check("\u0430", CTX)  # build the homoglyph table outside the timings

    def together(text: str) -> None:
        uni.check(text, CTX)
        dec.check(text, CTX)
        lim.check(text, CTX)

    texts = shared_texts()
    if texts:
        report(
            f"sanitizers on {len(texts)} shared prompts (us per prompt)",
            {
                "unicode": time_each(lambda t: uni.check(t, CTX), texts),
                "payload_decoder": time_each(lambda t: dec.check(t, CTX), texts),
                "length_limit": time_each(lambda t: lim.check(t, CTX), texts),
                "all three": time_each(together, texts),
            },
        )
        pipe = build_pipeline("default")
        steps = ", ".join(s.name for s in pipe.input_steps)
        report(
            "default pipeline on the shared prompts (us per prompt)",
            {f"input: {steps}": time_each(pipe.check_input, texts)},
        )
    else:
        print("../shared/data not found: shared-prompt figures skipped")

    rows: dict[str, object] = {}
    for unit_name, unit in (("mixed", _UNIT), ("ascii", _UNIT.encode("ascii", "ignore").decode())):
        for size in (1_000, 10_000, 100_000, 1_000_000):
            text = _sized(size, unit)
            for name, fn in (("unicode", uni.check), ("payload_decoder", dec.check)):
                start = time.perf_counter()
                fn(text, CTX)
                ms = (time.perf_counter() - start) * 1000
                rows[f"{unit_name} {size // 1000:>5} KB {name}"] = (
                    f"{ms:9.2f} ms ({ms * 1000 / size:.3f} us/char)"
                )
    report("time against input size (one call each)", rows)


if __name__ == "__main__":
    main()
