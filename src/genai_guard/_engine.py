"""The engine: what a step's outcome means, and the one loop that folds steps into a decision.

The loop (``decide``) is a generator that never calls a stage: it yields ``(step, text, ctx,
timeout)`` requests and is answered with outcomes (or exceptions) by a thin driver,
``answer_sync`` or ``answer_async``. ``Pipeline`` checks and the streaming core share it, so every
path has one set of semantics: the size limit on the raw text, order, modify feeds forward, most
severe wins, fail closed, fail fast, the stage contract, the per-call caps and the time budgets.
"""

from __future__ import annotations

import math
import time
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, Protocol

from genai_guard._results import (
    Action,
    Category,
    Decision,
    Direction,
    Finding,
    Outcome,
    Span,
    StageResult,
    View,
)
from genai_guard.context import Context
from genai_guard.errors import ConfigurationError, StageContractError, StageError, StageTimeout
from genai_guard.taxonomy import finding

if TYPE_CHECKING:
    from genai_guard.validate.tool_calls import ToolPolicy

__all__ = [
    "LIMITS",
    "Decide",
    "OnError",
    "Oversize",
    "PipelineSettings",
    "Run",
    "StepLike",
    "answer_async",
    "answer_sync",
    "check_outcome",
    "decide",
    "error_action",
    "judge",
]

OnError = Literal["block", "allow", "raise"]
Oversize = Literal["block", "truncate"]
OnBlock = Literal["raise", "refuse"]

LIMITS = "limits"
"""Stage name of the results the engine itself adds (size limit, caps, budget overruns)."""

_ON_ERROR = ("block", "allow", "raise")


@dataclass(frozen=True, slots=True)
class PipelineSettings:
    """Pipeline-wide limits and options, applied by the engine to every call.

    Args:
        max_input_chars: Longest input text, measured on the raw text before any stage runs
            (before Unicode stripping or decoding); ``None`` for no limit.
        max_output_chars: Longest answer, measured the same way (also while it streams).
        oversize: ``block`` a text over the limit without running any stage, or ``truncate``
            it to the limit (action ``modify``) and check the rest.
        max_findings: Most findings kept per call; the least severe are dropped beyond it.
        max_views: Most views (decoded payloads, smuggled text) kept per call.
        max_view_chars: Most characters of views kept per call, in total.
        on_findings_capped: Action of a ``limit.findings_capped`` finding (``flag`` by default:
            every finding was judged, only the report is cut).
        on_views_capped: Action of a ``limit.views_capped`` finding (``block`` by default: the
            dropped views were not inspected by the later steps).
        step_budget_ms: Time budget of one step. An async stage is cancelled when it overruns
            (a ``StageTimeout`` handled by the step's ``on_error``); a sync stage cannot be
            interrupted, so its overrun is reported as a ``limit.budget_overrun`` finding.
            ``None`` for no budget. A step's own ``budget_ms`` takes precedence.
        call_budget_ms: Time budget of one call for its async stages: each await is bounded by
            what is left of it. ``None`` for no budget.
        on_overrun: Action of a ``limit.budget_overrun`` finding (``flag`` by default).
        expose_errors: Show stage error messages in ``Decision.to_dict()`` (by default only the
            exception type: a message may quote the text or a secret).
        untrusted_roles: Message roles whose content client wrappers check as untrusted input.
        on_block: What client wrappers do on a block: ``raise`` ``GuardBlocked`` or ``refuse``.
        refusal_message: The text of a refusal.
        tools: The tool policy client wrappers apply to tool calls in answers
            (``genai_guard.validate.ToolPolicy``); ``None``: the wrappers' default.

    Thread-safe: immutable.
    """

    max_input_chars: int | None = 100_000
    max_output_chars: int | None = 100_000
    oversize: Oversize = "block"
    max_findings: int = 1_000
    max_views: int = 64
    max_view_chars: int = 262_144
    on_findings_capped: Action = Action.FLAG
    on_views_capped: Action = Action.BLOCK
    step_budget_ms: float | None = 10_000.0
    call_budget_ms: float | None = 30_000.0
    on_overrun: Action = Action.FLAG
    expose_errors: bool = False
    untrusted_roles: tuple[str, ...] = ("user", "tool", "document")
    on_block: OnBlock = "raise"
    refusal_message: str = "Sorry, I can't help with that request."
    tools: ToolPolicy | None = None

    def __post_init__(self) -> None:
        for label, size in (
            ("max_input_chars", self.max_input_chars),
            ("max_output_chars", self.max_output_chars),
        ):
            if size is not None and size < 1:
                raise ConfigurationError(f"{label} must be >= 1 or None, got {size!r}")
        for label, count in (
            ("max_findings", self.max_findings),
            ("max_views", self.max_views),
            ("max_view_chars", self.max_view_chars),
        ):
            if count < 0:
                raise ConfigurationError(f"{label} must be >= 0, got {count!r}")
        for label, budget in (
            ("step_budget_ms", self.step_budget_ms),
            ("call_budget_ms", self.call_budget_ms),
        ):
            if budget is not None and not (budget > 0 and math.isfinite(budget)):
                raise ConfigurationError(f"{label} must be a positive number or None")
        if self.oversize not in ("block", "truncate"):
            raise ConfigurationError(
                f"oversize must be 'block' or 'truncate', not {self.oversize!r}"
            )
        if self.on_block not in ("raise", "refuse"):
            raise ConfigurationError(f"on_block must be 'raise' or 'refuse', not {self.on_block!r}")
        # Converters: accept the string forms a policy or a caller passes.
        object.__setattr__(self, "on_findings_capped", Action(self.on_findings_capped))
        object.__setattr__(self, "on_views_capped", Action(self.on_views_capped))
        object.__setattr__(self, "on_overrun", Action(self.on_overrun))
        object.__setattr__(self, "untrusted_roles", tuple(self.untrusted_roles))

    def max_chars(self, direction: Direction) -> int | None:
        """The size limit of ``direction``."""
        return self.max_input_chars if direction is Direction.INPUT else self.max_output_chars


DEFAULT_SETTINGS = PipelineSettings()


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


def error_action(stage: str, exc: Exception, on_error: OnError) -> Action:
    """What a stage failure does: the one ``on_error`` rule of the engine and the stream drivers.

    Returns ``block`` (fail closed) or ``allow``; ``raise`` re-raises as ``StageError`` from
    ``exc``.
    """
    if on_error == "raise":
        raise StageError(stage, exc) from exc
    return Action.BLOCK if on_error == "block" else Action.ALLOW


def _contract(stage: str, what: str) -> StageContractError:
    return StageContractError(f"stage {stage!r} broke the Outcome contract: {what}")


def _check_finding(stage: str, f: object) -> None:
    if not isinstance(f, Finding):
        raise _contract(stage, f"a finding is a {type(f).__name__}, not a Finding")
    score = f.score
    if isinstance(score, bool) or not isinstance(score, (int, float)):
        raise _contract(stage, f"a finding's score is a {type(score).__name__}")
    if not 0.0 <= score <= 1.0:  # also false for NaN
        raise _contract(stage, "a finding's score is not a finite number in [0, 1]")
    if not isinstance(f.rule_id, str) or not isinstance(f.category, Category):
        raise _contract(stage, "a finding needs a str rule_id and a Category")
    if not isinstance(f.message, str) or not (f.view is None or isinstance(f.view, str)):
        raise _contract(stage, "a finding's message and view must be str")
    span = f.span
    if span is not None and not (
        isinstance(span, Span) and type(span.start) is int and type(span.end) is int
    ):
        raise _contract(stage, "a finding's span must be a Span of two ints or None")
    if not all(isinstance(ids, tuple) for ids in (f.stride, f.owasp, f.atlas)):
        raise _contract(stage, "a finding's stride, owasp and atlas must be tuples")
    if not isinstance(f.metadata, Mapping):
        raise _contract(stage, "a finding's metadata must be a mapping")


def check_outcome(stage: str, value: object) -> Outcome:
    """``value`` if it is a valid ``Outcome``, else ``StageContractError`` (cheap type checks).

    A list of findings or views is accepted and made a tuple.

    Raises:
        StageContractError: naming the stage and the broken part (never the values).
    """
    if not isinstance(value, Outcome):
        raise _contract(stage, f"returned a {type(value).__name__}, not an Outcome")
    out = value
    # Typed as tuples, but a stage may have built its Outcome with anything.
    findings: object = out.findings
    views: object = out.views
    if not isinstance(findings, (tuple, list)):
        raise _contract(stage, f"findings is a {type(findings).__name__}, not a tuple")
    if not isinstance(views, (tuple, list)):
        raise _contract(stage, f"views is a {type(views).__name__}, not a tuple")
    for f in findings:
        _check_finding(stage, f)
    for v in views:
        if not (
            isinstance(v, View)
            and isinstance(v.text, str)
            and isinstance(v.origin, str)
            and (v.span is None or isinstance(v.span, Span))
        ):
            raise _contract(stage, "a view must be a View with str text and origin")
    if out.text is not None and not isinstance(out.text, str):
        raise _contract(stage, f"text is a {type(out.text).__name__}, not a str or None")
    restorations = out.restorations
    if not isinstance(restorations, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in restorations.items()
    ):
        raise _contract(stage, "restorations must map str to str")
    if isinstance(findings, list) or isinstance(views, list):
        out = replace(out, findings=tuple(findings), views=tuple(views))
    return out


@dataclass(slots=True)
class Run:
    """Mutable per-call state of one pipeline run. Never shared between calls.

    Caps the findings and views the call keeps (``settings``); what was dropped is reported by
    ``decision()`` as ``limit.findings_capped`` / ``limit.views_capped``.
    """

    text: str
    ctx: Context
    settings: PipelineSettings = DEFAULT_SETTINGS
    results: list[StageResult] = field(default_factory=list)
    restorations: dict[str, str] = field(default_factory=dict)
    views: list[View] = field(default_factory=list)
    action: Action = Action.ALLOW
    n_findings: int = 0
    view_chars: int = 0
    dropped_findings: int = 0
    dropped_views: int = 0

    def record(self, result: StageResult) -> None:
        """Fold one step's result into the run."""
        outcome = self._capped(result.outcome)
        if outcome is not result.outcome:
            result = replace(result, outcome=outcome)
        self.results.append(result)
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

    def _capped(self, outcome: Outcome) -> Outcome:
        """``outcome`` with its findings and views cut to what the call may still keep."""
        findings, views = outcome.findings, outcome.views
        room = self.settings.max_findings - self.n_findings
        if len(findings) > room:
            keep = max(room, 0)
            # Keep the most severe findings (in their order): the verdict was already judged on
            # all of them, and the kept ones must explain it.
            ranked = sorted(range(len(findings)), key=lambda i: -findings[i].score)[:keep]
            self.dropped_findings += len(findings) - keep
            findings = tuple(findings[i] for i in sorted(ranked))
        self.n_findings += len(findings)
        if views:
            kept: list[View] = []
            for v in views:
                if (
                    len(self.views) + len(kept) < self.settings.max_views
                    and self.view_chars + len(v.text) <= self.settings.max_view_chars
                ):
                    kept.append(v)
                    self.view_chars += len(v.text)
                else:
                    self.dropped_views += 1
            if len(kept) < len(views):
                views = tuple(kept)
        if findings is outcome.findings and views is outcome.views:
            return outcome
        return replace(outcome, findings=findings, views=views)

    def record_error(self, stage: str, exc: Exception, elapsed_ns: int, on_error: OnError) -> None:
        """Fold a stage failure through ``error_action`` (block, allow, or raise)."""
        action = error_action(stage, exc, on_error)
        self.record(StageResult(stage, action, Outcome(), elapsed_ns, error=exc))

    def record_limit(self, hit: Finding, action: Action, text: str | None = None) -> None:
        """Record one of the engine's own findings as a ``limits`` result."""
        self.record(StageResult(LIMITS, action, Outcome(findings=(hit,), text=text), 0))

    def _restorations_view(self) -> Mapping[str, str]:
        merged = dict(self.ctx.restorations)
        merged.update(self.restorations)
        return MappingProxyType(merged)

    def decision(self, direction: Direction) -> Decision:
        """The final decision of the run, with a finding for each cap that cut it."""
        for dropped, rule, what, action in (
            (
                self.dropped_findings,
                "limit.findings_capped",
                "findings",
                self.settings.on_findings_capped,
            ),
            (self.dropped_views, "limit.views_capped", "views", self.settings.on_views_capped),
        ):
            if dropped:
                self.n_findings -= 1  # the cap's own finding always fits
                self.record_limit(
                    finding(
                        rule,
                        _policy_category(direction),
                        1.0,
                        message=f"{dropped} {what} dropped at the per-call cap",
                        metadata={"dropped": dropped},
                    ),
                    action,
                )
        return Decision(
            action=self.action,
            text=self.text,
            results=tuple(self.results),
            direction=direction,
            context=self.ctx,
            restorations=MappingProxyType(dict(self.restorations)),
            views=tuple(self.views),
            expose_errors=self.settings.expose_errors,
        )


def _policy_category(direction: Direction) -> Category:
    return Category.INPUT_POLICY if direction is Direction.INPUT else Category.OUTPUT_POLICY


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
    def on_fail(self) -> Action | str | None:
        """Action when a finding reaches the threshold (never ``None`` on a built ``Step``)."""
        ...

    @property
    def on_error(self) -> OnError:
        """What a stage exception does."""
        ...

    @property
    def budget_ms(self) -> float | None:
        """The step's own time budget; ``None`` takes the pipeline's."""
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


# A request for one stage outcome: (step, text, ctx, timeout in seconds or None); the driver
# answers with the stage's return value or throws its exception.
Request = tuple[StepLike, str, Context, float | None]
Decide = Generator[Request, object, Decision]

_NO_OUTCOMES: Mapping[str, Outcome] = MappingProxyType({})
_NO_ERRORS: Mapping[str, Exception] = MappingProxyType({})
_NO_TIMES: Mapping[str, int] = MappingProxyType({})


def _size_finding(direction: Direction, limit: int, mode: Oversize) -> Finding:
    # No length of the text in it: a stream cut at the limit and the whole text give one finding.
    return finding(
        f"limit.{direction.value}_chars",
        _policy_category(direction),
        1.0,
        span=Span(limit, limit),
        message=f"{direction.value} text longer than the limit of {limit} characters ({mode})",
        metadata={"limit": limit, "mode": mode},
    )


def decide(
    steps: tuple[StepLike, ...],
    text: str,
    ctx: Context,
    *,
    direction: Direction,
    fail_fast: bool,
    settings: PipelineSettings = DEFAULT_SETTINGS,
    cut: bool = False,
    known: Mapping[str, Outcome] = _NO_OUTCOMES,
    errors: Mapping[str, Exception] = _NO_ERRORS,
    elapsed: Mapping[str, int] = _NO_TIMES,
) -> Decide:
    """Fold ``steps`` over ``text`` into a decision, asking the driver for each stage outcome.

    The size limit of ``direction`` is applied to ``text`` as given (raw) before any step:
    ``block`` ends the run at once, ``truncate`` cuts the text and records a ``modify``.
    ``cut`` says the caller (a stream) already cut ``text`` at the limit. Each reply is checked
    by ``check_outcome``; a contract violation, a stage exception and a ``StageTimeout`` are
    handled by the step's ``on_error``.

    ``known``, ``errors`` and ``elapsed`` hold what streaming scanners already produced on
    ``text``; they stand in for a stage call only while the run's text is still ``text`` (no
    earlier step rewrote it).
    """
    run = Run(text, ctx, settings)
    clock = time.perf_counter_ns
    started = clock()
    limit = settings.max_chars(direction)
    if limit is not None and (cut or len(text) > limit):
        hit = _size_finding(direction, limit, settings.oversize)
        if settings.oversize == "block":
            run.record_limit(hit, Action.BLOCK)
            return run.decision(direction)
        if not cut:
            text = text[:limit]
        run.record_limit(hit, Action.MODIFY, text)
    call_ns = None if settings.call_budget_ms is None else int(settings.call_budget_ms * 1e6)
    for step in steps:
        raw = run.text is text
        if raw and step.name in errors:
            run.record_error(step.name, errors[step.name], elapsed.get(step.name, 0), step.on_error)
        else:
            outcome = known.get(step.name) if raw else None
            spent = elapsed.get(step.name, 0) if outcome is not None else 0
            budget_ms = settings.step_budget_ms if step.budget_ms is None else step.budget_ms
            overrun: Finding | None = None
            start = clock()
            try:
                if outcome is None:
                    timeout = None if budget_ms is None else budget_ms / 1000
                    if call_ns is not None:
                        left = (started + call_ns - start) / 1e9
                        timeout = left if timeout is None else min(timeout, left)
                    reply = yield (step, run.text, run.ctx, timeout)
                    took = clock() - start
                    outcome = check_outcome(step.name, reply)
                    if budget_ms is not None and took > budget_ms * 1e6:
                        # A sync stage cannot be cut off; its overrun is its own finding.
                        overrun = _overrun(direction, step.name, took, budget_ms)
            except Exception as exc:  # noqa: BLE001 - fail closed, recorded in the result
                run.record_error(step.name, exc, clock() - start, step.on_error)
            else:
                spent += clock() - start
                run.record(StageResult(step.name, step.action_for(outcome), outcome, spent))
                if overrun is not None:
                    run.record_limit(overrun, settings.on_overrun)
        if fail_fast and run.action is Action.BLOCK:
            break
    return run.decision(direction)


def _overrun(direction: Direction, step: str, took_ns: int, budget_ms: float) -> Finding:
    return finding(
        "limit.budget_overrun",
        _policy_category(direction),
        1.0,
        message=f"step {step!r} took {took_ns / 1e6:.0f} ms, over its budget of {budget_ms:.0f} ms",
        metadata={"step": step, "elapsed_ms": round(took_ns / 1e6, 1), "budget_ms": budget_ms},
    )


def answer_sync(gen: Decide) -> Decision:
    """Drive ``decide`` by calling each stage's ``check`` inline (sync stages cannot be cut off)."""
    try:
        step, text, ctx, _ = next(gen)
        while True:
            try:
                outcome: object = step.stage.check(text, ctx)
            except Exception as exc:  # noqa: BLE001 - handed to the engine (on_error)
                step, text, ctx, _ = gen.throw(exc)
            else:
                step, text, ctx, _ = gen.send(outcome)
    except StopIteration as stop:
        result: Decision = stop.value
        return result


async def _acheck(step: StepLike, text: str, ctx: Context, timeout: float | None) -> object:
    """Await ``acheck``, cancelled with ``StageTimeout`` when it overruns ``timeout``."""
    if timeout is None:
        return await step.stage.acheck(text, ctx)
    if timeout <= 0:
        raise StageTimeout(step.name, 0.0)
    import asyncio  # noqa: PLC0415 - only async callers pay for it (about 0.1 s to import)

    scope = asyncio.timeout(timeout)
    try:
        async with scope:
            return await step.stage.acheck(text, ctx)
    except TimeoutError as exc:
        if scope.expired():
            raise StageTimeout(step.name, timeout) from exc
        raise


async def answer_async(gen: Decide) -> Decision:
    """Drive ``decide``, awaiting ``acheck`` (within its budget) and calling sync stages inline."""
    try:
        step, text, ctx, timeout = next(gen)
        while True:
            try:
                outcome: object
                if step.is_async:
                    outcome = await _acheck(step, text, ctx, timeout)
                else:
                    outcome = step.stage.check(text, ctx)
            except Exception as exc:  # noqa: BLE001 - handed to the engine (on_error)
                step, text, ctx, timeout = gen.throw(exc)
            else:
                step, text, ctx, timeout = gen.send(outcome)
    except StopIteration as stop:
        result: Decision = stop.value
        return result
