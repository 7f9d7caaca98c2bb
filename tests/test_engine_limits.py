"""Engine limits: the size policy on the raw text (input and output), per-call caps, bounded JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests._stages import KeywordDetector, UpperSanitizer

from genai_guard import (
    Action,
    Category,
    ConfigurationError,
    Context,
    Outcome,
    Pipeline,
    PolicyError,
    Span,
    Step,
    View,
    finding,
)
from genai_guard.pipeline import PipelineSettings
from genai_guard.policy import build_pipeline
from genai_guard.sanitize import UnicodeSanitizer

FLOOD_UNIT = "\U000e0049\u200b"  # a tag character then a zero-width space: both are stripped


@dataclass(frozen=True)
class Counting:
    """Records every text it is called with (to show which texts reach the stages)."""

    name: str
    seen: list[int]

    def check(self, text: str, ctx: Context) -> Outcome:
        self.seen.append(len(text))
        return Outcome()


@dataclass(frozen=True)
class Spray:
    """Returns ``n`` findings of a low score and ``views`` views of ``view_chars`` characters."""

    name: str = "spray"
    n: int = 0
    views: int = 0
    view_chars: int = 1
    default_on_fail = Action.MODIFY

    def check(self, text: str, ctx: Context) -> Outcome:
        hits = tuple(
            finding("test.spray", Category.NORMALIZATION, 0.1, span=Span(i, i + 1))
            for i in range(self.n)
        )
        made = tuple(View("v" * self.view_chars, f"spray{i}") for i in range(self.views))
        return Outcome(findings=hits, views=made)


def _settings(**kw: object) -> PipelineSettings:
    return PipelineSettings(**kw)  # type: ignore[arg-type]


# -- size policy on the raw text -----------------------------------------------------------------


def test_invisible_flood_is_blocked_by_the_default_policy_before_any_step() -> None:
    # 120,000 raw characters that strip to 60,000: ef11b12 measured the stripped text and allowed
    # it as modify with 60,000 views.
    decision = build_pipeline("default").check_input(FLOOD_UNIT * 60_000)
    assert decision.blocked
    assert [r.stage for r in decision.results] == ["limits"]
    assert decision.rule_ids == ("limit.input_chars",)


def test_input_over_the_limit_runs_no_stage() -> None:
    seen: list[int] = []
    pipe = Pipeline([Counting("count", seen)], settings=_settings(max_input_chars=10))
    assert pipe.check_input("x" * 11).blocked
    assert seen == []


def test_input_at_the_limit_is_checked() -> None:
    seen: list[int] = []
    pipe = Pipeline([Counting("count", seen)], settings=_settings(max_input_chars=10))
    assert pipe.check_input("x" * 10).action is Action.ALLOW
    assert seen == [10]


def test_output_has_the_same_size_policy() -> None:
    # ef11b12 had no size limit on answers.
    pipe = Pipeline(output=[UpperSanitizer()], settings=_settings(max_output_chars=10))
    decision = pipe.check_output("y" * 11)
    assert decision.blocked
    assert decision.rule_ids == ("limit.output_chars",)


def test_default_pipeline_blocks_a_huge_answer() -> None:
    assert build_pipeline("default").check_output("1 " * 50_001).blocked


def test_truncate_mode_cuts_the_raw_text_and_checks_the_rest() -> None:
    seen: list[int] = []
    pipe = Pipeline(
        [Counting("count", seen)], settings=_settings(max_input_chars=5, oversize="truncate")
    )
    decision = pipe.check_input("abcdefgh")
    assert (decision.action, decision.text, seen) == (Action.MODIFY, "abcde", [5])


def test_truncate_mode_still_blocks_what_the_kept_part_holds() -> None:
    pipe = Pipeline(
        [KeywordDetector("kw", "evil")],
        settings=_settings(max_input_chars=6, oversize="truncate"),
    )
    assert pipe.check_input("evil and more").blocked


def test_no_limit_when_none() -> None:
    pipe = Pipeline([UpperSanitizer()], settings=_settings(max_input_chars=None))
    assert pipe.check_input("a" * 200_000).action is Action.MODIFY


def test_invalid_limit_is_rejected() -> None:
    with pytest.raises(ConfigurationError, match="max_input_chars"):
        PipelineSettings(max_input_chars=0)


def test_policy_settings_reach_the_pipeline() -> None:
    pipe = build_pipeline({"settings": {"max_output_chars": 7, "oversize": "truncate"}})
    assert pipe.settings == PipelineSettings(max_output_chars=7, oversize="truncate")


def test_bad_policy_setting_is_a_policy_problem() -> None:

    with pytest.raises(PolicyError, match="max_input_chars"):
        build_pipeline({"settings": {"max_input_chars": -1}})


# -- the Unicode flood itself is linear and bounded --------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=3_000),
    unit=st.sampled_from(
        [FLOOD_UNIT, "\U000e0049\u200c\u200d", "\U000e0041 ", "\ufe01\u200b\ufe02x"]
    ),
)
def test_unicode_flood_never_makes_more_views_or_findings_than_its_caps(n: int, unit: str) -> None:
    san = UnicodeSanitizer(max_views=4)
    out = san.check(unit * n, Context())
    assert len(out.views) <= 2 * san.max_views  # two smuggling kinds
    rule_ids = [f.rule_id for f in out.findings]
    assert len(rule_ids) == len(set(rule_ids))  # one finding per kind


def test_unicode_flood_is_one_view_per_run_with_exact_counts() -> None:
    out = UnicodeSanitizer().check(FLOOD_UNIT * 5_000, Context())
    assert [v.text for v in out.views] == ["I" * 5_000]
    zw = next(f for f in out.findings if f.rule_id == "sanitize.zero_width")
    assert zw.metadata["count"] == 5_000


def test_smuggled_runs_past_the_cap_share_the_last_view() -> None:
    tags = "".join(chr(0xE0000 + ord(c)) for c in "hi")
    out = UnicodeSanitizer(max_views=2).check(f"a{tags}b{tags}c{tags}", Context())
    assert [v.text for v in out.views] == ["hi", "hi\nhi"]


# -- per-call caps ---------------------------------------------------------------------------------


def test_findings_are_capped_with_a_finding_that_says_so() -> None:
    pipe = Pipeline([Spray(n=50)], settings=_settings(max_findings=10))
    decision = pipe.check_input("text")
    assert len(decision.result("spray").outcome.findings) == 10  # type: ignore[union-attr]
    capped = next(f for f in decision.findings if f.rule_id == "limit.findings_capped")
    assert capped.metadata["dropped"] == 40


def test_capped_findings_keep_the_most_severe() -> None:
    @dataclass(frozen=True)
    class Mixed:
        name: str = "mixed"

        def check(self, text: str, ctx: Context) -> Outcome:
            low = [finding("test.low", Category.NORMALIZATION, 0.1) for _ in range(5)]
            high = finding("test.high", Category.GOAL_HIJACKING, 0.9)
            return Outcome(findings=(*low, high))

    decision = Pipeline([Mixed()], settings=_settings(max_findings=2)).check_input("t")
    assert "test.high" in decision.rule_ids


def test_a_findings_cap_flags_by_default() -> None:
    pipe = Pipeline([Spray(n=5)], settings=_settings(max_findings=1))
    assert pipe.check_input("text").action is Action.FLAG


def test_findings_cap_action_is_the_policy_action() -> None:
    pipe = Pipeline([Spray(n=5)], settings=_settings(max_findings=1, on_findings_capped="block"))
    assert pipe.check_input("text").action is Action.BLOCK


def test_views_are_capped_by_count() -> None:
    pipe = Pipeline([Spray(views=10)], settings=_settings(max_views=3))
    decision = pipe.check_input("text")
    assert len(decision.views) == 3
    assert "limit.views_capped" in decision.rule_ids
    assert decision.blocked  # on_views_capped defaults to block: dropped views went unchecked


def test_views_are_capped_by_total_size() -> None:
    pipe = Pipeline([Spray(views=10, view_chars=100)], settings=_settings(max_view_chars=250))
    decision = pipe.check_input("text")
    assert sum(len(v.text) for v in decision.views) <= 250


def test_later_stages_see_only_the_capped_views() -> None:
    @dataclass(frozen=True)
    class ViewCounter:
        name: str
        counts: list[int]

        def check(self, text: str, ctx: Context) -> Outcome:
            self.counts.append(len(ctx.views))
            return Outcome()

    counts: list[int] = []
    pipe = Pipeline(
        [Spray(views=9), ViewCounter("after", counts)],
        settings=_settings(max_views=4, on_views_capped="flag"),
    )
    pipe.check_input("text")
    assert counts == [4]


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=400),
    views=st.integers(min_value=0, max_value=100),
    cap=st.integers(min_value=0, max_value=50),
)
def test_a_call_never_keeps_more_than_its_caps(n: int, views: int, cap: int) -> None:
    pipe = Pipeline([Spray(n=n, views=views)], settings=_settings(max_findings=cap, max_views=cap))
    decision = pipe.check_input("text")
    engine_own = sum(1 for f in decision.findings if f.rule_id.startswith("limit."))
    assert len(decision.findings) - engine_own <= cap
    assert len(decision.views) <= cap


# -- bounded JSON ---------------------------------------------------------------------------------


def test_to_dict_is_bounded_for_huge_messages_and_metadata() -> None:
    @dataclass(frozen=True)
    class Loud:
        name: str = "loud"

        def check(self, text: str, ctx: Context) -> Outcome:
            hit = finding(
                "test.loud",
                Category.NORMALIZATION,
                0.1,
                message="m" * 1_000_000,
                metadata={"big": ["x" * 10_000] * 10_000, "deep": [[[[[["x"]]]]]]},
            )
            return Outcome(findings=(hit,))

    size = len(json.dumps(Pipeline([Loud()]).check_input("t").to_dict()))
    assert size < 50_000


def test_to_dict_of_the_flood_is_small() -> None:
    # ef11b12: 182 MB for the 1,000,000-character flood; here the flood is blocked up front.
    decision = build_pipeline("default").check_input(FLOOD_UNIT * 60_000)
    assert len(json.dumps(decision.to_dict())) < 10_000


def test_step_built_with_a_plain_stage_keeps_working_with_settings() -> None:
    pipe = Pipeline([Step(UpperSanitizer())], settings=PipelineSettings())
    assert pipe.check_input("abc").text == "ABC"


@settings(max_examples=50, deadline=None)
@given(
    metadata=st.recursive(
        st.one_of(st.none(), st.integers(), st.text(max_size=2_000)),
        lambda inner: st.one_of(
            st.lists(inner, max_size=40), st.dictionaries(st.text(max_size=30), inner, max_size=40)
        ),
        max_leaves=400,
    ),
)
def test_a_findings_json_form_is_bounded_whatever_its_metadata(metadata: object) -> None:
    hit = finding("test.x", Category.NORMALIZATION, 0.1, metadata={"m": metadata})
    assert len(json.dumps(hit.to_dict())) < 20_000
