"""The line-unit scanner: units independent of chunking, each character scanned once."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_guard import Category, Finding, Span, finding
from genai_guard._lines import LineBlockScanner, LineScanner


def _placed(
    texts: list[str],
    *,
    soft: int,
    cap: int,
    kind: type[LineScanner | LineBlockScanner] = LineScanner,
) -> list[tuple[int, str]]:
    seen: list[tuple[int, str]] = []

    def scan(unit: str, offset: int) -> list[Finding]:
        seen.append((offset, unit))
        return [finding("output.t", Category.OUTPUT_POLICY, 1.0, span=Span(offset, offset))]

    s = kind(scan, soft_unit=soft, max_unit=cap)
    for t in texts:
        s.feed(t)
    s.finish()
    return seen


def _units(texts: list[str], *, soft: int, cap: int) -> list[str]:
    return [unit for _, unit in _placed(texts, soft=soft, cap=cap)]


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
    whole = _placed([text], soft=soft, cap=cap)
    assert _placed(chunks, soft=soft, cap=cap) == whole
    assert all(text[at : at + len(u)] == u and len(u) <= cap for at, u in whole)
    covered = {at + i for at, u in whole for i in range(len(u))}
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())


def test_blank_units_are_not_scanned() -> None:
    assert _units(["\n\n \n\t\nx\n"], soft=200, cap=4096) == ["x\n"]


def test_stream_over_max_chars_raises() -> None:
    from genai_guard import InputError

    s = LineScanner(lambda unit, offset: [], max_chars=10)
    s.feed("x" * 10)
    with pytest.raises(InputError):
        s.feed("y")


def test_long_line_is_cut_after_a_sentence() -> None:
    units = _units(["One. Two. Three. Four."], soft=8, cap=100)
    assert units == ["One. Two. ", "Three. Four."]


def test_blank_line_flood_scans_no_unit() -> None:
    assert _units(["\n" * 10_000], soft=200, cap=4096) == []


def _blocks(texts: list[str], *, soft: int, cap: int) -> list[tuple[int, str]]:
    return _placed(texts, soft=soft, cap=cap, kind=LineBlockScanner)


def _unit_cuts(text: str, *, soft: int, cap: int) -> set[int]:
    """Where LineScanner ends units that do not end at a newline."""
    return {
        at + len(u)
        for at, u in _placed([text], soft=soft, cap=cap)
        if not u.endswith("\n") and at + len(u) < len(text)
    }


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="ab .!?\n\t", max_size=120),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=30),
    soft=st.integers(min_value=1, max_value=20),
    cap=st.integers(min_value=1, max_value=40),
)
def test_blocks_cut_long_lines_where_units_end(
    text: str, cuts: list[int], soft: int, cap: int
) -> None:
    points = sorted({c % (len(text) + 1) for c in cuts} | {0, len(text)})
    chunks = [text[a:b] for a, b in itertools.pairwise(points)]
    pieces = _blocks(chunks, soft=soft, cap=cap)
    assert all(text[at : at + len(p)] == p and not p.isspace() for at, p in pieces)
    ends = {at + len(p) for at, p in pieces}
    # Every cut LineScanner makes inside a line is a piece end here, for any chunking.
    unit_cuts = _unit_cuts(text, soft=soft, cap=cap)
    assert unit_cuts <= ends
    assert not any(at < c < at + len(p) for c in unit_cuts for at, p in pieces)
    covered = {at + i for at, p in pieces for i in range(len(p))}
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())


def test_short_lines_of_one_feed_are_scanned_in_one_call() -> None:
    assert len(_blocks(["a\n" * 10_000], soft=200, cap=4096)) == 1
