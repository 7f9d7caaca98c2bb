"""Source-balanced recall at 1 % source-balanced FPR on an extended threshold grid.

    PYTHONPATH=src python benchmarks/semantic/balanced.py [oof_A.npy baseline_oof.npy ...]

The protocol's grid stops at 0.995; a head whose scores are sharper than the baseline's may only
reach 1 % source-balanced FPR above it. This uses the protocol's ``operating_curve`` (same
function, same source weighting) on a grid of 0.05..0.995 plus the upper benign quantiles.
"""

from __future__ import annotations

import json
import sys

import numpy as np
from _paths import CACHE, CORPUS

from genai_guard.training._protocol import load_corpus
from genai_guard.training._train import operating_curve


def main() -> None:
    corpus = load_corpus(CORPUS)
    attack = np.array([r.attack for r in corpus.rows])
    rules = np.load(CACHE / "rule_scores.npy")
    out = {}
    for name in sys.argv[1:] or [
        "baseline_oof.npy",
        "oof_A.npy",
        "oof_Ar.npy",
        "oof_A0.npy",
        "oof_A+.npy",
    ]:
        path = CACHE / name
        if not path.exists():
            continue
        p = np.load(path)
        neg = np.sort(p[~attack])
        q = neg[np.clip((np.linspace(0.97, 0.99999, 100) * neg.size).astype(int), 0, neg.size - 1)]
        grid = sorted({*np.linspace(0.05, 0.995, 96).tolist(), *q.tolist(), float(neg[-1]) + 1e-12})
        curve = operating_curve(corpus.sources, attack, p, rules, grid)
        fit = [c for c in curve if c["threshold"] is not None and (c["fpr"] or 0.0) <= 0.01]
        best = max(fit, key=lambda c: c["recall"] or 0.0) if fit else None
        fit_r = [
            c for c in curve if c["threshold"] is not None and (c["fpr_with_rules"] or 0.0) <= 0.01
        ]
        best_r = max(fit_r, key=lambda c: c["recall_with_rules"] or 0.0) if fit_r else None
        out[name] = {
            "balanced_recall_at_1pct": best and best["recall"],
            "threshold": best and best["threshold"],
            "balanced_fpr": best and best["fpr"],
            "with_rules_recall_at_1pct": best_r and best_r["recall_with_rules"],
            "with_rules_threshold": best_r and best_r["threshold"],
        }
        print(name, json.dumps(out[name]), flush=True)
    (CACHE / "balanced_extended.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
