"""Dump, per corpus row, the attack rules that fire and the default pipeline's action.

Run: ``PYTHONPATH=src python benchmarks/compare_rule_verdicts.py dump OUT.jsonl`` with one
version of the library on the path, again with another, then ``... diff A.jsonl B.jsonl``. Rows
come from every ``*.jsonl`` of ../shared/data and tools/eval_text; each output line is ``{"file",
"i", "rules" (sorted rule ids fired by AttackRulesDetector alone), "action" (the default
pipeline's)}``; no text is written. Keep dumps outside the repository: they describe corpus rows.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import REPO, SHARED_DATA

from genai_guard.context import Context
from genai_guard.detect import AttackRulesDetector
from genai_guard.policy import build_pipeline


def _rows() -> list[tuple[str, int, str]]:
    paths = sorted(SHARED_DATA.glob("*.jsonl")) + sorted(
        (REPO / "tools" / "eval_text").glob("*.jsonl")
    )
    out: list[tuple[str, int, str]] = []
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            lines = [line for line in fh if line.strip()]
        out.extend((path.name, i, json.loads(line)["text"]) for i, line in enumerate(lines))
    return out


def _dump(out: Path) -> int:
    rows = _rows()
    if not rows:
        print("no corpus found; nothing dumped")
        return 1
    detector = AttackRulesDetector()
    pipe = build_pipeline("default")
    ctx = Context()
    with out.open("w", encoding="utf-8") as fh:
        for name, i, text in rows:
            fired = sorted(
                {f.rule_id for f in detector.check(text, ctx).findings if f.rule_id.count(".") >= 2}
            )
            action = pipe.check_input(text).action.value
            fh.write(json.dumps({"file": name, "i": i, "rules": fired, "action": action}) + "\n")
    print(f"{len(rows)} rows dumped")
    return 0


def _diff(a: Path, b: Path) -> int:
    def load(p: Path) -> dict[tuple[str, int], dict[str, object]]:
        with p.open(encoding="utf-8") as fh:
            return {(r["file"], r["i"]): r for r in map(json.loads, fh)}

    old, new = load(a), load(b)
    rules = actions = 0
    for key in sorted(old.keys() | new.keys()):
        ro, rn = old.get(key, {}), new.get(key, {})
        if ro.get("rules") != rn.get("rules"):
            rules += 1
            gone = sorted(set(ro.get("rules", [])) - set(rn.get("rules", [])))  # type: ignore[call-overload]
            came = sorted(set(rn.get("rules", [])) - set(ro.get("rules", [])))  # type: ignore[call-overload]
            print(f"{key[0]}:{key[1]} rules -{gone} +{came}")
        if ro.get("action") != rn.get("action"):
            actions += 1
            print(f"{key[0]}:{key[1]} action {ro.get('action')} -> {rn.get('action')}")
    print(f"{len(old)} vs {len(new)} rows; rule sets differ on {rules}, actions on {actions}")
    return 0 if rules == actions == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("dump").add_argument("out", type=Path)
    d = sub.add_parser("diff")
    d.add_argument("a", type=Path)
    d.add_argument("b", type=Path)
    args = parser.parse_args()
    return _dump(args.out) if args.cmd == "dump" else _diff(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
