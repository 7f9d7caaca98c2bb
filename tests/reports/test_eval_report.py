"""Issue 26: ``genai-guard eval --report`` writes one self-contained page whose plots render.

The page is opened in headless Chromium, offline: no console errors, no network requests, the
plots drawn (the page's own check counts the drawn curves) and a screenshot that is not blank.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from genai_guard._eval_report import TARGET_FPRS, render_report
from genai_guard._evaluation import (
    LabelledRow,
    Scored,
    misses,
    operating_curve,
    summarize,
    threshold_at_fpr,
)
from genai_guard.cli import main
from reports._chromium import colour_count, distinct_colours, render

CURVE_BLUE = (0x1F, 0x6F, 0xB2)
# Anything that would make the page fetch something: scripts, styles, images, fonts, frames.
_REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?(?!#)|@import|url\((?!#)|<link\b|<iframe\b""")


def _scored(risks: list[tuple[str, float]]) -> list[Scored]:
    return [
        Scored(
            LabelledRow("x", label, "goal_hijacking" if label == "attack" else None, None, "f", n),
            risk >= 0.5,
            risk,
            1000,
            ("attack.goal_hijacking.ignore_previous",) if risk > 0 else (),
        )
        for n, (label, risk) in enumerate(risks, 1)
    ]


def _page(scored: list[Scored]) -> str:
    pos = [s.risk for s in scored if s.row.label == "attack"]
    neg = [s.risk for s in scored if s.row.label == "benign"]
    return render_report(
        summarize(scored),
        misses(scored),
        policy="default",
        files=["f"],
        thresholds=[threshold_at_fpr(pos, neg, t) for t in TARGET_FPRS],
    )


SAMPLE = [("attack", 0.95), ("attack", 0.9), ("attack", 0.7), ("attack", 0.3)] + [
    ("benign", v / 1000) for v in range(0, 900, 5)
]


def test_the_page_loads_nothing_from_elsewhere() -> None:
    page = _page(_scored(SAMPLE))
    assert _REMOTE.search(page) is None
    assert page.count("<svg") == 3
    assert "threshold for 1.0 % FPR" in page


def test_the_page_escapes_file_names_and_rule_ids() -> None:
    scored = _scored(SAMPLE)
    row = scored[0].row
    bad = LabelledRow("x", "attack", "<script>", None, "<img src=x>.jsonl", 1)
    scored[0] = Scored(bad, False, 0.1, 10, ("<b>",))
    assert row.label == "attack"
    page = _page(scored)
    assert "<script>alert" not in page
    assert "<img src=x>" not in page
    assert "&lt;img src=x&gt;.jsonl" in page


def test_threshold_at_fpr_keeps_the_false_positive_rate() -> None:
    pos = [0.9, 0.8, 0.7, 0.4]
    neg = [v / 100 for v in range(100)]
    found = threshold_at_fpr(pos, neg, 0.35)
    assert found == {"target_fpr": 0.35, "threshold": 0.7, "recall": 0.75, "fpr": 0.3}
    assert threshold_at_fpr(pos, neg, 0.05) is None  # no attack scores above 95 % of benign
    curve = operating_curve(pos, neg)
    assert curve[0]["threshold"] == 0.99
    assert curve[-1] == {"threshold": 0.0, "recall": 1.0, "fpr": 1.0, "precision": 4 / 104}


@pytest.mark.chromium
def test_the_render_check_sees_a_broken_page(tmp_path: Path) -> None:
    # The screenshot test below relies on these signals; a page with a script error, a network
    # resource and no plot must trip every one of them.
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><body><img src='https://example.invalid/x.png'>"
        "<script>document.body.dataset.plots = String(nope.length);</script></body></html>",
        encoding="utf-8",
    )
    out = render(page, tmp_path)
    assert any("nope" in line for line in out.console)
    assert out.requests
    assert 'data-plots="' not in out.dom


@pytest.mark.chromium
@pytest.mark.shared_data
def test_eval_report_on_the_shared_corpus_renders_its_plots(
    shared_data: Path, tmp_path: Path
) -> None:
    files = sorted(str(p) for p in shared_data.glob("*.jsonl"))
    report = tmp_path / "report.html"
    missed = tmp_path / "misses.jsonl"
    out = io.StringIO()
    code = main(
        [
            "eval",
            *files,
            "--limit",
            "150",
            "--json",
            "--report",
            str(report),
            "--misses",
            str(missed),
        ],
        out=out,
    )
    assert code == 0
    summary = json.loads(out.getvalue())
    at = summary["at_target_fpr"]
    assert at is not None
    assert at["fpr"] <= 0.01
    assert f"{at['threshold']:.4f}" in report.read_text(encoding="utf-8")
    rows = [json.loads(line) for line in missed.read_text(encoding="utf-8").splitlines()]
    assert rows
    assert {r["kind"] for r in rows} <= {"false_negative", "false_positive"}
    assert all("text" not in r for r in rows)

    rendered = render(report, tmp_path, height=2000)
    assert rendered.console == []
    assert rendered.requests == []
    assert 'data-plots="3"' in rendered.dom  # the page's own check: three curves drawn
    assert distinct_colours(rendered.screenshot) > 50
    assert colour_count(rendered.screenshot, CURVE_BLUE) > 300  # the curves themselves
