"""Prompt-attack rules: the detector alone and the default pipeline, p50/p99 per prompt.

Run: ``PYTHONPATH=src python benchmarks/bench_detect_rules.py`` (reads ../shared/data). Figures on a
shared, loaded machine are noisy; compare runs on the same machine only.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import best_of, report, shared_texts, time_each

from genai_guard.context import Context
from genai_guard.detect import AttackRulesDetector
from genai_guard.policy import build_pipeline


def main() -> None:
    texts = shared_texts()
    if not texts:
        print("../shared/data not found; nothing to measure")
        return
    start = time.perf_counter()
    detector = AttackRulesDetector()
    build_ms = round((time.perf_counter() - start) * 1000, 1)
    ctx = Context()
    capped = AttackRulesDetector(max_scan_chars=8192)
    pipeline = build_pipeline("default")
    report(
        "detect.attack_rules",
        {
            "rules": len(detector.rules),
            "build_ms": build_ms,
            "prompts": len(texts),
            "detector_us": time_each(lambda t: detector.check(t, ctx), texts),
            "detector_best_of_3_us": best_of(lambda t: detector.check(t, ctx), texts),
            "detector_8k_cap_best_of_3_us": best_of(lambda t: capped.check(t, ctx), texts),
            "default_pipeline_us": time_each(pipeline.check_input, texts),
        },
    )


if __name__ == "__main__":
    main()
