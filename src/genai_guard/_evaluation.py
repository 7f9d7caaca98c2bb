"""Scoring a pipeline on labelled rows: the figures behind ``genai-guard eval``.

Pure functions over ``Scored`` rows so they can be tested without a pipeline.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genai_guard.errors import InputError

__all__ = [
    "LabelledRow",
    "Scored",
    "read_json_lines",
    "read_labelled",
    "roc_auc",
    "summarize",
]

MAX_LINE_CHARS = 2_000_000


@dataclass(frozen=True, slots=True)
class LabelledRow:
    """One row of a labelled JSONL file."""

    text: str
    label: str
    category: str | None
    source: str | None
    file: str
    line: int


@dataclass(frozen=True, slots=True)
class Scored:
    """A labelled row with what the pipeline said about it."""

    row: LabelledRow
    detected: bool
    risk: float
    elapsed_ns: int


def read_json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, object)`` for each non-blank line of a JSON-lines file.

    Raises:
        InputError: a line that is not UTF-8, is longer than ``MAX_LINE_CHARS``, is not valid JSON
            (including nesting too deep or a number too long to convert) or is not an object;
            the message names the file and line, never the line's content.
        OSError: the file cannot be read.
    """
    with path.open("rb") as fh:
        n = 0
        while raw := fh.readline(4 * MAX_LINE_CHARS + 1):
            n += 1
            where = f"{path}:{n}"
            if len(raw) > 4 * MAX_LINE_CHARS:
                raise InputError(f"{where}: line longer than {MAX_LINE_CHARS} characters")
            if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]  # a UTF-8 byte-order mark
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"{where}: not UTF-8 text (byte {exc.start})") from None
            if not line.strip():
                continue
            if len(line) > MAX_LINE_CHARS:
                raise InputError(f"{where}: line longer than {MAX_LINE_CHARS} characters")
            yield n, _parse_object(line, where)


def _parse_object(line: str, where: str) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise InputError(f"{where}: not valid JSON (nested too deeply)") from None
    except ValueError:  # an integer beyond sys.get_int_max_str_digits()
        raise InputError(f"{where}: not valid JSON (a number is too long)") from None
    if not isinstance(obj, dict):
        raise InputError(f'{where}: expected an object with a string "text"')
    return obj


def read_labelled(path: Path) -> Iterator[LabelledRow]:
    """Yield rows of ``path``; a malformed line raises ``InputError`` naming file and line."""
    for n, obj in read_json_lines(path):
        where = f"{path}:{n}"
        if not isinstance(obj.get("text"), str):
            raise InputError(f'{where}: expected an object with a string "text"')
        label = obj.get("label")
        if label not in ("attack", "benign"):
            raise InputError(f'{where}: "label" must be "attack" or "benign"')
        cat = obj.get("category")
        src = obj.get("source")
        yield LabelledRow(
            obj["text"],
            label,
            cat if isinstance(cat, str) else None,
            src if isinstance(src, str) else None,
            path.name,
            n,
        )


def _percentile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    k = (len(sorted_values) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def roc_auc(pos: Sequence[float], neg: Sequence[float]) -> float | None:
    """Area under the ROC curve by the rank-sum (Mann-Whitney) statistic, ties counted half."""
    if not pos or not neg:
        return None
    allv = sorted([(v, 1) for v in pos] + [(v, 0) for v in neg])
    rank_sum = 0.0
    i = 0
    while i < len(allv):
        j = i
        while j < len(allv) and allv[j][0] == allv[i][0]:
            j += 1
        avg_rank = (i + 1 + j) / 2
        rank_sum += avg_rank * sum(1 for k in range(i, j) if allv[k][1] == 1)
        i = j
    n_pos, n_neg = len(pos), len(neg)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def _recall_at_fpr(pos: Sequence[float], neg: Sequence[float], fpr: float) -> float | None:
    """Best recall with ``risk > t`` over thresholds t whose false-positive rate is <= ``fpr``."""
    if not pos or not neg:
        return None
    neg_sorted = sorted(neg, reverse=True)
    allowed = math.floor(fpr * len(neg_sorted))
    t = neg_sorted[allowed] if allowed < len(neg_sorted) else -math.inf
    return sum(1 for v in pos if v > t) / len(pos)


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def summarize(scored: Sequence[Scored]) -> dict[str, Any]:
    """The ``eval --json`` object."""
    attacks = [s for s in scored if s.row.label == "attack"]
    benign = [s for s in scored if s.row.label == "benign"]
    tp = sum(s.detected for s in attacks)
    fp = sum(s.detected for s in benign)
    recall = _ratio(tp, len(attacks))
    precision = _ratio(tp, tp + fp)
    f1 = (
        2 * precision * recall / (precision + recall)
        if precision is not None and recall is not None and precision + recall > 0
        else (0.0 if precision is not None and recall is not None else None)
    )
    pos = [s.risk for s in attacks]
    neg = [s.risk for s in benign]
    by_category: dict[str, dict[str, Any]] = {}
    for s in attacks:
        cat = s.row.category or "unknown"
        entry = by_category.setdefault(cat, {"n": 0, "detected": 0})
        entry["n"] += 1
        entry["detected"] += s.detected
    by_file: dict[str, dict[str, Any]] = {}
    for s in scored:
        entry = by_file.setdefault(s.row.file, {"n": 0, "labels": set(), "detected": 0})
        entry["n"] += 1
        entry["labels"].add(s.row.label)
        entry["detected"] += s.detected
    lat = sorted(s.elapsed_ns / 1000 for s in scored)
    return {
        "n": len(scored),
        "attack": {"n": len(attacks), "detected": tp, "recall": recall},
        "benign": {"n": len(benign), "flagged": fp, "fpr": _ratio(fp, len(benign))},
        "precision": precision,
        "f1": f1,
        "auc": roc_auc(pos, neg),
        "recall_at_1pct_fpr": _recall_at_fpr(pos, neg, 0.01),
        "by_category": {
            k: {"n": v["n"], "recall": v["detected"] / v["n"]}
            for k, v in sorted(by_category.items())
        },
        "by_file": {
            k: {
                "n": v["n"],
                "label": next(iter(v["labels"])) if len(v["labels"]) == 1 else "mixed",
                "rate": v["detected"] / v["n"],
            }
            for k, v in sorted(by_file.items())
        },
        "latency_us": {
            "p50": round(_percentile(lat, 0.5), 2),
            "p99": round(_percentile(lat, 0.99), 2),
            "mean": round(sum(lat) / len(lat), 2) if lat else 0.0,
        },
    }
