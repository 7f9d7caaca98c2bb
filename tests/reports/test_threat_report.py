"""Issue 26: ``threatmodel report --format html`` renders its data flows offline."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from genai_guard.cli import main
from reports._chromium import colour_count, render

TEMPLATE = (
    Path(__file__).resolve().parent.parent.parent / "src/genai_guard/threatmodels/rag-chatbot.yaml"
)
FLOW_BLUE = (0x1F, 0x6F, 0xB2)


@pytest.mark.chromium
def test_the_html_threat_report_renders_its_data_flows(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["threatmodel", "report", str(TEMPLATE), "--format", "html"], out=out) == 0
    page = tmp_path / "threatmodel.html"
    page.write_text(out.getvalue(), encoding="utf-8")
    rendered = render(page, tmp_path, height=4000)
    assert rendered.console == []
    assert rendered.requests == []
    assert "Accepted risks" in rendered.dom
    assert colour_count(rendered.screenshot, FLOW_BLUE) > 200  # the flow arrows
