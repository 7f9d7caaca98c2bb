"""Streaming validation of a model's answer: a hold-back buffer and thin sync and async drivers.

How it works (see ``docs/streaming.md``):

* Every output step whose stage is a ``StreamingStage`` gets a fresh ``StreamScanner``; each scanner
  is fed every character exactly once (linear total work). The driver feeds scanners in batches of
  at least ``batch`` characters to keep the per-delta cost small.
* Text is released only when no scanner can still object to it: the driver holds back the largest
  ``lookbehind`` of the live scanners. Released text passes through every ``RewritingStage``'s
  ``StreamRewriter`` in step order (a PII restorer) before it is yielded.
* A finding that makes its step block stops the stream: the upstream iterator is closed and
  ``GuardBlocked`` is raised with the decision ``check_output`` gives on the text received so far.
* Steps with no streaming form (``check`` only) run once on the whole text at the end. If such a
  step can block or rewrite the text, or a scanning step follows a rewriting one, nothing can be
  released early and the stream holds back everything until the end ("whole-text mode").
* When the stream ends, the final ``Decision`` equals ``check_output`` on the whole text and is
  exposed as ``.decision`` on the stream object.
* The pipeline's ``max_output_chars`` holds while the answer streams: the delta that crosses it
  blocks the stream (``oversize: block``) or is cut at the limit, after which the upstream is
  closed and the stream ends (``oversize: truncate``), as ``check_output`` would decide.

The stream logic is written once, sans I/O, in ``StreamCore`` and the engine's ``decide`` loop; the
drivers ``GuardedStream`` and ``AsyncGuardedStream`` only move deltas and call stages. This module
does not import ``pipeline``: steps are accepted structurally.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, NoReturn

from genai_guard._engine import (
    DEFAULT_SETTINGS,
    Decide,
    PipelineSettings,
    Run,
    StepLike,
    answer_async,
    answer_sync,
    check_outcome,
    decide,
    error_action,
)
from genai_guard._results import Action, Decision, Direction, Outcome, StageResult
from genai_guard.context import Context
from genai_guard.errors import ConfigurationError, GuardBlocked
from genai_guard.protocols import RewritingStage, StreamingStage, StreamRewriter, StreamScanner

__all__ = ["DEFAULT_BATCH", "AsyncGuardedStream", "GuardedStream", "StreamCore"]

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 64
"""Default minimum number of unscanned characters before the scanners run (latency vs cost)."""

_DIRECTION = Direction.OUTPUT


def _is_streaming(stage: Any) -> bool:
    """A stage scans streams unless it opts out with ``streamable = False`` (a rewrite mode)."""
    return isinstance(stage, StreamingStage) and bool(getattr(stage, "streamable", True))


class StreamCore:
    """Sans-I/O state of one guarded stream. Not thread-safe; one per stream.

    The drivers call ``push(delta)`` for each delta and release what it returns; a scanner block
    makes ``push`` return ``None`` and leaves a ``Decide`` generator in ``pending`` for the driver
    to answer (sync or async) and pass to ``blocked``. At the end, ``end()`` returns the generator
    of the final decision and ``release_final(decision)`` the text still held back.

    Args:
        steps: The pipeline's output steps, in order.
        ctx: The output context (system prompt, canaries, restorations).
        fail_fast: The pipeline's ``fail_fast``.
        batch: Minimum number of unscanned characters before the scanners run.
        settings: The pipeline's settings (size limit, caps, budgets).
    """

    __slots__ = (
        "_batch",
        "_blocked",
        "_chunks",
        "_ctx",
        "_cut",
        "_elapsed",
        "_errors",
        "_fail_fast",
        "_fed",
        "_findings",
        "_held",
        "_hold_all",
        "_pending_len",
        "_pieces",
        "_received",
        "_released",
        "_rewriters",
        "_scanners",
        "_settings",
        "_steps",
        "_tail",
    )

    def __init__(
        self,
        steps: tuple[StepLike, ...],
        ctx: Context,
        *,
        fail_fast: bool,
        batch: int = DEFAULT_BATCH,
        settings: PipelineSettings = DEFAULT_SETTINGS,
    ) -> None:
        if batch < 1:
            raise ConfigurationError(f"batch must be >= 1, got {batch!r}")
        self._settings = settings
        self._received = 0
        self._cut = False
        self._steps = steps
        self._ctx = ctx
        self._fail_fast = fail_fast
        self._batch = batch
        self._chunks: list[str] = []  # received but not yet scanned
        self._pending_len = 0
        self._pieces: list[str] = []  # all scanned text, joined only for a decision
        self._held = ""  # scanned text not yet released (from offset _released on)
        self._fed = 0
        self._released = 0
        self._findings: dict[str, list[Any]] = {}
        self._errors: dict[str, Exception] = {}
        self._elapsed: dict[str, int] = {}
        self._scanners: list[tuple[StepLike, StreamScanner]] = []
        self._rewriters: list[StreamRewriter] = []
        self._hold_all = False
        self._tail = ""
        self._blocked = False
        seen_rewriter = False
        for step in steps:
            stage = step.stage
            if isinstance(stage, RewritingStage):
                seen_rewriter = True
                self._rewriters.append(stage.open_rewriter(ctx))
            elif _is_streaming(stage):
                if seen_rewriter:
                    self._hold_all = True  # it must see rewritten text: only whole-text works
                self._scanners.append((step, stage.open_stream(ctx)))
                self._findings[step.name] = []
            elif step.on_fail in (Action.BLOCK, Action.MODIFY) or step.on_error != "allow":
                self._hold_all = True
        if self._hold_all:
            # Whole-text mode: the end decision runs every stage on the whole text, so the
            # scanners only serve to block early; the rewriters are not used.
            self._rewriters = []
            logger.debug("stream in whole-text mode: a step has no streaming form")

    @property
    def hold_all(self) -> bool:
        """True when nothing is released before the end (whole-text mode)."""
        return self._hold_all

    @property
    def cut(self) -> bool:
        """True once the answer reached ``max_output_chars`` in truncate mode (read no more)."""
        return self._cut

    @property
    def pending_block(self) -> bool:
        """True once a scanner has blocked (the driver then raises ``GuardBlocked``)."""
        return self._blocked

    def push(self, delta: str) -> str | Decide:
        """Take one delta; return the text to release now, or a block's decision generator."""
        if not isinstance(delta, str):
            raise TypeError(f"stream deltas must be str, got {type(delta).__name__}")
        if not delta or self._cut:
            return ""
        cap = self._settings.max_output_chars
        if cap is not None and self._received + len(delta) > cap:
            if self._settings.oversize == "block":
                # Over the limit: check_output would block this text without running a stage.
                self._chunks.append(delta)
                self._pieces.append("".join(self._chunks))
                self._chunks.clear()
                self._pending_len = 0
                self._blocked = True
                return self._block_decision()
            delta = delta[: cap - self._received]
            self._cut = True
            if not delta:
                return ""
        self._received += len(delta)
        self._chunks.append(delta)
        self._pending_len += len(delta)
        if self._pending_len < self._batch:
            return ""
        return self._scan(final=False)

    def _scan(self, *, final: bool) -> str | Decide:
        piece = "".join(self._chunks)
        self._chunks.clear()
        self._pending_len = 0
        if piece:
            self._pieces.append(piece)
            self._held += piece
            self._fed += len(piece)
        clock = time.perf_counter_ns
        hold = 0
        blocked = False
        for entry in list(self._scanners):
            step, scanner = entry
            start = clock()
            try:
                reply = scanner.finish() if final else scanner.feed(piece)
                outcome = check_outcome(step.name, reply)
            except Exception as exc:  # noqa: BLE001 - handed to on_error, recorded in the result
                self._elapsed[step.name] = self._elapsed.get(step.name, 0) + clock() - start
                action = error_action(step.name, exc, step.on_error)
                self._errors[step.name] = exc
                self._scanners.remove(entry)
                if action is Action.BLOCK:
                    blocked = True
                continue
            self._elapsed[step.name] = self._elapsed.get(step.name, 0) + clock() - start
            if outcome.findings:
                self._findings[step.name].extend(outcome.findings)
                if step.action_for(outcome) is Action.BLOCK:
                    blocked = True
            if not final:
                hold = max(hold, scanner.lookbehind)
        if blocked:
            self._blocked = True
            return self._block_decision()
        if final or self._hold_all:
            return ""
        safe = self._fed - hold
        if safe <= self._released:
            return ""
        cut = safe - self._released
        out = self._held[:cut]
        self._held = self._held[cut:]
        self._released = safe
        return self._rewrite(out)

    def _joined(self) -> str:
        """All text received so far (joined once, then kept joined)."""
        if len(self._pieces) > 1:
            self._pieces[:] = ["".join(self._pieces)]
        return self._pieces[0] if self._pieces else ""

    def _rewrite(self, text: str) -> str:
        for rewriter in self._rewriters:
            text = rewriter.feed(text)
        return text

    def _block_decision(self) -> Decide:
        """The decision of ``check_output`` on all text received so far (every stage rerun)."""
        return decide(
            self._steps,
            self._joined(),
            self._ctx,
            direction=_DIRECTION,
            fail_fast=self._fail_fast,
            settings=self._settings,
            cut=self._cut,
        )

    def scanner_decision(self) -> Decision:
        """A decision built from the scanners' findings alone (fallback for ``blocked``)."""
        known = {name: Outcome(findings=tuple(fs)) for name, fs in self._findings.items()}
        run = Run(self._joined(), self._ctx, self._settings)
        for step, _ in self._scanners:
            outcome = known[step.name]
            run.record(StageResult(step.name, step.action_for(outcome), outcome, 0))
        for name, exc in self._errors.items():
            step = next(s for s in self._steps if s.name == name)
            run.record_error(name, exc, 0, step.on_error)
        return run.decision(_DIRECTION)

    def blocked(self, decision: Decision) -> GuardBlocked:
        """The error to raise for a mid-stream block, given the answered decision."""
        if not decision.blocked:
            # The stage's check disagrees with its scanner; fail closed on the scanner's view.
            logger.warning("streaming scanner blocked but whole-text check did not")
            decision = self.scanner_decision()
        return GuardBlocked(decision)

    def end(self) -> Decide:
        """The upstream is exhausted: scan the rest, finish scanners, return the final decision.

        The returned generator asks the driver for the outcomes of steps without a streaming form.
        """
        result = self._scan(final=False) if self._pending_len else ""
        if not isinstance(result, str):
            return result
        # Text released by that last scan waits here; release_final sends it with the rest.
        self._tail = result
        result = self._scan(final=True)
        if not isinstance(result, str):
            return result
        known = {name: Outcome(findings=tuple(fs)) for name, fs in self._findings.items()}
        return decide(
            self._steps,
            self._joined(),
            self._ctx,
            direction=_DIRECTION,
            fail_fast=self._fail_fast,
            settings=self._settings,
            cut=self._cut,
            known=known,
            errors=self._errors,
            elapsed=self._elapsed,
        )

    def release_final(self, decision: Decision) -> str:
        """Everything still held back, once the final decision allows it."""
        if decision.blocked:
            raise GuardBlocked(decision)
        if self._hold_all:
            return decision.text
        head = self._tail
        rest = self._rewrite(self._held) if self._held else ""
        self._held = ""
        self._released = self._fed
        out = [head, rest]
        for i, rewriter in enumerate(self._rewriters):
            tail = rewriter.finish()
            for later in self._rewriters[i + 1 :]:
                tail = later.feed(tail)
            out.append(tail)
        return "".join(out)


class _Settles:
    """The decision of a guarded stream, handed to the pipeline's observers once it is known."""

    decision: Decision | None
    _observe: Callable[[Decision], object] | None

    def _settle(self, decision: Decision) -> None:
        """Record the stream's decision and hand it to the pipeline's observers."""
        self.decision = decision
        if self._observe is not None:
            self._observe(decision)


class GuardedStream(_Settles, Iterator[str]):
    """A guarded sync stream of safe text; iterate it like the upstream.

    After the stream is exhausted, ``decision`` holds the final ``Decision`` (equal to
    ``check_output`` on the whole text); after a block it holds the blocking decision and
    ``GuardBlocked`` was raised. ``close()`` (or leaving a ``with`` block) closes the upstream.
    Not thread-safe: one consumer per stream.

    Build it with ``Pipeline.stream_output``.
    """

    def __init__(
        self,
        core: StreamCore,
        deltas: Iterable[str],
        *,
        observe: Callable[[Decision], object] | None = None,
    ) -> None:
        self._core = core
        self._observe = observe
        self._upstream = deltas
        self._it = iter(deltas)
        self._done = False
        self.decision: Decision | None = None

    def __iter__(self) -> GuardedStream:
        return self

    def __next__(self) -> str:
        while not self._done:
            try:
                delta = next(self._it)
            except StopIteration:
                self._done = True
                return self._end()
            out = self._core.push(delta)
            if not isinstance(out, str):
                self._block(out)
            if self._core.cut:  # the answer reached its size limit: read no more
                self.close()
                out += self._finish()
            if out:
                return out
        raise StopIteration

    def _block(self, gen: Decide) -> NoReturn:
        self._done = True
        self.close()
        error = self._core.blocked(answer_sync(gen))
        self._settle(error.decision)
        raise error

    def _end(self) -> str:
        out = self._finish()
        if not out:
            raise StopIteration
        return out

    def _finish(self) -> str:
        gen = self._core.end()
        decision = answer_sync(gen)
        if not decision.blocked and self._core.pending_block:
            decision = self._core.blocked(decision).decision
        self._settle(decision)
        if decision.blocked:
            self.close()
        return self._core.release_final(decision)

    def close(self) -> None:
        """Stop the stream; close the upstream iterator and the upstream object (``close()``).

        Both are closed when they differ: a vendor stream object may hand out a generator from
        ``__iter__`` while its own ``close()`` releases the connection.
        """
        self._done = True
        sources = (self._it,) if self._it is self._upstream else (self._it, self._upstream)
        for source in sources:
            closer = getattr(source, "close", None)
            if callable(closer):
                closer()

    def __enter__(self) -> GuardedStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncGuardedStream(_Settles, AsyncIterator[str]):
    """Async twin of ``GuardedStream`` over an async iterable of deltas.

    ``decision`` is set after exhaustion or a block; ``aclose()`` (or ``async with``) closes the
    upstream. Build it with ``Pipeline.astream_output``. Not safe to share between tasks.
    """

    def __init__(
        self,
        core: StreamCore,
        deltas: AsyncIterable[str],
        *,
        observe: Callable[[Decision], object] | None = None,
    ) -> None:
        self._core = core
        self._observe = observe
        self._upstream = deltas
        self._it = aiter(deltas)
        self._done = False
        self.decision: Decision | None = None

    def __aiter__(self) -> AsyncGuardedStream:
        return self

    async def __anext__(self) -> str:
        while not self._done:
            try:
                delta = await anext(self._it)
            except StopAsyncIteration:
                self._done = True
                return await self._end()
            out = self._core.push(delta)
            if not isinstance(out, str):
                await self._block(out)
            if self._core.cut:  # the answer reached its size limit: read no more
                await self.aclose()
                out += await self._finish()
            if out:
                return out
        raise StopAsyncIteration

    async def _block(self, gen: Decide) -> NoReturn:
        self._done = True
        await self.aclose()
        error = self._core.blocked(await answer_async(gen))
        self._settle(error.decision)
        raise error

    async def _end(self) -> str:
        out = await self._finish()
        if not out:
            raise StopAsyncIteration
        return out

    async def _finish(self) -> str:
        gen = self._core.end()
        decision = await answer_async(gen)
        if not decision.blocked and self._core.pending_block:
            decision = self._core.blocked(decision).decision
        self._settle(decision)
        if decision.blocked:
            await self.aclose()
        return self._core.release_final(decision)

    async def aclose(self) -> None:
        """Stop the stream; close the upstream iterator and object (``aclose()`` or ``close()``).

        A ``close`` that returns an awaitable is awaited (vendor async streams).
        """
        self._done = True
        sources = (self._it,) if self._it is self._upstream else (self._it, self._upstream)
        for source in sources:
            closer = getattr(source, "aclose", None) or getattr(source, "close", None)
            if callable(closer):
                result = closer()
                if inspect.isawaitable(result):
                    await result

    async def __aenter__(self) -> AsyncGuardedStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
