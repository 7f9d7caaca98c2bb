from __future__ import annotations

import pytest

from genai_guard.pii import PIIDetector


def _found(detector: PIIDetector, text: str) -> list[tuple[str, str]]:
    return [(text[e.start : e.end], e.entity_type) for e in detector.analyze(text)]


@pytest.mark.parametrize(
    ("text", "value", "entity"),
    [
        ("card 2223 0031 2200 3222 please", "2223 0031 2200 3222", "CREDIT_CARD"),  # MC 2-series
        ("card 2720-9900-0000-0007 ok", "2720-9900-0000-0007", "CREDIT_CARD"),
        ("amex 3782 822463 10005 here", "3782 822463 10005", "CREDIT_CARD"),
        ("visa 4111111111111111.", "4111111111111111", "CREDIT_CARD"),
        ("born on March 3rd, 1985 in Ohio", "March 3rd, 1985", "DATE_TIME"),
        ("born on 3 March 1985 in Ohio", "3 March 1985", "DATE_TIME"),
        ("the 21st of June 1990 it was", "21st of June 1990", "DATE_TIME"),
        ("due 12/03/2020.", "12/03/2020", "DATE_TIME"),
        (
            "write to jane.doe+x@mail.example.co.uk today",
            "jane.doe+x@mail.example.co.uk",
            "EMAIL_ADDRESS",
        ),
        ("IBAN DE89 3704 0044 0532 0130 00 thanks", "DE89 3704 0044 0532 0130 00", "IBAN_CODE"),
        ("my ssn is 536-22-1234", "536-22-1234", "US_SSN"),
        ("host 192.168.1.20.", "192.168.1.20", "IP_ADDRESS"),
        ("v6 2001:db8::1 here", "2001:db8::1", "IP_ADDRESS"),
        ("see https://example.com/a/b?x=1, then", "https://example.com/a/b?x=1", "URL"),
        ("see www.example.biz for more", "www.example.biz", "URL"),
        (
            "btc 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 thanks",
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
            "CRYPTO",
        ),
        ("call +44 20 7946 0958 now", "+44 20 7946 0958", "PHONE_NUMBER"),
        ("phone (415) 555-2671 now", "(415) 555-2671", "PHONE_NUMBER"),
    ],
)
def test_finds_entity(detector: PIIDetector, text: str, value: str, entity: str) -> None:
    assert (value, entity) in _found(detector, text)


def test_url_inside_email_is_not_reported(detector: PIIDetector) -> None:
    found = _found(detector, "mail john@www.example.com now")
    assert found == [("john@www.example.com", "EMAIL_ADDRESS")]


@pytest.mark.parametrize(
    "text",
    [
        "Upgrade to version 2.10.15 of setup.py",
        "It costs $1,299.99 or 12.5% less",
        "commit 3a7bd3e2360a3d29eea436fcfb7e44c735d117c4 changed it",
        "order #4839201 and ORD-2024-118273",
        "Solve 17 * 23 = 391 and 3/4 + 1/8",
        "the job finished at 10:22:31 after 1700000000",
        "card 4111 1111 1111 1112 fails Luhn",
    ],
)
def test_hard_negative_is_clean(detector: PIIDetector, text: str) -> None:
    assert _found(detector, text) == []


def test_context_word_raises_score(detector: PIIDetector) -> None:
    plain = detector.analyze("value 536-22-1234")[0].score
    boosted = detector.analyze("social security 536-22-1234")[0].score
    assert boosted > plain


def test_connection_string_credentials_are_not_an_email(detector: PIIDetector) -> None:
    assert _found(detector, "postgres://app:hunter2@db.example.com/prod") == []


def test_oversized_text_fails_closed() -> None:
    from genai_guard import InputError

    det = PIIDetector(max_chars=10)
    with pytest.raises(InputError):
        det.analyze("x" * 11)


def test_unknown_entity_is_a_configuration_error() -> None:
    from genai_guard import ConfigurationError

    with pytest.raises(ConfigurationError):
        PIIDetector(entities=["NOT_AN_ENTITY"])
