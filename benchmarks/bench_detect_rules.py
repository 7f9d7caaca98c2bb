"""Prompt-attack rules: the detector alone and the default pipeline, p50/p99 per prompt.

Run: ``PYTHONPATH=src python benchmarks/bench_detect_rules.py`` (reads ../shared/data). Reports the
build time, the detector cold (patterns compile on first use, so the first texts pay for the
compiles they need) and after ``warm_up()``, best of 3, the keyword step alone, and the default
pipeline. Figures on a shared, loaded machine are noisy; compare runs on the same machine only.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import regex
from _timing import SHARED_DATA, best_of, report, shared_texts, skip, time_each

from genai_guard.context import Context
from genai_guard.detect import AttackRulesDetector
from genai_guard.policy import build_pipeline


def main() -> None:
    texts = shared_texts()
    if not texts:
        skip(f"{SHARED_DATA} is absent; nothing to measure")
    regex.purge()
    start = time.perf_counter()
    detector = AttackRulesDetector()
    build_ms = round((time.perf_counter() - start) * 1000, 1)
    ctx = Context()
    cold = time_each(lambda t: detector.check(t, ctx), texts)
    regex.purge()
    warm = AttackRulesDetector()
    start = time.perf_counter()
    warm.warm_up()
    warm_up_ms = round((time.perf_counter() - start) * 1000, 1)
    rule_sets = [warm._matcher._set]
    pipeline = build_pipeline("default")
    report(
        "detect.attack_rules",
        {
            "rules": len(detector.rules),
            "patterns": sum(len(r) for r in rule_sets),
            "build_ms": build_ms,
            "warm_up_ms": warm_up_ms,
            "prompts": len(texts),
            "detector_cold_us": cold,
            "detector_warm_us": time_each(lambda t: warm.check(t, ctx), texts),
            "detector_best_of_3_us": best_of(lambda t: warm.check(t, ctx), texts),
            "keyword_step_best_of_3_us": best_of(
                lambda t: [r.regions(t) for r in rule_sets], texts
            ),
            "default_pipeline_us": time_each(pipeline.check_input, texts),
        },
    )


if __name__ == "__main__":
    main()
