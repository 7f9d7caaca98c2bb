"""The stage contract at the engine boundary: whatever a stage returns, ``on_error`` decides."""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_guard import (
    Action,
    Category,
    Context,
    Finding,
    GuardBlocked,
    Outcome,
    Pipeline,
    Span,
    StageError,
    Step,
    View,
    finding,
)
from genai_guard.errors import StageContractError
from genai_guard.policy import build_pipeline


@dataclass(frozen=True)
class Returns:
    """A stage that returns whatever it was built with."""

    value: Any
    name: str = "custom"

    def check(self, text: str, ctx: Context) -> Any:
        return self.value


@dataclass(frozen=True)
class AsyncReturns:
    value: Any
    name: str = "custom"

    async def acheck(self, text: str, ctx: Context) -> Any:
        await asyncio.sleep(0)
        return self.value


def _finding(**changes: Any) -> Finding:
    base: dict[str, Any] = {
        "rule_id": "test.x",
        "category": Category.GOAL_HIJACKING,
        "score": 0.5,
    }
    base.update(changes)
    return Finding(**base)


JUNK: list[tuple[str, Any]] = [
    ("none", None),
    ("str", "allowed"),
    ("dict", {"findings": []}),
    ("list", []),
    ("junk findings", Outcome(findings=("not a finding",))),  # type: ignore[arg-type]
    ("findings not a sequence", Outcome(findings=42)),  # type: ignore[arg-type]
    ("nan score", Outcome(findings=(_finding(score=math.nan),))),
    ("score above one", Outcome(findings=(_finding(score=1.5),))),
    ("negative score", Outcome(findings=(_finding(score=-0.1),))),
    ("str score", Outcome(findings=(_finding(score="0.9"),))),
    ("str category", Outcome(findings=(_finding(category="goal_hijacking"),))),
    ("bad span", Outcome(findings=(_finding(span=(1, 2)),))),
    ("int text", Outcome(text=12345)),  # type: ignore[arg-type]
    ("bad view", Outcome(views=("decoded",))),  # type: ignore[arg-type]
    ("bad restorations", Outcome(restorations={"<X>": 1})),  # type: ignore[dict-item]
]


@pytest.mark.parametrize(("label", "value"), JUNK, ids=[label for label, _ in JUNK])
def test_a_broken_return_value_blocks_by_default(label: str, value: Any) -> None:
    # ef11b12: AttributeError/TypeError escaped, NaN was allowed, text=12345 became modify.
    decision = Pipeline([Returns(value)]).check_input("hello")
    result = decision.result("custom")
    assert result is not None
    assert decision.blocked
    assert isinstance(result.error, StageContractError)


@pytest.mark.parametrize(("label", "value"), JUNK, ids=[label for label, _ in JUNK])
def test_a_broken_return_value_is_allowed_with_on_error_allow(label: str, value: Any) -> None:
    decision = Pipeline([Step(Returns(value), on_error="allow")]).check_input("hello")
    assert decision.action is Action.ALLOW
    assert decision.text == "hello"


def test_a_broken_return_value_raises_stage_error_with_on_error_raise() -> None:
    with pytest.raises(StageError) as info:
        Pipeline([Step(Returns(None), on_error="raise")]).check_input("hello")
    assert isinstance(info.value.__cause__, StageContractError)


def test_an_async_stage_is_held_to_the_same_contract() -> None:
    decision = asyncio.run(Pipeline([AsyncReturns(Outcome(text=12345))]).acheck_input("hi"))  # type: ignore[arg-type]
    assert decision.blocked


def test_a_list_of_findings_is_accepted() -> None:
    hit = finding("test.x", Category.GOAL_HIJACKING, 0.9)
    decision = Pipeline([Returns(Outcome(findings=[hit]))]).check_input("hi")  # type: ignore[arg-type]
    assert decision.findings == (hit,)


def test_a_valid_outcome_passes_unchanged() -> None:
    out = Outcome(
        findings=(finding("test.x", Category.GOAL_HIJACKING, 0.2, span=Span(0, 1)),),
        views=(View("v", "origin"),),
    )
    decision = Pipeline([Returns(out)]).check_input("hi")
    assert decision.result("custom").outcome is out  # type: ignore[union-attr]


def test_the_error_message_names_no_value() -> None:
    decision = Pipeline([Returns("the secret text")]).check_input("hi")
    error = decision.result("custom").error  # type: ignore[union-attr]
    assert "secret" not in str(error)


def test_a_streaming_scanner_is_held_to_the_contract() -> None:
    @dataclass(frozen=True)
    class BadScanning:
        name: str = "scan"

        def check(self, text: str, ctx: Context) -> Outcome:
            return Outcome()

        def open_stream(self, ctx: Context) -> _BadScanner:
            return _BadScanner()

    stream = Pipeline(output=[BadScanning()]).stream_output(iter(["a" * 100]))
    with pytest.raises(GuardBlocked) as info:
        list(stream)
    assert isinstance(info.value.decision.result("scan").error, StageContractError)  # type: ignore[union-attr]


class _BadScanner:
    lookbehind = 0

    def feed(self, delta: str) -> Any:
        return None

    def finish(self) -> Outcome:
        return Outcome()


# -- any junk at all -------------------------------------------------------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.binary(max_size=5),
)
_JUNK_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(), inner)),
    max_leaves=8,
)
_BAD_SCORES = st.one_of(
    st.floats().filter(lambda x: not 0.0 <= x <= 1.0),
    st.text(max_size=3),
    st.none(),
)
_BAD_OUTCOMES = st.one_of(
    st.builds(Outcome, findings=st.lists(_JUNK_VALUES, min_size=1).map(tuple)),
    st.builds(Outcome, text=st.one_of(st.integers(), st.binary(), st.floats(), st.lists(_SCALARS))),
    st.builds(Outcome, findings=_BAD_SCORES.map(lambda s: (_finding(score=s),))),
    st.builds(Outcome, views=st.lists(_JUNK_VALUES, min_size=1).map(tuple)),
)


@settings(max_examples=200, deadline=None)
@given(value=st.one_of(_JUNK_VALUES, _BAD_OUTCOMES), on_error=st.sampled_from(["block", "allow"]))
def test_any_junk_is_a_stage_error_handled_by_on_error(value: Any, on_error: str) -> None:
    decision = Pipeline([Step(Returns(value), on_error=on_error)]).check_input("hi")  # type: ignore[arg-type]
    result = decision.result("custom")
    assert result is not None
    assert isinstance(result.error, StageContractError)
    assert decision.action is (Action.BLOCK if on_error == "block" else Action.ALLOW)


def test_error_messages_are_reduced_to_the_type_by_default() -> None:
    @dataclass(frozen=True)
    class Leaky:
        name: str = "leaky"

        def check(self, text: str, ctx: Context) -> Outcome:
            raise RuntimeError(f"could not parse {text!r}")

    out = Pipeline([Leaky()]).check_input("my password is hunter2").to_dict()
    assert out["results"][0]["error"] == "RuntimeError"


def test_error_messages_are_shown_when_the_policy_opts_in() -> None:

    @dataclass(frozen=True)
    class Leaky:
        name: str = "leaky"

        def check(self, text: str, ctx: Context) -> Outcome:
            raise RuntimeError("details")

    base = build_pipeline({"settings": {"expose_errors": True}})
    out = base.with_steps(input=[Leaky()]).check_input("x").to_dict()
    assert out["results"][0]["error"] == "RuntimeError: details"
