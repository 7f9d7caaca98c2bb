"""RuleSet regions are shared by rules with the same keywords and reach (computed once)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from genai_guard._ruleset import Rule, RuleSet

DIGITS = tuple("0123456789")


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet="12 ab-.\n", max_size=300))
def test_grouped_rules_find_what_each_finds_alone(text: str) -> None:
    patterns = [r"\d(?:[ -]?\d){3,6}", r"\d{2}-\d{2}", r"(?<!\d)\d\.\d(?!\d)"]
    together = RuleSet(Rule(f"r{i}", p, DIGITS, 20) for i, p in enumerate(patterns))
    found = [(i, m.span()) for i, m in together.matches(text)]
    alone = [
        (i, m.span())
        for i, p in enumerate(patterns)
        for _, m in RuleSet([Rule("x", p, DIGITS, 20)]).matches(text)
    ]
    assert found == alone
