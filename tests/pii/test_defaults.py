"""The default policy's PII choices: personal identifiers masked, URLs and dates left alone."""

from __future__ import annotations

import pytest

from genai_guard import Action, Context
from genai_guard.pii import DEFAULT_ENTITIES, OUTPUT_ENTITIES, PIIDetector, PIIMasker
from genai_guard.pipeline import Pipeline
from genai_guard.policy import build_pipeline


@pytest.fixture(scope="module")
def default() -> Pipeline:
    return build_pipeline("default")


@pytest.mark.parametrize(
    "prompt",
    [
        "Summarize https://en.wikipedia.org/wiki/Python_(programming_language) for me",
        "What happened on 11/09/2001?",
        "Meet me on March 3rd, 1985 at 10:30.",
    ],
)
def test_default_input_leaves_urls_and_dates(default: Pipeline, prompt: str) -> None:
    decision = default.check_input(prompt, Context(conversation_id="c"))
    assert decision.action is Action.ALLOW
    assert decision.text == prompt


def test_default_input_masks_personal_identifiers(default: Pipeline) -> None:
    decision = default.check_input(
        "I'm bob@example.org, NHS number 943 476 5919", Context(conversation_id="c")
    )
    assert decision.text == "I'm <EMAIL_ADDRESS_1>, NHS number <UK_NHS_1>"


def test_default_output_does_not_flag_dates_or_doc_links(default: Pipeline) -> None:
    prompt = default.check_input("When was Python 3.0 released?", Context(conversation_id="c"))
    answer = (
        "Python 3.0 was released on December 3, 2008. "
        "See https://docs.python.org/3/whatsnew/3.0.html for details."
    )
    checked = default.check_output(answer, prompt=prompt)
    assert checked.action is Action.ALLOW
    assert not [r for r in checked.rule_ids if r.startswith("pii.")]


def test_default_output_flags_a_personal_identifier(default: Pipeline) -> None:
    prompt = default.check_input("Who is the contact?", Context(conversation_id="c"))
    checked = default.check_output("Write to alice@example.org.", prompt=prompt)
    assert checked.action is Action.FLAG
    assert "pii.EMAIL_ADDRESS" in checked.rule_ids


def test_configured_url_masking_keeps_the_parenthesised_path() -> None:
    masker = PIIMasker(entities=["URL"])
    text = "Summarize https://en.wikipedia.org/wiki/Python_(programming_language) for me"
    assert masker.check(text, Context()).text == "Summarize <URL_1> for me"


def test_url_in_parentheses_leaves_the_closing_bracket() -> None:
    masker = PIIMasker(entities=["URL"])
    assert masker.check("(see https://x.org/a_(b)/c).", Context()).text == "(see <URL_1>)."


def test_class_defaults_leave_urls_and_dates() -> None:
    assert "URL" not in DEFAULT_ENTITIES
    assert "DATE_TIME" not in DEFAULT_ENTITIES
    assert "IP_ADDRESS" not in OUTPUT_ENTITIES
    text = "See https://docs.python.org/3/ from 3 March 2008"
    assert PIIDetector().analyze(text) == []


def test_default_policy_lists_the_class_defaults(default: Pipeline) -> None:
    from genai_guard.policy import load_policy

    policy = load_policy("default")
    steps = {s.id: s for s in [*policy.input, *policy.output]}
    assert set(steps["pii"].options["entities"]) == set(DEFAULT_ENTITIES)
    assert set(steps["pii_out"].options["entities"]) == set(OUTPUT_ENTITIES)


@pytest.mark.parametrize(
    "text",
    [
        "**Updated**: 2024-01-15 10:30\n**Next**",
        "- **v1.2 (2024-01-15):** fixed",
        "server 192.168.10.20 5555 ready",
    ],
)
def test_unreported_dates_and_addresses_still_bound_phone_numbers(text: str) -> None:
    # Dates, URLs and IP addresses are matched (not reported) so that their digits never become
    # part of a phone number; the default set then reports what the full set reports.
    assert [e.entity_type for e in PIIDetector(entities=OUTPUT_ENTITIES).analyze(text)] == []
