"""The ``genai-guard eval --report`` page: one self-contained HTML file.

Summary, the threshold for each target false-positive rate, the ROC and precision-recall curves
as inline SVG, per-category and per-file tables, and the misses. No network resources: no
scripts, fonts or styles from anywhere else; a short inline script only checks that the plots
drew (``document.body.dataset.plots``), which the screenshot test reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

__all__ = ["TARGET_FPRS", "render_report"]

TARGET_FPRS = (0.001, 0.005, 0.01, 0.02, 0.05, 0.1)
MAX_MISS_ROWS = 1000

_W, _H, _PAD = 420, 320, 48

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:1100px}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .6rem;
text-align:right}th{background:#f2f2f2}td.l,th.l{text-align:left}
.plots{display:flex;flex-wrap:wrap;gap:1.5rem}.note{color:#555;font-size:.9rem}
tr.hit td{background:#fff6d6;font-weight:600}
svg text{font-size:11px;fill:#333}
"""

_CHECK = """
(function(){var n=0;document.querySelectorAll('svg.plot polyline').forEach(function(p){
var b=p.getBBox();if(b.width>0&&b.height>0){n++;}});document.body.dataset.plots=String(n);})();
"""


def _fmt(v: Any, digits: int = 3) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return escape(str(v))


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.1f} %"


def _plot(
    title: str,
    points: Sequence[tuple[float, float]],
    markers: Sequence[tuple[float, float, str]],
    *,
    xlabel: str,
    ylabel: str,
    xmax: float = 1.0,
) -> str:
    """A line plot on [0, xmax] x [0, 1] as inline SVG (points beyond ``xmax`` are cut)."""
    iw, ih = _W - 2 * _PAD, _H - 2 * _PAD
    points = [(a, b) for a, b in points if a <= xmax]
    markers = [m for m in markers if m[0] <= xmax]

    def x(v: float) -> float:
        return _PAD + iw * min(max(v / xmax, 0.0), 1.0)

    def y(v: float) -> float:
        return _H - _PAD - ih * min(max(v, 0.0), 1.0)

    parts = [
        f'<svg class="plot" role="img" aria-label="{escape(title)}" width="{_W}" height="{_H}" '
        f'viewBox="0 0 {_W} {_H}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="{_W / 2}" y="18" text-anchor="middle" font-weight="bold">{escape(title)}</text>',
        f'<rect x="{_PAD}" y="{_PAD}" width="{iw}" height="{ih}" fill="none" stroke="#999"/>',
    ]
    for k in range(6):
        v = k / 5
        parts.append(
            f'<line x1="{x(v * xmax):.1f}" y1="{y(0):.1f}" x2="{x(v * xmax):.1f}" y2="{y(1):.1f}" '
            'stroke="#eee"/>'
            f'<line x1="{x(0):.1f}" y1="{y(v):.1f}" x2="{x(1):.1f}" y2="{y(v):.1f}" '
            'stroke="#eee"/>'
            f'<text x="{x(v * xmax):.1f}" y="{_H - _PAD + 14}" text-anchor="middle">'
            f"{v * xmax:.{2 if xmax < 1 else 1}f}</text>"
            f'<text x="{_PAD - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.1f}</text>'
        )
    parts.append(
        f'<text x="{_W / 2}" y="{_H - 8}" text-anchor="middle">{escape(xlabel)}</text>'
        f'<text transform="translate(14 {_H / 2}) rotate(-90)" text-anchor="middle">'
        f"{escape(ylabel)}</text>"
    )
    if points:
        coords = " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in points)
        parts.append(f'<polyline fill="none" stroke="#1f6fb2" stroke-width="2" points="{coords}"/>')
    for k, (mx, my, label) in enumerate(markers):
        parts.append(
            f'<circle cx="{x(mx):.1f}" cy="{y(my):.1f}" r="5" fill="#d9480f"/>'
            f'<text x="{x(mx) + 8:.1f}" y="{y(my) + 16 + 14 * k:.1f}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], *, left: int = 1) -> str:
    def cell(tag: str, i: int, v: str) -> str:
        cls = ' class="l"' if i < left else ""
        return f"<{tag}{cls}>{v}</{tag}>"

    out = ["<table><tr>", *(cell("th", i, escape(h)) for i, h in enumerate(head)), "</tr>"]
    for row in rows:
        out += ["<tr>", *(cell("td", i, v) for i, v in enumerate(row)), "</tr>"]
    out.append("</table>")
    return "".join(out)


def render_report(
    summary: dict[str, Any],
    missed: Sequence[dict[str, Any]],
    *,
    policy: str,
    files: Sequence[str],
    thresholds: Sequence[dict[str, float] | None],
) -> str:
    """The report page.

    Args:
        summary: ``summarize()``'s object (with its ``curve`` and ``at_target_fpr``).
        missed: ``misses()``'s rows (the first ``MAX_MISS_ROWS`` are shown).
        policy: The policy's name or source, as shown.
        files: The scored files' names.
        thresholds: ``threshold_at_fpr()`` for each of ``TARGET_FPRS``.
    """
    a, b = summary["attack"], summary["benign"]
    at = summary.get("at_target_fpr")
    curve = summary.get("curve") or []
    roc_pts = [(0.0, 0.0)] + [(p["fpr"], p["recall"]) for p in curve]
    pr_pts = [(p["recall"], p["precision"]) for p in curve]
    markers_roc: list[tuple[float, float, str]] = []
    markers_pr: list[tuple[float, float, str]] = []
    if a["recall"] is not None and b["fpr"] is not None:
        markers_roc.append((b["fpr"], a["recall"], "policy"))
        if summary["precision"] is not None:
            markers_pr.append((a["recall"], summary["precision"], "policy"))
    if at is not None:
        label = f"t={at['threshold']:.4f}"
        markers_roc.append((at["fpr"], at["recall"], label))
    lat = summary["latency_us"]
    head = [
        ("rows", f"{summary['n']} ({a['n']} attack, {b['n']} benign)"),
        ("recall (policy)", _pct(a["recall"])),
        ("false-positive rate (policy)", _pct(b["fpr"])),
        ("precision", _fmt(summary["precision"])),
        ("F1", _fmt(summary["f1"])),
        ("ROC AUC of risk", _fmt(summary["auc"])),
        ("recall at 1 % FPR", _pct(summary["recall_at_1pct_fpr"])),
        ("latency per row (warm)", f"p50 {lat['p50']} us, p99 {lat['p99']} us"),
    ]
    if at is not None:
        head.insert(
            7,
            (
                f"threshold for {_pct(at['target_fpr'])} FPR",
                f"{at['threshold']:.4f} (recall {_pct(at['recall'])}, FPR {_pct(at['fpr'])})",
            ),
        )
    thr_rows = []
    for target, t in zip(TARGET_FPRS, thresholds, strict=True):
        cells = [_pct(target)]
        cells += (
            ["-", "-", "-"]
            if t is None
            else [f"{t['threshold']:.4f}", _pct(t["recall"]), _pct(t["fpr"])]
        )
        thr_rows.append(cells)
    thr_html = _table(["target FPR", "threshold", "recall", "FPR"], thr_rows)
    thr_html = thr_html.replace(
        f'<tr><td class="l">{_pct(0.01)}</td>', f'<tr class="hit"><td class="l">{_pct(0.01)}</td>'
    )
    cats = [[escape(k), str(v["n"]), _pct(v["recall"])] for k, v in summary["by_category"].items()]
    per_file = [
        [escape(k), escape(v["label"]), str(v["n"]), _pct(v["rate"])]
        for k, v in summary["by_file"].items()
    ]
    miss_rows = [
        [
            escape(m["kind"].replace("_", " ")),
            escape(f"{m['file']}:{m['line']}"),
            escape(m.get("category") or "-"),
            f"{m['risk']:.4f}",
            escape(", ".join(m["rule_ids"][:6]) or "-"),
            *([escape(m["text"][:300])] if "text" in m else []),
        ]
        for m in missed[:MAX_MISS_ROWS]
    ]
    miss_head = ["kind", "where", "category", "risk", "rules"]
    if missed and "text" in missed[0]:
        miss_head.append("text (first 300 characters)")
    n_fn = sum(1 for m in missed if m["kind"] == "false_negative")
    body = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width'>",
        f"<title>genai-guard eval: {escape(policy)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>genai-guard eval: policy {escape(policy)}</h1>",
        f"<p class='note'>Files: {escape(', '.join(files))}. A row is detected when the policy "
        "flags or blocks it; the curves sweep a threshold on <code>Decision.risk</code> "
        "(<code>risk &gt;= threshold</code>, as a step's <code>threshold</code>).</p>",
        "<h2>Summary</h2>",
        _table(["figure", "value"], [[escape(k), v] for k, v in head]),
        "<h2>Thresholds</h2>",
        "<p class='note'>The lowest threshold whose false-positive rate stays at or under each "
        "target. Reach it with <code>genai-guard eval --threshold T</code>, or in a policy with "
        "<code>threshold: T</code> on the attack steps.</p>",
        thr_html,
        "<h2>Curves</h2><div class='plots'>",
        _plot(
            "ROC",
            roc_pts,
            markers_roc,
            xlabel="false-positive rate",
            ylabel="recall (true-positive rate)",
        ),
        _plot(
            "ROC, false-positive rate up to 10 %",
            roc_pts,
            markers_roc,
            xlabel="false-positive rate",
            ylabel="recall (true-positive rate)",
            xmax=0.1,
        ),
        _plot("Precision-recall", pr_pts, markers_pr, xlabel="recall", ylabel="precision"),
        "</div>",
        "<h2>Per category (attacks)</h2>",
        _table(["category", "n", "recall"], cats) if cats else "<p>none</p>",
        "<h2>Per file</h2>",
        _table(["file", "label", "n", "detected"], per_file, left=2),
        f"<h2>Misses: {n_fn} false negatives, {len(missed) - n_fn} false positives</h2>",
        (
            f"<p class='note'>The first {MAX_MISS_ROWS} of {len(missed)}; "
            "<code>--misses FILE</code> writes them all.</p>"
            if len(missed) > MAX_MISS_ROWS
            else ""
        ),
        _table(miss_head, miss_rows, left=len(miss_head)) if miss_rows else "<p>none</p>",
        f"<script>{_CHECK}</script></body></html>",
    ]
    return "\n".join(body) + "\n"
