"""Pattern safety: the timeout machinery works and no shipped pattern needs it on hostile input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genai_guard.context import Context
from genai_guard.detect import AttackRulesDetector

CTX = Context()

# Characters and words that the shipped patterns treat specially, so generated strings reach deep
# into the patterns (long runs of spaces, quotes, brackets, trigger words, newlines).
_PIECES = [
    " ",
    "  ",
    "\n",
    "\t",
    "a",
    "Z",
    "'",
    '"',
    "-",
    "=",
    ".",
    ",",
    ":",
    "/",
    "\\",
    "<",
    ">",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "!",
    "|",
    "ignore ",
    "previous ",
    "instructions ",
    "your ",
    "response ",
    "you are ",
    "now ",
    "system: ",
    "Q: x\nA: y\n",
    "password ",
    "the user's ",
    "never ",
    "refuse ",
    "../",
    "{{",
    "dan ",
    "developer mode ",
    "ignorez ",
    "инструкции ",
    "忽略",
    "](",
    "({",
    "fooBar ",
    "sure ",
    "mixМикс ",
    "! ",
    "<|",
    "two ",
    "first ",
    "Answer: ",
    "a = b + c ",
    "<img src=http://x/?q=",
]
_HOSTILE = st.lists(st.sampled_from(_PIECES), max_size=2500).map("".join)


def _timeouts(det: AttackRulesDetector, text: str) -> list[str]:
    return [f.rule_id for f in det.check(text, CTX).findings if f.metadata.get("timeout")]


def test_a_pattern_that_times_out_counts_as_a_hit() -> None:
    catastrophic = {
        "id": "attack.guardrail_bypass.test_backtracking",
        "category": "guardrail_bypass",
        "description": "Deliberately catastrophic pattern.",
        "weight": 0.6,
        "patterns": [r"(?:a+)+$"],
        "examples": {"positive": ["aaa", "aaaa"], "negative": ["b", "c"]},
    }
    det = AttackRulesDetector(builtin=False, extra_rules=[catastrophic], timeout_s=0.001)
    assert _timeouts(det, "a" * 5000 + "!") == ["attack.guardrail_bypass.test_backtracking"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_HOSTILE)
def test_no_shipped_pattern_times_out_on_hostile_text(text: str) -> None:
    # 50 ms per match is a generous bound: a timeout here means a pattern backtracks badly.
    det = _DETECTOR
    assert _timeouts(det, text) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_PIECES), st.integers(min_value=1000, max_value=4000))
def test_no_shipped_pattern_times_out_on_long_repetitions(piece: str, times: int) -> None:
    text = (piece * times)[:10_000]
    assert _timeouts(_DETECTOR, text) == []


_DETECTOR = AttackRulesDetector(timeout_s=0.05)
