"""PII benchmark: accuracy on the labelled generator's test part, and speed against presidio.

Ours: ``PIIMasker`` (fast engine) + ``SecretsDetector``. Theirs: presidio's ``AnalyzerEngine``
(the same predefined recognizers, our offline tokenizing NLP engine, same phone regions and score
threshold) + ``AnonymizerEngine`` (replace operator).

    python benchmarks/bench_pii.py [--split test|dev] [--n 3000] [--skip-presidio]

Timings on a shared machine are noisy; compare the two engines within one run.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from _timing import percentiles_us, report, shared_texts  # noqa: E402
from pii_corpus import Sample, generate  # noqa: E402

from genai_guard.pii._recognizers import GENERIC_ENTITIES  # noqa: E402

# The pattern types the generator labels (URL and DATE_TIME included, although the default
# policy no longer masks them): the same set for both engines, so figures stay comparable. The
# default entity set (with the offline name finder, which presidio lacks without a spaCy model)
# is timed on our side only.
ENTITIES = GENERIC_ENTITIES
PRESIDIO_ENTITIES = ENTITIES
THRESHOLD = 0.4


def score(samples: list[Sample], analyze: Any) -> dict[str, dict[str, float]]:
    """Per-entity recall and precision; a prediction matches a gold span of its type it overlaps."""
    tp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    for s in samples:
        preds = [(e.start, e.end, e.entity_type) for e in analyze(s.text)]
        gold = [g for g in s.spans if g[2] in ENTITIES]
        for g in gold:
            hit = any(p[2] == g[2] and p[0] < g[1] and g[0] < p[1] for p in preds)
            (tp if hit else fn)[g[2]] += 1
        for p in preds:
            if not any(p[2] == g[2] and p[0] < g[1] and g[0] < p[1] for g in gold):
                fp[p[2]] += 1
    out: dict[str, dict[str, float]] = {}
    for ent in ENTITIES:
        t, n, f = tp[ent], fn[ent], fp[ent]
        out[ent] = {
            "recall": round(t / (t + n), 4) if t + n else 1.0,
            "precision": round(t / (t + f), 4) if t + f else 1.0,
            "support": t + n,
            "fp": f,
        }
    return out


def secrets_recall(samples: list[Sample]) -> tuple[float, int]:
    from genai_guard.pii import SecretsDetector

    det = SecretsDetector()
    gold = [(s, g) for s in samples for g in s.spans if g[2] == "SECRET"]
    hits = 0
    for s, g in gold:
        found = det.find(s.text)
        hits += any(f.span is not None and f.span.start < g[1] and g[0] < f.span.end for f in found)
    return (round(hits / len(gold), 4) if gold else 1.0), len(gold)


def rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def startup(kind: str) -> dict[str, float]:
    """Start-up time and peak RSS of building one engine in a fresh interpreter."""
    code = (
        "import time,resource,sys;t=time.perf_counter();"
        + (
            "from genai_guard import Context;from genai_guard.pii import PIIMasker;"
            f"m=PIIMasker(entities={list(ENTITIES)!r});m.check('x a@b.com',Context());"
            if kind == "ours"
            else "from genai_guard.pii._presidio import build_analyzer_engine;"
            "from presidio_anonymizer import AnonymizerEngine;"
            f"e=build_analyzer_engine(entities={list(PRESIDIO_ENTITIES)!r});a=AnonymizerEngine();"
            "e.analyze(text='x a@b.com',language='en');"
        )
        + "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)"
    )
    env = dict(os.environ, PYTHONPATH=str(HERE.parent / "src"))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    return {"startup_s": round(float(out[0]), 3), "peak_rss_mb": round(float(out[1]), 1)}


def document(samples: list[Sample], words: int = 2000) -> str:
    parts: list[str] = []
    count = 0
    for s in samples:
        parts.append(s.text)
        count += len(s.text.split())
        if count >= words:
            break
    return " ".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="test", choices=["dev", "test"])
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-presidio", action="store_true")
    args = ap.parse_args()

    from genai_guard import Context
    from genai_guard.pii import PIIMasker, SecretsDetector

    all_samples = generate(args.n, seed=args.seed)
    samples = [s for s in all_samples if s.split == args.split]
    negatives = [s for s in samples if s.negative]
    print(
        f"corpus: {len(all_samples)} prompts, {args.split} part {len(samples)} "
        f"({len(negatives)} PII-free = {len(negatives) / len(samples):.0%})"
    )

    masker = PIIMasker(entities=ENTITIES, score_threshold=THRESHOLD)
    default_masker = PIIMasker(score_threshold=THRESHOLD)  # the default entity set
    secrets = SecretsDetector()
    ctx = Context()

    def ours_analyze(text: str) -> list[Any]:
        return masker._detector.analyze(text)

    acc = score(samples, ours_analyze)
    changed = sum(masker.check(s.text, ctx).text is not None for s in negatives)
    sec_recall, sec_n = secrets_recall(samples)
    rows: dict[str, Any] = {
        f"{ent} recall/precision (n={m['support']})": f"{m['recall']:.4f} / {m['precision']:.4f}"
        for ent, m in acc.items()
    }
    rows["PII-free prompts changed"] = (
        f"{changed}/{len(negatives)} = {changed / max(1, len(negatives)):.2%}"
    )
    changed_default = sum(default_masker.check(s.text, ctx).text is not None for s in negatives)
    rows["PII-free prompts changed (default entities)"] = (
        f"{changed_default}/{len(negatives)} = {changed_default / max(1, len(negatives)):.2%}"
    )
    rows[f"secrets recall (n={sec_n})"] = sec_recall
    report(f"accuracy, ours (fast engine), {args.split} part", rows)

    def ours(text: str) -> object:
        out = masker.check(text, ctx)
        secrets.find(text)
        return out

    texts = [s.text for s in samples]
    doc = document(samples)
    speed: dict[str, Any] = {}
    t_ours = time_all(ours, texts)
    speed["ours short p50/p99 us"] = f"{t_ours['p50']} / {t_ours['p99']}"
    speed["ours short throughput /s"] = round(1e6 / t_ours["mean"], 1)
    d_ours = time_all(ours, [doc] * 20, warmup=2)
    speed["ours 2000-word doc p50/p99 ms"] = (
        f"{d_ours['p50'] / 1000:.2f} / {d_ours['p99'] / 1000:.2f}"
    )
    t_default = time_all(lambda t: (default_masker.check(t, ctx), secrets.find(t)), texts)
    speed["ours, default entities, short p50/p99 us"] = f"{t_default['p50']} / {t_default['p99']}"
    so = startup("ours")
    speed["ours start-up s / peak RSS MB"] = f"{so['startup_s']} / {so['peak_rss_mb']}"

    if not args.skip_presidio:
        from presidio_anonymizer import AnonymizerEngine

        from genai_guard.pii._presidio import PresidioAnalyzer, build_analyzer_engine

        engine = build_analyzer_engine(entities=PRESIDIO_ENTITIES, close_gaps=False)
        anonymizer = AnonymizerEngine()
        stock = PresidioAnalyzer(engine, entities=PRESIDIO_ENTITIES)

        def theirs(text: str) -> object:
            results = engine.analyze(
                text=text,
                language="en",
                entities=list(PRESIDIO_ENTITIES),
                score_threshold=THRESHOLD,
            )
            return anonymizer.anonymize(text=text, analyzer_results=results)

        acc_p = score(samples, lambda t: engine_results(engine, t))
        rows_p = {
            f"{ent} recall/precision": f"{m['recall']:.4f} / {m['precision']:.4f}"
            for ent, m in acc_p.items()
        }
        report(f"accuracy, presidio stock recognizers (offline), {args.split} part", rows_p)
        fixed = build_analyzer_engine(entities=PRESIDIO_ENTITIES, close_gaps=True)
        acc_f = score(samples, lambda t: engine_results(fixed, t))
        rows_f = {
            f"{ent} recall/precision": f"{m['recall']:.4f} / {m['precision']:.4f}"
            for ent, m in acc_f.items()
        }
        report(f"accuracy, presidio + our gap patterns, {args.split} part", rows_f)
        t_p = time_all(theirs, texts[:600])
        speed["presidio short p50/p99 us"] = f"{t_p['p50']} / {t_p['p99']}"
        speed["presidio short throughput /s"] = round(1e6 / t_p["mean"], 1)
        d_p = time_all(theirs, [doc] * 5, warmup=1)
        speed["presidio 2000-word doc p50/p99 ms"] = (
            f"{d_p['p50'] / 1000:.2f} / {d_p['p99'] / 1000:.2f}"
        )
        sp = startup("presidio")
        speed["presidio start-up s / peak RSS MB"] = f"{sp['startup_s']} / {sp['peak_rss_mb']}"
        speed["speed-up short p50 (presidio/ours)"] = round(t_p["p50"] / t_ours["p50"], 1)
        speed["speed-up short p50 (presidio/ours, default entities)"] = round(
            t_p["p50"] / t_default["p50"], 1
        )
        speed["speed-up doc p50 (presidio/ours)"] = round(d_p["p50"] / d_ours["p50"], 1)
        _ = stock
    real = shared_texts()
    if real:
        # Real prompts of the shared corpus (attack and benign, any length): speed only, plus
        # how many contain something the masker would rewrite.
        t_real = time_all(ours, real)
        speed["ours real prompts p50/p99 us"] = f"{t_real['p50']} / {t_real['p99']}"
        hit = sum(bool(masker._detector.analyze(t)) for t in real)
        speed["real prompts with an entity"] = f"{hit}/{len(real)} = {hit / len(real):.1%}"
        if not args.skip_presidio:
            t_real_p = time_all(theirs, real[::10])
            speed["presidio real prompts p50/p99 us"] = f"{t_real_p['p50']} / {t_real_p['p99']}"
    report("speed (noisy shared machine)", speed)


def engine_results(engine: Any, text: str) -> list[Any]:
    from genai_guard.pii._recognizers import Entity, resolve_overlaps

    res = engine.analyze(
        text=text, language="en", entities=list(PRESIDIO_ENTITIES), score_threshold=THRESHOLD
    )
    return resolve_overlaps([Entity(r.start, r.end, r.entity_type, r.score) for r in res])


def time_all(fn: Any, items: list[Any], warmup: int = 30) -> dict[str, float]:
    for it in items[:warmup]:
        fn(it)
    clock = time.perf_counter_ns
    samples = []
    for it in items:
        t = clock()
        fn(it)
        samples.append(clock() - t)
    out = percentiles_us(samples)
    out["mean"] = statistics.fmean(samples) / 1000
    return out


if __name__ == "__main__":
    main()
