"""Small timing helpers shared by the benchmarks: medians and p99 from perf_counter_ns samples."""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("GENAI_GUARD_SHARED_DATA", REPO.parent / "shared" / "data"))


SKIPPED = 75
"""Exit status of a benchmark that measured nothing (``run.py`` lists it as skipped)."""


def skip(reason: str) -> None:
    """Say why nothing was measured and exit with ``SKIPPED``."""
    print(f"skipped: {reason}")
    raise SystemExit(SKIPPED)


def shared_texts(skip: Iterable[str] = ("review_needed.jsonl",)) -> list[str]:
    """Every text of ../shared/data (empty when it is absent)."""
    skipped = set(skip)
    texts: list[str] = []
    if not SHARED_DATA.is_dir():
        return texts
    for path in sorted(SHARED_DATA.glob("*.jsonl")):
        if path.name in skipped:
            continue
        with path.open(encoding="utf-8") as fh:
            texts.extend(json.loads(line)["text"] for line in fh if line.strip())
    return texts


def percentiles_us(samples_ns: list[int]) -> dict[str, float]:
    """p50, p99, mean and max in microseconds."""
    if not samples_ns:
        return {"p50": 0.0, "p99": 0.0, "mean": 0.0, "max": 0.0, "n": 0}
    s = sorted(samples_ns)
    p99 = s[min(len(s) - 1, round(0.99 * (len(s) - 1)))]
    return {
        "n": len(s),
        "p50": round(statistics.median(s) / 1000, 2),
        "p99": round(p99 / 1000, 2),
        "mean": round(statistics.fmean(s) / 1000, 2),
        "max": round(s[-1] / 1000, 2),
    }


def time_each(
    fn: Callable[[Any], object], items: Iterable[Any], *, warmup: int = 50
) -> dict[str, float]:
    """Call ``fn`` on each item once (after ``warmup`` untimed calls) and summarize."""
    items = list(items)
    for item in items[:warmup]:
        fn(item)
    clock = time.perf_counter_ns
    samples = []
    for item in items:
        start = clock()
        fn(item)
        samples.append(clock() - start)
    return percentiles_us(samples)


def best_of(fn: Callable[[str], object], texts: list[str], repeats: int = 3) -> dict[str, float]:
    """Per-prompt minimum of ``repeats`` runs: less sensitive to a busy, shared machine."""
    clock = time.perf_counter_ns
    samples = []
    for text in texts:
        best = None
        for _ in range(repeats):
            start = clock()
            fn(text)
            elapsed = clock() - start
            best = elapsed if best is None else min(best, elapsed)
        samples.append(best or 0)
    return percentiles_us(samples)


def report(title: str, rows: dict[str, Any]) -> None:
    """Print one benchmark's figures as a small table and a JSON line."""
    print(f"\n## {title}")
    for name, value in rows.items():
        print(f"  {name:<48} {value}")
    print("JSON " + json.dumps({"benchmark": title, **rows}))


def chunks(seq: list[Any], n: int) -> Iterator[list[Any]]:
    """Split a list into pieces of n."""
    for i in range(0, len(seq), n):
        yield seq[i : i + n]
