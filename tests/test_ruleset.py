"""RuleSet: keyword hit, bounded window, confirm; equal to a plain search within its contract."""

from __future__ import annotations

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genai_guard._ruleset import LOOKAHEAD_MARGIN, Rule, RuleSet, lower_same_length, unsafe_nesting

_FLAGS = regex.IGNORECASE | regex.VERSION0

# Rules that keep the contract: every match contains the keyword and stays within ``reach`` of
# it. They exercise word edges, lookbehinds and lookaheads that look past the match, optional
# parts, zero-width matches and alternations.
_RULES = (
    Rule("plain", r"\bzork\s+(?:all\s+)?rules\b", ("zork",), reach=40),
    Rule("behind", r"(?<=\bsay\s{1,3})zork\w{0,5}", ("zork",), reach=16),
    Rule("far_behind", r"(?<=alpha[^\n]{0,60})qux", ("qux",), reach=16),
    Rule("ahead", r"\bqux(?=[^\n]{0,40}omega)", ("qux",), reach=16),
    Rule("zero", r"(?=zork)", ("zork",), reach=16),
    Rule("either", r"\b(?:blip|zork)[ -]?blop\b", ("blip", "zork"), reach=24),
    Rule("edge", r"zork\b", ("zork",), reach=16),
)
_PIECES = [
    "zork ",
    "zork",
    "rules ",
    "all ",
    "say ",
    "say  ",
    "alpha ",
    "omega ",
    "qux ",
    "qux",
    "blip",
    "blop ",
    "-",
    " ",
    "\n",
    "x",
    "ZORK ",
    "\u0130",
    "\u017f",
    "lorem ipsum ",
]


def _plain(rule: Rule, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in regex.compile(rule.pattern, rule.flags).finditer(text)]


def _found(rules: RuleSet, text: str) -> dict[int, list[tuple[int, int]]]:
    out: dict[int, list[tuple[int, int]]] = {}
    for i, m in rules.matches(text):
        out.setdefault(i, []).append(m.span())
    return out


def _expected(rules: tuple[Rule, ...], text: str) -> dict[int, list[tuple[int, int]]]:
    return {i: spans for i, r in enumerate(rules) if (spans := _plain(r, text))}


_SET = RuleSet(_RULES)
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=400).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_matches_equal_a_plain_search_of_every_pattern(text: str) -> None:
    assert _found(_SET, text) == _expected(_RULES, text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(["zork ", "zork", "qux ", "say zork ", "alpha qux omega "]), max_size=3000
    )
)
def test_a_keyword_flood_spanning_many_segments_finds_every_match(pieces: list[str]) -> None:
    # Merged windows far longer than one segment: the region is cut into overlapping segments.
    text = "".join(pieces)
    assert _found(_SET, text) == _expected(_RULES, text)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=-80, max_value=80),
    st.sampled_from(["say zork", "alpha   qux  omega", "zork blop", "zork rules"]),
)
def test_a_match_near_a_segment_boundary_is_found_once(k: int, shift: int, piece: str) -> None:
    # One long merged region (a flood of keywords); the piece sits around a segment cut.
    c = _SET._compiled[0]
    step = c.segment - c.overlap
    flood = "zork " * (3 * c.segment // 5)
    at = max(0, k * step + shift)
    text = flood[:at] + piece + flood[at:]
    assert _found(_SET, text) == _expected(_RULES, text)


def test_a_long_region_is_cut_into_several_segments() -> None:
    c = _SET._compiled[0]
    text = "zork " * (3 * c.segment)
    regions = _SET.regions(text)[0]
    assert len(regions) == 1
    assert regions[0][1] - regions[0][0] > 4 * c.segment
    assert _found(_SET, text) == _expected(_RULES, text)


def test_windows_merge_only_where_they_overlap() -> None:
    gap = "." * 500
    text = f"{gap}zork{gap}zork{gap}"
    regions = RuleSet([Rule("r", r"zork", ("zork",), reach=10)]).regions(text)
    assert regions == {
        0: [
            (490, 504 + 10 + LOOKAHEAD_MARGIN),
            (1004 - 10, 1008 + 10 + LOOKAHEAD_MARGIN),
        ]
    }


def test_a_lookbehind_sees_text_before_the_window() -> None:
    text = "alpha" + " " * 50 + "qux"
    assert [m.span() for _, m in RuleSet([_RULES[2]]).matches(text)] == [(55, 58)]


def test_a_lookahead_sees_text_after_the_window_within_the_margin() -> None:
    text = "qux" + " " * 30 + "omega"
    assert [m.span() for _, m in RuleSet([_RULES[3]]).matches(text)] == [(0, 3)]


def test_a_word_edge_at_the_window_end_reads_the_real_text() -> None:
    # "zorkx": the window around "zork" must not end right after it and fake a word edge.
    rules = RuleSet([Rule("edge", r"zork\b", ("zork",), reach=1)])
    assert list(rules.matches("zorkx" + "y" * 5000)) == []


def test_zero_width_matches_are_reported_like_finditer() -> None:
    text = "a zork b zork"
    rules = RuleSet([_RULES[4]])
    assert [m.span() for _, m in rules.matches(text)] == [(2, 2), (9, 9)]


def test_a_dotted_capital_i_keeps_offsets() -> None:
    text = "\u0130\u0130 then zork rules"
    (match,) = [m for _, m in RuleSet([_RULES[0]]).matches(text)]
    assert match.span() == regex.search(_RULES[0].pattern, text, _FLAGS).span()  # type: ignore[union-attr]


def test_lower_same_length_keeps_length_and_reads_a_long_s_as_s() -> None:
    assert lower_same_length("\u0130X\u017fY") == "ixsy"
    assert len(lower_same_length("\u0130" * 7)) == 7


def test_a_keyword_spelled_with_a_long_s_is_found() -> None:
    rules = RuleSet([Rule("s", r"\bsay\b", ("say",), reach=16)])
    assert [m.span() for _, m in rules.matches("you \u017fay")] == [(4, 7)]


def test_a_rule_without_keywords_runs_over_the_whole_text() -> None:
    text = "x" * 30_000 + "needle" + "y" * 30_000
    rules = RuleSet([Rule("any", r"needle", (), reach=16)])
    assert rules.regions(text) == {0: [(0, len(text))]}
    assert [m.span() for _, m in rules.matches(text)] == [(30_000, 30_006)]


def test_no_keyword_means_no_search() -> None:
    assert list(_SET.matches("nothing to see here " * 1000)) == []


def test_first_reports_the_leftmost_match_of_each_rule() -> None:
    first = _SET.first("say zork rules and zork rules")
    assert first[0].span() == (4, 14)
    assert first[1].span() == (4, 8)


def test_first_per_key_skips_the_later_rules_of_a_key_that_fired() -> None:
    rules = RuleSet(
        [
            Rule("k", r"\bzeta\b", ("zeta",)),
            Rule("k", r"\balpha\b", ("alpha",)),
            Rule("k", r"\bomega\b", ("omega",)),
        ]
    )
    text = "alpha omega zeta"
    assert [i for i, _ in rules.matches(text, first_per_key=True)] == [0]
    assert [i for i, _ in rules.matches("alpha omega", first_per_key=True)] == [1]
    assert [i for i, _ in rules.matches(text, first_only=True)] == [0, 1, 2]


def test_only_restricts_the_rules_that_run() -> None:
    assert set(_SET.first("say zork rules", only=[0])) == {0}


@pytest.mark.parametrize(
    "pattern",
    [r"(a+)+$", r"(?:\w*\s)*x", r"(x|y+){2,}", r"(?:(?:a|b)+c)+", r"([ab]+)*"],
)
def test_nested_unbounded_repetition_is_unsafe(pattern: str) -> None:
    assert unsafe_nesting(pattern)


@pytest.mark.parametrize(
    "pattern",
    [r"(?:a\s+){0,4}b", r"(?:ab)+", r"a+b*", r"[(]a+[)]+", r"\(a+\)+", r"(?:x+){1,3}"],
)
def test_bounded_or_flat_repetition_is_safe(pattern: str) -> None:
    assert not unsafe_nesting(pattern)


def test_an_unsafe_pattern_is_refused_naming_the_rule() -> None:
    with pytest.raises(ValueError, match="rule evil: a repeated group"):
        RuleSet([Rule("evil", r"(a+)+$", ("a",))])


def test_a_broken_pattern_is_refused_at_build_when_eager() -> None:
    with pytest.raises(ValueError, match="rule broken: pattern does not compile"):
        RuleSet([Rule("broken", r"(unclosed", ("x",))])


def test_a_lazy_set_compiles_on_first_use() -> None:
    rules = RuleSet([Rule("broken", r"x(unclosed", ("x",))], compiling="lazy")
    assert list(rules.matches("no keyword here")) == []
    with pytest.raises(ValueError, match="rule broken"):
        rules.warm_up()


def test_a_lazy_set_finds_what_an_eager_one_finds() -> None:
    text = "say zork rules; alpha qux omega"
    assert _found(RuleSet(_RULES, compiling="lazy"), text) == _found(_SET, text)


def test_a_word_keyword_counts_only_as_a_whole_word() -> None:
    rules = RuleSet([Rule("w", r"act\w*", ("act",), reach=16, keyword_match="word")])
    assert [m.span() for _, m in rules.matches("contact us")] == []
    assert [m.span() for _, m in rules.matches("act now, (act)")] == [(0, 3), (10, 13)]


def test_a_keyword_with_punctuation_counts_as_a_substring_in_word_mode() -> None:
    rules = RuleSet([Rule("w", r"sys:", ("sys:",), reach=16, keyword_match="word")])
    assert [m.span() for _, m in rules.matches("xsys: y")] == [(1, 5)]


def test_keywords_must_be_lowercase() -> None:
    with pytest.raises(ValueError, match="lowercase"):
        Rule("r", "x", ("X",))
