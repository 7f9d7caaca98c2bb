"""Allow and deny lists: applied after detection, exact / case-insensitive / regex."""

from __future__ import annotations

import pytest

from genai_guard import Context
from genai_guard.errors import PolicyError
from genai_guard.pii import PIIDetector, PIIMasker
from genai_guard.pii._lists import AllowList, DenyList
from genai_guard.policy import build_pipeline, load_policy

TEXT = "Write to support@acme.com, SALES@acme.com or eve@mail.org."


def _values(det: PIIDetector, text: str) -> list[tuple[str, str]]:
    return [(text[e.start : e.end], e.entity_type) for e in det.analyze(text)]


def test_without_lists_every_address_is_found() -> None:
    assert len(_values(PIIDetector(), TEXT)) == 3


def test_allow_exact_drops_only_the_same_text() -> None:
    det = PIIDetector(allow=AllowList(exact=("support@acme.com", "sales@acme.com")))
    assert [v for v, _ in _values(det, TEXT)] == ["SALES@acme.com", "eve@mail.org"]


def test_allow_case_insensitive_ignores_case() -> None:
    det = PIIDetector(allow=AllowList(case_insensitive=("sales@ACME.com",)))
    assert "SALES@acme.com" not in [v for v, _ in _values(det, TEXT)]


def test_allow_regex_must_match_the_whole_entity() -> None:
    det = PIIDetector(allow=AllowList(regex=(r"(?i)[a-z]+@acme\.com",)))
    assert [v for v, _ in _values(det, TEXT)] == ["eve@mail.org"]
    partial = PIIDetector(allow=AllowList(regex=(r"acme",)))
    assert len(_values(partial, TEXT)) == 3


def test_deny_reports_terms_as_their_entity() -> None:
    det = PIIDetector(
        deny=(
            DenyList("PROJECT", exact=("Falcon",), case_insensitive=("blue heron",)),
            DenyList("HOST", regex=(r"db-\d{2,4}\.internal",)),
        )
    )
    text = "Falcon and Blue Heron run on db-042.internal; falconry is unrelated."
    assert _values(det, text) == [
        ("Falcon", "PROJECT"),
        ("Blue Heron", "PROJECT"),
        ("db-042.internal", "HOST"),
    ]


def test_deny_exact_is_case_sensitive() -> None:
    det = PIIDetector(deny=(DenyList("PROJECT", exact=("Falcon",)),))
    assert _values(det, "a falcon flew") == []


def test_deny_wins_over_an_overlapping_detection() -> None:
    det = PIIDetector(deny=(DenyList("VIP", exact=("ceo@acme.com",)),))
    assert _values(det, "mail ceo@acme.com") == [("ceo@acme.com", "VIP")]


def test_masker_masks_denied_terms_and_keeps_allowed_ones() -> None:
    masker = PIIMasker(
        allow=AllowList(exact=("support@acme.com",)),
        deny=(DenyList("PROJECT", exact=("Falcon",)),),
    )
    out = masker.check("Falcon: ask support@acme.com or bob@x.org", Context())
    assert out.text == "<PROJECT_1>: ask support@acme.com or <EMAIL_ADDRESS_1>"


@pytest.mark.parametrize("pattern", ["(a+)+b", "([a-z]*\\s)*x", "(unclosed"])
def test_unsafe_or_broken_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(ValueError, match=r"regex\[0\]"):
        AllowList(regex=(pattern,))
    with pytest.raises(ValueError, match=r"regex\[0\]"):
        DenyList("HOST", regex=(pattern,))


def test_deny_entity_must_be_placeholder_safe() -> None:
    with pytest.raises(ValueError, match="entity"):
        DenyList("project 1", exact=("x",))


def test_policy_errors_name_the_dotted_path() -> None:
    policy = {
        "version": 1,
        "name": "t",
        "input": [
            {"type": "unicode"},
            {"type": "pii", "allow": {"regex": ["(a+)+$"]}, "deny": [{"entity": "x y"}]},
        ],
    }
    with pytest.raises(PolicyError) as info:
        load_policy(policy)
    message = str(info.value)
    assert "input[1].allow" in message
    assert "regex[0]" in message
    assert "input[1].deny[0]" in message


def test_policy_lists_reach_the_masker() -> None:
    pipe = build_pipeline(
        {
            "version": 1,
            "name": "t",
            "input": [
                {
                    "id": "pii",
                    "type": "pii",
                    "allow": {"case_insensitive": ["support@acme.com"]},
                    "deny": [{"entity": "PROJECT", "case_insensitive": ["falcon"]}],
                }
            ],
        }
    )
    decision = pipe.check_input("FALCON: Support@Acme.com", Context(conversation_id="c"))
    assert decision.text == "<PROJECT_1>: Support@Acme.com"


def test_output_detector_honours_the_allow_list() -> None:
    det = PIIDetector(allow=AllowList(exact=("support@acme.com",)))
    assert _values(det, "Contact support@acme.com.") == []
