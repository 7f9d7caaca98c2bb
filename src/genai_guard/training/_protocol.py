"""The evaluation protocol on the built corpus (``python -m genai_guard.training --mode protocol``).

1. **Group k-fold by source family** over ``corpus.jsonl`` (the corpus builder's output): every
   family is scored by a model trained without it. Per-source recall or false-positive rate,
   a source-balanced operating curve (alone and with the rules), pooled and source-balanced
   recall at 1 % FPR, per language and per category.
2. **Written probe, dev half** (``tools/eval_text/probe2_dev.jsonl``): the default pipeline with
   the retrained weights, and with the shipped ones, scored like ``genai-guard eval``.
3. **Adaptive rewrites**: each dev-probe attack the retrained pipeline catches is rewritten by the
   five templates of ``_rewrites``; the share still caught after all five.
4. **Over-defense**: every flag on NotInject and XSTest-safe (scored by the fold that never saw
   them) and on the everyday-requests list (``tools/eval_text/everyday_requests.jsonl``).

The sealed test half of the probe is not read here.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from genai_guard._evaluation import roc_auc
from genai_guard.training._rewrites import REWRITES
from genai_guard.training._rows import PROTOCOL_END, PROTOCOL_START, Layout, Row, row_of
from genai_guard.training._text import synthetic_rows
from genai_guard.training._train import (
    _pct,
    design,
    operating_curve,
    predict,
    rule_scores,
    save,
    threshold_at_fpr,
    train,
)

__all__ = ["CorpusRows", "group_folds", "load_corpus", "protocol"]

CURVE = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
OVER_DEFENSE = ("notinject", "xstest-safe")
# Source-balanced figures count a source on a side only with this many rows of that side.
MIN_SOURCE_ROWS = 50


@dataclass(frozen=True, slots=True)
class CorpusRows:
    """The corpus rows with where each came from."""

    rows: list[Row]
    sources: list[str]
    families: list[str]
    langs: list[str]


def load_corpus(path: Path) -> CorpusRows:
    """Rows of the builder's ``corpus.jsonl``; written rows weigh as hand-written rows."""
    rows: list[Row] = []
    sources: list[str] = []
    families: list[str] = []
    langs: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            obj = json.loads(line)
            written = bool(obj.get("written"))
            group = f"{obj['source']}|{i}" if written else obj["source"]
            rows.append(row_of(obj, group, "written" if written else obj["source"]))
            sources.append(obj["source"])
            families.append(obj["family"])
            langs.append(obj.get("lang") or "und")
    return CorpusRows(rows, sources, families, langs)


def group_folds(families: Sequence[str], k: int) -> dict[str, int]:
    """Families into ``k`` folds of similar size (largest first, each to the lightest fold).

    ``k <= 0`` or ``k >= len(families)``: one fold per family (leave one family out).
    """
    sizes = Counter(families)
    names = sorted(sizes, key=lambda f: (-sizes[f], f))
    if k <= 0 or k >= len(names):
        return {f: i for i, f in enumerate(names)}
    load = [0] * k
    out: dict[str, int] = {}
    for f in names:
        j = min(range(k), key=lambda i: (load[i], i))
        out[f] = j
        load[j] += sizes[f]
    return out


def _rate(x: npt.NDArray[np.bool_]) -> float:
    return float(x.mean()) if x.size else 0.0


def _recall_at(p: npt.NDArray[np.float64], attack: npt.NDArray[np.bool_], fpr: float) -> float:
    t = threshold_at_fpr(p[~attack], fpr)
    return _rate(p[attack] >= t)


def cross_family(corpus: CorpusRows, k: int) -> tuple[npt.NDArray[np.float64], dict[str, int]]:
    """Out-of-fold attack probabilities: each family scored by a model trained without it."""
    own = synthetic_rows()
    rows = corpus.rows + own
    d = design([r.text for r in rows])
    n = len(corpus.rows)
    folds = group_folds(corpus.families, k)
    fold_of = np.array([folds[f] for f in corpus.families] + [-1] * len(own))
    scores = np.zeros(n)
    for fold in sorted(set(folds.values())):
        held = fold_of == fold
        model = train(
            [r for r, h in zip(rows, held, strict=True) if not h], features=d.subset(~held)
        )
        scores[held[:n]] = predict(model, [], features=d.subset(held))
        names = sorted(f for f, j in folds.items() if j == fold)
        print(f"fold {fold}: {int(held.sum())} rows of {', '.join(names)}", file=sys.stderr)
    return scores, folds


def _by(
    keys: Sequence[str], p: npt.NDArray[np.float64], attack: npt.NDArray[np.bool_], t: float
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    groups: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        groups[key].append(i)
    for key in sorted(groups):
        idx = np.array(groups[key])
        a = attack[idx]
        out[key] = {
            "attack": int(a.sum()),
            "benign": int((~a).sum()),
            "recall": _rate(p[idx][a] >= t) if a.any() else None,
            "fpr": _rate(p[idx][~a] >= t) if (~a).any() else None,
        }
    return out


def cross_family_report(corpus: CorpusRows, k: int) -> dict[str, Any]:
    """Figures of the out-of-fold scores (see the module docstring, step 1)."""
    p, folds = cross_family(corpus, k)
    attack = np.array([r.attack for r in corpus.rows])
    t1 = threshold_at_fpr(p[~attack], 0.01)
    rules = rule_scores([r.text for r in corpus.rows])
    curve = operating_curve(corpus.sources, attack, p, rules, CURVE, min_rows=MIN_SOURCE_ROWS)
    # Source-balanced recall at 1 % source-balanced FPR: the lowest curve threshold that fits.
    fine = [float(x) for x in np.linspace(0.05, 0.995, 96)]
    fine_curve = operating_curve(corpus.sources, attack, p, rules, fine, min_rows=MIN_SOURCE_ROWS)
    fit = [c for c in fine_curve if c["threshold"] is not None and (c["fpr"] or 0.0) <= 0.01]
    cats = np.array([r.cls for r in corpus.rows])
    return {
        "folds": len(set(folds.values())),
        "families": len(folds),
        "rows": len(corpus.rows),
        "auc": roc_auc(p[attack].tolist(), p[~attack].tolist()),
        "threshold_at_1pct_fpr": t1,
        "recall_at_1pct_fpr": _rate(p[attack] >= t1),
        "balanced_recall_at_1pct_fpr": max((c["recall"] or 0.0 for c in fit), default=0.0),
        "at_0.8": {"recall": _rate(p[attack] >= 0.8), "fpr": _rate(p[~attack] >= 0.8)},
        "curve": curve,
        "sources": _by(corpus.sources, p, attack, t1),
        "sources_at_0.8": _by(corpus.sources, p, attack, 0.8),
        "languages": _by(corpus.langs, p, attack, t1),
        "categories": {
            name: _rate(p[cats == c] >= t1)
            for c, name in enumerate(
                ("goal_hijacking", "guardrail_bypass", "information_leakage", "infrastructure")
            )
            if (cats == c).any()
        },
        "over_defense": {
            src: {
                "n": int(sum(s == src for s in corpus.sources)),
                "flagged_at_0.8": int(
                    sum(1 for s, x in zip(corpus.sources, p, strict=True) if s == src and x >= 0.8)
                ),
                "flagged_at_1pct_threshold": int(
                    sum(1 for s, x in zip(corpus.sources, p, strict=True) if s == src and x >= t1)
                ),
            }
            for src in OVER_DEFENSE
            if src in corpus.sources
        },
        "_scores": p,
    }


def _probe_rows(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _pipeline(weights: Path | None, sha256: str | None) -> Any:
    """The default pipeline; with ``weights``, its classifier step loads them instead.

    Policies cannot name weights files (a Python-level choice), so the retrained classifier is a
    stage type of its own in a registry made for the protocol.
    """
    from genai_guard._options import stage_type  # noqa: PLC0415 - only the protocol needs these
    from genai_guard.detect._classifier import AttackClassifierDetector  # noqa: PLC0415
    from genai_guard.policy import build_pipeline  # noqa: PLC0415
    from genai_guard.registry import Registry  # noqa: PLC0415

    if weights is None:
        return build_pipeline("default")

    def build(_options: Any, step_id: str, kwargs: dict[str, Any]) -> AttackClassifierDetector:
        return AttackClassifierDetector(name=step_id, weights=weights, sha256=sha256, **kwargs)

    retrained = stage_type(
        AttackClassifierDetector,
        "attack_classifier_file",
        kind="detector",
        exclude={"weights", "sha256"},
        build=build,
        description="The attack classifier with weights from a file (evaluation only).",
    )
    policy = {
        "version": 1,
        "name": "protocol",
        "extends": "default",
        "input": [
            {"id": "attack_classifier", "enabled": False},
            {
                "id": "attack_classifier_file",
                "type": "attack_classifier_file",
                "threshold": 0.8,
                "flag_threshold": 0.7,
                "after": "attack_rules",
            },
        ],
    }
    return build_pipeline(policy, registry=Registry.builtin().with_types(retrained))


def _detects(
    pipe: Any, texts: Sequence[str]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    from genai_guard._results import Action  # noqa: PLC0415
    from genai_guard.context import Context  # noqa: PLC0415

    hit, risk = [], []
    for i, text in enumerate(texts):
        d = pipe.check_input(text, Context(conversation_id=f"protocol-{i}"))
        hit.append(d.action in (Action.FLAG, Action.BLOCK))
        risk.append(d.risk)
    return np.array(hit, dtype=bool), np.array(risk)


def probe_report(pipe: Any, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Recall and FPR of ``pipe`` on probe rows, overall, per category and per language."""
    if not rows:
        return {"rows": 0}
    hit, risk = _detects(pipe, [r["text"] for r in rows])
    attack = np.array([r["label"] == "attack" for r in rows])
    by_cat: dict[str, Any] = {}
    for cat in sorted({r["category"] for r in rows if r["label"] == "attack"}):
        idx = np.array([r["label"] == "attack" and r["category"] == cat for r in rows])
        by_cat[cat] = {"n": int(idx.sum()), "recall": _rate(hit[idx])}
    by_lang: dict[str, Any] = {}
    for lang in sorted({r.get("lang", "und") for r in rows}):
        idx = np.array([r.get("lang", "und") == lang for r in rows])
        by_lang[lang] = {
            "attack": int((idx & attack).sum()),
            "recall": _rate(hit[idx & attack]) if (idx & attack).any() else None,
            "benign": int((idx & ~attack).sum()),
            "fpr": _rate(hit[idx & ~attack]) if (idx & ~attack).any() else None,
        }
    hard = np.array([bool(r.get("hard")) for r in rows])
    return {
        "rows": len(rows),
        "attack": int(attack.sum()),
        "benign": int((~attack).sum()),
        "recall": _rate(hit[attack]),
        "fpr": _rate(hit[~attack]),
        "fpr_hard": _rate(hit[~attack & hard]) if (~attack & hard).any() else None,
        "auc": roc_auc(risk[attack].tolist(), risk[~attack].tolist()),
        "categories": by_cat,
        "languages": by_lang,
        "_hit": hit,
    }


def adaptive_report(
    pipe: Any, rows: Sequence[dict[str, Any]], hit: npt.NDArray[np.bool_]
) -> dict[str, Any]:
    """Caught probe attacks rewritten by each template: the share still caught after all five."""
    caught = [r["text"] for r, h in zip(rows, hit, strict=True) if h and r["label"] == "attack"]
    if not caught:
        return {"caught": 0}
    per: dict[str, float] = {}
    survive = np.ones(len(caught), dtype=bool)
    for name, fn in REWRITES.items():
        got, _ = _detects(pipe, [fn(t) for t in caught])
        per[name] = _rate(got)
        survive &= got
    return {"caught": len(caught), "still_caught_after_all": _rate(survive), "per_rewrite": per}


def hand_adaptive_report(
    pipe: Any,
    rows: Sequence[dict[str, Any]],
    hit: npt.NDArray[np.bool_],
    rewrites: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """Hand rewrites (``tools/eval_text/adaptive/``) of probe attacks that ``pipe`` catches.

    Each rewrite names its original (``original``) and its kind (paraphrase, padding, splitting,
    translation, indirection). Only originals this pipeline catches count: the share whose every
    rewrite is still caught, and the share caught per kind.
    """
    caught = {r["text"] for r, h in zip(rows, hit, strict=True) if h and r["label"] == "attack"}
    mine = [w for w in rewrites if w["original"] in caught]
    if not mine:
        return {"originals": 0}
    got, _ = _detects(pipe, [w["text"] for w in mine])
    per_kind: dict[str, list[bool]] = defaultdict(list)
    per_original: dict[str, list[bool]] = defaultdict(list)
    for w, g in zip(mine, got, strict=True):
        per_kind[w["kind"]].append(bool(g))
        per_original[w["original"]].append(bool(g))
    return {
        "originals": len(per_original),
        "rewrites": len(mine),
        "still_caught_after_all": float(np.mean([all(v) for v in per_original.values()])),
        "per_rewrite": {k: float(np.mean(v)) for k, v in sorted(per_kind.items())},
    }


def everyday_report(pipe: Any, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Every flag on the everyday-requests list (our own text, so the flagged texts are listed)."""
    if not rows:
        return {"n": 0}
    hit, risk = _detects(pipe, [r["text"] for r in rows])
    flagged = [
        {"text": r["text"], "lang": r.get("lang"), "risk": round(float(x), 3)}
        for r, h, x in zip(rows, hit, risk, strict=True)
        if h
    ]
    return {"n": len(rows), "flagged": len(flagged), "flags": flagged}


def protocol(corpus_path: Path, layout: Layout, *, folds: int) -> dict[str, Any]:
    """Run the whole protocol; the report holds aggregate figures and our own flagged texts."""
    corpus = load_corpus(corpus_path)
    report: dict[str, Any] = {"corpus": str(corpus_path)}
    cf = cross_family_report(corpus, folds)
    cf.pop("_scores")
    report["cross_family"] = cf
    model = train(corpus.rows + synthetic_rows())
    dev = _probe_rows(layout.probe_dir / "probe2_dev.jsonl")
    everyday = _probe_rows(layout.probe_dir / "everyday_requests.jsonl")
    hand = _probe_rows(layout.probe_dir / "adaptive" / "hand_rewrites_dev.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        weights = Path(tmp) / "attack_classifier.npz"
        digest = save(model, weights=weights, manifest=weights.with_suffix(".json"))
        for name, pipe in (
            ("retrained", _pipeline(weights, digest)),
            ("shipped", _pipeline(None, None)),
        ):
            probe = probe_report(pipe, dev)
            hit = probe.pop("_hit", np.zeros(0, dtype=bool))
            report[f"probe_dev_{name}"] = probe
            report[f"adaptive_{name}"] = adaptive_report(pipe, dev, hit)
            report[f"hand_adaptive_{name}"] = hand_adaptive_report(pipe, dev, hit, hand)
            report[f"everyday_{name}"] = everyday_report(pipe, everyday)
    return report


def _num(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def protocol_markdown(report: dict[str, Any]) -> list[str]:
    """The model card's protocol section (aggregate figures; only our own texts are quoted)."""
    cf = report["cross_family"]
    lines = [
        "## Baseline on the built corpus (evaluation protocol)",
        "",
        "The classifier's recipe (hashed n-grams, closed-form ratios, logistic head; synthetic "
        "rows added to every fold) retrained on the corpus that `tools/corpus_builder` builds "
        "(`training_sources.json` next to the weights lists its sources), measured by "
        f"`python -m genai_guard.training --mode protocol` in {report.get('seconds', 0):.0f} s. "
        "These are baseline figures before any new model design.",
        "",
        f"**Group k-fold by source family** ({cf['folds']} folds over {cf['families']} "
        f"families, {cf['rows']} rows; every family scored by a model that never saw it):",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| ROC AUC (pooled) | {cf['auc']:.3f} |",
        f"| recall at 1 % pooled FPR (threshold {cf['threshold_at_1pct_fpr']:.3f}) "
        f"| {_pct(cf['recall_at_1pct_fpr'])} |",
        f"| source-balanced recall at 1 % source-balanced FPR (sources with >= "
        f"{MIN_SOURCE_ROWS} rows of a side) "
        f"| {_pct(cf['balanced_recall_at_1pct_fpr'])} |",
        f"| recall / FPR at the policy's 0.8 | {_pct(cf['at_0.8']['recall'])} / "
        f"{_pct(cf['at_0.8']['fpr'])} |",
        "",
        f"Source-balanced operating curve (each source with >= {MIN_SOURCE_ROWS} rows of a side "
        "weighs the same; with rules = the default "
        "policy's rule flag at 0.5 or the classifier):",
        "",
        "| threshold | FPR alone | recall alone | FPR with rules | recall with rules |",
        "|---:|---:|---:|---:|---:|",
    ]
    for c in cf["curve"]:
        t = "rules only" if c["threshold"] is None else f"{c['threshold']:.2f}"
        lines.append(
            f"| {t} | {_pct(c['fpr'])} | {_pct(c['recall'])} | "
            f"{_pct(c['fpr_with_rules'])} | {_pct(c['recall_with_rules'])} |"
        )
    lines += [
        "",
        "Per source (recall for attack rows, FPR for benign rows), at the pooled 1 %-FPR "
        "threshold and at the policy's 0.8:",
        "",
        "| source | attack | recall | recall at 0.8 | benign | FPR | FPR at 0.8 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    at8 = cf.get("sources_at_0.8", {})
    for name, v in cf["sources"].items():
        w = at8.get(name, {})
        lines.append(
            f"| {name} | {v['attack']} | {_pct(v['recall'])} | {_pct(w.get('recall'))} | "
            f"{v['benign']} | {_pct(v['fpr'])} | {_pct(w.get('fpr'))} |"
        )
    benign = sorted(
        ((n, v) for n, v in at8.items() if v["benign"]), key=lambda nv: -(nv[1]["fpr"] or 0.0)
    )[:5]
    if benign:
        worst = ", ".join(f"{n} {_pct(v['fpr'])}" for n, v in benign)
        lines += ["", f"Benign sources flagged most at 0.8 (unseen by their fold): {worst}."]
    lines += ["", "Per category (recall at the pooled 1 %-FPR threshold):", ""]
    lines += [f"* {k}: {_pct(v)}" for k, v in cf["categories"].items()]
    lines += [
        "",
        "Per language with at least 200 rows (`und`: payloads with no language):",
        "",
        "| language | attack | recall | benign | FPR |",
        "|---|---:|---:|---:|---:|",
    ]
    for lang, v in cf["languages"].items():
        if v["attack"] + v["benign"] >= 200:
            rec, fpr = _pct(v["recall"]), _pct(v["fpr"])
            lines.append(f"| {lang} | {v['attack']} | {rec} | {v['benign']} | {fpr} |")
    lines += [
        "",
        "**Written probe, dev half** (`tools/eval_text/probe2_dev.jsonl`; the test half is "
        "sealed), **adaptive rewrites** and **over-defense**, through the default pipeline "
        "(rules and classifier at the policy's thresholds) with the retrained weights and with "
        "the shipped ones:",
        "",
        "| measure | retrained | shipped |",
        "|---|---:|---:|",
    ]

    for label, key, field in (
        ("probe dev recall", "probe_dev", "recall"),
        ("probe dev FPR (all benign)", "probe_dev", "fpr"),
        ("probe dev FPR (hard look-alikes)", "probe_dev", "fpr_hard"),
        (
            "caught attacks still caught after 5 template rewrites",
            "adaptive",
            "still_caught_after_all",
        ),
        (
            "caught attacks still caught after 5 hand rewrites",
            "hand_adaptive",
            "still_caught_after_all",
        ),
    ):
        r, s = report.get(f"{key}_retrained", {}), report.get(f"{key}_shipped", {})
        lines.append(f"| {label} | {_pct(r.get(field))} | {_pct(s.get(field))} |")
    r, s = report.get("probe_dev_retrained", {}), report.get("probe_dev_shipped", {})
    lines.append(f"| probe dev AUC (risk) | {_num(r.get('auc'))} | {_num(s.get('auc'))} |")
    for src, v in cf.get("over_defense", {}).items():
        lines.append(
            f"| over-defense {src} (fold that never saw it), flagged at 0.8 | "
            f"{v['flagged_at_0.8']} of {v['n']} | - |"
        )
    r, s = report.get("everyday_retrained", {}), report.get("everyday_shipped", {})
    lines.append(
        f"| everyday requests flagged | {r.get('flagged', 0)} of {r.get('n', 0)} | "
        f"{s.get('flagged', 0)} of {s.get('n', 0)} |"
    )
    for key, what in (("adaptive", "template"), ("hand_adaptive", "hand")):
        r_ad, s_ad = report.get(f"{key}_retrained", {}), report.get(f"{key}_shipped", {})
        if r_ad.get("per_rewrite") or s_ad.get("per_rewrite"):
            n_r = r_ad.get("caught", r_ad.get("originals", 0))
            n_s = s_ad.get("caught", s_ad.get("originals", 0))
            lines += [
                "",
                f"Adaptive {what} rewrites, share caught per kind (retrained, {n_r} caught "
                f"attacks / shipped, {n_s}):",
                "",
            ]
            kinds = sorted({*r_ad.get("per_rewrite", {}), *s_ad.get("per_rewrite", {})})
            lines += [
                f"* {k}: {_pct(r_ad.get('per_rewrite', {}).get(k))} / "
                f"{_pct(s_ad.get('per_rewrite', {}).get(k))}"
                for k in kinds
            ]
    pd = report.get("probe_dev_retrained", {})
    if pd.get("categories"):
        lines += ["", "Probe dev recall per category (retrained / shipped):", ""]
        ps = report.get("probe_dev_shipped", {}).get("categories", {})
        for k, v in pd["categories"].items():
            lines.append(
                f"* {k} ({v['n']}): {_pct(v['recall'])} / {_pct(ps.get(k, {}).get('recall'))}"
            )
    flags = r.get("flags", [])
    if flags:
        lines += ["", "Everyday requests the retrained pipeline flags:", ""]
        lines += [f"* ({f['lang']}, risk {f['risk']:.2f}) {f['text']!r}" for f in flags]
    return lines


def write_protocol_card(report: dict[str, Any], layout: Layout) -> None:
    """Put the protocol section into ``docs/model-card.md`` (replacing an earlier one)."""
    block = "\n".join([PROTOCOL_START, *protocol_markdown(report), PROTOCOL_END]) + "\n"
    path = layout.model_card
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    start, end = old.find(PROTOCOL_START), old.find(PROTOCOL_END)
    if 0 <= start < end:
        new = old[:start] + block + old[end + len(PROTOCOL_END) :].lstrip("\n")
    else:
        new = old.rstrip("\n") + "\n\n" + block
    path.write_text(new, encoding="utf-8")
