"""Surrogates: realistic fake values in place of PII, from Faker (an optional extra).

``Surrogates.propose(entity, material)`` gives one fake value for an entity type, determined by
``material`` (the masker derives it from its seed, the conversation, the entity type, the value's
number in the conversation and an attempt counter): the same inputs give the same fake on any
machine and in any process. The masker rejects a proposal that collides with the prompt's text,
an original value or another fake of the conversation, and asks again with the next attempt.

Faker is imported on the first proposal, not at construction or import (it takes about 0.15 s);
a masker using the ``surrogate`` operator without Faker installed fails at construction with one
``ConfigurationError`` naming the extra. Entity types without a generator here keep placeholders.

Thread-safe: one lock around seeding and generating (a Faker instance holds its random state).
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import threading
from typing import Any, Final

from genai_guard.errors import ConfigurationError

__all__ = ["SURROGATE_ENTITIES", "Surrogates"]

# entity -> (Faker locale, or None for the masker's locale; provider method)
_GENERATORS: Final[dict[str, tuple[str | None, str]]] = {
    "PERSON": (None, "name"),
    "LOCATION": (None, "city"),
    "ADDRESS": (None, "address"),
    "EMAIL_ADDRESS": (None, "email"),
    "PHONE_NUMBER": (None, "phone_number"),
    "CREDIT_CARD": (None, "credit_card_number"),
    "IBAN_CODE": (None, "iban"),
    "IP_ADDRESS": (None, "ipv4_public"),
    "URL": (None, "url"),
    "DATE_TIME": (None, "date"),
    "US_SSN": ("en_US", "ssn"),
    "UK_NINO": ("en_GB", "ssn"),
    "FR_NIR": ("fr_FR", "ssn"),
    "IT_FISCAL_CODE": ("it_IT", "ssn"),
    "NL_BSN": ("nl_NL", "ssn"),
    "PL_PESEL": ("pl_PL", "pesel"),
    "ES_NIF": ("es_ES", "nif"),
    "ES_NIE": ("es_ES", "nie"),
    "IN_AADHAAR": ("en_IN", "aadhaar_id"),
    "BR_CPF": ("pt_BR", "cpf"),
}
SURROGATE_ENTITIES: Final = frozenset(_GENERATORS)
_MAX_LEN: Final = 120


class Surrogates:
    """Deterministic fake values per entity type.

    Args:
        locale: Faker locale of names, addresses, phone numbers and e-mail addresses.

    Raises:
        ConfigurationError: Faker is not installed.
    """

    __slots__ = ("_fakers", "_lock", "locale")

    def __init__(self, *, locale: str = "en_US") -> None:
        if importlib.util.find_spec("faker") is None:
            raise ConfigurationError(
                "the surrogate operator needs Faker: pip install 'genai-guard[surrogates]'"
            )
        self.locale = locale
        self._lock = threading.Lock()
        self._fakers: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"Surrogates(locale={self.locale!r})"

    @staticmethod
    def supports(entity: str) -> bool:
        """Whether ``entity`` has a generator (others keep placeholders)."""
        return entity in _GENERATORS

    def propose(self, entity: str, material: bytes) -> str:
        """A fake value for ``entity`` determined by ``material``; one line, at most 120 chars.

        Raises:
            ConfigurationError: the locale is unknown to Faker.
        """
        locale, method = _GENERATORS[entity]
        seed = int.from_bytes(hashlib.sha256(material).digest()[:8], "big")
        with self._lock:
            fk = self._faker(locale or self.locale)
            fk.seed_instance(seed)
            value = str(getattr(fk, method)())
        return " ".join(value.split())[:_MAX_LEN]

    def _faker(self, locale: str) -> Any:
        fk = self._fakers.get(locale)
        if fk is None:
            from faker import Faker  # noqa: PLC0415 - optional and slow to import

            try:
                fk = Faker(locale)
            except AttributeError as exc:
                raise ConfigurationError(f"Faker has no locale {locale!r}") from exc
            self._fakers[locale] = fk
        return fk


def material(seed: bytes, conversation: str, entity: str, number: int, attempt: int) -> bytes:
    """The bytes a surrogate is drawn from: keyed by the seed, so fakes differ per application."""
    msg = "\0".join((conversation, entity, str(number), str(attempt))).encode()
    return hmac.new(seed, msg, hashlib.sha256).digest()
