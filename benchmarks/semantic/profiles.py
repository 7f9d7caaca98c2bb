"""The default and accurate policies side by side on the written probe's dev half, its rewrites,
the everyday-requests list and the over-defense sets of ../shared/data.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/semantic/profiles.py [--out FILE]

Uses the protocol's own report functions (``genai_guard.training._protocol``): a row counts as
detected when the pipeline flags or blocks it. The sealed probe half is never read. Prints JSON
(aggregates only, plus flagged texts of our own everyday list).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from _paths import EVAL

from genai_guard.policy import build_pipeline
from genai_guard.training import _protocol as P

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=None)
    ap.add_argument("--policies", default="default,accurate")
    a = ap.parse_args()
    dev = P._probe_rows(EVAL / "probe2_dev.jsonl")
    everyday = P._probe_rows(EVAL / "everyday_requests.jsonl")
    hand = P._probe_rows(EVAL / "adaptive" / "hand_rewrites_dev.jsonl")
    over = {
        name: [json.loads(x)["text"] for x in (SHARED / f"{name}.jsonl").open(encoding="utf-8")]
        for name in ("notinject", "xstest_safe")
        if (SHARED / f"{name}.jsonl").is_file()
    }
    out = {}
    for policy in a.policies.split(","):
        pipe = build_pipeline(policy).warm_up()
        probe = P.probe_report(pipe, dev)
        hit = probe.pop("_hit")
        rep = {
            "probe_dev": probe,
            "template_adaptive": P.adaptive_report(pipe, dev, hit),
            "hand_adaptive": P.hand_adaptive_report(pipe, dev, hit, hand),
            "everyday": P.everyday_report(pipe, everyday),
        }
        for name, texts in over.items():
            got, _ = P._detects(pipe, texts)
            rep[name] = {
                "n": len(texts),
                "flagged": int(np.sum(got)),
                "accuracy": 1 - float(np.mean(got)),
            }
        out[policy] = rep
        print(
            policy,
            json.dumps(
                {k: (v if k != "everyday" else {"flagged": v["flagged"]}) for k, v in rep.items()}
            )[:3000],
            file=sys.stderr,
            flush=True,
        )
    text = json.dumps(out, indent=1, default=float)
    if a.out:
        Path(a.out).write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
