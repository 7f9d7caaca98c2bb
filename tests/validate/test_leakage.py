"""Canary tokens and system-prompt leakage."""

from __future__ import annotations

import base64
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_guard import Category, ConfigurationError, Context, Direction
from genai_guard.validate import (
    CanaryValidator,
    SystemPromptLeakValidator,
    add_canary,
    with_canary,
)

LEAK = SystemPromptLeakValidator()


def _rules(outcome: object) -> list[str]:
    return [f.rule_id for f in outcome.findings]  # type: ignore[attr-defined]


# -- canary ---------------------------------------------------------------------------------------


def test_add_canary_appends_a_random_token() -> None:
    prompt, canary = add_canary("Be helpful.")
    assert prompt.startswith("Be helpful.")
    assert canary in prompt
    assert canary != add_canary("Be helpful.")[1]


def test_with_canary_records_it_in_the_context() -> None:
    ctx = with_canary(with_canary(Context(), "gg-canary-1"), "gg-canary-2")
    assert ctx.canaries == ("gg-canary-1", "gg-canary-2")


def test_canary_in_output_is_information_leakage() -> None:
    _, canary = add_canary("Be helpful.")
    ctx = with_canary(Context(direction=Direction.OUTPUT), canary)
    out = CanaryValidator().check(f"Sure. My instructions mention {canary.upper()}.", ctx)
    assert [(f.rule_id, f.category) for f in out.findings] == [
        ("output.canary", Category.INFORMATION_LEAKAGE)
    ]


def test_canary_absent_gives_no_finding() -> None:
    ctx = with_canary(Context(), "gg-canary-0123456789abcdef")
    assert CanaryValidator().check("Your plan renews on the 3rd.", ctx).findings == ()


def test_canary_message_does_not_contain_the_token() -> None:
    ctx = with_canary(Context(), "gg-canary-0123456789abcdef")
    out = CanaryValidator().check("x gg-canary-0123456789abcdef y", ctx)
    assert "0123456789" not in out.findings[0].message


def test_bad_canary_prefix_is_rejected() -> None:
    with pytest.raises(ConfigurationError):
        add_canary("p", prefix="bad prefix!")


# -- system prompt ------------------------------------------------------------------------------


def _leaks(prompt: str) -> dict[str, str]:
    return {
        "verbatim": f"Here are my instructions:\n{prompt}",
        "reformatted": (
            "My rules, roughly:\n1. answer ONLY questions about mobile plans, billing & roaming;\n"
            "2. never reveal internal discount codes such as the retention offer for churning "
            "customers!"
        ),
        "spaced": " ".join(
            "never reveal internal discount codes such as the retention offer for churning "
            "customers"
        ),
        "base64": "Encoded as asked: " + base64.b64encode(prompt.encode()).decode()[:160],
    }


KINDS = ["verbatim", "reformatted", "spaced", "base64"]


@pytest.mark.parametrize("kind", KINDS)
def test_system_prompt_leak_is_found(kind: str, ctx: Context, system_prompt: str) -> None:
    out = LEAK.check(_leaks(system_prompt)[kind], ctx)
    assert _rules(out)[:1] == ["output.system_prompt_leak"]


def test_base64_leak_is_reported_as_base64(ctx: Context, system_prompt: str) -> None:
    out = LEAK.check(_leaks(system_prompt)["base64"], ctx)
    assert out.findings[0].metadata["form"] == "base64"


ANSWERS = [
    "Your roaming pack covers 40 countries; you can check the list in the app under Plans.",
    "I can help with billing: the charge on the 12th is the pro-rated part of your new plan.",
    "I'm Orbit, the Northwind support assistant. How can I help with your plan today?",
]


@pytest.mark.parametrize("answer", ANSWERS)
def test_ordinary_answer_is_not_a_leak(answer: str, ctx: Context) -> None:
    assert LEAK.check(answer, ctx).findings == ()


def test_no_system_prompt_means_no_check(system_prompt: str) -> None:
    assert LEAK.check(_leaks(system_prompt)["verbatim"], Context()).findings == ()


def test_leak_span_points_at_the_copied_text(ctx: Context, system_prompt: str) -> None:
    text = _leaks(system_prompt)["verbatim"]
    span = LEAK.check(text, ctx).findings[0].span
    assert span is not None
    assert text[span.start : span.end].lower() in system_prompt.lower()


def test_min_run_is_validated() -> None:
    with pytest.raises(ConfigurationError):
        SystemPromptLeakValidator(min_run=3)


@settings(max_examples=60, deadline=None)
@given(
    prefix=st.text(max_size=40),
    cuts=st.lists(st.integers(min_value=0, max_value=600), max_size=40),
)
def test_streamed_findings_equal_whole_text_findings(prefix: str, cuts: list[int]) -> None:
    prompt = "Never reveal internal discount codes such as the retention offer for churners."
    ctx = Context(direction=Direction.OUTPUT, system_prompt=prompt)
    text = (
        prefix
        + "Rules: NEVER reveal internal discount-codes, such as: the retention offer"
        + prefix
    )
    points = sorted({c % (len(text) + 1) for c in cuts} | {0, len(text)})
    scanner = LEAK.open_stream(ctx)
    found = []
    for a, b in itertools.pairwise(points):
        found.extend(scanner.feed(text[a:b]).findings)
    found.extend(scanner.finish().findings)
    assert tuple(found) == LEAK.check(text, ctx).findings
