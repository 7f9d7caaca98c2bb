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
    "DEFAULT_TARGET_FPR",
    "FieldMap",
    "LabelledRow",
    "Scored",
    "misses",
    "operating_curve",
    "read_json_lines",
    "read_labelled",
    "roc_auc",
    "summarize",
    "threshold_at_fpr",
]

MAX_LINE_CHARS = 2_000_000
DEFAULT_TARGET_FPR = 0.01
MAX_CURVE_POINTS = 200
_ATTACK_VALUES = ("attack", "1", "true", "yes", "malicious", "injection", "jailbreak", "unsafe")
_BENIGN_VALUES = ("benign", "0", "false", "no", "safe", "clean")


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which fields of a row hold the text, label and category, and which labels mean attack.

    A label is read as text (``1``, ``True`` and ``"1"`` are all ``"1"``, lower-cased) and matched
    against ``attack_values`` and ``benign_values``.
    """

    text: str = "text"
    label: str = "label"
    category: str = "category"
    attack_values: tuple[str, ...] = _ATTACK_VALUES
    benign_values: tuple[str, ...] = _BENIGN_VALUES


def _label_key(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and not isinstance(value, bool) and value in (0, 1):
        return str(int(value))
    if isinstance(value, str):
        return value.strip().lower()[:64]
    return None


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
    rule_ids: tuple[str, ...] = ()


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


def read_labelled(path: Path, fields: FieldMap | None = None) -> Iterator[LabelledRow]:
    """Yield rows of ``path``; a malformed line raises ``InputError`` naming file and line.

    Args:
        path: A JSON-lines file.
        fields: Field names and label values (``FieldMap()``: ``text``, ``label`` with
            ``attack``/``benign``, ``1``/``0``, ``true``/``false`` and a few synonyms).
    """
    fm = fields or FieldMap()
    for n, obj in read_json_lines(path):
        where = f"{path}:{n}"
        if not isinstance(obj.get(fm.text), str):
            raise InputError(f"{where}: expected an object with a string {fm.text!r}")
        key = _label_key(obj.get(fm.label))
        if key in fm.attack_values:
            label = "attack"
        elif key in fm.benign_values:
            label = "benign"
        else:
            raise InputError(
                f"{where}: {fm.label!r} must be one of {', '.join(fm.attack_values)} (attack) "
                f"or {', '.join(fm.benign_values)} (benign)"
            )
        cat = obj.get(fm.category)
        src = obj.get("source")
        yield LabelledRow(
            obj[fm.text],
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


def threshold_at_fpr(
    pos: Sequence[float], neg: Sequence[float], target: float
) -> dict[str, float] | None:
    """The lowest risk threshold whose false-positive rate is at most ``target``.

    A row counts as detected when ``risk >= threshold`` (as a step's ``threshold`` does). The
    threshold is the lowest attack score above the benign score that would exceed ``target``, so
    it is a value the data holds. ``None`` without both labels or when no attack clears it.

    Returns:
        ``{"target_fpr", "threshold", "recall", "fpr"}``.
    """
    if not pos or not neg:
        return None
    neg_sorted = sorted(neg, reverse=True)
    allowed = math.floor(target * len(neg_sorted) + 1e-9)
    bar = neg_sorted[allowed] if allowed < len(neg_sorted) else -math.inf
    above = [v for v in pos if v > bar]
    if not above:
        return None
    t = min(above)
    return {
        "target_fpr": target,
        "threshold": t,
        "recall": len(above) / len(pos),
        "fpr": sum(1 for v in neg if v >= t) / len(neg),
    }


def operating_curve(
    pos: Sequence[float], neg: Sequence[float], max_points: int = MAX_CURVE_POINTS
) -> list[dict[str, float]]:
    """ROC and precision-recall points, one per distinct risk (at most ``max_points``).

    Each point is ``{"threshold", "recall", "fpr", "precision"}`` for ``risk >= threshold``,
    from the highest threshold down; a thinned curve keeps its first and last points.
    """
    if not pos or not neg:
        return []
    scored = sorted([(v, 1) for v in pos] + [(v, 0) for v in neg], key=lambda x: -x[0])
    points: list[dict[str, float]] = []
    tp = fp = 0
    i = 0
    while i < len(scored):
        t = scored[i][0]
        while i < len(scored) and scored[i][0] == t:
            tp += scored[i][1]
            fp += 1 - scored[i][1]
            i += 1
        points.append(
            {
                "threshold": t,
                "recall": tp / len(pos),
                "fpr": fp / len(neg),
                "precision": tp / (tp + fp),
            }
        )
    if len(points) > max_points:
        step = (len(points) - 1) / (max_points - 1)
        points = [points[round(k * step)] for k in range(max_points)]
    return points


def _recall_at_fpr(pos: Sequence[float], neg: Sequence[float], fpr: float) -> float | None:
    """Best recall with ``risk >= t`` over thresholds t whose false-positive rate is <= ``fpr``."""
    found = threshold_at_fpr(pos, neg, fpr)
    if found is None:
        return None if not pos or not neg else 0.0
    return found["recall"]


def misses(scored: Sequence[Scored], *, include_text: bool = False) -> list[dict[str, Any]]:
    """False negatives and false positives, in file order: where, label, risk and rule ids.

    The text is left out unless ``include_text`` (the labelled files are the caller's own, but
    the default never copies a prompt into a report).
    """
    out: list[dict[str, Any]] = []
    for s in scored:
        if s.detected == (s.row.label == "attack"):
            continue
        item: dict[str, Any] = {
            "kind": "false_negative" if s.row.label == "attack" else "false_positive",
            "file": s.row.file,
            "line": s.row.line,
            "label": s.row.label,
            "category": s.row.category,
            "risk": round(s.risk, 4),
            "rule_ids": list(s.rule_ids),
        }
        if include_text:
            item["text"] = s.row.text
        out.append(item)
    return out


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def summarize(
    scored: Sequence[Scored], *, target_fpr: float = DEFAULT_TARGET_FPR
) -> dict[str, Any]:
    """The ``eval --json`` object (``at_target_fpr`` and ``curve`` for the risk scores)."""
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
        "at_target_fpr": threshold_at_fpr(pos, neg, target_fpr),
        "curve": operating_curve(pos, neg),
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
