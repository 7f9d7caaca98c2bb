"""The line-unit scanner: units independent of chunking, each character scanned once."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from genai_guard import Category, Finding, Span, finding
from genai_guard.validate._scanning import LineScanner


def _units(texts: list[str], *, soft: int, cap: int) -> list[str]:
    seen: list[str] = []

    def scan(unit: str, offset: int) -> list[Finding]:
        seen.append(unit)
        return [finding("output.t", Category.OUTPUT_POLICY, 1.0, span=Span(offset, offset))]

    s = LineScanner(scan, soft_unit=soft, max_unit=cap)
    for t in texts:
        s.feed(t)
    s.finish()
    return seen


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="ab .!?\n\t", max_size=120),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=30),
    soft=st.integers(min_value=1, max_value=20),
    cap=st.integers(min_value=1, max_value=40),
)
def test_units_do_not_depend_on_chunking(text: str, cuts: list[int], soft: int, cap: int) -> None:
    points = sorted({c % (len(text) + 1) for c in cuts} | {0, len(text)})
    chunks = [text[a:b] for a, b in itertools.pairwise(points)]
    whole = _units([text], soft=soft, cap=cap)
    assert _units(chunks, soft=soft, cap=cap) == whole
    assert "".join(whole) == text
    assert all(len(u) <= cap for u in whole)


def test_long_line_is_cut_after_a_sentence() -> None:
    units = _units(["One. Two. Three. Four."], soft=8, cap=100)
    assert units == ["One. Two. ", "Three. Four."]
