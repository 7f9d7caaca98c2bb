"""Semantic designs (USE-m3 embeddings + logistic head) under the project's evaluation protocol.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/semantic/evaluate.py [--designs A,A0,A+]

Needs the caches of embed.py and baseline_oof.py in $SEM_CACHE. Designs:

* ``A``: 512-d embedding, logistic head; corpus rows + the synthetic rows (as the baseline trains).
* ``A0``: as A without the synthetic rows (the control for A+).
* ``A+``: embedding + logit of the baseline's out-of-fold attack probability (no synthetic rows:
  their baseline score would be in-sample). The training rows' baseline scores are themselves
  out-of-fold (one level of stacking, not nested: a second-order optimism).
* ``Ar``: embedding + simple features: the rule detector's top score, log length, share of
  non-ASCII letters, share of characters that are not letters/digits/space (synthetic rows kept).
* ``base``: the baseline's own out-of-fold scores, through the same report code.

Row weights come from ``_train._weights`` (a source of n rows weighs sqrt(n); written rows as in
the baseline), then classes are balanced as ``_train.train`` does. Folds are
``_protocol.group_folds(families, 10)``; the figures come from ``_protocol.cross_family_report``
with the out-of-fold scores patched in. Writes $SEM_CACHE/report_<design>.json and
prints a summary; no corpus text is written anywhere.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from _paths import CACHE, CORPUS, EVAL
from scipy.optimize import minimize

from genai_guard._evaluation import roc_auc
from genai_guard.training import _protocol as P
from genai_guard.training import synthetic_rows
from genai_guard.training._semantic import row_weights
from genai_guard.training._train import threshold_at_fpr

L2 = 1e-4  # on standardized features, against the weight-normalized mean log-loss


def fit(
    z: np.ndarray, y: np.ndarray, w: np.ndarray, theta0: np.ndarray | None = None, l2: float = L2
) -> np.ndarray:
    """Weighted L2 logistic regression (L-BFGS, float32 products) on standardized features ``z``.

    ``theta0`` warm-starts it (the folds start from the all-rows solution: same optimum, fewer
    iterations). Returns coefficients with the bias last.
    """
    w = (w / w.sum()).astype(np.float64)
    yy = y.astype(np.float64)

    def f(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef, b = theta[:-1], theta[-1]
        s = (z @ coef.astype(np.float32)).astype(np.float64) + b
        p = 1.0 / (1.0 + np.exp(-s))
        loss = float(w @ (np.logaddexp(0, s) - yy * s)) + 0.5 * l2 * float(coef @ coef)
        g = w * (p - yy)
        grad = (z.T @ g.astype(np.float32)).astype(np.float64) + l2 * coef
        return loss, np.concatenate([grad, [g.sum()]])

    start = np.zeros(z.shape[1] + 1) if theta0 is None else theta0
    return minimize(f, start, jac=True, method="L-BFGS-B", options={"maxiter": 400}).x


def score(theta: np.ndarray, z: np.ndarray) -> np.ndarray:
    return 1.0 / (
        1.0 + np.exp(-((z @ theta[:-1].astype(np.float32)).astype(np.float64) + theta[-1]))
    )


def balanced(rows: list[Any], keep: np.ndarray) -> np.ndarray:
    """Baseline row weights on the kept rows, classes balanced (as ``_train.train``); the
    semantic head's training uses the same (``row_weights``, scaled to mean 1)."""
    return row_weights(rows, keep)


def corpus_embeddings() -> tuple[Any, list[Any], list[Any], np.ndarray]:
    """The corpus, the synthetic rows, both together, and their cached embeddings (float32)."""
    corpus = P.load_corpus(CORPUS)
    own = synthetic_rows()
    rows = corpus.rows + own
    emb = np.concatenate([np.load(CACHE / "corpus.f16.npy"), np.load(CACHE / "synthetic.f16.npy")])
    assert emb.shape[0] == len(rows)
    return corpus, own, rows, emb.astype(np.float32)


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def simple(texts: list[str], rules: np.ndarray) -> np.ndarray:
    """Rule score, log length, non-ASCII share, symbol share (computed on the full text)."""
    out = np.zeros((len(texts), 4), dtype=np.float32)
    for i, t in enumerate(texts):
        n = max(len(t), 1)
        out[i, 1] = np.log1p(len(t))
        out[i, 2] = sum(1 for c in t if ord(c) > 127 and c.isalpha()) / n
        out[i, 3] = sum(1 for c in t if not (c.isalnum() or c.isspace())) / n
    out[:, 0] = rules
    return out


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def probe_figures(p: np.ndarray, rows: list[dict[str, Any]], t: float) -> dict[str, Any]:
    attack = np.array([r["label"] == "attack" for r in rows])
    hit = p >= t
    hard = np.array([bool(r.get("hard")) for r in rows])
    out: dict[str, Any] = {
        "threshold": t,
        "recall": float(hit[attack].mean()),
        "fpr": float(hit[~attack].mean()),
        "fpr_hard": float(hit[~attack & hard].mean()) if (~attack & hard).any() else None,
        "categories": {},
        "languages": {},
    }
    for cat in sorted({r["category"] for r in rows if r["label"] == "attack"}):
        idx = attack & np.array([r["category"] == cat for r in rows])
        out["categories"][cat] = {"n": int(idx.sum()), "recall": float(hit[idx].mean())}
    for lang in sorted({r.get("lang", "und") for r in rows}):
        idx = np.array([r.get("lang", "und") == lang for r in rows])
        out["languages"][lang] = {
            "attack": int((idx & attack).sum()),
            "recall": float(hit[idx & attack].mean()) if (idx & attack).any() else None,
            "benign": int((idx & ~attack).sum()),
            "fpr": float(hit[idx & ~attack].mean()) if (idx & ~attack).any() else None,
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--designs", default="base,A,Ar,A0,A+")
    ap.add_argument("--folds", type=int, default=10)
    a = ap.parse_args()
    t0 = time.perf_counter()
    corpus, own, rows, emb = corpus_embeddings()
    n = len(corpus.rows)
    attack = np.array([r.attack for r in rows])
    folds = P.group_folds(corpus.families, a.folds)
    fold_of = np.array([folds[f] for f in corpus.families] + [-1] * len(own))
    synth = np.arange(len(rows)) >= n
    dev = load_jsonl(EVAL / "probe2_dev.jsonl")
    every = load_jsonl(EVAL / "everyday_requests.jsonl")
    e_dev = np.load(CACHE / "probe2_dev.f16.npy").astype(np.float32)
    e_every = np.load(CACHE / "everyday_requests.f16.npy").astype(np.float32)
    base_oof = (
        np.load(CACHE / "baseline_oof.npy") if (CACHE / "baseline_oof.npy").exists() else None
    )
    base_dev = base_every = None
    if (CACHE / "baseline_full_probe2_dev.npy").exists():
        base_dev = np.load(CACHE / "baseline_full_probe2_dev.npy")
        base_every = np.load(CACHE / "baseline_full_everyday_requests.npy")

    # Rule scores: computed once, cached (the report's operating curve needs them).
    rpath = CACHE / "rule_scores.npy"
    if not rpath.exists():
        np.save(rpath, P.rule_scores([r.text for r in corpus.rows]))
    rules = np.load(rpath)
    P.rule_scores = lambda texts: rules  # type: ignore[assignment]

    if "Ar" in a.designs:
        from genai_guard.training._train import rule_scores as _rs

        feats = simple([r.text for r in rows], np.concatenate([rules, _rs([r.text for r in own])]))
        f_dev = simple([r["text"] for r in dev], _rs([r["text"] for r in dev]))
        f_every = simple([r["text"] for r in every], _rs([r["text"] for r in every]))
    for name in a.designs.split(","):
        t1 = time.perf_counter()
        if name == "base":
            if base_oof is None:
                continue
            p = base_oof
            p_dev, p_every = base_dev, base_every
        else:
            use = ~synth if name in ("A0", "A+") else np.ones(len(rows), dtype=bool)
            x, x_dev, x_every = emb, e_dev, e_every
            if name == "A+":
                if base_oof is None or base_dev is None:
                    continue
                col = np.concatenate([logit(base_oof), np.zeros(len(own))])[:, None]
                x = np.concatenate([emb, col.astype(np.float32)], axis=1)
                x_dev = np.concatenate([e_dev, logit(base_dev)[:, None].astype(np.float32)], axis=1)
                x_every = np.concatenate(
                    [e_every, logit(base_every)[:, None].astype(np.float32)], axis=1
                )
            if name == "Ar":
                x = np.concatenate([emb, feats], axis=1)
                x_dev = np.concatenate([e_dev, f_dev], axis=1)
                x_every = np.concatenate([e_every, f_every], axis=1)
            mu, sd = x[use].mean(axis=0), x[use].std(axis=0) + 1e-6  # label-free scaling
            z = (x - mu) / sd
            full = fit(z[use], attack[use], balanced(rows, use))
            p = np.zeros(n)
            for f in sorted(set(folds.values())):
                tr = use & (fold_of != f)
                held = fold_of[:n] == f
                m = fit(z[tr], attack[tr], balanced(rows, tr), full)
                p[held] = score(m, z[:n][held])
                print(
                    f"{name} fold {f}: {time.perf_counter() - t1:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
            p_dev, p_every = score(full, (x_dev - mu) / sd), score(full, (x_every - mu) / sd)
            np.save(CACHE / f"theta_{name}.npy", np.concatenate([full, mu, sd]))
            np.save(CACHE / f"oof_{name}.npy", p)
        P.cross_family = lambda corpus, k, p=p: (p, folds)  # type: ignore[assignment]
        rep = P.cross_family_report(corpus, a.folds)
        rep.pop("_scores")
        t1pct = rep["threshold_at_1pct_fpr"]
        if p_dev is not None:
            dev_attack = np.array([r["label"] == "attack" for r in dev])
            t2 = threshold_at_fpr(p_dev[~dev_attack], 0.02)
            rep["probe_dev"] = {
                "auc": roc_auc(p_dev[dev_attack].tolist(), p_dev[~dev_attack].tolist()),
                "at_corpus_1pct_threshold": probe_figures(p_dev, dev, t1pct),
                "at_probe_2pct_fpr": probe_figures(p_dev, dev, t2),
                "at_0.8": probe_figures(p_dev, dev, 0.8),
            }
            rep["everyday"] = {
                "n": len(every),
                "flagged_at_corpus_1pct_threshold": int((p_every >= t1pct).sum()),
                "flagged_at_probe_2pct_threshold": int((p_every >= t2).sum()),
                "flagged_at_0.8": int((p_every >= 0.8).sum()),
                "flags": [
                    {"text": r["text"], "lang": r.get("lang"), "p": round(float(s), 3)}
                    for r, s in zip(every, p_every, strict=True)
                    if s >= t1pct
                ],
            }
        rep["seconds"] = time.perf_counter() - t1
        (CACHE / f"report_{name}.json").write_text(json.dumps(rep, indent=1))
        pd = rep.get("probe_dev", {}).get("at_corpus_1pct_threshold", {})
        print(
            f"{name}: AUC {rep['auc']:.3f} rec@1% {rep['recall_at_1pct_fpr']:.3f} "
            f"bal {rep['balanced_recall_at_1pct_fpr']:.3f} at0.8 {rep['at_0.8']} "
            f"probe rec {pd.get('recall')} fpr {pd.get('fpr')} ({rep['seconds']:.0f} s)",
            file=sys.stderr,
            flush=True,
        )
    print(f"total {time.perf_counter() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
