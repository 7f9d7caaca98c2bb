"""Train the shipped attack classifier: ``python -m genai_guard.training [DATA_DIR] [--root DIR]``.

``--mode card --report FILE`` re-renders ``docs/model-card.md`` from a saved report.

Paths come from a ``Layout``: the repository checkout is ``--root`` (default: the current working
directory), the corpus is ``DATA_DIR`` (default ``$GENAI_GUARD_SHARED_DATA``, else ``shared/data``
beside the checkout), and ``--model-dir`` redirects the weights. Reads the labelled JSONL corpus,
trains in numpy alone (seeded, full-batch Adam on hashed sparse features), and depending on
``--mode``:

* ``validate``: trains on every file except the held-out source files and reports on them;
* ``lofo``: leave-one-file-out, one model per file, reports each held-out file;
* ``ship`` (default): trains on everything but ``review_needed.jsonl`` and writes the weights,
  their manifest (SHA-256) and ``docs/model-card.md``.

Rows are weighted per template family (the ``source`` field) so that no family dominates. Training
text written for this project is added to every mode: the seeded phrase generator of
``genai_guard.training._text`` and the hand-written rows of ``tools/training_text/*.jsonl``. The
written probe files ``tools/eval_text/*.jsonl`` are never trained on; ``ship`` scores the shipped
model on them.
Nothing of the corpus is written into the repository except aggregate figures in the model card.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from genai_guard._evaluation import roc_auc
from genai_guard.context import Context
from genai_guard.detect import _features as F
from genai_guard.detect._attack_rules import AttackRulesDetector
from genai_guard.training._rows import (
    CLASSES,
    PROTOCOL_END,
    PROTOCOL_START,
    Layout,
    Row,
    load_rows,
    written_rows,
    written_rows_of,
)
from genai_guard.training._text import synthetic_rows

__all__ = [
    "CLASSES",
    "HELD_OUT",
    "Layout",
    "Model",
    "Row",
    "load_rows",
    "synthetic_rows",
    "train",
    "written_rows",
    "written_rows_of",
]

HELD_OUT = (
    "cyberseceval_prompt_injection.jsonl",
    "bipia_embedded.jsonl",
    "gptfuzz_templates.jsonl",
    "notinject.jsonl",
    "xstest_safe.jsonl",
    "llmail_benign_emails.jsonl",
    "vicuna_bench.jsonl",
)
SEED = 20251121
OWN_FILES = ("synthetic", "written")
"""Pseudo-files of the project's own training text; always trained on, never left out."""


@dataclass
class Model:
    """Trained weights: column 0 is the attack head, columns 1-4 the class softmax."""

    w_hash: npt.NDArray[np.float32]
    w_dense: npt.NDArray[np.float32]
    bias: npt.NDArray[np.float32]
    meta: dict[str, Any] = field(default_factory=dict)


def own_rows(layout: Layout) -> list[Row]:
    """The project's own training text: generated (``synthetic``) and hand-written (``written``)."""
    return synthetic_rows() + written_rows(layout.written_dir)


# -- features and fitting -----------------------------------------------------------------------

ALPHA = 0.01  # Laplace smoothing, in units of family-weighted documents
SYNTHETIC_BOOST = 20.0
WRITTEN_WEIGHT = 0.2
CLIP = 2.0  # bound on any single bucket's log-ratio, so no one n-gram decides alone


@dataclass(frozen=True, slots=True)
class Design:
    """Features of a list of texts.

    Per-block bucket lists, each text's distinct buckets (counted once per document) and the
    dense block.
    """

    blocks: list[tuple[npt.NDArray[np.int64], ...]]
    dense: npt.NDArray[np.float64]
    present: list[npt.NDArray[np.int64]]

    def subset(self, keep: npt.NDArray[np.bool_]) -> Design:
        """The rows where ``keep`` is true."""
        pick = [i for i, k in enumerate(keep) if k]
        return Design(
            [self.blocks[i] for i in pick], self.dense[keep], [self.present[i] for i in pick]
        )


def design(texts: Sequence[str]) -> Design:
    """Features of ``texts``."""
    feats = [F.extract(t) for t in texts]
    return Design(
        [f.blocks for f in feats],
        np.stack([f.dense for f in feats]).astype(np.float64),
        [np.unique(np.concatenate(f.blocks)) for f in feats],
    )


def _weights(rows: Sequence[Row]) -> npt.NDArray[np.float64]:
    """Per-row weights: a template family of n rows weighs sqrt(n) in all."""
    groups: dict[str, int] = {}
    for r in rows:
        groups[r.group] = groups.get(r.group, 0) + 1
    base = np.array([1.0 / math.sqrt(groups[r.group]) for r in rows])
    # Self-written rows describe the attack *forms* (overrides, personas, extraction requests)
    # that the corpus covers with few families; they count SYNTHETIC_BOOST times as much.
    # Hand-written rows are each their own family (weight 1) and count WRITTEN_WEIGHT times: more
    # of them trades held-out recall on the corpus's styles for recall on new phrasings.
    factor = {"synthetic": SYNTHETIC_BOOST, "written": WRITTEN_WEIGHT}
    boost = np.array([factor.get(r.file, 1.0) for r in rows])
    out: npt.NDArray[np.float64] = base * boost
    return out


def _doc_freq(d: Design, weight: npt.NDArray[np.float64], dim: int) -> Any:
    """Weighted number of documents containing each bucket."""
    out = np.zeros(dim)
    for present, w in zip(d.present, weight, strict=True):
        if w != 0.0:
            out[present] += w
    return out


def _log_ratio(pos: Any, neg: Any, n_pos: float, n_neg: float) -> Any:
    r = np.log((pos + ALPHA) / (n_pos + 2 * ALPHA)) - np.log((neg + ALPHA) / (n_neg + 2 * ALPHA))
    return np.clip(r, -CLIP, CLIP)


def _block_means(d: Design, r: Any) -> Any:
    """Pooled log-ratios of each block of each text, shape ``(n, N_POOLED)``."""
    out = np.zeros((len(d.blocks), F.N_POOLED))
    r = np.ascontiguousarray(r)  # a column of the ratio matrix; np.take would copy it per call
    for i, blocks in enumerate(d.blocks):
        out[i] = F.pool(blocks, r)
    return out


def _fit_logistic(
    x: Any, target: Any, weight: Any, *, softmax: bool, l2: float, steps: int = 600
) -> tuple[Any, Any]:
    """Weighted (multinomial) logistic regression on a small dense matrix, full-batch Adam."""
    k = target.shape[1]
    w = np.zeros((x.shape[1], k))
    b = np.zeros(k)
    m = [np.zeros_like(w), np.zeros_like(b)]
    v = [np.zeros_like(w), np.zeros_like(b)]
    total = weight.sum()
    lr = 0.05
    for t in range(1, steps + 1):
        z = x @ w + b
        if softmax:
            z = z - z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
        else:
            p = 1.0 / (1.0 + np.exp(-z))
        g = (p - target) * weight[:, None] / total
        grads = [x.T @ g + l2 * w, g.sum(axis=0)]
        for i, (param, grad) in enumerate(zip((w, b), grads, strict=True)):
            m[i] = 0.9 * m[i] + 0.1 * grad
            v[i] = 0.999 * v[i] + 0.001 * grad * grad
            step = lr * (m[i] / (1 - 0.9**t)) / (np.sqrt(v[i] / (1 - 0.999**t)) + 1e-8)
            param -= step  # noqa: PLW2901 - in place: updates w or b
    return w, b


def train(rows: Sequence[Row], *, l2: float = 1e-2, features: Design | None = None) -> Model:
    """Fit the model on ``rows``; deterministic (no randomness is involved).

    Stage 1 (closed form): per-bucket log-count ratios, attack vs benign (column 0) and each
    class vs the other attack classes (columns 1-4), from family-weighted document frequencies.
    Stage 2: a logistic regression on the block means of column 0 plus the dense signals gives
    the attack probability; a softmax on the four class columns' overall means gives the class.
    Each ratio vector is trained on half of each family and stage 2 on the other half
    (cross-fitting), so stage 2 sees how the ratios behave on text they were not counted on.
    ``features``, when given, is the design of ``rows`` computed beforehand.
    """
    dim = 1 << F.HASH_BITS
    d = design([r.text for r in rows]) if features is None else features
    w = _weights(rows)
    attack = np.array([r.attack for r in rows])
    w[attack] *= w[~attack].sum() / max(w[attack].sum(), 1e-9)
    cls = np.array([r.cls for r in rows])
    fold = np.array([zlib_fold(r.text) for r in rows])

    def ratios(sel: Any) -> Any:
        cols = []
        df_a = _doc_freq(d, np.where(sel & attack, w, 0.0), dim)
        df_b = _doc_freq(d, np.where(sel & ~attack, w, 0.0), dim)
        cols.append(_log_ratio(df_a, df_b, w[sel & attack].sum(), w[sel & ~attack].sum()))
        for c in range(len(CLASSES)):
            pos_sel = sel & (cls == c)
            neg_sel = sel & (cls >= 0) & (cls != c)
            df_p = _doc_freq(d, np.where(pos_sel, w, 0.0), dim)
            df_n = _doc_freq(d, np.where(neg_sel, w, 0.0), dim)
            cols.append(_log_ratio(df_p, df_n, w[pos_sel].sum(), w[neg_sel].sum()))
        return np.stack(cols, axis=1)

    # Cross-fitted block means: each half scored by the ratios of the other half.
    x_blocks = np.zeros((len(rows), F.N_POOLED))
    x_cls = np.zeros((len(rows), len(CLASSES)))
    for f in (0, 1):
        r = ratios(fold != f)
        held = fold == f
        sub = d.subset(held)
        x_blocks[held] = _block_means(sub, r[:, 0])
        for c in range(len(CLASSES)):
            x_cls[held, c] = _block_means(sub, r[:, 1 + c])[:, : F.N_BLOCKS].mean(axis=1)
    dense = d.dense.copy()
    # Style signals separated the corpus's sources rather than attacks from benign text; they
    # stay in the feature vector with their weights forced to zero.
    for name in F.UNUSED_DENSE:
        dense[:, F.DENSE_NAMES.index(name)] = 0.0
    x = np.concatenate([x_blocks, dense], axis=1)
    w_att, b_att = _fit_logistic(x, attack[:, None].astype(np.float64), w, softmax=False, l2=l2)
    labelled = cls >= 0
    y = np.zeros((int(labelled.sum()), len(CLASSES)))
    y[np.arange(y.shape[0]), cls[labelled]] = 1.0
    w_cls, b_cls = _fit_logistic(x_cls[labelled], y, w[labelled], softmax=True, l2=l2)
    full = ratios(np.ones(len(rows), dtype=bool))
    return Model(
        w_hash=full.astype(np.float32),
        w_dense=w_att.astype(np.float32),  # (N_BLOCKS + dense, 1)
        bias=np.concatenate([b_att, b_cls.ravel()]).astype(np.float32),
        meta={"l2": l2, "alpha": ALPHA, "clip": CLIP, "w_cls": w_cls.astype(np.float32)},
    )


def zlib_fold(text: str) -> int:
    """Deterministic 0/1 fold of a text."""
    return zlib.crc32(text.encode("utf-8")) & 1


def predict(
    model: Model, texts: Sequence[str], *, features: Design | None = None
) -> npt.NDArray[np.float64]:
    """Attack probability of each text (the same arithmetic as the detector, without views).

    ``features``, when given, is the design of ``texts`` computed beforehand.
    """
    d = design(texts) if features is None else features
    x = np.concatenate([_block_means(d, model.w_hash[:, 0].astype(np.float64)), d.dense], axis=1)
    z = x @ model.w_dense[:, 0].astype(np.float64) + model.bias[0]
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


# -- reporting ----------------------------------------------------------------------------------


def threshold_at_fpr(neg: npt.NDArray[np.float64], fpr: float) -> float:
    """Lowest threshold t with ``mean(neg >= t) <= fpr``."""
    s = np.sort(neg)[::-1]
    allowed = math.floor(fpr * s.shape[0])
    return float(np.nextafter(s[allowed], 1.0)) if allowed < s.shape[0] else 0.0


def per_file(rows: Sequence[Row], p: npt.NDArray[np.float64], t: float) -> dict[str, Any]:
    """Detection rate per file and per attack class at threshold ``t``."""
    out: dict[str, Any] = {}
    for name in sorted({r.file for r in rows}):
        idx = [i for i, r in enumerate(rows) if r.file == name]
        label = "attack" if rows[idx[0]].attack else "benign"
        out[name] = {"n": len(idx), "label": label, "rate": float((p[idx] >= t).mean())}
    cats: dict[str, Any] = {}
    for c, cname in enumerate(CLASSES):
        idx = [i for i, r in enumerate(rows) if r.cls == c]
        if idx:
            cats[cname] = {"n": len(idx), "recall": float((p[idx] >= t).mean())}
    return {"files": out, "categories": cats}


def _corpus_rows(data: Path, *, exclude: Sequence[str] = ()) -> list[Row]:
    return [r for r in load_rows(data) if r.file not in exclude]


def validate(data: Path, layout: Layout) -> dict[str, Any]:
    """Train without the held-out files; report recall at <= 1 % FPR on them."""
    train_rows = _corpus_rows(data, exclude=HELD_OUT) + own_rows(layout)
    test_rows = load_rows(data, HELD_OUT)
    model = train(train_rows)
    p = predict(model, [r.text for r in test_rows])
    attack = np.array([r.attack for r in test_rows])
    t = threshold_at_fpr(p[~attack], 0.01)
    report = {
        "threshold_at_1pct_fpr": t,
        "recall": float((p[attack] >= t).mean()),
        "fpr": float((p[~attack] >= t).mean()),
        **per_file(test_rows, p, t),
    }
    report["with_rules"] = with_rules(test_rows, p)
    for fixed in (0.5, 0.7, 0.8, 0.9):
        report[f"at_{fixed}"] = {
            "recall": float((p[attack] >= fixed).mean()),
            "fpr": float((p[~attack] >= fixed).mean()),
            **per_file(test_rows, p, fixed),
        }
    return report


RULES_FLAG = 0.5  # the default policy flags rule scores from here (policies/default.yaml)


def with_rules(rows: Sequence[Row], p: npt.NDArray[np.float64]) -> dict[str, Any]:
    """The default policy's combination on ``rows``.

    A row is caught when the rules reach ``RULES_FLAG`` or the classifier reaches a threshold.
    Figures at several thresholds and at the lowest one that keeps the combined false-positive
    rate at or under 1 %.
    """
    r = rule_scores([x.text for x in rows])
    attack = np.array([x.attack for x in rows])
    by_rules = r >= RULES_FLAG

    def at(t: float) -> dict[str, Any]:
        hit = by_rules | (p >= t)
        recall, fpr = float(hit[attack].mean()), float(hit[~attack].mean())
        return {"threshold": t, "recall": recall, "fpr": fpr}

    out = {"rules_alone": at(2.0), "at_0.5": at(0.5), "at_0.8": at(0.8)}
    # The combined false-positive rate falls as the threshold rises: take the first that fits.
    cands = sorted({0.0} | {float(np.nextafter(v, 1.0)) for v in p[~attack]})
    best = next((t for t in cands if at(t)["fpr"] <= 0.01), None)
    if best is not None:
        out["at_1pct_fpr"] = at(best)
    return out


LOFO_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def rule_scores(texts: Sequence[str]) -> npt.NDArray[np.float64]:
    """The rule detector's highest finding score of each text (0 when nothing fires)."""
    rules = AttackRulesDetector()
    ctx = Context()
    return np.array(
        [max((f.score for f in rules.check(t, ctx).findings), default=0.0) for t in texts]
    )


def operating_curve(
    files: Sequence[str],
    attack: npt.NDArray[np.bool_],
    p: npt.NDArray[np.float64],
    rules: npt.NDArray[np.float64],
    thresholds: Sequence[float] = LOFO_THRESHOLDS,
    *,
    min_rows: int = 1,
) -> list[dict[str, float | None]]:
    """File-balanced operating points of scores ``p`` that each file got from a model without it.

    At each threshold: the mean over benign files of their flagged share (``fpr``) and the mean
    over attack files of their caught share (``recall``), for the classifier alone and combined
    with the rules as in the default policy (``RULES_FLAG``). Every file weighs the same, as a
    new deployment is one new source; the last point, threshold ``None``, is the rules alone.
    A file counts on a side only with at least ``min_rows`` rows of that side (one row would
    otherwise move the mean by a whole share).
    """
    names = np.array(files)
    benign_n = Counter(f for f, a in zip(files, attack, strict=True) if not a)
    attack_n = Counter(f for f, a in zip(files, attack, strict=True) if a)
    benign = sorted(f for f, k in benign_n.items() if k >= min_rows)
    attacks = sorted(f for f, k in attack_n.items() if k >= min_rows)

    def point(hit: npt.NDArray[np.bool_]) -> tuple[float, float]:
        fpr = float(np.mean([hit[names == f].mean() for f in benign])) if benign else 0.0
        rec = float(np.mean([hit[names == f].mean() for f in attacks])) if attacks else 0.0
        return fpr, rec

    by_rules = rules >= RULES_FLAG
    out: list[dict[str, float | None]] = []
    for t in [*thresholds, None]:
        clf = p >= t if t is not None else np.zeros(p.shape[0], dtype=bool)
        fpr, rec = point(clf)
        cfpr, crec = point(clf | by_rules)
        out.append(
            {
                "threshold": t,
                "fpr": fpr,
                "recall": rec,
                "fpr_with_rules": cfpr,
                "recall_with_rules": crec,
            }
        )
    return out


def lofo(data: Path, layout: Layout, *, threshold: float) -> dict[str, Any]:
    """Leave one file out: each file scored by a model that never saw it.

    ``files``: each file's rate at ``threshold``; ``curve``: file-balanced operating points over
    ``LOFO_THRESHOLDS``, alone and with the rules (``operating_curve``).
    """
    rows = _corpus_rows(data) + own_rows(layout)
    d = design([r.text for r in rows])
    names = np.array([r.file for r in rows])
    attack = np.array([r.attack for r in rows])
    scores = np.zeros(len(rows))
    out: dict[str, Any] = {}
    for name in sorted(set(names.tolist()) - set(OWN_FILES)):
        held = names == name
        model = train(
            [r for r, h in zip(rows, held, strict=True) if not h], features=d.subset(~held)
        )
        scores[held] = predict(model, [], features=d.subset(held))
        out[name] = {
            "n": int(held.sum()),
            "label": "attack" if attack[held][0] else "benign",
            "rate": float((scores[held] >= threshold).mean()),
        }
        print(f"lofo {name}: {out[name]}", file=sys.stderr)
    corpus = ~np.isin(names, OWN_FILES)
    rules = rule_scores([r.text for r, c in zip(rows, corpus, strict=True) if c])
    curve = operating_curve(names[corpus].tolist(), attack[corpus], scores[corpus], rules)
    return {"files": out, "curve": curve}


PROBE_THRESHOLDS = (0.4, 0.5, 0.6, 0.7, 0.8)


def probe(model: Model, directory: Path) -> dict[str, Any]:
    """Scores of ``model`` on the written probe files (never trained on), alone and with the rules.

    Per file: ROC AUC of the classifier, and recall and false-positive rate at each of
    ``PROBE_THRESHOLDS`` (threshold None: the rules alone).
    """
    out: dict[str, Any] = {}
    for path in sorted(directory.glob("*.jsonl")):
        rows = written_rows_of(path)
        texts = [r.text for r in rows]
        p = predict(model, texts)
        attack = np.array([r.attack for r in rows])
        # One "file" per label: the file-balanced curve is then the plain one.
        sides = [f"{path.name}:{'attack' if a else 'benign'}" for a in attack]
        points = operating_curve(sides, attack, p, rule_scores(texts), PROBE_THRESHOLDS)
        out[path.name] = {
            "attack": int(attack.sum()),
            "benign": int((~attack).sum()),
            "auc": roc_auc(p[attack].tolist(), p[~attack].tolist()),
            "points": points,
        }
    return out


def leave_pair_out(data: Path, layout: Layout) -> dict[str, Any]:
    """Separation of an unseen attack source from an unseen benign source.

    For every pair (attack file, benign file) a model is trained without both files and scores
    them: the ROC AUC of the pair, and the attack file's recall at the threshold that flags 1 %
    of the benign file. This is the question a new deployment asks (new attacks, new ordinary
    traffic), and unlike leave-one-file-out it needs no threshold fixed on other files.
    """
    rows = _corpus_rows(data) + own_rows(layout)
    d = design([r.text for r in rows])
    files = np.array([r.file for r in rows])
    corpus = sorted({r.file for r in rows if r.file not in OWN_FILES})
    attack_files = [f for f in corpus if any(r.attack for r in rows if r.file == f)]
    benign_files = [f for f in corpus if f not in attack_files]
    pairs: dict[str, Any] = {}
    for a in attack_files:
        for b in benign_files:
            keep = (files != a) & (files != b)
            model = train(
                [r for r, k in zip(rows, keep, strict=True) if k], features=d.subset(keep)
            )
            pa = predict(model, [], features=d.subset(files == a))
            pb = predict(model, [], features=d.subset(files == b))
            t = threshold_at_fpr(pb, 0.01)
            pairs[f"{a} vs {b}"] = {
                "auc": roc_auc(pa.tolist(), pb.tolist()),
                "recall_at_1pct": float((pa >= t).mean()),
            }
            print(f"pair {a} vs {b}: {pairs[f'{a} vs {b}']}", file=sys.stderr)

    def mean_of(name: str, key: str) -> float:
        return float(np.mean([v[key] for k, v in pairs.items() if name in k.split(" vs ")]))

    return {
        "auc": float(np.mean([v["auc"] for v in pairs.values()])),
        "recall_at_1pct": float(np.mean([v["recall_at_1pct"] for v in pairs.values()])),
        "files": {
            f: {
                "label": "attack" if f in attack_files else "benign",
                "auc": mean_of(f, "auc"),
                "recall_at_1pct": mean_of(f, "recall_at_1pct"),
            }
            for f in corpus
        },
        "pairs": pairs,
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save(model: Model, *, weights: Path, manifest: Path) -> str:
    """Write the weights (float16, compressed) and the manifest; return the SHA-256."""
    weights.parent.mkdir(parents=True, exist_ok=True)
    with weights.open("wb") as fh:
        np.savez_compressed(
            fh,
            ratios=model.w_hash.astype(np.float16),
            attack_w=model.w_dense.astype(np.float32)[:, 0],
            attack_b=model.bias[:1].astype(np.float32),
            class_w=np.asarray(model.meta["w_cls"], dtype=np.float32),
            class_b=model.bias[1:].astype(np.float32),
        )
    digest = _sha256(weights)
    manifest.write_text(
        json.dumps(
            {
                "file": weights.name,
                "sha256": digest,
                "hash_bits": F.HASH_BITS,
                "classes": list(CLASSES),
                "dense": list(F.DENSE_NAMES),
                "seed": SEED,
                "alpha": ALPHA,
                "clip": CLIP,
                "l2": model.meta["l2"],
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return digest


LICENCES = {
    "awesome_chatgpt_prompts.jsonl": ("CC0-1.0", "f/awesome-chatgpt-prompts"),
    "bipia_attacks.jsonl": ("MIT", "microsoft/BIPIA"),
    "bipia_contexts_benign.jsonl": ("MIT / CC-BY-SA-4.0 / CC-BY-SA", "microsoft/BIPIA"),
    "bipia_embedded.jsonl": ("MIT / CC-BY-SA", "microsoft/BIPIA"),
    "cyberseceval_frr_benign.jsonl": ("MIT", "meta-llama/PurpleLlama"),
    "cyberseceval_interpreter.jsonl": ("MIT", "meta-llama/PurpleLlama"),
    "cyberseceval_prompt_injection.jsonl": ("MIT", "meta-llama/PurpleLlama"),
    "gptfuzz_templates.jsonl": ("MIT", "sherdencooper/GPTFuzz"),
    "jailbreakbench_artifacts.jsonl": ("MIT", "JailbreakBench/artifacts"),
    "llmail_benign_emails.jsonl": ("MIT", "microsoft/llmail-inject-challenge-analysis"),
    "notinject.jsonl": ("MIT", "leolee99/InjecGuard"),
    "self_instruct.jsonl": ("Apache-2.0", "yizhongw/self-instruct"),
    "vicuna_bench.jsonl": ("Apache-2.0", "lm-sys/FastChat"),
    "wildguard_benign.jsonl": ("ODC-BY-1.0", "allenai WildGuardTest via leolee99/InjecGuard"),
    "xstest_safe.jsonl": ("CC-BY-4.0", "paul-rottger/exaggerated-safety"),
}


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f} %"


def _points_table(points: Sequence[dict[str, Any]]) -> list[str]:
    """Markdown table of operating points (threshold None: the rules alone), then a blank line."""
    lines = [
        "| threshold | FPR alone | recall alone | FPR with rules | recall with rules |",
        "|---:|---:|---:|---:|---:|",
    ]
    for c in points:
        t = "rules only" if c["threshold"] is None else f"{c['threshold']:.2f}"
        lines.append(
            f"| {t} | {_pct(c['fpr'])} | {_pct(c['recall'])} | "
            f"{_pct(c['fpr_with_rules'])} | {_pct(c['recall_with_rules'])} |"
        )
    return [*lines, ""]


def write_model_card(report: dict[str, Any], rows: Sequence[Row], layout: Layout) -> None:
    """Write ``layout.model_card`` from the training report (aggregate figures only)."""
    path = layout.model_card
    counts: dict[str, list[int]] = {}
    for r in rows:
        c = counts.setdefault(r.file, [0, 0])
        c[0 if r.attack else 1] += 1
    lines = [
        "# Model card: the shipped attack classifier",
        "",
        "Generated by `python -m genai_guard.training --mode all` "
        "(do not edit by hand; re-run it).",
        "",
        "## What it is",
        "",
        "`AttackClassifierDetector` (policy type `attack_classifier`) scores a prompt, and every "
        "decoded view of it, for the four attack classes of the taxonomy: goal hijacking, "
        "guardrail bypass, information leakage and infrastructure attacks. It runs on the CPU in "
        "numpy, needs no download, and ships as "
        "`src/genai_guard/detect/model/attack_classifier.npz` "
        f"({layout.weights.stat().st_size // 1024} KiB) with its SHA-256 in "
        "`attack_classifier.json`; a file that does not match is refused with `IntegrityError`.",
        "",
        f"Shipped weights: SHA-256 `{report.get('ship', {}).get('sha256', '?')}`.",
        "",
        "## Intended use",
        "",
        "A fast first line against prompt attacks on the input side of an LLM application, "
        "combined with the rule detector (the default policy runs both; `Decision.risk` is the "
        "highest score of either). It is not a content-moderation model: a harmful request with "
        "no attack form is out of scope. Use its score with the policy thresholds; do not use it "
        "alone to make irreversible decisions about a user.",
        "",
        "## Features and why",
        "",
        "The text is NFKC-folded, stripped of zero-width and bidi format characters and "
        "lowercased; at most 4096 characters are read per window (longer texts are scored in "
        "`max_windows` windows spread over the text, two by default; the highest counts).",
        "",
        "* Hashed word unigrams and bigrams (2^18 buckets, `zlib.crc32` and fixed integer mixing, "
        "never Python's salted `hash()`): the phrasing of instructions (`ignore ... previous`, "
        "`you are now`, `system prompt`).",
        "* Hashed character 3-, 4- and 5-grams: robust to inflection, typos, leetspeak and "
        "spacing games that break word features.",
        "* Structural signals of the *form* of an attack, which transfer across sources better "
        "than vocabulary: density of second-person address, sentence-initial imperatives aimed "
        "at the model (`ignore`, `pretend`, `reveal`, `print`, ...), role markers and "
        "chat-template tokens (`<|im_start|>`, `[INST]`, `### Instruction`), long "
        "encoded-looking runs.",
        "* Style signals keep their slots in the feature vector at zero and are not computed ("
        + ", ".join(f"`{n}`" for n in F.UNUSED_DENSE)
        + "): in experiments they separated the corpus's sources (e-mail layout, digits, "
        "case) rather than attacks from benign text, and dropping them raised the held-out AUC. "
        "Length is kept: top-k pooling grows with the number of n-grams, and the length "
        "feature lets the model correct for that.",
        "",
        "## Model",
        "",
        "Two stages, both linear, fitted in numpy alone (`genai_guard/training/_train.py`, no "
        "randomness; seed recorded for future changes):",
        "",
        "1. Per-bucket smoothed log-count ratios (naive-Bayes style, clipped to "
        f"[-{CLIP}, {CLIP}], smoothing {ALPHA}) from family-weighted document frequencies: "
        "attack vs benign, and each class vs the other attack classes.",
        "2. Each n-gram block is pooled as the mean of its 6 highest ratios (max-like pooling, "
        "so an injection buried in a long benign document still shows) and of its 6 lowest "
        "(the evidence that the text is ordinary); a logistic regression "
        "on the pooled values plus the structural signals gives the attack probability, and a "
        "softmax on the class ratios gives the class. Stage 2 is cross-fitted (ratios counted "
        "on one half of the rows, the regression fitted on the other half).",
        "",
        "The detector reports one finding per class whose score reaches the floor (0.05): the "
        "most likely class carries the attack probability, the others are scaled by their share.",
        "",
        "## Training data",
        "",
        "The labelled corpus of the project (`../shared/data`, read at training time; no row is "
        "stored in the repository). `review_needed.jsonl` is left out.",
        "",
        "| file | attack rows | benign rows | licence | source repository |",
        "|---|---:|---:|---|---|",
    ]
    for name in sorted(counts):
        if name in OWN_FILES:
            continue
        lic, src = LICENCES.get(name, ("see corpus README", "?"))
        a, b = counts[name]
        lines.append(f"| `{name}` | {a} | {b} | {lic} | {src} |")
    syn = counts.get("synthetic", [0, 0])
    own = counts.get("written", [0, 0])
    written: dict[str, list[int]] = {}
    for r in rows:
        if r.file == "written":
            c = written.setdefault(r.group.split("|")[0], [0, 0])
            c[0 if r.attack else 1] += 1
    lines += [
        "",
        f"Plus {syn[0]} attack and {syn[1]} benign rows composed by a seeded generator from "
        "phrase pieces written by the genai-guard developers "
        "(`src/genai_guard/training/_text.py`): instruction overrides (direct and hidden "
        "in a document), system-prompt and secret extraction requests, persona jailbreaks, "
        "infrastructure payloads, obfuscated variants (leetspeak, case noise), and benign "
        "prompts that merely mention trigger words.",
        "",
        f"Plus {own[0]} attack and {own[1]} benign hand-written rows in `tools/training_text/` "
        "(every row written on its own, in the project's repository, licensed with it): direct "
        "overrides and their benign look-alikes, documents with and without an injection, "
        "extraction of system prompts and secrets, persona and fiction jailbreaks, obfuscated "
        "and encoded attacks, infrastructure attacks, and all of these in other languages; "
        "then instructions planted in documents an agent reads (e-mails, tickets, tool output, "
        "calendar invites, code) beside the same documents without them, bypass framings other "
        "than personas (prefix injection, refusal suppression, payload splitting, fake "
        "sandboxes), indirect secret extraction (hints, encodings, impersonation) beside "
        "ordinary password and account help, and tool-using infrastructure attacks beside "
        "DevOps questions. "
        "They were written for this project by LLM-based writing agents from a brief (the "
        "taxonomy, hard negatives that use trigger words innocently, no reproduction of "
        "published prompts) without access to the corpus; no row shares more than 30 % of its "
        "5-word shingles with a corpus row.",
        "",
        "| file | attack rows | benign rows |",
        "|---|---:|---:|",
        *(f"| `{n}.jsonl` | {a} | {b} |" for n, (a, b) in sorted(written.items())),
        "",
        "Weighting: a template family (the `source` field of a row) of n rows weighs sqrt(n) in "
        "all, so that the 100-row template families do not dominate; generated rows weigh "
        f"{SYNTHETIC_BOOST:g}x, hand-written rows (each its own family) {WRITTEN_WEIGHT:g}x; "
        "attack and benign totals are balanced.",
        "",
    ]
    val = report.get("validation")
    if val:
        rules_alone = val.get("with_rules", {}).get("rules_alone", {}).get("recall")
        lines += [
            "## Validation by source",
            "",
            "Trained on every file except the held-out ones (plus the self-written text), scored "
            "on the held-out files: " + ", ".join(f"`{f}`" for f in HELD_OUT) + ".",
            "",
            f"* Threshold for <= 1 % false positives on the held-out benign files: "
            f"{val['threshold_at_1pct_fpr']:.3f}; recall there {_pct(val['recall'])}, "
            f"false-positive rate {_pct(val['fpr'])}.",
            "",
            "Combined as in the default policy (a row counts as caught when the rules reach "
            f"{RULES_FLAG} or the classifier reaches the threshold), same files: "
            + "; ".join(
                f"{name.replace('_', ' ')}: threshold {v['threshold']:.3f}, recall "
                f"{_pct(v['recall'])}, false-positive rate {_pct(v['fpr'])}"
                for name, v in val.get("with_rules", {}).items()
                if name != "rules_alone"
            )
            + f" (rules alone: recall {_pct(rules_alone)}).",
            "",
            "| file | label | n | rate at the 1 % FPR threshold | rate at 0.5 | rate at 0.7 |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for name, v in val["files"].items():
            r5 = val["at_0.5"]["files"][name]["rate"]
            r7 = val["at_0.7"]["files"][name]["rate"]
            lines.append(
                f"| `{name}` | {v['label']} | {v['n']} | {_pct(v['rate'])} | {_pct(r5)} | "
                f"{_pct(r7)} |"
            )
        lines += ["", "| category | n | recall at the 1 % FPR threshold |", "|---|---:|---:|"]
        for name, v in val["categories"].items():
            lines.append(f"| {name} | {v['n']} | {_pct(v['recall'])} |")
        lines.append("")
    lofo_r = report.get("lofo")
    if lofo_r:
        lines += [
            "## Leave one file out",
            "",
            f"One model per file, trained on all other files; rate at threshold "
            f"{lofo_r['threshold']:.3f} on the file it never saw (attack files: recall; benign "
            "files: false-positive rate).",
            "",
            "| file | label | n | rate |",
            "|---|---|---:|---:|",
        ]
        for name, v in lofo_r["files"].items():
            lines.append(f"| `{name}` | {v['label']} | {v['n']} | {_pct(v['rate'])} |")
        lines.append("")
        if lofo_r.get("curve"):
            lines += [
                "The same scores at several thresholds, every file weighing the same (a new "
                "deployment is one new source): the mean false-positive rate over the benign "
                "files and the mean recall over the attack files, for the classifier alone and "
                "with the rules as in the default policy (a row is caught when the rules reach "
                f"{RULES_FLAG} or the classifier reaches the threshold; the last row is the rules "
                "alone). This is the classifier's behaviour on sources it never saw, the "
                "pessimistic bound for a deployment; read it before lowering the policy's "
                "threshold.",
                "",
                *_points_table(lofo_r["curve"]),
            ]
    pair_r = report.get("pairs")
    if pair_r:
        lines += [
            "## Unseen attack source against unseen benign source",
            "",
            "For every pair of one attack file and one benign file, a model trained without both "
            "scores both: the ROC AUC of the pair, and the attack file's recall at the threshold "
            "that flags 1 % of the benign file. This needs no threshold fixed beforehand and asks "
            "what a new deployment asks. Means over "
            f"{len(pair_r['pairs'])} pairs: AUC {pair_r['auc']:.3f}, recall at 1 % FPR "
            f"{_pct(pair_r['recall_at_1pct'])}. Per file, the mean over the pairs it is in "
            "(an AUC below 0.5 means the model ranks that file on the wrong side):",
            "",
            "| file | label | mean AUC | mean recall at 1 % FPR |",
            "|---|---|---:|---:|",
        ]
        for name, v in pair_r["files"].items():
            rec = _pct(v["recall_at_1pct"]) if v["label"] == "attack" else ""
            lines.append(f"| `{name}` | {v['label']} | {v['auc']:.3f} | {rec} |")
        lines.append("")
    probe_r = report.get("probe")
    if probe_r:
        lines += [
            "## Written probe (never trained on)",
            "",
            "The shipped model on `tools/eval_text/`: prompts and documents written for this "
            "project by a separate writing agent, as a deployed chatbot or agent would receive "
            "them, kept out of training (the `dev` half was read row by row while developing; "
            "the `test` half only as figures). Recall and false-positive rate, alone and with "
            "the rules as in the default policy; the last row is the rules alone.",
            "",
        ]
        for name, v in probe_r.items():
            auc = "n/a" if v["auc"] is None else f"{v['auc']:.3f}"
            lines += [
                f"`{name}`: {v['attack']} attack, {v['benign']} benign rows; AUC {auc}.",
                "",
                *_points_table(v["points"]),
            ]
    lines += [
        "## Known limits",
        "",
        "* Generalization to unseen sources is the weak point: the validation figures above are "
        "far from in-corpus figures, and the corpus is small and clustered by template family. "
        "The must-show target (recall >= 85 % at <= 1 % FPR on the held-out files) is NOT met.",
        "* Unseen *benign* styles are the worst case: in leave-one-file-out, a benign source the "
        "model never saw (role prompts, e-mails and tables, WildGuard) is flagged at a high "
        "rate. Expect false positives on text unlike anything in the training data; run it with "
        "the rule detector and tune the threshold on your own traffic.",
        "* New phrasings are mostly missed: on the written probe's test half the default "
        "pipeline (the rules, and this model blocking from 0.8 and flagging from 0.7) catches "
        "about one attack in three; at 0.5 this model alone catches about three in ten (table "
        "above).",
        "* information_leakage is thin in the corpus (116 rows, one source); most of its "
        "training signal is self-written.",
        "* Mostly English. Other languages, heavy paraphrase, and attacks that only make sense "
        "against a particular system prompt are often missed.",
        "* Only the first and last parts of a very long text are read (by default two "
        "4096-character windows, head and tail; `max_windows` raises it); an injection in the "
        "middle of a long document can be missed.",
        "* Obfuscation beyond NFKC, zero-width removal and leetspeak (homoglyphs, base64) relies "
        "on the sanitizer stages running first and producing views.",
        '* Benign prompts that use jailbreak-style framing (role-play, "act as") score higher '
        "than plain prompts.",
        "",
        "## Reproduce",
        "",
        "```",
        "python -m genai_guard.training ../shared/data --mode all --report report.json",
        "```",
        "",
        "Run it from the repository root, or name the checkout with `--root`. To train on your own "
        "labelled JSONL files (`text`, `label`, `category`), add `--model-dir DIR`: the weights "
        "and `attack_classifier.json` go there, and `AttackClassifierDetector(weights=..., "
        "sha256=...)` loads them with the digest from that manifest.",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = ""
    if path.is_file():
        old = path.read_text(encoding="utf-8")
        start, end = old.find(PROTOCOL_START), old.find(PROTOCOL_END)
        if 0 <= start < end:
            kept = old[start : end + len(PROTOCOL_END)] + "\n"
    path.write_text("\n".join(lines) + ("\n" + kept if kept else ""), encoding="utf-8")
