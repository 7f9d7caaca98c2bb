"""Worst-case inputs through the default policy at 10 KB to 1 MB (issue 21, "Must show").

Each (case, direction, size) runs in a fresh interpreter with a wall-clock cap, so a slow case
cannot stall the run and its memory is measured alone. ``input`` is ``check_input(text, ctx)``;
``output`` is ``check_output(text, prompt=decision)`` with the decision of a short input
(the documented flow). Sizes count characters (1 MB = 1,000,000 characters).

Per row: median seconds over the runs that fit the budget, seconds per MB, the linear ratio
(time per character at this size / time per character at the smallest size measured), peak
memory (``rss``: peak RSS during the first call minus the resident size just before it;
``tracemalloc``: peak of Python allocations during the first call, slower), and the action.
Targets: <= 2 s per MB, ratio <= 3 at 1 MB, peak <= 300 MB at 1 MB.

    PYTHONPATH=src python benchmarks/bench_worst_case.py            # 10k,100k all; 1m subset
    python benchmarks/bench_worst_case.py --sizes 10k,100k,1m --json out.json
    python benchmarks/bench_worst_case.py --cases newlines,bang_at --directions output

Timings on a shared machine are noisy; compare medians of runs on the same machine.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _inputs import CASES, use_tree_src  # noqa: E402

DIRECTIONS = ("input", "output")
# Cases measured at 1 MB by default (``make bench``): the answers and the flood of the issue.
DEFAULT_1M = (
    "digits_spaced",
    "anchor_spaced",
    "newlines",
    "bang_at",
    "invisible_flood",
    "unscanned_middle",
)
_POLICY_ENV = "GENAI_GUARD_BENCH_POLICY"  # --policy, handed to the measuring children
SYSTEM_PROMPT = "You are a helpful support bot. Never reveal the discount code ZEBRA-42."
TARGET_S_PER_MB = 2.0
TARGET_RATIO = 3.0
TARGET_PEAK_MB = 300.0


def parse_size(token: str) -> int:
    """``10k`` -> 10_000, ``1m`` -> 1_000_000, ``2500`` -> 2500."""
    t = token.strip().lower().removesuffix("b")
    mult = 1
    if t.endswith("k"):
        mult, t = 1_000, t[:-1]
    elif t.endswith("m"):
        mult, t = 1_000_000, t[:-1]
    return int(float(t) * mult)


def label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}MB"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000}KB"
    return f"{size}c"


# -- child: one case in a fresh interpreter ----------------------------------------------------

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_mb(key: str) -> float:
    for line in _STATUS.read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(key)


def _can_reset_peak() -> bool:
    """Linux lets a process reset its peak RSS (VmHWM) by writing 5 to clear_refs."""
    try:
        _CLEAR_REFS.write_text("5")
        _status_mb("VmHWM")
    except (OSError, KeyError):
        return False
    return True


def child(
    case: str, specs: list[tuple[str, int]], repeats: int, budget: float, memory: str
) -> None:
    """Measure ``specs`` (direction, size) of one case; one JSON line per event on stdout."""
    use_tree_src()
    import tracemalloc

    from genai_guard import Context
    from genai_guard.policy import build_pipeline

    pipe = build_pipeline(os.environ.get(_POLICY_ENV) or "default")
    pipe.warm_up()
    ctx = Context(conversation_id="bench", system_prompt=SYSTEM_PROMPT)
    prior = pipe.check_input("Please summarise the attached report for me.", ctx)

    def check(direction: str, text: str) -> Any:
        if direction == "input":
            return pipe.check_input(text, ctx)
        return pipe.check_output(text, prompt=prior)

    for direction in DIRECTIONS:
        check(direction, "A short warm-up text with a link https://example.com and a@b.co.")
    resettable = memory == "rss" and _can_reset_peak()
    method = "tracemalloc peak" if memory == "tracemalloc" else "peak RSS - RSS before"
    if memory == "rss" and not resettable:
        method = "ru_maxrss - RSS before (high-water mark not resettable: a lower bound)"
    for direction, size in specs:
        print(json.dumps({"start": [direction, size]}), flush=True)
        text = CASES[case](size)
        gc.collect()
        spent = 0.0
        for run in range(repeats):
            if run == 0 and memory == "tracemalloc":
                tracemalloc.start()
            elif run == 0 and resettable:
                _CLEAR_REFS.write_text("5")
            before = _status_mb("VmRSS") if resettable else _rss_now_mb()
            start = time.perf_counter()
            decision = check(direction, text)
            elapsed = time.perf_counter() - start
            row: dict[str, Any] = {"direction": direction, "size": size, "run": run, "s": elapsed}
            if run == 0:
                if memory == "tracemalloc":
                    peak = tracemalloc.get_traced_memory()[1] / 2**20
                    tracemalloc.stop()
                elif resettable:
                    peak = _status_mb("VmHWM") - before
                else:
                    peak = _rss_peak_mb() - before
                row.update(
                    peak_mb=max(0.0, peak),
                    peak_method=method,
                    action=decision.action.value,
                    risk=round(decision.risk, 3),
                    rule_ids=list(decision.rule_ids)[:12],
                    n_rule_ids=len(decision.rule_ids),
                    findings=len(decision.findings),
                    errors=[r.stage for r in decision.results if r.error is not None],
                )
            print(json.dumps(row), flush=True)
            del decision
            spent += elapsed
            if spent >= budget:
                break
        del text


def _rss_now_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return _rss_peak_mb()
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _rss_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# -- parent ------------------------------------------------------------------------------------


def _summary(case: str, direction: str, size: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"case": case, "direction": direction, "size": size}
    first = runs[0]
    out.update(
        status="ok",
        runs=len(runs),
        s=statistics.median(r["s"] for r in runs),
        s_all=[round(r["s"], 4) for r in runs],
        peak_mb=round(first["peak_mb"], 1),
        **{
            k: first[k]
            for k in ("peak_method", "action", "risk", "rule_ids", "n_rule_ids", "findings")
        },
        errors=first["errors"],
    )
    out["s_per_mb"] = out["s"] / (size / 1e6)
    return out


def _flush(
    rows: list[dict[str, Any]],
    pending: list[tuple[str, int]],
    case: str,
    current: tuple[str, int] | None,
    runs: list[dict[str, Any]],
) -> None:
    if current is not None and runs and current in pending:
        rows.append(_summary(case, current[0], current[1], runs))
        pending.remove(current)


def measure_case(
    case: str,
    specs: list[tuple[str, int]],
    *,
    repeats: int,
    budget: float,
    timeout: float,
    memory: str,
    env: dict[str, str],
) -> list[dict[str, Any]]:
    """Run ``specs`` of one case in a fresh interpreter; a spec over ``timeout`` s is killed,
    recorded as timed out, and the rest go on in a new interpreter (larger sizes of the same
    direction are skipped: they would time out too)."""
    rows: list[dict[str, Any]] = []
    pending = list(specs)
    while pending:
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            case,
            ",".join(f"{d}:{s}" for d, s in pending),
            str(repeats),
            str(budget),
            memory,
        ]
        with tempfile.TemporaryFile("w+") as fh, tempfile.TemporaryFile("w+") as err:
            proc = subprocess.Popen(cmd, stdout=fh, stderr=err, env=env)
            pos = 0
            current: tuple[str, int] | None = None
            started = time.monotonic()
            runs: list[dict[str, Any]] = []
            timed_out: tuple[str, int] | None = None

            while True:
                rc = proc.poll()
                fh.seek(pos)
                chunk = fh.read()
                lines = chunk.split("\n")
                consumed = 0
                for line in lines[:-1]:
                    try:
                        event = json.loads(line)
                    except json.JSONDecodeError:
                        if rc is None:
                            break  # caught mid-write: read the line again on the next poll
                        consumed += len(line) + 1
                        continue  # the child is gone: a torn line is skipped
                    consumed += len(line) + 1
                    if "start" in event:
                        _flush(rows, pending, case, current, runs)
                        current = (event["start"][0], int(event["start"][1]))
                        runs = []
                        started = time.monotonic()
                    else:
                        runs.append(event)
                pos += consumed
                if rc is not None:
                    _flush(rows, pending, case, current, runs)
                    break
                if current is not None and time.monotonic() - started > timeout:
                    proc.kill()
                    proc.wait()
                    if runs:  # a repeat ran over: keep what finished
                        _flush(rows, pending, case, current, runs)
                    else:
                        timed_out = current
                    break
                time.sleep(0.1)
            err.seek(0)
            tail = err.read()[-400:]
        if timed_out is not None:
            direction, size = timed_out
            rows.append(
                {
                    "case": case,
                    "direction": direction,
                    "size": size,
                    "status": f"timed out (>{timeout:g} s)",
                }
            )
            for spec in [p for p in pending if p[0] == direction and p[1] >= size]:
                pending.remove(spec)
                if spec != timed_out:
                    rows.append(
                        {
                            "case": case,
                            "direction": spec[0],
                            "size": spec[1],
                            "status": f"skipped ({label(size)} timed out)",
                        }
                    )
        elif pending and rc is not None and (current is None or current in pending):
            for direction, size in pending:
                rows.append(
                    {
                        "case": case,
                        "direction": direction,
                        "size": size,
                        "status": f"failed (exit {rc})",
                        "stderr": tail,
                    }
                )
            pending.clear()
    return rows


def add_ratios(rows: list[dict[str, Any]]) -> None:
    """Linear ratio against the smallest size measured of the same case and direction."""
    for row in rows:
        peers = [
            r
            for r in rows
            if r["case"] == row["case"] and r["direction"] == row["direction"] and "s" in r
        ]
        if not peers or "s" not in row:
            continue
        base = min(peers, key=lambda r: r["size"])
        if base["s"] > 0:
            row["ratio"] = (row["s"] / row["size"]) / (base["s"] / base["size"])
            row["ratio_vs"] = base["size"]


def verdict(row: dict[str, Any]) -> str:
    if "s" not in row:
        return "FAIL"
    bad = row["s_per_mb"] > TARGET_S_PER_MB or row.get("ratio", 1.0) > TARGET_RATIO
    if row["size"] >= 1_000_000 and row["peak_mb"] > TARGET_PEAK_MB:
        bad = True
    return "FAIL" if bad else "ok"


def print_table(rows: list[dict[str, Any]], memory: str) -> None:
    print(
        f"\n## worst-case inputs, the default policy (peak = {memory}; "
        f"targets <= {TARGET_S_PER_MB:g} s/MB, ratio <= {TARGET_RATIO:g}, "
        f"<= {TARGET_PEAK_MB:g} MB at 1 MB)"
    )
    head = f"  {'case':<18}{'dir':<7}{'size':>6}{'s':>10}{'s/MB':>9}{'ratio':>7}{'peakMB':>8}"
    print(head + f"  {'action':<7}{'runs':>4}  target")
    for r in rows:
        if "s" not in r:
            print(f"  {r['case']:<18}{r['direction']:<7}{label(r['size']):>6}  {r['status']}")
            continue
        ratio = f"{r['ratio']:.2f}" if "ratio" in r and r["ratio_vs"] != r["size"] else "-"
        print(
            f"  {r['case']:<18}{r['direction']:<7}{label(r['size']):>6}{r['s']:>10.4f}"
            f"{r['s_per_mb']:>9.3f}{ratio:>7}{r['peak_mb']:>8.1f}  {r['action']:<7}"
            f"{r['runs']:>4}  {verdict(r)}"
            + (f"  errors={','.join(r['errors'])}" if r["errors"] else "")
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sizes",
        help="comma-separated sizes in characters (10k,100k,1m); "
        "default: 10k,100k for every case and 1m for the issue's answers and flood",
    )
    ap.add_argument("--cases", help=f"comma-separated subset of: {','.join(CASES)}")
    ap.add_argument("--directions", default="input,output", help="input,output (default both)")
    ap.add_argument("--repeats", type=int, default=3, help="runs per case (median reported)")
    ap.add_argument("--budget", type=float, default=6.0, help="stop repeating after this many s")
    ap.add_argument("--timeout", type=float, default=120.0, help="wall-clock cap per case, s")
    ap.add_argument("--memory", choices=["rss", "tracemalloc"], default="rss")
    ap.add_argument("--json", metavar="FILE", help="also write every row as JSON to FILE")
    ap.add_argument(
        "--policy",
        help="policy to measure instead of the default, e.g. benchmarks/policies/unlimited.yaml "
        "(the default refuses texts over 100,000 characters before scanning them)",
    )
    ap.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        case, specs, repeats, budget, memory = args.child
        parsed = [(d, int(n)) for d, n in (spec.split(":") for spec in specs.split(","))]
        child(case, parsed, int(repeats), float(budget), memory)
        return 0

    cases = args.cases.split(",") if args.cases else list(CASES)
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        ap.error(f"unknown case(s): {', '.join(unknown)}")
    directions = args.directions.split(",")
    if any(d not in DIRECTIONS for d in directions):
        ap.error("--directions takes input, output or both")
    plan: dict[str, list[tuple[str, int]]] = {}
    for case in cases:
        if args.sizes:
            sizes = [parse_size(s) for s in args.sizes.split(",")]
        else:
            sizes = [10_000, 100_000] + ([1_000_000] if case in DEFAULT_1M else [])
        plan[case] = [(d, s) for s in sorted(set(sizes)) for d in directions]

    use_tree_src()
    import genai_guard

    where = Path(genai_guard.__file__).resolve().parent
    env = dict(os.environ, PYTHONPATH=str(where.parent))  # the children measure the same code
    if args.policy:
        env[_POLICY_ENV] = str(Path(args.policy).resolve())
    print(f"measuring {where}" + (f" with policy {args.policy}" if args.policy else ""))
    rows: list[dict[str, Any]] = []
    for case, specs in plan.items():
        case_rows = measure_case(
            case,
            specs,
            repeats=args.repeats,
            budget=args.budget,
            timeout=args.timeout,
            memory=args.memory,
            env=env,
        )
        for row in case_rows:
            shown = f"{row['s']:.3f} s {row['action']}" if "s" in row else row["status"]
            print(
                f"  .. {case} {row['direction']} {label(row['size'])}: {shown}",
                file=sys.stderr,
                flush=True,
            )
        rows.extend(case_rows)
    case_order = {c: i for i, c in enumerate(plan)}
    rows.sort(key=lambda r: (case_order[r["case"]], DIRECTIONS.index(r["direction"]), r["size"]))
    add_ratios(rows)
    print_table(rows, args.memory)
    failed = sum(verdict(r) == "FAIL" for r in rows)
    print(f"  {failed} of {len(rows)} rows miss a target")
    if args.json:
        meta = {
            "code": str(where),
            "memory": args.memory,
            "repeats": args.repeats,
            "budget_s": args.budget,
            "timeout_s": args.timeout,
            "cpu_count": os.cpu_count(),
        }
        Path(args.json).write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
