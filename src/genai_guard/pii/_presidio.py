"""presidio, offline: a tokenizing NLP engine, the recognizer set, and an adapter to our entities.

``AnalyzerEngine()`` with defaults tries to download a spaCy model. Here an ``NlpEngine`` that only
tokenizes (spaCy's blank English tokenizer, which needs no model) keeps presidio's context-word
boosting working; the e-mail recognizer validates against the public-suffix snapshot shipped with
tldextract instead of fetching it; phone regions are a setting. A user may instead pass their own
``AnalyzerEngine`` or name an installed spaCy pipeline for NER entities (PERSON, LOCATION, ...).

presidio and spaCy are imported only when one of these builders is called.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from genai_guard.errors import ConfigurationError, ResourceUnavailable
from genai_guard.pii._names import NAME_ENTITIES, NameRecognizer, load_gazetteer
from genai_guard.pii._national_ids import NATIONAL_IDS, NationalId
from genai_guard.pii._recognizers import (
    _DAY,
    _MONTHS,
    _YEAR,
    Entity,
    _load_email_tlds,
    _load_tlds,
    resolve_overlaps,
)

__all__ = [
    "PresidioAnalyzer",
    "build_analyzer_engine",
    "build_name_recognizer",
    "tokenizing_nlp_engine",
]

log = logging.getLogger(__name__)
_NAME_RECOGNIZER = "GazetteerNameRecognizer"


def tokenizing_nlp_engine(languages: Sequence[str] = ("en",)) -> Any:
    """An offline presidio ``NlpEngine`` that tokenizes only (lemmas are lower-cased tokens).

    No model is loaded, so NER entities are not produced, but context words still boost scores.
    """
    import spacy  # noqa: PLC0415
    from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine  # noqa: PLC0415

    class TokenizingNlpEngine(NlpEngine):
        """Tokenize with ``spacy.blank``; no tagger, no NER, no download."""

        def __init__(self, langs: Sequence[str]) -> None:
            self._langs = tuple(langs)
            self.nlp: dict[str, Any] = {}

        def load(self) -> None:
            self.nlp = {lang: spacy.blank(lang) for lang in self._langs}

        def is_loaded(self) -> bool:
            return bool(self.nlp)

        def process_text(self, text: str, language: str) -> Any:
            doc = self.nlp[language](text)
            lemmas = [t.lower_ for t in doc]
            return NlpArtifacts(
                entities=[],
                tokens=doc,
                tokens_indices=[t.idx for t in doc],
                lemmas=lemmas,
                nlp_engine=self,
                language=language,
            )

        def process_batch(
            self,
            texts: Iterable[str],
            language: str,
            batch_size: int = 1,
            n_process: int = 1,
            **kwargs: Any,
        ) -> Iterator[tuple[str, Any]]:
            for text in texts:
                yield text, self.process_text(text, language)

        def is_stopword(self, word: str, language: str) -> bool:
            return bool(self.nlp[language].vocab[word].is_stop)

        def is_punct(self, word: str, language: str) -> bool:
            return bool(self.nlp[language].vocab[word].is_punct)

        def get_supported_entities(self) -> list[str]:
            return []

        def get_supported_languages(self) -> list[str]:
            return list(self._langs)

    engine = TokenizingNlpEngine(languages)
    engine.load()
    return engine


def build_name_recognizer(
    *,
    entities: Sequence[str] = ("PERSON", "ADDRESS", "LOCATION"),
    language: str = "en",
) -> Any:
    """genai-guard's offline PERSON / ADDRESS / LOCATION finder as a presidio recognizer.

    An ``EntityRecognizer`` for ``RecognizerRegistry.add_recognizer``: it needs no spaCy model
    (it reads the shipped name gazetteer) and ignores the NLP artifacts. Thread-safe.

    Args:
        entities: Which of ``PERSON``, ``ADDRESS``, ``LOCATION`` it reports.
        language: The presidio language it is registered for (names are found in any of the
            supported languages whatever this says).
    """
    from presidio_analyzer import EntityRecognizer, RecognizerResult  # noqa: PLC0415

    finder = NameRecognizer(entities=frozenset(entities))

    class GazetteerNameRecognizer(EntityRecognizer):
        """Names, street addresses and locations from a gazetteer with context rules."""

        def load(self) -> None:
            load_gazetteer()

        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[Any]:
            wanted = set(entities) if entities else set(finder.entities)
            identifier: str = getattr(self, "id", _NAME_RECOGNIZER)
            return [
                RecognizerResult(
                    entity_type=e.entity_type,
                    start=e.start,
                    end=e.end,
                    score=e.score,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: _NAME_RECOGNIZER,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: identifier,
                    },
                )
                for e in finder.analyze(text)
                if e.entity_type in wanted
            ]

    return GazetteerNameRecognizer(
        supported_entities=sorted(finder.entities),
        name=_NAME_RECOGNIZER,
        supported_language=language,
    )


def build_analyzer_engine(
    *,
    entities: Sequence[str],
    phone_regions: Sequence[str] = ("US", "GB", "DE", "FR", "IN", "CA", "BR", "AU"),
    languages: Sequence[str] = ("en",),
    spacy_model: str | None = None,
    close_gaps: bool = True,
) -> Any:
    """A presidio ``AnalyzerEngine`` with the predefined recognizers of ``entities``, offline.

    Args:
        entities: Entity types (presidio names).
        phone_regions: Regions of the phone recognizer.
        languages: Languages of the recognizers and NLP engine.
        spacy_model: Name of an installed spaCy pipeline for NER; None tokenizes only.
        close_gaps: Add the recall fixes (Mastercard 2-series, dates in words, offline e-mail TLDs).
    """
    from presidio_analyzer import (  # noqa: PLC0415
        AnalyzerEngine,
        Pattern,
        RecognizerRegistry,
    )
    from presidio_analyzer.predefined_recognizers import (  # noqa: PLC0415
        CreditCardRecognizer,
        CryptoRecognizer,
        DateRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        PhoneRecognizer,
        UrlRecognizer,
        UsSsnRecognizer,
    )

    tlds = _load_email_tlds(_load_tlds())

    class OfflineEmailRecognizer(EmailRecognizer):
        """presidio's e-mail recognizer with an offline top-level-domain check."""

        def validate_result(self, pattern_text: str) -> bool:
            return pattern_text.rsplit(".", 1)[-1].lower() in tlds

    nlp = _nlp_engine(spacy_model, languages)
    registry = RecognizerRegistry(supported_languages=list(languages))
    wanted = set(entities)
    for lang in languages:
        makers: dict[str, Any] = {
            "CREDIT_CARD": lambda lang=lang: CreditCardRecognizer(
                supported_language=lang,
                patterns=[
                    *CreditCardRecognizer.PATTERNS,
                    Pattern(
                        "Mastercard 2-series",
                        r"\b2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)[- ]?\d{4}[- ]?\d{4}"
                        r"[- ]?\d{4}\b",
                        0.3,
                    ),
                    Pattern("Amex 4-6-5", r"\b3[47]\d\d[- ]?\d{6}[- ]?\d{5}\b", 0.3),
                    Pattern(
                        "Grouped 13-19 digits",
                        r"\b\d{4}([- ]?)\d{4}\1\d{4}(?:\1\d{1,4}){1,2}\b",
                        0.3,
                    ),
                    Pattern("Diners 4-6-4", r"\b3(?:0[0-5]|[689]\d)\d[- ]?\d{6}[- ]?\d{4}\b", 0.3),
                ]
                if close_gaps
                else None,
            ),
            "CRYPTO": lambda lang=lang: CryptoRecognizer(supported_language=lang),
            "DATE_TIME": lambda lang=lang: DateRecognizer(
                supported_language=lang,
                patterns=[
                    *DateRecognizer.PATTERNS,
                    Pattern(
                        "day month year (words)",
                        rf"\b{_DAY}(?:\s+of)?[\s-]+{_MONTHS}\.?,?[\s-]+{_YEAR}\b",
                        0.6,
                    ),
                    Pattern(
                        "month day year (words)", rf"\b{_MONTHS}\.?\s+{_DAY},?\s+{_YEAR}\b", 0.6
                    ),
                ]
                if close_gaps
                else None,
            ),
            "EMAIL_ADDRESS": lambda lang=lang: OfflineEmailRecognizer(supported_language=lang),
            "IBAN_CODE": lambda lang=lang: IbanRecognizer(supported_language=lang),
            "IP_ADDRESS": lambda lang=lang: IpRecognizer(supported_language=lang),
            "PHONE_NUMBER": lambda lang=lang: PhoneRecognizer(
                supported_language=lang, supported_regions=tuple(phone_regions)
            ),
            "URL": lambda lang=lang: UrlRecognizer(supported_language=lang),
            "US_SSN": lambda lang=lang: UsSsnRecognizer(supported_language=lang),
        }
        makers.update(_national_id_makers(lang))
        missing = wanted - makers.keys() - NAME_ENTITIES
        if missing:
            raise ConfigurationError(
                f"no recognizer for {sorted(missing)} in the presidio engine; pass analyzer= or "
                "spacy_model= for NER entities"
            )
        for name in wanted & makers.keys():
            registry.add_recognizer(makers[name]())
        names = wanted & NAME_ENTITIES
        if names and spacy_model is None:  # a user's spaCy NER replaces ours
            registry.add_recognizer(build_name_recognizer(entities=sorted(names), language=lang))
    return AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=list(languages))


def _national_id_makers(lang: str) -> dict[str, Any]:
    """The predefined presidio recognizers of the national identifiers it has; ours for the rest.

    ``FR_NIR``, ``NL_BSN`` and ``BR_CPF`` (no presidio recognizer) are ``PatternRecognizer``s
    with the fast engine's patterns, context words and python-stdnum checksums.
    """
    from presidio_analyzer import Pattern, PatternRecognizer  # noqa: PLC0415
    from presidio_analyzer.predefined_recognizers import (  # noqa: PLC0415
        AuTfnRecognizer,
        DeTaxIdRecognizer,
        EsNieRecognizer,
        EsNifRecognizer,
        InAadhaarRecognizer,
        InPanRecognizer,
        ItFiscalCodeRecognizer,
        NhsRecognizer,
        PlPeselRecognizer,
        SgFinRecognizer,
        UkNinoRecognizer,
    )

    stock: dict[str, Any] = {
        "AU_TFN": AuTfnRecognizer,
        "DE_TAX_ID": DeTaxIdRecognizer,
        "ES_NIE": EsNieRecognizer,
        "ES_NIF": EsNifRecognizer,
        "IN_AADHAAR": InAadhaarRecognizer,
        "IN_PAN": InPanRecognizer,
        "IT_FISCAL_CODE": ItFiscalCodeRecognizer,
        "UK_NHS": NhsRecognizer,
        "PL_PESEL": PlPeselRecognizer,
        "SG_NRIC_FIN": SgFinRecognizer,
        "UK_NINO": UkNinoRecognizer,
    }
    specs = {spec.entity: spec for spec in NATIONAL_IDS}

    def checked(cls: Any, spec: NationalId) -> Any:
        # Stock recognizers without a check of their own (SG_NRIC_FIN, IN_PAN, UK_NINO, ...)
        # get ours, so both engines drop the same invalid numbers.
        if cls.validate_result is not PatternRecognizer.validate_result:
            return cls

        def validate_result(_self: Any, pattern_text: str) -> bool | None:
            return None if spec.check(pattern_text) else False

        return type(cls.__name__, (cls,), {"validate_result": validate_result})

    classes = {name: checked(cls, specs[name]) for name, cls in stock.items()}
    makers: dict[str, Any] = {
        name: (lambda cls=cls: cls(supported_language=lang)) for name, cls in classes.items()
    }

    class ChecksumRecognizer(PatternRecognizer):
        """A pattern recognizer whose matches must pass a checksum."""

        def __init__(self, spec: NationalId) -> None:
            self._spec = spec
            super().__init__(
                supported_entity=spec.entity,
                patterns=[
                    Pattern(f"{spec.entity} {i}", pat, score)
                    for i, (pat, score) in enumerate(spec.patterns)
                ],
                context=list(spec.context),
                supported_language=lang,
            )

        def validate_result(self, pattern_text: str) -> bool | None:
            # None keeps the pattern's score (True would raise it to 1.0, also for a bare run
            # of digits that passes a one-in-eleven checksum by chance); False drops it.
            return None if self._spec.check(pattern_text) else False

    for spec in NATIONAL_IDS:
        if spec.entity not in stock:
            makers[spec.entity] = lambda spec=spec: ChecksumRecognizer(spec)
    return makers


def _nlp_engine(spacy_model: str | None, languages: Sequence[str]) -> Any:
    if spacy_model is None:
        return tokenizing_nlp_engine(languages)
    import importlib.util  # noqa: PLC0415

    if importlib.util.find_spec(spacy_model) is None:
        raise ResourceUnavailable(
            f"spaCy pipeline {spacy_model!r} is not installed; genai-guard never downloads models"
        )
    from presidio_analyzer.nlp_engine import SpacyNlpEngine  # noqa: PLC0415

    engine = SpacyNlpEngine(
        models=[{"lang_code": lang, "model_name": spacy_model} for lang in languages]
    )
    engine.load()
    return engine


class PresidioAnalyzer:
    """Adapter from a presidio ``AnalyzerEngine`` to our ``analyze(text) -> list[Entity]``.

    Thread-safe as far as the wrapped engine is (presidio's is, once built).
    """

    __slots__ = ("_engine", "entities", "language")

    def __init__(self, engine: Any, *, entities: Sequence[str], language: str = "en") -> None:
        self._engine = engine
        self.entities = tuple(entities)
        self.language = language

    def analyze(self, text: str, *, threshold: float = 0.0) -> list[Entity]:
        """Entities at or above ``threshold``; a URL inside an e-mail address is dropped."""
        results = self._engine.analyze(
            text=text,
            language=self.language,
            entities=list(self.entities),
            score_threshold=threshold,
        )
        found = [Entity(r.start, r.end, r.entity_type, float(r.score)) for r in results]
        return resolve_overlaps(found)
