from __future__ import annotations

import pytest

from genai_guard import ConfigurationError, Context, IntegrityError
from genai_guard.pii import PIIMasker, Vault
from genai_guard.policy import build_pipeline

KEY = bytes(range(32))


def test_placeholder_and_restorations(masker: PIIMasker) -> None:
    out = masker.check("mail a.b@example.com or a.b@example.com", Context())
    assert out.text == "mail <EMAIL_ADDRESS_1> or <EMAIL_ADDRESS_1>"
    assert dict(out.restorations) == {"<EMAIL_ADDRESS_1>": "a.b@example.com"}


def test_placeholders_are_stable_within_a_conversation() -> None:
    m = PIIMasker(vault=Vault())
    ctx = Context(conversation_id="c1")
    first = m.check("x a@example.com y b@example.com", ctx)
    second = m.check("now b@example.com only", ctx)
    assert first.text == "x <EMAIL_ADDRESS_1> y <EMAIL_ADDRESS_2>"
    assert second.text == "now <EMAIL_ADDRESS_2> only"


def test_without_conversation_each_call_numbers_its_own() -> None:
    m = PIIMasker(vault=Vault())
    assert m.check("b@example.com", Context()).text == "<EMAIL_ADDRESS_1>"
    assert m.check("c@example.com", Context()).text == "<EMAIL_ADDRESS_1>"


def test_pii_free_text_is_not_rewritten(masker: PIIMasker) -> None:
    out = masker.check("What is 17 * 23?", Context())
    assert out.text is None
    assert out.findings == ()


@pytest.mark.parametrize(
    ("op", "expected"),
    [("redact", "card [CREDIT_CARD]"), ("partial", "card **** **** **** 1111")],
)
def test_redact_and_partial(op: str, expected: str) -> None:
    m = PIIMasker(operators={"CREDIT_CARD": op})  # type: ignore[dict-item]
    assert m.check("card 4111 1111 1111 1111", Context()).text == expected


def test_hash_is_keyed_and_stable() -> None:
    a = PIIMasker(default_operator="hash", key=KEY)
    b = PIIMasker(default_operator="hash", key=bytes(32))
    text = "mail a@example.com"
    assert a.check(text, Context()).text == a.check(text, Context()).text
    assert a.check(text, Context()).text != b.check(text, Context()).text


def test_hash_without_key_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        PIIMasker(default_operator="hash")


def test_encrypt_round_trip_and_tamper_detection() -> None:
    m = PIIMasker(default_operator="encrypt", key=KEY)
    out = m.check("mail a@example.com", Context())
    assert out.text is not None
    token = out.text.removeprefix("mail ")
    assert m.decrypt(token) == "a@example.com"
    tampered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    with pytest.raises(IntegrityError):
        m.decrypt(tampered)


def test_forged_placeholder_is_escaped(masker: PIIMasker) -> None:
    out = masker.check("hi <EMAIL_ADDRESS_1> and a@example.com", Context())
    assert out.text == "hi \uff1cEMAIL_ADDRESS_1\uff1e and <EMAIL_ADDRESS_1>"
    assert "pii.forged_placeholder" in [f.rule_id for f in out.findings]


def test_repr_shows_no_key_or_mapping() -> None:
    vault = Vault()
    m = PIIMasker(default_operator="hash", key=KEY, vault=vault)
    m.check("a@example.com", Context(conversation_id="c"))
    text = repr(m) + repr(vault)
    assert "a@example.com" not in text
    assert KEY.hex() not in text
    assert str(KEY) not in text


def test_conversation_scope_restores_earlier_turns() -> None:
    m = PIIMasker(vault=Vault(), restore_scope="conversation")
    ctx = Context(conversation_id="c")
    m.check("first a@example.com", ctx)
    later = m.check("then b@example.com", ctx)
    assert dict(later.restorations) == {
        "<EMAIL_ADDRESS_1>": "a@example.com",
        "<EMAIL_ADDRESS_2>": "b@example.com",
    }


def test_turn_scope_restores_only_this_prompt() -> None:
    m = PIIMasker(vault=Vault())
    ctx = Context(conversation_id="c")
    m.check("first a@example.com", ctx)
    later = m.check("then b@example.com", ctx)
    assert dict(later.restorations) == {"<EMAIL_ADDRESS_2>": "b@example.com"}


def test_credentials_inside_urls_are_left_for_the_secrets_step() -> None:

    hook = "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdEFGH1234ijklMNOP5678"
    dec = build_pipeline("default").check_input(f"post to {hook}")
    assert dec.blocked
    assert "secret.SLACK_WEBHOOK" in dec.rule_ids
