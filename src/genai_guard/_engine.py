"""The engine: what a step's outcome means, and the one loop that folds steps into a decision.

The loop (``decide``) is a generator that never calls a stage: it yields ``(step, text, ctx)``
requests and is answered with outcomes (or exceptions) by a thin driver, ``answer_sync`` or
``answer_async``. ``Pipeline`` checks and the streaming core share it, so every path has one set of
semantics: order, modify feeds forward, most severe wins, fail closed, fail fast.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, Protocol

from genai_guard._results import Action, Decision, Outcome, StageResult, View
from genai_guard.context import Context
from genai_guard.errors import ConfigurationError, StageError

__all__ = ["Decide", "OnError", "Run", "StepLike", "answer_async", "answer_sync", "decide", "judge"]

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


class StepLike(Protocol):
    """What the engine needs of a ``pipeline.Step`` (structural, so imports point down)."""

    @property
    def stage(self) -> Any:
        """The stage."""
        ...

    @property
    def name(self) -> str:
        """The step id."""
        ...

    @property
    def on_fail(self) -> Action:
        """Action when a finding reaches the threshold."""
        ...

    @property
    def on_error(self) -> OnError:
        """What a stage exception does."""
        ...

    @property
    def is_sync(self) -> bool:
        """The stage has ``check``."""
        ...

    @property
    def is_async(self) -> bool:
        """The stage has ``acheck``."""
        ...

    def action_for(self, outcome: Outcome) -> Action:
        """The step's action for an outcome."""
        ...


# A request for one stage outcome: (step, text, ctx); the driver answers with an Outcome or throws.
Request = tuple[StepLike, str, Context]
Decide = Generator[Request, Outcome, Decision]

_NO_OUTCOMES: Mapping[str, Outcome] = MappingProxyType({})
_NO_ERRORS: Mapping[str, Exception] = MappingProxyType({})
_NO_TIMES: Mapping[str, int] = MappingProxyType({})


def decide(
    steps: tuple[StepLike, ...],
    text: str,
    ctx: Context,
    *,
    direction: str,
    fail_fast: bool,
    known: Mapping[str, Outcome] = _NO_OUTCOMES,
    errors: Mapping[str, Exception] = _NO_ERRORS,
    elapsed: Mapping[str, int] = _NO_TIMES,
) -> Decide:
    """Fold ``steps`` over ``text`` into a decision, asking the driver for each stage outcome.

    ``known``, ``errors`` and ``elapsed`` hold what streaming scanners already produced on
    ``text``; they stand in for a stage call only while the run's text is still ``text`` (no
    earlier step rewrote it).
    """
    run = Run(text, ctx)
    clock = time.perf_counter_ns
    for step in steps:
        raw = run.text is text
        if raw and step.name in errors:
            run.record_error(step.name, errors[step.name], elapsed.get(step.name, 0), step.on_error)
        else:
            outcome = known.get(step.name) if raw else None
            spent = elapsed.get(step.name, 0) if outcome is not None else 0
            start = clock()
            try:
                if outcome is None:
                    outcome = yield (step, run.text, run.ctx)
            except Exception as exc:  # noqa: BLE001 - fail closed, recorded in the result
                run.record_error(step.name, exc, clock() - start, step.on_error)
            else:
                spent += clock() - start
                run.record(StageResult(step.name, step.action_for(outcome), outcome, spent))
        if fail_fast and run.action is Action.BLOCK:
            break
    return run.decision(direction)


def answer_sync(gen: Decide) -> Decision:
    """Drive ``decide`` by calling each stage's ``check`` inline."""
    try:
        step, text, ctx = next(gen)
        while True:
            try:
                outcome = step.stage.check(text, ctx)
            except Exception as exc:  # noqa: BLE001 - handed to the engine (on_error)
                step, text, ctx = gen.throw(exc)
            else:
                step, text, ctx = gen.send(outcome)
    except StopIteration as stop:
        result: Decision = stop.value
        return result


async def answer_async(gen: Decide) -> Decision:
    """Drive ``decide``, awaiting ``acheck`` for async stages and calling sync stages inline."""
    try:
        step, text, ctx = next(gen)
        while True:
            try:
                if step.is_async:
                    outcome = await step.stage.acheck(text, ctx)
                else:
                    outcome = step.stage.check(text, ctx)
            except Exception as exc:  # noqa: BLE001 - handed to the engine (on_error)
                step, text, ctx = gen.throw(exc)
            else:
                step, text, ctx = gen.send(outcome)
    except StopIteration as stop:
        result: Decision = stop.value
        return result
