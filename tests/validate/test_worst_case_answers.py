"""The adversarial answers of issue 21 (item 3) through the default pipeline's output checks.

Verdicts and findings only; their speed is measured in ``benchmarks/`` (no timed assertions).
"""

from __future__ import annotations

import pytest

from genai_guard import Context, Decision
from genai_guard.policy import build_pipeline

PIPELINE = build_pipeline("default")
SIZE = 20_000


@pytest.fixture(scope="module")
def prior() -> Decision:
    """The decision on a short prompt, as ``check_output`` takes it."""
    return PIPELINE.check_input("Please summarise the attached report.", Context())


@pytest.mark.parametrize(
    "unit", ["1 ", "<a ", "\n", "!" * 299 + "@"], ids=["digits", "anchors", "newlines", "bang_at"]
)
def test_flood_answer_is_allowed_without_findings(prior: Decision, unit: str) -> None:
    text = (unit * (SIZE // len(unit) + 1))[:SIZE]
    decision = PIPELINE.check_output(text, prompt=prior)
    assert (decision.findings, decision.blocked) == ((), False)


def test_answer_over_the_size_limit_is_blocked_not_passed_unscanned(prior: Decision) -> None:
    decision = PIPELINE.check_output("x " * 100_001, prompt=prior)
    # The pipeline's own size limit (max_output_chars) refuses it before any stage runs.
    assert decision.blocked
    assert "limit.output_chars" in decision.rule_ids


def test_output_secrets_check_applies_its_size_limit() -> None:
    from genai_guard import Direction, InputError
    from genai_guard.secrets import SecretsDetector

    with pytest.raises(InputError):
        SecretsDetector(max_chars=100).check("y" * 101, Context(direction=Direction.OUTPUT))


def test_output_pii_detector_applies_its_size_limit() -> None:
    from genai_guard import Direction, InputError
    from genai_guard.pii import PIIDetector

    with pytest.raises(InputError):
        PIIDetector(max_chars=100).check("y" * 101, Context(direction=Direction.OUTPUT))
