"""Time budgets: async stages are cancelled past their budget; sync overruns are reported.

No assertion here measures speed: the stages either never return or sleep at least a known time,
far beyond a budget of a millisecond.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import pytest
from tests._stages import KeywordDetector

from genai_guard import Action, ConfigurationError, Context, Outcome, Pipeline, StageError, Step
from genai_guard.errors import StageTimeout
from genai_guard.pipeline import PipelineSettings
from genai_guard.policy import build_pipeline


@dataclass(frozen=True)
class Hangs:
    """An async stage that never returns."""

    name: str = "hangs"

    async def acheck(self, text: str, ctx: Context) -> Outcome:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


@dataclass(frozen=True)
class Sleeps:
    """A sync stage that sleeps at least ``seconds``."""

    name: str = "sleeps"
    seconds: float = 0.02

    def check(self, text: str, ctx: Context) -> Outcome:
        time.sleep(self.seconds)
        return Outcome()


def test_an_async_stage_that_never_returns_is_cancelled_by_its_budget() -> None:
    # ef11b12: acheck_input waited forever.
    pipe = Pipeline([Step(Hangs(), budget_ms=5)])
    decision = asyncio.run(pipe.acheck_input("hello"))
    assert decision.blocked
    assert isinstance(decision.result("hangs").error, StageTimeout)  # type: ignore[union-attr]


def test_a_default_budget_exists() -> None:
    settings = PipelineSettings()
    assert settings.step_budget_ms is not None
    assert settings.call_budget_ms is not None


def test_the_pipeline_step_budget_applies_to_steps_without_their_own() -> None:
    pipe = Pipeline([Hangs()], settings=PipelineSettings(step_budget_ms=5))
    assert asyncio.run(pipe.acheck_input("hello")).blocked


def test_the_call_budget_bounds_the_await() -> None:
    settings = PipelineSettings(step_budget_ms=None, call_budget_ms=5)
    pipe = Pipeline([Hangs()], settings=settings)
    decision = asyncio.run(pipe.acheck_input("hello"))
    assert isinstance(decision.result("hangs").error, StageTimeout)  # type: ignore[union-attr]


def test_a_time_out_follows_on_error_allow() -> None:
    pipe = Pipeline([Step(Hangs(), budget_ms=5, on_error="allow")])
    assert asyncio.run(pipe.acheck_input("hello")).action is Action.ALLOW


def test_a_time_out_follows_on_error_raise() -> None:
    pipe = Pipeline([Step(Hangs(), budget_ms=5, on_error="raise")])
    with pytest.raises(StageError):
        asyncio.run(pipe.acheck_input("hello"))


def test_later_steps_run_after_a_time_out_allowed() -> None:
    pipe = Pipeline(
        [Step(Hangs(), budget_ms=5, on_error="allow"), KeywordDetector("kw", "attack")],
    )
    assert asyncio.run(pipe.acheck_input("an attack")).blocked


def test_a_stage_raising_timeout_error_itself_is_not_a_budget_overrun() -> None:
    @dataclass(frozen=True)
    class RaisesTimeout:
        name: str = "remote"

        async def acheck(self, text: str, ctx: Context) -> Outcome:
            raise TimeoutError

    decision = asyncio.run(Pipeline([RaisesTimeout()]).acheck_input("x"))
    error = decision.result("remote").error  # type: ignore[union-attr]
    assert type(error) is TimeoutError


def test_a_sync_overrun_is_reported_with_its_own_action() -> None:
    pipe = Pipeline([Step(Sleeps(), budget_ms=1)])
    decision = pipe.check_input("hello")
    overrun = next(f for f in decision.findings if f.rule_id == "limit.budget_overrun")
    assert overrun.metadata["step"] == "sleeps"
    assert decision.action is Action.FLAG  # settings.on_overrun, not the stage's verdict


def test_the_overrun_action_is_a_setting() -> None:
    settings = PipelineSettings(on_overrun="block")  # type: ignore[arg-type]
    pipe = Pipeline([Step(Sleeps(), budget_ms=1)], settings=settings)
    assert pipe.check_input("hello").blocked


def test_a_sync_stage_keeps_its_verdict_when_it_overruns() -> None:
    @dataclass(frozen=True)
    class SlowKeyword:
        name: str = "slow"

        def check(self, text: str, ctx: Context) -> Outcome:
            time.sleep(0.02)
            return KeywordDetector("slow", "attack").check(text, ctx)

    decision = Pipeline([Step(SlowKeyword(), budget_ms=1)]).check_input("an attack")
    assert decision.result("slow").action is Action.BLOCK  # type: ignore[union-attr]


def test_sync_stages_report_elapsed_time() -> None:
    decision = Pipeline([Sleeps()]).check_input("x")
    assert decision.result("sleeps").elapsed_ns >= 20_000_000  # type: ignore[union-attr]


@pytest.mark.parametrize("budget", [0, -1, float("nan"), float("inf")])
def test_invalid_step_budget_is_rejected(budget: float) -> None:
    with pytest.raises(ConfigurationError, match="budget_ms"):
        Step(Sleeps(), budget_ms=budget)


def test_policy_step_budget_reaches_the_step() -> None:

    pipe = build_pipeline({"input": [{"type": "unicode", "budget_ms": 250}]})
    assert pipe.input_steps[0].budget_ms == 250
