"""Streaming driver: equivalence with whole-text checks, hold-back, early block, closing."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_guard import (
    Action,
    Category,
    ConfigurationError,
    Context,
    Decision,
    GuardBlocked,
    Outcome,
    Pipeline,
    Span,
    StageError,
    Step,
    finding,
)
from genai_guard.pipeline import PipelineSettings

# -- toy stages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeywordValidator:
    """Finds every occurrence of a keyword; streams with lookbehind len(keyword) - 1."""

    name: str
    keyword: str

    def check(self, text: str, ctx: Context) -> Outcome:
        return Outcome(findings=tuple(self._hits(text, 0)))

    def _hits(self, text: str, start: int) -> list[object]:
        out = []
        i = text.find(self.keyword, start)
        while i >= 0:
            out.append(
                finding(
                    "output.toy",
                    Category.OUTPUT_POLICY,
                    1.0,
                    span=Span(i, i + len(self.keyword)),
                    message="keyword",
                )
            )
            i = text.find(self.keyword, i + 1)
        return out

    def open_stream(self, ctx: Context) -> _KeywordScanner:
        return _KeywordScanner(self)


class _KeywordScanner:
    def __init__(self, stage: KeywordValidator) -> None:
        self.stage = stage
        self.text = ""
        self.next_start = 0
        self.seen = 0

    @property
    def lookbehind(self) -> int:
        return len(self.stage.keyword) - 1

    def feed(self, delta: str) -> Outcome:
        self.seen += len(delta)
        self.text += delta
        hits = self.stage._hits(self.text, self.next_start)
        self.next_start = max(self.next_start, len(self.text) - len(self.stage.keyword) + 1)
        if hits:
            self.next_start = max(self.next_start, hits[-1].span.start + 1)  # type: ignore[attr-defined]
        return Outcome(findings=tuple(hits))  # type: ignore[arg-type]

    def finish(self) -> Outcome:
        return Outcome()


@dataclass(frozen=True)
class UpperMarkerRestorer:
    """Toy restorer: rewrites the marker ``<x>`` to ``<X>``; streams holding back a partial one."""

    name: str = "restore"
    default_on_fail = Action.MODIFY

    def check(self, text: str, ctx: Context) -> Outcome:
        return Outcome(text=text.replace("<x>", "<X>")) if "<x>" in text else Outcome()

    def open_rewriter(self, ctx: Context) -> _MarkerRewriter:
        return _MarkerRewriter()


class _MarkerRewriter:
    def __init__(self) -> None:
        self.held = ""

    def feed(self, released: str) -> str:
        text = (self.held + released).replace("<x>", "<X>")
        keep = 0
        for k in (2, 1):
            if text.endswith("<x"[:k]):
                keep = k
                break
        self.held = text[len(text) - keep :] if keep else ""
        return text[: len(text) - keep]

    def finish(self) -> str:
        out, self.held = self.held, ""
        return out


@dataclass(frozen=True)
class WholeTextValidator:
    """A check-only stage (no streaming form)."""

    name: str = "whole"

    def check(self, text: str, ctx: Context) -> Outcome:
        if "zz" in text:
            return Outcome(findings=(finding("output.whole", Category.OUTPUT_POLICY, 1.0),))
        return Outcome()


class Upstream:
    """A closeable iterator of deltas that records how much was consumed."""

    def __init__(self, deltas: list[str]) -> None:
        self.deltas = deltas
        self.i = 0
        self.closed = False

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.closed or self.i >= len(self.deltas):
            raise StopIteration
        self.i += 1
        return self.deltas[self.i - 1]

    def close(self) -> None:
        self.closed = True

    @property
    def received(self) -> str:
        return "".join(self.deltas[: self.i])


class AUpstream(Upstream):
    def __aiter__(self) -> AsyncIterator[str]:
        return self

    async def __anext__(self) -> str:
        if self.closed or self.i >= len(self.deltas):
            raise StopAsyncIteration
        self.i += 1
        return self.deltas[self.i - 1]

    async def aclose(self) -> None:
        self.closed = True


def _pipeline(*extra: Step) -> Pipeline:
    return Pipeline(
        output=[
            Step(KeywordValidator("evil", "EVIL")),
            Step(KeywordValidator("meh", "MEH"), on_fail="flag"),
            *extra,
            Step(UpperMarkerRestorer()),
        ]
    )


def _chunk(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c % (len(text) + 1) for c in cuts} | {0, len(text)})
    return [text[a:b] for a, b in itertools.pairwise(points)]


def _same(a: Decision, b: Decision) -> None:
    assert a.action is b.action
    assert a.text == b.text
    assert [(r.stage, r.action) for r in a.results] == [(r.stage, r.action) for r in b.results]
    assert a.findings == b.findings


def _stream(p: Pipeline, deltas: list[str], batch: int) -> tuple[str, Decision, Upstream, bool]:
    up = Upstream(deltas)
    s = p.stream_output(up, batch=batch)
    got, error = _drain(s)
    if error is not None:
        assert s.decision is error.decision
        return "".join(got), error.decision, up, True
    assert s.decision is not None
    return "".join(got), s.decision, up, False


def _drain(stream: Iterator[str]) -> tuple[list[str], GuardBlocked | None]:
    got: list[str] = []
    while True:
        try:
            got.append(next(stream))
        except StopIteration:
            return got, None
        except GuardBlocked as e:
            return got, e


async def _astream(
    p: Pipeline, deltas: list[str], batch: int
) -> tuple[str, Decision, AUpstream, bool]:
    up = AUpstream(deltas)
    s = p.astream_output(up, batch=batch)
    got: list[str] = []
    while True:
        try:
            got.append(await anext(s))
        except StopAsyncIteration:
            break
        except GuardBlocked as e:
            return "".join(got), e.decision, up, True
    assert s.decision is not None
    return "".join(got), s.decision, up, False


TOKENS = ["EVIL", "MEH", "<x>", "zz", "ab", " ", "E", "VI", "L", "<", "x", ">", "M", "z"]
TEXTS = st.lists(st.sampled_from(TOKENS), max_size=30).map("".join)
CUTS = st.lists(st.integers(min_value=0, max_value=200), max_size=30)
BATCH = st.integers(min_value=1, max_value=12)


# -- properties ------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(text=TEXTS, cuts=CUTS, batch=BATCH)
def test_streamed_decision_equals_whole_text_decision(
    text: str, cuts: list[int], batch: int
) -> None:
    p = _pipeline()
    released, decision, up, blocked = _stream(p, _chunk(text, cuts), batch)
    whole = p.check_output(text)
    assert blocked is whole.blocked
    if blocked:
        _same(decision, p.check_output(up.received))
        assert up.closed
        first = min(f.span.start for f in decision.findings if f.rule_id == "output.toy" and f.span)
        assert len(released) <= first
        assert text.replace("<x>", "<X>").startswith(released)
    else:
        _same(decision, whole)
        assert released == whole.text


@settings(max_examples=100, deadline=None)
@given(text=TEXTS, cuts=CUTS, batch=BATCH)
def test_whole_text_mode_equals_whole_text_decision(text: str, cuts: list[int], batch: int) -> None:
    p = _pipeline(Step(WholeTextValidator()))
    released, decision, _, blocked = _stream(p, _chunk(text, cuts), batch)
    whole = p.check_output(text)
    assert blocked is whole.blocked
    if blocked:
        assert released == ""
        assert decision.blocked
    else:
        _same(decision, whole)
        assert released == whole.text


@settings(max_examples=100, deadline=None)
@given(text=TEXTS, cuts=CUTS, batch=BATCH)
def test_async_stream_equals_sync_stream(text: str, cuts: list[int], batch: int) -> None:
    p = _pipeline()
    deltas = _chunk(text, cuts)
    s_text, s_dec, s_up, s_blocked = _stream(p, deltas, batch)
    a_text, a_dec, a_up, a_blocked = asyncio.run(_astream(p, deltas, batch))
    assert (a_text, a_blocked, a_up.closed, a_up.i) == (s_text, s_blocked, s_up.closed, s_up.i)
    _same(a_dec, s_dec)


# -- examples --------------------------------------------------------------------------------


def test_block_is_raised_before_the_keyword_is_released() -> None:
    p = _pipeline()
    up = Upstream(["safe text ", "and then E", "VI", "L and more", " text"])
    got, error = _drain(p.stream_output(up, batch=1))
    assert error is not None
    assert "E" not in "".join(got)
    assert up.closed
    assert error.decision.rule_ids == ("output.toy",)


def test_text_is_released_before_the_end_of_the_stream() -> None:
    p = _pipeline()
    up = Upstream(["a" * 10] * 5)
    stream = p.stream_output(up, batch=1)
    first = next(stream)
    assert first == "a" * 7
    assert up.i == 1


def test_marker_split_across_chunks_is_restored() -> None:
    p = _pipeline()
    released, decision, _, _ = _stream(p, ["hi <", "x", "> there"], 1)
    assert released == "hi <X> there"
    assert decision.action is Action.MODIFY


def test_flag_step_does_not_stop_the_stream() -> None:
    p = _pipeline()
    released, decision, up, blocked = _stream(p, ["a MEH b"], 1)
    assert (released, blocked, up.closed) == ("a MEH b", False, False)
    assert decision.action is Action.FLAG


def test_whole_text_stage_holds_back_everything() -> None:
    p = _pipeline(Step(WholeTextValidator()))
    stream = p.stream_output(["abc "] * 10, batch=1)
    assert next(stream) == "abc " * 10


def test_closing_the_guarded_stream_closes_the_upstream() -> None:
    up = Upstream(["a" * 100] * 3)
    with _pipeline().stream_output(up) as stream:
        next(stream)
    assert up.closed


def test_scanner_exception_blocks_and_is_recorded() -> None:
    class Broken(KeywordValidator):
        def open_stream(self, ctx: Context) -> _KeywordScanner:
            scanner = _KeywordScanner(self)
            scanner.feed = lambda delta: 1 / 0  # type: ignore[assignment,method-assign,misc,return-value]
            return scanner

        def check(self, text: str, ctx: Context) -> Outcome:
            raise ZeroDivisionError

    p = Pipeline(output=[Broken("broken", "X")])
    with pytest.raises(GuardBlocked) as info:
        list(p.stream_output(["abc"], batch=1))
    assert info.value.decision.results[0].error is not None


class _BrokenScanning(KeywordValidator):
    """A stage whose scanner and check both raise."""

    def open_stream(self, ctx: Context) -> _KeywordScanner:
        scanner = _KeywordScanner(self)
        scanner.feed = lambda delta: 1 / 0  # type: ignore[assignment,method-assign,misc,return-value]
        return scanner

    def check(self, text: str, ctx: Context) -> Outcome:
        raise ZeroDivisionError


def test_scanner_exception_with_on_error_allow_streams_as_check_output_decides() -> None:
    p = Pipeline(output=[Step(_BrokenScanning("broken", "X"), on_error="allow")])
    s = p.stream_output(["abc"], batch=1)
    assert "".join(s) == "abc"
    assert s.decision is not None
    _same(s.decision, p.check_output("abc"))


def test_scanner_exception_with_on_error_raise_raises_stage_error() -> None:
    p = Pipeline(output=[Step(_BrokenScanning("broken", "X"), on_error="raise")])
    with pytest.raises(StageError):
        list(p.stream_output(["abc"], batch=1))


def test_async_only_steps_need_astream_output() -> None:
    class AsyncOnly:
        name = "remote"

        async def acheck(self, text: str, ctx: Context) -> Outcome:
            return Outcome()

    p = Pipeline(output=[AsyncOnly()])
    with pytest.raises(ConfigurationError):
        p.stream_output(["a"])


def test_async_whole_text_stage_runs_at_the_end_of_an_async_stream() -> None:
    class AsyncBlocker:
        name = "remote"

        async def acheck(self, text: str, ctx: Context) -> Outcome:
            hit = "zz" in text
            return Outcome(
                findings=(finding("output.r", Category.OUTPUT_POLICY, 1.0),) if hit else ()
            )

    p = Pipeline(output=[AsyncBlocker()])
    released, decision, up, blocked = asyncio.run(_astream(p, ["a", "z", "z", "b"], 1))
    assert (released, blocked, up.closed) == ("", True, True)
    assert decision.rule_ids == ("output.r",)


def test_decision_is_none_while_streaming() -> None:
    stream = _pipeline().stream_output(["a" * 200, "b" * 200], batch=1)
    next(stream)
    assert stream.decision is None


def test_async_close_closes_the_upstream() -> None:
    async def main() -> bool:
        up = AUpstream(["a" * 300] * 3)
        async with _pipeline().astream_output(up, batch=1) as stream:
            await anext(stream)
        return up.closed

    assert asyncio.run(main())


class VendorStream:
    """Like a vendor SDK stream: ``__iter__`` returns a generator, ``close()`` ends the response."""

    def __init__(self, deltas: list[str]) -> None:
        self.deltas = deltas
        self.closed = False

    def __iter__(self) -> Iterator[str]:
        yield from self.deltas

    def close(self) -> None:
        self.closed = True


def test_block_closes_a_vendor_stream_object() -> None:
    vendor = VendorStream(["hello ", "EVIL", " more"])
    _, error = _drain(_pipeline().stream_output(vendor, batch=1))
    assert error is not None
    assert vendor.closed


# -- the answer's size limit while streaming ------------------------------------------------------


def _capped(cap: int, oversize: str) -> Pipeline:
    settings = PipelineSettings(max_output_chars=cap, oversize=oversize)  # type: ignore[arg-type]
    return Pipeline(output=_pipeline().output_steps, settings=settings)


def test_a_stream_over_the_limit_is_blocked_and_the_upstream_closed() -> None:
    # ef11b12: answers had no size limit, streamed or not.
    up = Upstream(["ab" * 10] * 1_000)
    got, error = _drain(_capped(50, "block").stream_output(up, batch=4))
    assert error is not None
    assert error.decision.rule_ids == ("limit.output_chars",)
    assert up.closed
    assert up.i == 3  # nothing read past the delta that crossed the limit
    assert len("".join(got)) <= 50


def test_a_stream_in_truncate_mode_stops_at_the_limit() -> None:
    up = Upstream(["ab" * 10] * 1_000)
    released, decision, _, blocked = _stream(_capped(50, "truncate"), up.deltas, 4)
    assert not blocked
    assert released == ("ab" * 25)
    assert decision.action is Action.MODIFY


def test_a_truncated_stream_reads_no_further() -> None:
    up = Upstream(["ab" * 10] * 1_000)
    list(_capped(50, "truncate").stream_output(up, batch=4))
    assert up.closed
    assert up.i == 3


@settings(max_examples=200, deadline=None)
@given(
    text=TEXTS,
    cuts=CUTS,
    batch=BATCH,
    cap=st.integers(min_value=1, max_value=60),
    oversize=st.sampled_from(["block", "truncate"]),
)
def test_a_capped_stream_equals_the_capped_whole_text_check(
    text: str, cuts: list[int], batch: int, cap: int, oversize: str
) -> None:
    p = _capped(cap, oversize)
    released, decision, up, blocked = _stream(p, _chunk(text, cuts), batch)
    whole = p.check_output(text)
    assert blocked is whole.blocked
    if blocked:
        _same(decision, p.check_output(up.received))
    else:
        _same(decision, whole)
        assert released == whole.text


@settings(max_examples=60, deadline=None)
@given(
    text=TEXTS,
    cuts=CUTS,
    batch=BATCH,
    cap=st.integers(min_value=1, max_value=60),
    oversize=st.sampled_from(["block", "truncate"]),
)
def test_a_capped_async_stream_equals_the_sync_stream(
    text: str, cuts: list[int], batch: int, cap: int, oversize: str
) -> None:
    p = _capped(cap, oversize)
    sync = _stream(p, _chunk(text, cuts), batch)
    released, decision, _, blocked = asyncio.run(_astream(p, _chunk(text, cuts), batch))
    assert (released, blocked) == (sync[0], sync[3])
    _same(decision, sync[1])
