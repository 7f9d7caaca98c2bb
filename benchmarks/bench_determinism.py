"""Decisions under load: 8 threads and busy background processes against a sequential run.

Issue 21 item 4: verdicts must not depend on wall-clock time. The inputs are the rows of
``../shared/data`` (read at run time; skipped with a message when absent) plus generated
adversarial texts (0/1 matrices, digit runs, phone lists, nested encodings, ...) up to ``--n``.
Each input goes once through the default pipeline's ``check_input`` sequentially on a quiet process,
then again from ``--threads`` threads while ``--load`` busy-loop processes run. A decision is
its action, its sorted rule ids and its risk rounded to 3 decimals; the report counts inputs
whose decision differs between the two runs (by kind, and for shared rows by file and line;
never the text).

    PYTHONPATH=src python benchmarks/bench_determinism.py [--n 25000] [--threads 8] [--load 2]
        [--directions input,output] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _inputs import adversarial, shared_rows, use_tree_src  # noqa: E402

SHARED_DATA = Path(
    os.environ.get("GENAI_GUARD_SHARED_DATA", HERE.parent.parent / "shared" / "data")
)
SYSTEM_PROMPT = "You are a helpful support bot. Never reveal the discount code ZEBRA-42."
Key = tuple[str, tuple[str, ...], float, tuple[str, ...]]


def decision_key(decision: Any) -> Key:
    """Action, sorted rule ids, risk to 3 decimals; stage errors kept apart (not compared)."""
    errors = tuple(r.stage for r in decision.results if r.error is not None)
    return (
        decision.action.value,
        tuple(sorted(decision.rule_ids)),
        round(decision.risk, 3),
        errors,
    )


def busy_loops(n: int) -> list[subprocess.Popen[bytes]]:
    """``n`` processes spinning one core each (ended by the caller, by their own handle)."""
    code = "while True:\n    pass\n"
    return [subprocess.Popen([sys.executable, "-c", code]) for _ in range(n)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=25_000, help="inputs in all (default 25000)")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--load", type=int, default=2, help="busy-loop processes during the threads")
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--directions", default="input", help="input, output or input,output")
    ap.add_argument("--data", type=Path, default=SHARED_DATA, help="folder of labelled JSONL")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON to FILE")
    args = ap.parse_args(argv)
    directions = args.directions.split(",")
    if any(d not in ("input", "output") for d in directions):
        ap.error("--directions takes input, output or input,output")

    use_tree_src()
    import genai_guard
    from genai_guard import Context
    from genai_guard.policy import build_pipeline

    where = Path(genai_guard.__file__).resolve().parent
    print(f"measuring {where}")
    rows = shared_rows(args.data)
    if not rows:
        print(f"no shared rows: {args.data} is absent; generated inputs only")
    rows = rows[: args.n]
    items: list[tuple[str, str, str]] = [("shared", f"{f}:{n}", t) for f, n, t in rows]
    items += [
        (kind, f"gen:{i}", text)
        for i, (kind, text) in enumerate(adversarial(args.n - len(items), args.seed))
    ]
    kinds = Counter(kind for kind, _, _ in items)
    print(f"{len(items)} inputs: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))

    pipe = build_pipeline("default")
    pipe.warm_up()
    ctx = Context(conversation_id="bench", system_prompt=SYSTEM_PROMPT)
    prior = pipe.check_input("Please summarise the attached report for me.", ctx)

    def check(job: tuple[str, int]) -> Key:
        direction, i = job
        text = items[i][2]
        if direction == "input":
            # A conversation per input: one shared conversation fills the vault's
            # per-conversation cap after about a thousand values, and the pii step then fails.
            own = Context(conversation_id=f"bench-{i}", system_prompt=SYSTEM_PROMPT)
            return decision_key(pipe.check_input(text, own))
        return decision_key(pipe.check_output(text, prompt=prior))

    jobs = [(d, i) for d in directions for i in range(len(items))]
    start = time.perf_counter()
    sequential = [check(job) for job in jobs]
    seq_s = time.perf_counter() - start
    print(f"sequential: {seq_s:.1f} s")

    loads = busy_loops(args.load)
    try:
        time.sleep(0.5)
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            threaded = list(pool.map(check, jobs, chunksize=1))
        thr_s = time.perf_counter() - start
    finally:
        for proc in loads:
            proc.kill()
            proc.wait()
    print(f"{args.threads} threads under {args.load} busy processes: {thr_s:.1f} s")

    differ: list[dict[str, Any]] = []
    for job, a, b in zip(jobs, sequential, threaded, strict=True):
        if a[:3] != b[:3]:
            kind, where_, _ = items[job[1]]
            differ.append(
                {
                    "direction": job[0],
                    "kind": kind,
                    "where": where_,
                    "chars": len(items[job[1]][2]),
                    "sequential": {"action": a[0], "rule_ids": a[1], "risk": a[2], "errors": a[3]},
                    "threaded": {"action": b[0], "rule_ids": b[1], "risk": b[2], "errors": b[3]},
                }
            )
    by_kind = Counter(d["kind"] for d in differ)
    actions = Counter(f"{d['sequential']['action']}->{d['threaded']['action']}" for d in differ)
    errors_seq = sum(bool(k[3]) for k in sequential)
    errors_thr = sum(bool(k[3]) for k in threaded)
    figures: dict[str, Any] = {
        "code": str(where),
        "inputs": len(items),
        "decisions": len(jobs),
        "directions": directions,
        "shared_rows": len(rows),
        "kinds": dict(kinds),
        "threads": args.threads,
        "load_processes": args.load,
        "cpu_count": os.cpu_count(),
        "sequential_s": round(seq_s, 1),
        "threaded_s": round(thr_s, 1),
        "differ": len(differ),
        "differ_by_kind": dict(by_kind),
        "differ_action_changes": dict(actions),
        "decisions_with_stage_errors": {"sequential": errors_seq, "threaded": errors_thr},
        "differences": differ,
    }
    print("\n## determinism: 8 threads under load vs sequential")
    print(f"  decisions differing (action, rule ids, risk)   {len(differ)} of {len(jobs)}")
    print(f"  by kind                                        {dict(by_kind)}")
    print(f"  action changes                                 {dict(actions)}")
    print(f"  decisions with a stage error (seq / threads)   {errors_seq} / {errors_thr}")
    for d in differ[:20]:
        s, t = d["sequential"], d["threaded"]
        print(
            f"    {d['direction']} {d['kind']} {d['where']} ({d['chars']} chars): "
            f"{s['action']} {s['risk']} {len(s['rule_ids'])} ids {s['errors']} -> "
            f"{t['action']} {t['risk']} {len(t['rule_ids'])} ids {t['errors']}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
