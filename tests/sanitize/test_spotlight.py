"""Spotlighting: each mode marks text and inverts exactly; the stage marks untrusted parts."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from genai_guard._results import Action
from genai_guard.context import Context, Part
from genai_guard.errors import ConfigurationError, InputError
from genai_guard.pipeline import Pipeline, Step
from genai_guard.sanitize import SpotlightedParts, SpotlightSanitizer, spotlight, unspotlight


def test_delimit_wraps_with_tagged_markers() -> None:
    spot = spotlight("some document", "delimit", tag="abc123")
    assert spot.text == "<<untrusted abc123>>\nsome document\n<</untrusted abc123>>"
    assert "abc123" in spot.instruction


def test_datamark_replaces_spaces() -> None:
    spot = spotlight("a b c", "datamark", marker="^")
    assert spot.text == "a^b^c"
    assert "^" in spot.instruction


def test_encode_is_base64() -> None:
    assert spotlight("hi", "encode").text == "aGk="


def test_default_tags_are_random() -> None:
    assert spotlight("x").marker != spotlight("x").marker


def test_datamark_marker_present_in_text_is_rejected() -> None:
    with pytest.raises(ConfigurationError, match="marker"):
        spotlight("a^b", "datamark", marker="^")


def test_unspotlight_from_string_parts() -> None:
    spot = spotlight("a b", "datamark")
    assert unspotlight(spot.text, "datamark", marker=spot.marker) == "a b"


def test_unspotlight_rejects_foreign_text() -> None:
    with pytest.raises(InputError):
        unspotlight("no markers here", "delimit", marker="abc")


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(["delimit", "datamark", "encode"]))
def test_spotlight_round_trips_exactly(text: str, mode: str) -> None:
    try:
        spot = spotlight(text, mode)  # type: ignore[arg-type]
    except InputError:
        assume(False)
        raise
    assert unspotlight(spot) == text


def test_sanitizer_marks_only_untrusted_parts() -> None:
    ctx = Context(
        parts=(
            Part("trusted note", role="system", trusted=True),
            Part("retrieved page", role="document"),
        )
    )
    out = SpotlightSanitizer(mode="datamark").check("user question", ctx)
    assert out.text is None
    assert isinstance(out.data, SpotlightedParts)
    assert [p.text for p in out.data.parts] == ["trusted note", out.data.parts[1].text]
    assert out.data.parts[1].text != "retrieved page"
    assert out.data.instruction


def test_sanitizer_without_untrusted_parts_does_nothing() -> None:
    assert SpotlightSanitizer().check("q", Context()).data is None


def test_sanitizer_can_mark_the_checked_text() -> None:
    decision = Pipeline(
        [Step(SpotlightSanitizer(mode="encode", apply_to="parts_and_text"))]
    ).check_input("hi")
    assert (decision.action, decision.text) == (Action.MODIFY, "aGk=")


def test_sanitizer_falls_back_to_encode_when_no_datamark_is_free() -> None:
    hostile = "a b " + "".join(
        ["\u02c6", "\u00a6", "\u2038", "\u2021", "\u204e", "\u2e2c", "\u2e1e"]
    )
    ctx = Context(parts=(Part(hostile),))
    out = SpotlightSanitizer(mode="datamark").check("q", ctx)
    assert isinstance(out.data, SpotlightedParts)
    assert unspotlight(out.data.parts[0].text, "encode") == hostile
