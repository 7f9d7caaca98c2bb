"""Evasion by inserted zero-width characters or homoglyphs keeps the verdict on positive examples.

The ``unicode`` sanitizer runs in front of the rules, as in the default policy.
"""

from __future__ import annotations

import pytest
import regex

from genai_guard.context import Context
from genai_guard.detect import AttackRulesDetector, builtin_rule_specs
from genai_guard.pipeline import Pipeline
from genai_guard.policy import build_pipeline

_ZERO_WIDTH = "\u200b"
_HOMOGLYPHS = str.maketrans({"a": "\u0430", "e": "\u0435", "o": "\u043e", "i": "\u0456"})
_POSITIVES = [
    (s.id, text)
    for s in builtin_rule_specs()
    for text in s.examples.positive
    if s.weight >= 0.75 and text.isascii()
]


def _pipeline() -> Pipeline:
    return build_pipeline(
        {
            "version": 1,
            "name": "evasion",
            "input": [
                {"type": "unicode"},
                {"type": "attack_rules", "threshold": 0.75, "flag_threshold": 0.5},
            ],
        }
    )


def _zero_width(text: str) -> str:
    return _ZERO_WIDTH.join(text)


@pytest.mark.parametrize(("rule_id", "text"), _POSITIVES)
def test_zero_width_characters_do_not_change_the_verdict(rule_id: str, text: str) -> None:
    pipe = _pipeline()
    assert pipe.check_input(_zero_width(text)).action == pipe.check_input(text).action


@pytest.mark.parametrize(("rule_id", "text"), _POSITIVES)
def test_homoglyphs_do_not_change_the_verdict(rule_id: str, text: str) -> None:
    pipe = _pipeline()
    assert pipe.check_input(text.translate(_HOMOGLYPHS)).action == pipe.check_input(text).action


_SEPARATORS = ["  ", "\n", "\t", " \n "]
# A run of exclamation marks is caught by a substring trigger ("! ! !"): other whitespace
# between the marks hides it from the trigger (known gap, see the taxonomy docs).
_SPACE_SENSITIVE = {"explain it ! ! ! ! ! ! ! ! ! ! ! ! ! ! ! ! ! !"}
_ALL_POSITIVES = [
    (s.id, text)
    for s in builtin_rule_specs()
    for text in s.examples.positive
    if text not in _SPACE_SENSITIVE
]
_DETECTOR = AttackRulesDetector(quoted_discount=1.0)
_PATTERNS = {
    r.id: [regex.compile(p, regex.IGNORECASE | regex.VERSION0) for p in r.patterns]
    for r in _DETECTOR.rules
}


@pytest.mark.parametrize(("rule_id", "text"), _ALL_POSITIVES)
def test_other_whitespace_between_words_does_not_hide_a_rule(rule_id: str, text: str) -> None:
    ctx = Context()
    for sep in _SEPARATORS:
        spaced = text.replace(" ", sep)
        if any(p.search(spaced) for p in _PATTERNS[rule_id]):
            found = {f.rule_id for f in _DETECTOR.check(spaced, ctx).findings}
            assert rule_id in found, repr(sep)
