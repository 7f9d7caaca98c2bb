"""``Step`` and ``Pipeline``: stages chained with per-step policy, run sync or async.

Semantics (DESIGN.md section 4): steps run in order; a ``modify`` feeds its text onward; the final
action is the most severe; a stage exception blocks unless its step says otherwise; the first block
stops the run when ``fail_fast`` is set. A pipeline is immutable and thread-safe once built.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterable, Callable, Iterable, Sequence
from dataclasses import KW_ONLY, dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

from genai_guard._engine import (
    DEFAULT_SETTINGS,
    Decide,
    OnError,
    PipelineSettings,
    answer_async,
    answer_sync,
    check_threshold,
    decide,
    judge,
)
from genai_guard._results import Action, Decision, Outcome
from genai_guard.context import Context, Direction
from genai_guard.errors import ConfigurationError, InputError
from genai_guard.protocols import AsyncStage, Stage

if TYPE_CHECKING:
    from genai_guard.streaming import AsyncGuardedStream, GuardedStream

__all__ = ["FunctionStage", "Pipeline", "PipelineSettings", "Step", "stage"]

_ON_ERROR = ("block", "allow", "raise")


@dataclass(frozen=True, slots=True)
class FunctionStage:
    """A plain function ``(text, ctx) -> Outcome`` used as a stage. Build with ``stage()``."""

    name: str
    fn: Callable[[str, Context], Outcome]

    def check(self, text: str, ctx: Context) -> Outcome:
        """Call the function."""
        return self.fn(text, ctx)


def stage(fn: Callable[[str, Context], Outcome], *, name: str) -> FunctionStage:
    """Wrap a function as a stage. The name is required and must be unique in a pipeline."""
    if not name:
        raise ConfigurationError("stage(fn, name=...) needs a non-empty name")
    return FunctionStage(name, fn)


@dataclass(frozen=True, slots=True)
class Step:
    """A stage plus what to do with its findings.

    A frozen dataclass whose ``__post_init__`` converts and checks its fields: ``on_fail`` given
    as a string becomes an ``Action`` and ``None`` the stage's ``default_on_fail`` (or
    ``block``); an empty ``name`` becomes the stage's name. Thread-safe: immutable.

    Args:
        stage: Anything with ``name`` and ``check`` and/or ``acheck``.
        on_fail: Action when a finding reaches ``threshold``; defaults to the stage's
            ``default_on_fail`` or ``block``. Always an ``Action`` after construction.
        on_error: ``block`` (fail closed, the default), ``allow``, or ``raise`` (``StageError``).
            Applies to a stage exception, a return value that breaks the ``Outcome`` contract and
            an async stage's time-out alike.
        threshold: Lowest finding score that makes the step fail.
        flag_threshold: Lowest score that flags, when below ``threshold``; ``None`` for no band.
        name: Step id; defaults to the stage's name.
        type_name: The policy stage type that built the stage, if any (for coverage reports).
        budget_ms: Time budget of this step; ``None`` takes ``PipelineSettings.step_budget_ms``.

    Raises:
        ConfigurationError: ``stage`` is not a stage, or an option is out of range.
    """

    stage: Any
    _: KW_ONLY
    on_fail: Action | str | None = None
    on_error: OnError = "block"
    threshold: float = 0.0
    flag_threshold: float | None = None
    name: str = ""
    type_name: str | None = None
    budget_ms: float | None = None
    is_sync: bool = field(init=False, repr=False)
    is_async: bool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        stage = self.stage
        is_sync = isinstance(stage, Stage)
        is_async = isinstance(stage, AsyncStage)
        if not (is_sync or is_async):
            raise ConfigurationError(
                f"{type(stage).__name__} is not a stage: it needs a name and check() or acheck()"
            )
        if self.on_error not in _ON_ERROR:
            raise ConfigurationError(f"on_error must be one of {_ON_ERROR}, got {self.on_error!r}")
        check_threshold("threshold", self.threshold)
        check_threshold("flag_threshold", self.flag_threshold)
        if self.flag_threshold is not None and self.flag_threshold > self.threshold:
            raise ConfigurationError("flag_threshold must not exceed threshold")
        budget = self.budget_ms
        if budget is not None and not (budget > 0 and math.isfinite(budget)):
            raise ConfigurationError(f"budget_ms must be a positive number, got {budget!r}")
        default = getattr(stage, "default_on_fail", Action.BLOCK)
        on_fail = Action(self.on_fail) if self.on_fail is not None else Action(default)
        name = self.name or stage.name
        if not name:
            raise ConfigurationError(f"{type(stage).__name__} has an empty name")
        # Converted fields of a frozen dataclass are set the way its own __init__ sets them.
        object.__setattr__(self, "on_fail", on_fail)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "is_sync", is_sync)
        object.__setattr__(self, "is_async", is_async)

    @property
    def _on_fail(self) -> Action:
        # An Action after __post_init__; the field's type also names what the constructor takes.
        return self.on_fail if isinstance(self.on_fail, Action) else Action.BLOCK

    def action_for(self, outcome: Outcome) -> Action:
        """What this step does with ``outcome``."""
        return judge(
            outcome,
            on_fail=self._on_fail,
            threshold=self.threshold,
            flag_threshold=self.flag_threshold,
        )


def _as_steps(items: Iterable[Step | Any], side: str) -> tuple[Step, ...]:
    steps = tuple(item if isinstance(item, Step) else Step(item) for item in items)
    seen: set[str] = set()
    for s in steps:
        if s.name in seen:
            raise ConfigurationError(f"duplicate step name {s.name!r} in {side} steps")
        seen.add(s.name)
    return steps


class Pipeline:
    """An ordered chain of input steps and output steps.

    Immutable after construction and safe to share between threads and tasks; every call keeps its
    own state. Sync calls on a pipeline holding async-only stages fail up front, naming them.

    Args:
        input: Steps (or bare stages) for ``check_input``.
        output: Steps (or bare stages) for ``check_output``.
        fail_fast: Stop at the first block.
        name: For logs and audit events.
        settings: Size limits (``max_input_chars``, ``max_output_chars``, applied to the raw
            text before the first step), per-call caps on findings and views, time budgets and
            error exposure; ``PipelineSettings()`` when ``None``. A policy's ``PolicySettings``
            (anything with ``pipeline_settings()``) is converted. See ``PipelineSettings``.
        observers: Callables given every decision after it is made (an ``audit.Auditor``, a
            ``RateLimiter.observe``); their exceptions propagate to the caller.
    """

    __slots__ = (
        "_async_only",
        "fail_fast",
        "input_steps",
        "name",
        "observers",
        "output_steps",
        "settings",
    )

    def __init__(
        self,
        input: Sequence[Step | Any] = (),  # noqa: A002 - mirrors the policy key
        output: Sequence[Step | Any] = (),
        *,
        fail_fast: bool = True,
        name: str = "pipeline",
        settings: PipelineSettings | SettingsSource | None = None,
        observers: Sequence[Callable[[Decision], object]] = (),
    ) -> None:
        self.observers = tuple(observers)
        self.input_steps = _as_steps(input, "input")
        self.output_steps = _as_steps(output, "output")
        self.fail_fast = fail_fast
        self.name = name
        self.settings: PipelineSettings = _settings(settings)
        self._async_only = {
            Direction.INPUT: tuple(s.name for s in self.input_steps if not s.is_sync),
            Direction.OUTPUT: tuple(s.name for s in self.output_steps if not s.is_sync),
        }

    def __repr__(self) -> str:
        ins = [s.name for s in self.input_steps]
        outs = [s.name for s in self.output_steps]
        return f"Pipeline(name={self.name!r}, input={ins!r}, output={outs!r})"

    # -- construction -----------------------------------------------------------------------

    def with_steps(
        self,
        *,
        input: Sequence[Step | Any] | None = None,  # noqa: A002 - mirrors the policy key
        output: Sequence[Step | Any] | None = None,
    ) -> Pipeline:
        """A copy with the input and/or output steps replaced."""
        return Pipeline(
            self.input_steps if input is None else input,
            self.output_steps if output is None else output,
            fail_fast=self.fail_fast,
            name=self.name,
            settings=self.settings,
            observers=self.observers,
        )

    def with_observers(self, *observers: Callable[[Decision], object]) -> Pipeline:
        """A copy that also calls ``observers`` with every decision."""
        return Pipeline(
            self.input_steps,
            self.output_steps,
            fail_fast=self.fail_fast,
            name=self.name,
            settings=self.settings,
            observers=(*self.observers, *observers),
        )

    # -- sync -------------------------------------------------------------------------------

    def warm_up(self) -> Pipeline:
        """Do every stage's one-time work now: load models, build tables, compile patterns.

        Stages do that work on first use so that building a pipeline stays fast; without this
        call the first requests that need it pay for it (the default pipeline compiles about
        2 s of rule pattern variants in all). Calls ``warm_up()`` on each stage that has one, in
        step order; errors propagate (a corrupted weights file raises here, not in a request).
        Returns ``self``, so that ``guard = build_pipeline("default").warm_up()`` reads.
        """
        for step in (*self.input_steps, *self.output_steps):
            warm_up = getattr(step.stage, "warm_up", None)
            if callable(warm_up):
                warm_up()
        return self

    def check_input(self, text: str, ctx: Context | None = None) -> Decision:
        """Check a text on its way into the model.

        A text longer than ``settings.max_input_chars`` is blocked (or truncated, with
        ``settings.oversize``) before any step runs.
        """
        return self._run(self.input_steps, _checked(text), _ctx(ctx, Direction.INPUT))

    def check_output(
        self, text: str, *, prompt: Decision | None = None, ctx: Context | None = None
    ) -> Decision:
        """Check the model's answer.

        ``prompt`` (the input decision) supplies the context and the restorations that unmask
        placeholders. The answer's size limit is ``settings.max_output_chars``.
        """
        return self._run(self.output_steps, _checked(text), _output_ctx(prompt, ctx))

    def _run(self, steps: tuple[Step, ...], text: str, ctx: Context) -> Decision:
        direction = ctx.direction
        if self._async_only[direction]:
            raise ConfigurationError(
                f"{direction.value} steps {list(self._async_only[direction])} are async-only; "
                f"use acheck_{direction.value}()"
            )
        return self._observed(answer_sync(self._decide(steps, text, ctx)))

    def _observed(self, decision: Decision) -> Decision:
        for observe in self.observers:
            observe(decision)
        return decision

    def stream_output(
        self,
        deltas: Iterable[str],
        *,
        prompt: Decision | None = None,
        ctx: Context | None = None,
        batch: int | None = None,
    ) -> GuardedStream:
        """Guard a stream of answer deltas; iterate the result for safe text.

        Text is released once no streaming scanner can still object to it and after the
        rewriting stages (restorers) have run over it. A block closes ``deltas`` and raises
        ``GuardBlocked`` with the decision ``check_output`` gives on the text received so far.
        After exhaustion, ``.decision`` on the returned stream equals ``check_output`` on the
        whole text. ``batch`` (default ``streaming.DEFAULT_BATCH``) is the minimum number of new
        characters before the scanners run. The pipeline's observers receive the final or
        blocking decision (none when the consumer stops early). See ``docs/streaming.md``.
        """
        from genai_guard.streaming import DEFAULT_BATCH, GuardedStream, StreamCore  # noqa: PLC0415

        if self._async_only[Direction.OUTPUT]:
            raise ConfigurationError(
                f"output steps {list(self._async_only[Direction.OUTPUT])} are async-only; "
                "use astream_output()"
            )
        core = StreamCore(
            self.output_steps,
            _output_ctx(prompt, ctx),
            fail_fast=self.fail_fast,
            batch=DEFAULT_BATCH if batch is None else batch,
            settings=self.settings,
        )
        return GuardedStream(core, deltas, observe=self._observed)

    def astream_output(
        self,
        deltas: AsyncIterable[str],
        *,
        prompt: Decision | None = None,
        ctx: Context | None = None,
        batch: int | None = None,
    ) -> AsyncGuardedStream:
        """Async twin of ``stream_output`` over an async iterable; use ``async for``."""
        from genai_guard.streaming import (  # noqa: PLC0415
            DEFAULT_BATCH,
            AsyncGuardedStream,
            StreamCore,
        )

        core = StreamCore(
            self.output_steps,
            _output_ctx(prompt, ctx),
            fail_fast=self.fail_fast,
            batch=DEFAULT_BATCH if batch is None else batch,
            settings=self.settings,
        )
        return AsyncGuardedStream(core, deltas, observe=self._observed)

    # -- async ------------------------------------------------------------------------------

    async def acheck_input(self, text: str, ctx: Context | None = None) -> Decision:
        """Async twin of ``check_input``; sync stages run inline.

        Each async stage is awaited within its step's time budget and what is left of the call's
        (``settings.step_budget_ms``, ``settings.call_budget_ms``); an overrun cancels it and is
        handled by the step's ``on_error``.
        """
        return await self._arun(self.input_steps, _checked(text), _ctx(ctx, Direction.INPUT))

    async def acheck_output(
        self, text: str, *, prompt: Decision | None = None, ctx: Context | None = None
    ) -> Decision:
        """Async twin of ``check_output``."""
        return await self._arun(self.output_steps, _checked(text), _output_ctx(prompt, ctx))

    async def _arun(self, steps: tuple[Step, ...], text: str, ctx: Context) -> Decision:
        return self._observed(await answer_async(self._decide(steps, text, ctx)))

    def _decide(self, steps: tuple[Step, ...], text: str, ctx: Context) -> Decide:
        return decide(
            steps,
            text,
            ctx,
            direction=ctx.direction,
            fail_fast=self.fail_fast,
            settings=self.settings,
        )


class SettingsSource(Protocol):
    """Anything that describes ``PipelineSettings`` (a policy's ``PolicySettings``)."""

    def pipeline_settings(self) -> PipelineSettings:
        """The settings it describes."""
        ...


def _settings(settings: PipelineSettings | SettingsSource | None) -> PipelineSettings:
    if settings is None:
        return DEFAULT_SETTINGS
    if isinstance(settings, PipelineSettings):
        return settings
    convert = getattr(settings, "pipeline_settings", None)
    if not callable(convert):
        raise ConfigurationError(
            f"settings must be PipelineSettings or PolicySettings, not {type(settings).__name__}"
        )
    converted = convert()
    if not isinstance(converted, PipelineSettings):
        raise ConfigurationError("pipeline_settings() must return PipelineSettings")
    return converted


def _checked(text: str) -> str:
    if not isinstance(text, str):
        raise InputError(f"text must be str, got {type(text).__name__}")
    return text


def _ctx(ctx: Context | None, direction: Direction) -> Context:
    if ctx is None:
        return Context(direction=direction)
    return ctx if ctx.direction is direction else replace(ctx, direction=direction)


def _output_ctx(prompt: Decision | None, ctx: Context | None) -> Context:
    base = ctx if ctx is not None else (prompt.context if prompt is not None else None)
    out = _ctx(base, Direction.OUTPUT).evolve(views=())
    if prompt is not None and prompt.restorations:
        merged = dict(out.restorations)
        merged.update(prompt.restorations)
        out = out.evolve(restorations=MappingProxyType(merged))
    return out
