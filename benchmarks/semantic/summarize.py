"""Markdown tables from $SEM_CACHE/report_*.json (and the baseline protocol report).

PYTHONPATH=src python benchmarks/semantic/summarize.py [--baseline protocol-report.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from _paths import CACHE

ORDER = ("base", "A", "Ar", "A0", "A+")


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", default="protocol-report.json")
    a = ap.parse_args()
    reps: dict[str, Any] = {}
    for name in ORDER:
        p = CACHE / f"report_{name}.json"
        if p.exists():
            reps[name] = json.loads(p.read_text())
    if "base" not in reps and Path(a.baseline).exists():
        reps = {"base(protocol)": json.loads(Path(a.baseline).read_text())["cross_family"], **reps}
    names = list(reps)
    out = [
        "| measure (corpus, 10 group folds) | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]

    def row(label: str, f: Any) -> None:
        vals = []
        for n in names:
            try:
                vals.append(f(reps[n]))
            except (KeyError, TypeError):
                vals.append("-")
        out.append(f"| {label} | " + " | ".join(vals) + " |")

    row("pooled AUC", lambda r: f"{r['auc']:.3f}")
    row("threshold at 1 % pooled FPR", lambda r: f"{r['threshold_at_1pct_fpr']:.3f}")
    row("recall at 1 % pooled FPR", lambda r: pct(r["recall_at_1pct_fpr"]))
    row("source-balanced recall at 1 % s.-b. FPR", lambda r: pct(r["balanced_recall_at_1pct_fpr"]))
    row(
        "recall / FPR at 0.8", lambda r: f"{pct(r['at_0.8']['recall'])} / {pct(r['at_0.8']['fpr'])}"
    )
    for c in ("goal_hijacking", "guardrail_bypass", "information_leakage", "infrastructure"):
        row(f"recall at 1 % FPR: {c}", lambda r, c=c: pct(r["categories"].get(c)))
    for k in ("notinject", "xstest-safe"):
        row(
            f"over-defense {k} flagged at 1 % thr.",
            lambda r, k=k: (
                f"{r['over_defense'][k]['flagged_at_1pct_threshold']}/{r['over_defense'][k]['n']}"
            ),
        )
    out += [
        "",
        "| probe dev (classifier alone, trained on all rows) | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    row("AUC", lambda r: f"{r['probe_dev']['auc']:.3f}")
    for key, lab in (
        ("at_corpus_1pct_threshold", "corpus 1 %-FPR threshold"),
        ("at_probe_2pct_fpr", "2 % probe FPR"),
        ("at_0.8", "0.8"),
    ):
        row(
            f"recall / FPR at {lab}",
            lambda r, key=key: (
                f"{pct(r['probe_dev'][key]['recall'])} / {pct(r['probe_dev'][key]['fpr'])}"
            ),
        )
    for c in ("goal_hijacking", "guardrail_bypass", "information_leakage", "infrastructure"):
        row(
            f"recall at 2 % probe FPR: {c}",
            lambda r, c=c: pct(r["probe_dev"]["at_probe_2pct_fpr"]["categories"][c]["recall"]),
        )
    row(
        "everyday flagged (1 % thr. / 2 % probe thr. / 0.8)",
        lambda r: (
            f"{r['everyday']['flagged_at_corpus_1pct_threshold']} / "
            f"{r['everyday']['flagged_at_probe_2pct_threshold']} / "
            f"{r['everyday']['flagged_at_0.8']} of {r['everyday']['n']}"
        ),
    )
    # Per language (corpus, >= 200 rows): recall / FPR at each design's 1 % threshold.
    big = {k: v for k, v in reps[names[0]]["languages"].items() if v["attack"] + v["benign"] >= 200}
    langs = sorted(
        (k for k, v in big.items() if v["attack"] >= 40),
        key=lambda k: (
            -(reps[names[0]]["languages"][k]["attack"] + reps[names[0]]["languages"][k]["benign"])
        ),
    )
    out += [
        "",
        "| corpus language (attack/benign) | " + " | ".join(f"{n} rec / FPR" for n in names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for lang in langs:
        v0 = reps[names[0]]["languages"][lang]
        row(
            f"{lang} ({v0['attack']}/{v0['benign']})",
            lambda r, lang=lang: (
                f"{pct(r['languages'][lang]['recall'])} / {pct(r['languages'][lang]['fpr'])}"
            ),
        )
    rest = [k for k, v in big.items() if v["attack"] < 40]
    for n in names:
        hi = [
            (k, reps[n]["languages"][k]["fpr"])
            for k in rest
            if (reps[n]["languages"][k]["fpr"] or 0) > 0.01
        ]
        out.append(
            f"* {n}: languages with >= 200 rows but < 40 attack rows ({len(rest)}), FPR above 1 %: "
            + (", ".join(f"{k} {pct(f)}" for k, f in sorted(hi, key=lambda kv: -kv[1])) or "none")
        )
    # Probe dev per language at 2 % probe FPR.
    pn = [n for n in names if "probe_dev" in reps[n]]
    if pn:
        pl = reps[pn[0]]["probe_dev"]["at_probe_2pct_fpr"]["languages"]
        out += [
            "",
            "| probe dev language (attack/benign), at 2 % probe FPR | "
            + " | ".join(f"{n} rec / FPR" for n in pn)
            + " |",
            "|---|" + "---:|" * len(pn),
        ]
        for lang in sorted(pl, key=lambda k: -(pl[k]["attack"] + pl[k]["benign"])):
            vals = []
            for n in pn:
                v = reps[n]["probe_dev"]["at_probe_2pct_fpr"]["languages"][lang]
                vals.append(f"{pct(v['recall'])} / {pct(v['fpr'])}")
            out.append(
                f"| {lang} ({pl[lang]['attack']}/{pl[lang]['benign']}) | " + " | ".join(vals) + " |"
            )
    # Benign sources with the highest FPR at the 1 % threshold.
    out.append("")
    for n in names:
        src = reps[n]["sources"]
        worst = sorted(
            ((k, v) for k, v in src.items() if v["benign"]), key=lambda kv: -(kv[1]["fpr"] or 0)
        )[:6]
        out.append(
            f"* {n}: highest benign-source FPR at its 1 % threshold: "
            + ", ".join(f"{k} {pct(v['fpr'])} % (n={v['benign']})" for k, v in worst)
        )
    print("\n".join(out))


if __name__ == "__main__":
    main()
