"""National identifiers of the fast engine: patterns, checksums and context words.

One table of ``NationalId`` specs, read by ``FastRecognizers``: the patterns follow presidio's
predefined recognizers where presidio has one (``UK_NINO``, ``UK_NHS``, ``DE_TAX_ID``, ``ES_NIF``,
``ES_NIE``, ``IT_FISCAL_CODE``, ``PL_PESEL``, ``IN_AADHAAR``, ``IN_PAN``, ``AU_TFN``,
``SG_NRIC_FIN``) and are added here where it has none (``FR_NIR``, ``NL_BSN``, ``BR_CPF``).
Checksums come from python-stdnum (imported on the first candidate, not at construction); the
Singapore NRIC/FIN check letter (not in python-stdnum) and the NINO prefix rules are written here.

A number that is only digits and whose checksum passes by chance often (one in ten or eleven) scores
below the default threshold without a context word (``nhs``, ``pesel``, ``bsn``...) in the five
words before it; identifiers with letters, a check letter or a distinctive grouping score above
it on their own.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["NATIONAL_IDS", "NATIONAL_ID_ENTITIES", "NationalId", "sg_nric_ok"]


@dataclass(frozen=True, slots=True)
class NationalId:
    """One identifier: its patterns with base scores, its check, and its context words.

    Attributes:
        entity: Entity type (presidio's name where presidio has a recognizer).
        patterns: ``(pattern, score)``; every pattern holds a digit and matches at most 40
            characters. Patterns are case-sensitive (identifiers are written in capitals).
        check: Matched text -> True if the checksum or structure holds.
        context: Lowercase words that raise the score when among the five words before a match.
    """

    entity: str
    patterns: tuple[tuple[str, float], ...]
    check: Callable[[str], bool]
    context: tuple[str, ...]


@functools.cache  # a module of python-stdnum, imported once on first use
def _stdnum(name: str) -> Any:
    return importlib.import_module(f"stdnum.{name}")


def _stdnum_check(name: str) -> Callable[[str], bool]:
    def check(text: str) -> bool:
        return bool(_stdnum(name).is_valid(text))

    return check


_ST: Final = "JZIHGFEDCBA"
_FG: Final = "XWUTRQPNMLK"
_M: Final = "XWUTRQPNJLK"
_SG_OFFSET: Final = {"S": 0, "T": 4, "F": 0, "G": 4, "M": 3}
_SG_WEIGHTS: Final = (2, 7, 6, 5, 4, 3, 2)


def sg_nric_ok(text: str) -> bool:
    """The check letter of a Singapore NRIC/FIN (S/T/F/G/M series)."""
    s = text.upper()
    if len(s) != 9 or s[0] not in _SG_OFFSET or not s[1:8].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(s[1:8], _SG_WEIGHTS, strict=True)) + _SG_OFFSET[s[0]]
    table = _ST if s[0] in "ST" else (_M if s[0] == "M" else _FG)
    return table[total % 11] == s[8]


def _nino_ok(text: str) -> bool:
    # No checksum exists; the pattern holds the prefix rules (no D, F, I, Q, U, V; no O second;
    # not BG, GB, NK, KN, NT, TN, ZZ) and a suffix A-D. A repeated-digit body is a sample.
    digits = "".join(c for c in text if c.isdigit())
    return len(set(digits)) > 1


# Bounded, linear patterns: no nested unbounded repetition; the digit lookarounds keep a pattern
# from starting or ending inside a longer number.
_B: Final = r"(?<![\w-])"
_E: Final = r"(?![\w-])"

NATIONAL_IDS: Final[tuple[NationalId, ...]] = (
    NationalId(
        "UK_NINO",
        (
            (
                rf"{_B}(?!BG|GB|NK|KN|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
                rf" ?\d{{2}} ?\d{{2}} ?\d{{2}} ?[A-D]{_E}",
                0.5,
            ),
        ),
        _nino_ok,
        ("national", "insurance", "ni", "nino"),
    ),
    NationalId(
        "UK_NHS",
        ((rf"{_B}\d{{3}}([- ]?)\d{{3}}\1\d{{4}}{_E}", 0.3),),
        _stdnum_check("gb.nhs"),
        ("nhs", "health"),
    ),
    NationalId(
        "DE_TAX_ID",
        ((rf"{_B}[1-9]\d(?: ?\d{{3}}){{3}}{_E}", 0.3),),
        _stdnum_check("de.idnr"),
        (
            "steueridentifikationsnummer",
            "steuer-id",
            "steuerid",
            "steuer-idnr",
            "idnr",
            "identifikationsnummer",
            "steuer",
            "tin",
        ),
    ),
    NationalId(
        "FR_NIR",
        (
            (rf"{_B}[12] \d{{2}} \d{{2}} (?:\d{{2}}|2[AB]) \d{{3}} \d{{3}} \d{{2}}{_E}", 0.6),
            (rf"{_B}[12]\d{{4}}(?:\d{{2}}|2[AB])\d{{8}}{_E}", 0.3),
        ),
        _stdnum_check("fr.nir"),
        ("nir", "insee", "sécurité", "securite", "sociale", "ssn"),
    ),
    NationalId(
        "ES_NIF",
        ((rf"{_B}\d{{8}}-?[A-HJ-NP-TV-Z]{_E}", 0.5),),
        _stdnum_check("es.dni"),
        ("dni", "nif", "documento", "identidad"),
    ),
    NationalId(
        "ES_NIE",
        ((rf"{_B}[XYZ]-?\d{{7}}-?[A-HJ-NP-TV-Z]{_E}", 0.6),),
        _stdnum_check("es.nie"),
        ("nie", "extranjero"),
    ),
    NationalId(
        "IT_FISCAL_CODE",
        (
            (
                rf"{_B}[A-Z]{{6}}[\dLMNP-V]{{2}}[A-EHLMPR-T][\dLMNP-V]{{2}}[A-Z][\dLMNP-V]{{3}}"
                rf"[A-Z]{_E}",
                0.6,
            ),
        ),
        _stdnum_check("it.codicefiscale"),
        ("codice", "fiscale", "cf"),
    ),
    NationalId(
        "NL_BSN",
        ((rf"{_B}(?:\d{{9}}|\d{{4}}\.\d{{2}}\.\d{{3}}){_E}", 0.2),),
        _stdnum_check("nl.bsn"),
        ("bsn", "burgerservicenummer", "sofinummer", "sofi"),
    ),
    NationalId(
        "PL_PESEL",
        ((rf"{_B}\d{{2}}[0-9][0-9](?:0[1-9]|[12]\d|3[01])\d{{5}}{_E}", 0.3),),
        _stdnum_check("pl.pesel"),
        ("pesel",),
    ),
    NationalId(
        "IN_AADHAAR",
        ((rf"{_B}[2-9]\d{{3}}([ -]?)\d{{4}}\1\d{{4}}{_E}", 0.3),),
        _stdnum_check("in_.aadhaar"),
        ("aadhaar", "aadhar", "uidai", "uid"),
    ),
    NationalId(
        "IN_PAN",
        ((rf"{_B}[A-Z]{{3}}[ABCFGHJLPT][A-Z]\d{{4}}[A-Z]{_E}", 0.5),),
        _stdnum_check("in_.pan"),
        ("pan", "permanent", "income"),
    ),
    NationalId(
        "BR_CPF",
        (
            (rf"{_B}\d{{3}}\.\d{{3}}\.\d{{3}}-\d{{2}}{_E}", 0.6),
            (rf"{_B}\d{{11}}{_E}", 0.3),
        ),
        _stdnum_check("br.cpf"),
        ("cpf", "cadastro"),
    ),
    NationalId(
        "AU_TFN",
        ((rf"{_B}\d{{3}}( ?)\d{{3}}\1\d{{2,3}}{_E}", 0.2),),
        _stdnum_check("au.tfn"),
        ("tfn", "tax", "file"),
    ),
    NationalId(
        "SG_NRIC_FIN",
        ((rf"{_B}[STFGM]\d{{7}}[A-Z]{_E}", 0.6),),
        sg_nric_ok,
        ("nric", "fin", "ic", "identity"),
    ),
)

NATIONAL_ID_ENTITIES: Final = tuple(n.entity for n in NATIONAL_IDS)
