"""Dump the attack-rules detector's hits per corpus row, to compare two versions of the detector.

Run: ``PYTHONPATH=src python benchmarks/dump_rule_hits.py OUT.jsonl [--pipeline]``. Each output line
is ``{"i": row index, "hits": sorted [rule_id, view], "scores": {category: score}}``; no text is
written. The default mode runs the detector alone; ``--pipeline`` runs the default policy's input
stages (so sanitizer views and masked placeholders reach the detector) and keeps the detector's
findings. Compare two dumps with ``diff`` or ``python benchmarks/dump_rule_hits.py --diff A B``.
Write dumps outside the repository: they describe corpus rows.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import SHARED_DATA, shared_texts

from genai_guard._results import Finding
from genai_guard.context import Context
from genai_guard.detect import AttackRulesDetector
from genai_guard.policy import build_pipeline


def _summary(findings: tuple[Finding, ...]) -> tuple[list[list[str]], dict[str, float]]:
    hits: set[tuple[str, str]] = set()
    scores: dict[str, float] = {}
    for f in findings:
        if f.rule_id.count(".") >= 2:
            hits.add((f.rule_id, f.view or ""))
        elif f.rule_id.startswith("attack."):
            scores[f.category.value] = round(f.score, 6)
    return [list(h) for h in sorted(hits)], dict(sorted(scores.items()))


def _dump(out: Path, *, pipeline: bool) -> int:
    texts = shared_texts()
    if not texts:
        # An empty dump would compare equal to another empty one and prove nothing.
        print(f"no corpus at {SHARED_DATA} (set GENAI_GUARD_SHARED_DATA); nothing dumped")
        return 1
    detector = AttackRulesDetector()
    pipe = build_pipeline("default") if pipeline else None
    ctx = Context()
    with out.open("w", encoding="utf-8") as fh:
        for i, text in enumerate(texts):
            if pipe is None:
                findings = detector.check(text, ctx).findings
            else:
                decision = pipe.check_input(text)
                findings = tuple(
                    f
                    for r in decision.results
                    if r.stage == "attack_rules"
                    for f in r.outcome.findings
                )
            hits, scores = _summary(findings)
            fh.write(json.dumps({"i": i, "hits": hits, "scores": scores}) + "\n")
    print(f"{len(texts)} rows -> {out}")
    return 0


def _diff(a: Path, b: Path) -> int:
    left = a.read_text(encoding="utf-8").splitlines()
    right = b.read_text(encoding="utf-8").splitlines()
    changed = 0
    for la, lb in zip(left, right, strict=True):
        if la != lb:
            changed += 1
            ra, rb = json.loads(la), json.loads(lb)
            lost = {tuple(h) for h in ra["hits"]} - {tuple(h) for h in rb["hits"]}
            gained = {tuple(h) for h in rb["hits"]} - {tuple(h) for h in ra["hits"]}
            print(f"row {ra['i']}: lost {sorted(lost)} gained {sorted(gained)}")
            print(f"  scores {ra['scores']} -> {rb['scores']}")
    print(f"{changed} of {len(left)} rows differ")
    return 1 if changed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path)
    parser.add_argument("--pipeline", action="store_true")
    parser.add_argument("--diff", nargs=2, type=Path, metavar=("A", "B"))
    args = parser.parse_args()
    if args.diff:
        return _diff(*args.diff)
    if args.out is None:
        parser.error("give OUT or --diff A B")
    return _dump(args.out, pipeline=args.pipeline)


if __name__ == "__main__":
    raise SystemExit(main())
