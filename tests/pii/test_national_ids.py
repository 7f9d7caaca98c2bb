"""National identifiers: a valid number is found (with a context word where the format is
ambiguous), the same number with a wrong check digit is not, in both engines."""

from __future__ import annotations

import pytest

from genai_guard.pii import NATIONAL_ID_ENTITIES, PIIDetector
from genai_guard.pii._national_ids import sg_nric_ok

# (entity, text with a valid number, the number, the same text with the check digit broken)
CASES = [
    ("UK_NINO", "my NI number is AB 12 34 56 C", "AB 12 34 56 C", "my NI number is AB 12 34 56 E"),
    ("UK_NINO", "nino: JG103759A", "JG103759A", "nino: JO103759A"),
    ("UK_NHS", "NHS number 943 476 5919", "943 476 5919", "NHS number 943 476 5918"),
    ("DE_TAX_ID", "Steuer-ID: 36574261809", "36574261809", "Steuer-ID: 36574261808"),
    ("FR_NIR", "NIR 2 95 10 99 126 111 93", "2 95 10 99 126 111 93", "NIR 2 95 10 99 126 111 94"),
    ("ES_NIF", "mi DNI es 54362315K", "54362315K", "mi DNI es 54362315J"),
    ("ES_NIE", "NIE X2482300W", "X2482300W", "NIE X2482300A"),
    ("IT_FISCAL_CODE", "codice fiscale RCCMNL83S18D969H", "RCCMNL83S18D969H",
     "codice fiscale RCCMNL83S18D969A"),
    ("NL_BSN", "mijn BSN is 111222333", "111222333", "mijn BSN is 111222334"),
    ("PL_PESEL", "PESEL 44051401458", "44051401458", "PESEL 44051401459"),
    ("IN_AADHAAR", "Aadhaar 2341 2341 2346", "2341 2341 2346", "Aadhaar 2341 2341 2345"),
    ("IN_PAN", "PAN ABCPD1234E", "ABCPD1234E", "PAN ABCQD1234E"),
    ("BR_CPF", "CPF 390.533.447-05", "390.533.447-05", "CPF 390.533.447-06"),
    ("BR_CPF", "meu cpf 39053344705", "39053344705", "meu cpf 39053344706"),
    ("AU_TFN", "TFN 123 456 782", "123 456 782", "TFN 123 456 783"),
    ("SG_NRIC_FIN", "NRIC S1234567D", "S1234567D", "NRIC S1234567A"),
]  # fmt: skip

# Ambiguous formats (a bare run of digits that passes a one-in-ten checksum by chance): not
# reported without a context word.
NEEDS_CONTEXT = [
    ("UK_NHS", "ticket 943 476 5919 closed"),
    ("NL_BSN", "order 111222333 shipped"),
    ("PL_PESEL", "ref 44051401458"),
    ("IN_AADHAAR", "batch 2341 2341 2346"),
    ("AU_TFN", "item 123456782"),
    ("DE_TAX_ID", "invoice 36574261809"),
    ("BR_CPF", "serial 39053344705"),
]


@pytest.fixture(scope="module", params=["fast", "presidio"])
def detector(request: pytest.FixtureRequest) -> PIIDetector:
    return PIIDetector(entities=NATIONAL_ID_ENTITIES, engine=request.param)


def _found(det: PIIDetector, text: str) -> list[tuple[str, str]]:
    return [(text[e.start : e.end], e.entity_type) for e in det.analyze(text)]


@pytest.mark.parametrize(("entity", "text", "value", "broken"), CASES)
def test_valid_number_is_found(
    detector: PIIDetector, entity: str, text: str, value: str, broken: str
) -> None:
    assert (value, entity) in _found(detector, text)


@pytest.mark.parametrize(("entity", "text", "value", "broken"), CASES)
def test_broken_check_digit_is_not_found(
    detector: PIIDetector, entity: str, text: str, value: str, broken: str
) -> None:
    assert entity not in {e for _, e in _found(detector, broken)}


@pytest.mark.parametrize(("entity", "text"), NEEDS_CONTEXT)
def test_ambiguous_number_needs_a_context_word(entity: str, text: str) -> None:
    det = PIIDetector(entities=NATIONAL_ID_ENTITIES)
    assert entity not in {e for _, e in _found(det, text)}


def test_every_identifier_is_on_by_default() -> None:
    from genai_guard.pii import DEFAULT_ENTITIES, OUTPUT_ENTITIES

    assert set(NATIONAL_ID_ENTITIES) <= set(DEFAULT_ENTITIES)
    assert set(NATIONAL_ID_ENTITIES) <= set(OUTPUT_ENTITIES)
    assert {"FR_NIR", "NL_BSN", "BR_CPF"} <= set(NATIONAL_ID_ENTITIES)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("S1234567D", True),
        ("T1234567J", True),
        ("F1234567N", True),
        ("G1234567X", True),
        ("M0000008J", True),
        ("M0000008M", False),
        ("F0000004M", True),
        ("S1234567A", False),
        ("A1234567D", False),
    ],
)
def test_sg_nric_check_letter(value: str, ok: bool) -> None:
    assert sg_nric_ok(value) is ok
