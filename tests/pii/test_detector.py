from __future__ import annotations

from genai_guard import Category, Context, View
from genai_guard.pii import PIIDetector


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
