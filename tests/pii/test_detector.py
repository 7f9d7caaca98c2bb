from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from tests._streams import streamed_findings

from genai_guard import Category, Context, Direction, View
from genai_guard.pii import GENERIC_ENTITIES, PIIDetector

DETECTOR = PIIDetector(entities=GENERIC_ENTITIES)


def test_findings_carry_rule_id_span_and_no_value(detector: PIIDetector) -> None:
    text = "mail a.b@example.com"
    out = detector.check(text, Context())
    (f,) = out.findings
    assert f.rule_id == "pii.EMAIL_ADDRESS"
    assert f.category is Category.PII
    assert f.span is not None
    assert text[f.span.start : f.span.end] == "a.b@example.com"
    assert "a.b@example.com" not in f.message
    assert f.owasp == ("LLM02:2025",)


def test_views_are_scanned(detector: PIIDetector) -> None:
    view = View("decoded a.b@example.com", origin="base64")
    out = detector.check("nothing here", Context(views=(view,)))
    assert [f.view for f in out.findings] == [view.id]


def test_presidio_engine_finds_the_same_entity_offline() -> None:
    det = PIIDetector(engine="presidio", entities=["EMAIL_ADDRESS", "CREDIT_CARD"])
    text = "mail a.b@example.com card 2223 0031 2200 3222"
    found = {(text[e.start : e.end], e.entity_type) for e in det.analyze(text)}
    assert found == {("a.b@example.com", "EMAIL_ADDRESS"), ("2223 0031 2200 3222", "CREDIT_CARD")}


def test_presidio_engine_keeps_context_words_working() -> None:
    det = PIIDetector(engine="presidio", entities=["US_SSN"], score_threshold=0.0)
    plain = det.analyze("value 536-22-1234")[0].score
    boosted = det.analyze("my social security number 536-22-1234")[0].score
    assert boosted > plain


_VALUES = [
    "a.b@example.com",
    "4111 1111 1111 1111",
    "DE89 3704 0044 0532 0130 00",
    "536-22-1234",
    "192.168.1.20",
    "https://example.com/x",
    "call +44 20 7946 0958",
    "born March 3rd, 1985",
    "phone",
    "1 2 3",
    ". ",
    "\n",
    " ",
]


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(st.sampled_from(_VALUES), max_size=14),
    size=st.integers(min_value=1, max_value=17),
)
def test_streamed_answer_gives_the_whole_text_findings(parts: list[str], size: int) -> None:
    text = " ".join(parts)
    ctx = Context(direction=Direction.OUTPUT)
    whole = DETECTOR.check(text, ctx).findings
    assert streamed_findings(DETECTOR, text, size, ctx) == whole
