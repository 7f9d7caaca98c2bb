"""Issue 26: the reason that blocked comes first; masking findings are listed as masking."""

from __future__ import annotations

import pytest

from genai_guard import GuardBlocked
from genai_guard._results import Action, Category, Decision, Finding, Outcome, StageResult


def _result(stage: str, action: Action, *rule_ids: str) -> StageResult:
    cat = Category.PII if stage == "pii" else Category.GOAL_HIJACKING
    return StageResult(stage, action, Outcome(tuple(Finding(r, cat, 1.0) for r in rule_ids)), 0)


def test_block_reason_comes_before_masked_pii() -> None:
    decision = Decision(
        Action.BLOCK,
        "x",
        (
            _result("pii", Action.MODIFY, "pii.EMAIL_ADDRESS"),
            _result("rules", Action.BLOCK, "attack.goal_hijacking.ignore_previous"),
        ),
    )
    with pytest.raises(GuardBlocked) as info:
        decision.raise_for_block()
    assert str(info.value) == (
        "blocked (input): attack.goal_hijacking.ignore_previous; masked: pii.EMAIL_ADDRESS"
    )
    assert decision.block_reasons == ("attack.goal_hijacking.ignore_previous",)
    assert decision.masked == ("pii.EMAIL_ADDRESS",)


def test_a_blocking_stage_error_is_named_as_the_reason() -> None:
    decision = Decision(Action.BLOCK, "x", (_result("judge", Action.BLOCK),))
    assert decision.block_reasons == ("stage:judge",)


def test_an_allowed_decision_has_no_block_reasons() -> None:
    decision = Decision(Action.MODIFY, "x", (_result("pii", Action.MODIFY, "pii.EMAIL_ADDRESS"),))
    assert decision.block_reasons == ()
    assert decision.raise_for_block() is decision
