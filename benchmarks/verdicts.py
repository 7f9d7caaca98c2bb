"""Dump the verdict on every row of JSONL files, and compare two dumps ("same verdicts").

Dump: one JSON object per row, ``{file, line, label, category, action, risk, rule_ids}``, where
``file`` is the file's name, ``risk`` is rounded to 3 decimals and ``rule_ids`` are in pipeline
order. Texts are never written. Diff: counts of rows whose action or rule ids differ between two
dumps (rows matched by file name and line), with the rule ids that appeared or disappeared;
exit status 1 when any differ.

    PYTHONPATH=src python benchmarks/verdicts.py ../shared/data/*.jsonl tools/eval_text/*.jsonl \\
        -o verdicts.jsonl [--policy FILE] [--output]
    python benchmarks/verdicts.py --diff verdicts_before.jsonl verdicts_after.jsonl [--show 50]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _inputs import use_tree_src  # noqa: E402


def dump(files: list[Path], out: Path, *, policy: str, output: bool) -> int:
    use_tree_src()
    from genai_guard.policy import build_pipeline

    pipe = build_pipeline(policy)
    rows = 0
    skipped = 0
    with out.open("w", encoding="utf-8") as sink:
        for path in files:
            with path.open(encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    obj = json.loads(line)
                    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                        skipped += 1
                        continue
                    text = obj["text"]
                    decision = pipe.check_output(text) if output else pipe.check_input(text)
                    record = {
                        "file": path.name,
                        "line": n,
                        "label": obj.get("label"),
                        "category": obj.get("category"),
                        "action": decision.action.value,
                        "risk": round(decision.risk, 3),
                        "rule_ids": list(decision.rule_ids),
                    }
                    sink.write(json.dumps(record) + "\n")
                    rows += 1
    print(f"{rows} verdicts from {len(files)} files -> {out}, {skipped} lines without a text")
    return 0


def _load(path: Path) -> dict[tuple[str, int], dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    return {(r["file"], r["line"]): r for r in records}


def diff(a_path: Path, b_path: Path, *, show: int) -> int:
    a, b = _load(a_path), _load(b_path)
    common = sorted(a.keys() & b.keys())
    action = ids = risk = either = 0
    transitions: Counter[str] = Counter()
    added: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    per_file: Counter[str] = Counter()
    shown: list[str] = []
    for key in common:
        ra, rb = a[key], b[key]
        d_action = ra["action"] != rb["action"]
        set_a, set_b = set(ra["rule_ids"]), set(rb["rule_ids"])
        d_ids = set_a != set_b
        action += d_action
        ids += d_ids
        risk += ra["risk"] != rb["risk"]
        if not (d_action or d_ids):
            continue
        either += 1
        per_file[key[0]] += 1
        if d_action:
            transitions[f"{ra['action']} -> {rb['action']} ({ra.get('label')})"] += 1
        added.update(set_b - set_a)
        removed.update(set_a - set_b)
        if len(shown) < show:
            plus = ",".join(sorted(set_b - set_a))
            minus = ",".join(sorted(set_a - set_b))
            shown.append(
                f"  {key[0]}:{key[1]} ({ra.get('label')}) {ra['action']} -> {rb['action']}"
                + (f"  +[{plus}]" if plus else "")
                + (f"  -[{minus}]" if minus else "")
            )
    print(f"A {a_path}: {len(a)} rows; B {b_path}: {len(b)} rows; {len(common)} in both")
    if len(a) != len(common) or len(b) != len(common):
        print(f"  only in A: {len(a) - len(common)}, only in B: {len(b) - len(common)}")
    print(f"  action differs:            {action}")
    print(f"  rule ids differ (as sets): {ids}")
    print(f"  either differs:            {either}")
    print(f"  risk differs (3 places):   {risk}")
    for title, counter in (
        ("action changes (label)", transitions),
        ("rows per file", per_file),
        ("rule ids only in B", added),
        ("rule ids only in A", removed),
    ):
        if counter:
            print(f"{title}:")
            for name, count in counter.most_common():
                print(f"  {count:>6}  {name}")
    if shown:
        print(f"first {len(shown)} differing rows:")
        print("\n".join(shown))
    return 1 if either or len(a) != len(common) or len(b) != len(common) else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, help="JSONL files with a 'text' field")
    ap.add_argument("-o", "--out", type=Path, help="where to write the verdicts (JSONL)")
    ap.add_argument("--policy", default="default", help="policy file or packaged name")
    ap.add_argument("--output", action="store_true", help="check rows as model output")
    ap.add_argument("--diff", nargs=2, type=Path, metavar=("A", "B"), help="compare two dumps")
    ap.add_argument("--show", type=int, default=50, help="differing rows to list in --diff")
    args = ap.parse_args(argv)
    if args.diff:
        return diff(args.diff[0], args.diff[1], show=args.show)
    if not args.files or args.out is None:
        ap.error("give JSONL files and -o OUT, or --diff A B")
    return dump(args.files, args.out, policy=args.policy, output=args.output)


if __name__ == "__main__":
    raise SystemExit(main())
