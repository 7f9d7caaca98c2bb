"""Fusion designs for the semantic head, under leave-families-out folds (the candidates table of
docs/semantic-detector.md).

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/semantic/fusion.py

Needs the caches of embed.py (corpus, synthetic, probe dev, everyday) and baseline_oof.py in
$SEM_CACHE; rule evidence is computed once and cached there. Designs (features, head):

* ``rules``: the attack rules' top score alone.
* ``Ar``: embedding + rules' top score + 3 shape features; logistic (evaluate.py's ``Ar``).
* ``R``: embedding + the shipped evidence (per-category rule scores, rule families, top score,
  3 shape features); logistic.
* ``M``: the features of ``R``; one hidden layer of 128 (the shipped design,
  ``genai_guard.training._semantic``).
* ``M+``: ``M`` + the logit of the n-gram baseline's out-of-fold score (stacked).

Figures: pooled ROC AUC and recall at 1 % pooled FPR; source-balanced recall at 1 %
source-balanced FPR over sources with >= 50 rows of a side (``MIN_SOURCE_ROWS``); the probe dev
half at the corpus 1 % threshold and at 2 % of its own FPR; flags on the everyday list and the
over-defense sources at the corpus 1 % threshold. Writes $SEM_CACHE/fusion_<designs>.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import numpy as np
from _paths import CACHE, EVAL
from evaluate import corpus_embeddings, fit, load_jsonl, logit, score

from genai_guard._evaluation import roc_auc
from genai_guard.training import _protocol as P
from genai_guard.training import _semantic as S
from genai_guard.training._train import threshold_at_fpr


def cached_evidence(tag: str, texts: list[str]) -> np.ndarray:
    path = CACHE / f"evidence_{tag}.npy"
    if not path.exists():
        np.save(path, S.evidence(texts))
    return np.load(path)


def balanced_recall(p: np.ndarray, sources: list[str], attack: np.ndarray) -> dict[str, Any]:
    """Source-balanced recall at the lowest threshold holding 1 % source-balanced FPR."""

    def groups(side: bool) -> list[np.ndarray]:
        g: dict[str, list[int]] = {}
        for i, (s, a) in enumerate(zip(sources, attack, strict=True)):
            if a == side:
                g.setdefault(s, []).append(i)
        return [np.array(v) for v in g.values() if len(v) >= P.MIN_SOURCE_ROWS]

    gb, ga = groups(False), groups(True)

    def point(t: float) -> tuple[float, float]:
        hit = p >= t
        return (
            float(np.mean([hit[i].mean() for i in gb])),
            float(np.mean([hit[i].mean() for i in ga])),
        )

    cand = np.unique(np.quantile(p, np.linspace(0, 1, 2001)))
    lo, hi = 0, len(cand) - 1
    while lo < hi:  # the balanced FPR falls as the threshold rises
        mid = (lo + hi) // 2
        if point(cand[mid])[0] <= 0.01:
            hi = mid
        else:
            lo = mid + 1
    fpr, rec = point(cand[lo])
    return {"threshold": float(cand[lo]), "fpr": fpr, "recall": rec, "sources": [len(gb), len(ga)]}


def probe(p: np.ndarray, rows: list[dict[str, Any]], t: float) -> dict[str, Any]:
    a = np.array([r["label"] == "attack" for r in rows])
    h = p >= t
    cats = {
        c: round(float(h[a & np.array([r["category"] == c for r in rows])].mean()), 3)
        for c in sorted({r["category"] for r in rows if r["label"] == "attack"})
    }
    return {"recall": float(h[a].mean()), "fpr": float(h[~a].mean()), "categories": cats}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--designs", default="rules,Ar,R,M,M+")
    ap.add_argument("--folds", type=int, default=10)
    a = ap.parse_args()
    corpus, own, rows, emb = corpus_embeddings()
    n = len(corpus.rows)
    dev = load_jsonl(EVAL / "probe2_dev.jsonl")
    every = load_jsonl(EVAL / "everyday_requests.jsonl")
    ev = np.concatenate(
        [
            cached_evidence("corpus", [r.text for r in corpus.rows]),
            cached_evidence("synthetic", [r.text for r in own]),
        ]
    )
    ev_dev = cached_evidence("probe2_dev", [r["text"] for r in dev])
    ev_every = cached_evidence("everyday", [r["text"] for r in every])
    e_dev = np.load(CACHE / "probe2_dev.f16.npy").astype(np.float32)
    e_every = np.load(CACHE / "everyday_requests.f16.npy").astype(np.float32)
    base = [
        logit(
            np.concatenate(
                [
                    np.load(CACHE / "baseline_oof.npy"),
                    np.load(CACHE / "baseline_full_synthetic.npy"),
                ]
            )
        ),
        logit(np.load(CACHE / "baseline_full_probe2_dev.npy")),
        logit(np.load(CACHE / "baseline_full_everyday_requests.npy")),
    ]
    attack = np.array([r.attack for r in rows])
    folds = P.group_folds(corpus.families, a.folds)
    fold_of = np.array([folds[f] for f in corpus.families] + [-1] * len(own))
    shape = slice(6, 9)
    results: dict[str, Any] = {}
    for name in a.designs.split(","):
        t0 = time.perf_counter()
        if name == "rules":
            p, p_dev, p_every = (
                x.astype(np.float64) for x in (ev[:n, 5], ev_dev[:, 5], ev_every[:, 5])
            )
        else:
            if name == "Ar":
                parts = [
                    (e, x[:, 5:6], x[:, shape])
                    for e, x in ((emb, ev), (e_dev, ev_dev), (e_every, ev_every))
                ]
            else:
                parts = [(e, x) for e, x in ((emb, ev), (e_dev, ev_dev), (e_every, ev_every))]
            if name == "M+":
                parts = [(*q, b[:, None]) for q, b in zip(parts, base, strict=True)]
            x, xd, xe = (np.concatenate(q, axis=1).astype(np.float32) for q in parts)
            mu, sd = x.mean(0), x.std(0) + 1e-6
            z = ((x - mu) / sd).astype(np.float32)
            mlp = name.startswith("M")

            def fitted(keep: np.ndarray, z: np.ndarray = z, mlp: bool = mlp) -> Any:
                w = S.row_weights(rows, keep)
                if mlp:
                    return S.fit_attack(z[keep], attack[keep], w)
                return fit(z[keep], attack[keep], w)

            scorer = S.attack_scores if mlp else score
            p = np.zeros(n)
            for f in sorted(set(folds.values())):
                held = fold_of[:n] == f
                p[held] = scorer(fitted(fold_of != f), z[:n][held])
                print(f"{name} fold {f}: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
            full = fitted(np.ones(len(rows), dtype=bool))
            p_dev = scorer(full, ((xd - mu) / sd).astype(np.float32))
            p_every = scorer(full, ((xe - mu) / sd).astype(np.float32))
        at = attack[:n]
        t1 = threshold_at_fpr(p[~at], 0.01)
        da = np.array([r["label"] == "attack" for r in dev])
        results[name] = {
            "auc": roc_auc(p[at].tolist(), p[~at].tolist()),
            "recall_at_1pct_pooled_fpr": float((p[at] >= t1).mean()),
            "source_balanced": balanced_recall(p, corpus.sources, at),
            "probe_dev_auc": roc_auc(p_dev[da].tolist(), p_dev[~da].tolist()),
            "probe_dev_at_corpus_1pct": probe(p_dev, dev, t1),
            "probe_dev_at_2pct_probe_fpr": probe(p_dev, dev, threshold_at_fpr(p_dev[~da], 0.02)),
            "everyday_flagged": int((p_every >= t1).sum()),
            "over_defense_flagged": {
                s: int(
                    sum(1 for src, x in zip(corpus.sources, p, strict=True) if src == s and x >= t1)
                )
                for s in P.OVER_DEFENSE
            },
            "seconds": round(time.perf_counter() - t0),
        }
        print(name, json.dumps(results[name]), flush=True)
    out = CACHE / f"fusion_{a.designs.replace(',', '_')}.json"
    out.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
