"""The pure part of the pipeline: what a step's outcome means, and how results fold into a decision.

No I/O, no clocks, no stage calls: the sync and async drivers in ``pipeline`` call stages and time
them, and hand everything else to this module, so both drivers share one set of semantics.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from genai_guard._results import Action, Decision, Outcome, StageResult, View
from genai_guard.context import Context
from genai_guard.errors import ConfigurationError, StageError

__all__ = ["OnError", "Run", "judge"]

OnError = Literal["block", "allow", "raise"]


def judge(
    outcome: Outcome,
    *,
    on_fail: Action,
    threshold: float,
    flag_threshold: float | None,
) -> Action:
    """The action one step takes for one outcome.

    A finding at or above ``threshold`` makes the step fail and take ``on_fail``; failing a
    ``modify`` step whose stage did not rewrite is reported as ``flag``. A finding in the band
    ``[flag_threshold, threshold)`` flags. A rewrite with no failing finding is ``modify``.
    """
    top = max((f.score for f in outcome.findings), default=-1.0)
    if top >= threshold and outcome.findings:
        if on_fail is Action.MODIFY and outcome.text is None:
            return Action.FLAG
        return on_fail
    if flag_threshold is not None and top >= flag_threshold:
        return Action.FLAG
    if outcome.text is not None:
        return Action.MODIFY
    return Action.ALLOW


@dataclass(slots=True)
class Run:
    """Mutable per-call state of one pipeline run. Never shared between calls."""

    text: str
    ctx: Context
    results: list[StageResult] = field(default_factory=list)
    restorations: dict[str, str] = field(default_factory=dict)
    views: list[View] = field(default_factory=list)
    action: Action = Action.ALLOW

    def record(self, result: StageResult) -> None:
        """Fold one step's result into the run."""
        self.results.append(result)
        outcome = result.outcome
        if outcome.views:
            self.views.extend(outcome.views)
            self.ctx = self.ctx.evolve(views=tuple(self.views))
        if result.action is Action.MODIFY and outcome.text is not None:
            self.text = outcome.text
            if outcome.restorations:
                self.restorations.update(outcome.restorations)
                self.ctx = self.ctx.evolve(restorations=self._restorations_view())
        if result.action.severity > self.action.severity:
            self.action = result.action

    def record_error(self, stage: str, exc: Exception, elapsed_ns: int, on_error: OnError) -> None:
        """Fold a stage failure: block (fail closed), allow, or re-raise as ``StageError``."""
        if on_error == "raise":
            raise StageError(stage, exc) from exc
        action = Action.BLOCK if on_error == "block" else Action.ALLOW
        self.record(StageResult(stage, action, Outcome(), elapsed_ns, error=exc))

    def _restorations_view(self) -> Mapping[str, str]:
        merged = dict(self.ctx.restorations)
        merged.update(self.restorations)
        return MappingProxyType(merged)

    def decision(self, direction: str) -> Decision:
        """The final decision of the run."""
        return Decision(
            action=self.action,
            text=self.text,
            results=tuple(self.results),
            direction=direction,
            context=self.ctx,
            restorations=MappingProxyType(dict(self.restorations)),
            views=tuple(self.views),
        )


def check_threshold(name: str, value: float | None) -> None:
    """Constructor-time validation of a threshold."""
    if value is not None and not 0.0 <= value <= 1.0:
        raise ConfigurationError(f"{name} must be within [0, 1], got {value!r}")
