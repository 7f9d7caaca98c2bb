"""Benchmark of the shipped attack classifier: alone and in the default pipeline.

Run: ``PYTHONPATH=src python benchmarks/bench_classifier.py``. Reports model load time (first use,
including the SHA-256 check), resident memory after load, and p50/p99 per prompt over
../shared/data: the classifier alone, and the default pipeline cold and after ``warm_up()``.
Numbers on a shared machine are noisy.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import regex
from _timing import SHARED_DATA, best_of, report, shared_texts, skip, time_each

from genai_guard.context import Context
from genai_guard.detect import AttackClassifierDetector
from genai_guard.policy import build_pipeline


def _rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    texts = shared_texts()
    if not texts:
        skip(f"{SHARED_DATA} is absent; nothing to benchmark")
    import numpy  # noqa: F401 - imported first so the load time below is the model's own

    rss_before = _rss_mb()
    det = AttackClassifierDetector()
    start = time.perf_counter_ns()
    det.load()
    load_ms = (time.perf_counter_ns() - start) / 1e6
    rss_after = _rss_mb()
    ctx = Context()
    alone = time_each(lambda t: det.check(t, ctx), texts)
    pipe = build_pipeline("default")
    pipeline = time_each(pipe.check_input, texts)
    # The same pipeline after warm_up(): the rules' patterns compile on first use, so the cold
    # pass above pays for every compile its texts need. ``regex`` caches compiled patterns in the
    # process, so purge that cache to time warm_up() on a fresh build.
    regex.purge()
    warm = build_pipeline("default")
    start = time.perf_counter_ns()
    warm.warm_up()
    warm_up_ms = (time.perf_counter_ns() - start) / 1e6
    warmed = time_each(warm.check_input, texts)
    report(
        "attack classifier",
        {
            "texts": len(texts),
            "load_ms (first use, incl. sha256)": round(load_ms, 1),
            "max_rss_mb before load": round(rss_before, 1),
            "max_rss_mb after load": round(rss_after, 1),
            "classifier alone (us)": alone,
            "classifier alone, best of 3 (us)": best_of(lambda t: det.check(t, ctx), texts),
            "default pipeline, cold (us)": pipeline,
            "Pipeline.warm_up() (ms)": round(warm_up_ms, 1),
            "default pipeline, after warm_up (us)": warmed,
        },
    )


if __name__ == "__main__":
    main()
