"""``PIIDetector``: reports PII entities with rule ids ``pii.<ENTITY>`` and spans."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar, Literal, Protocol

from annotated_types import Gt, Interval

from genai_guard._lines import LineBlockScanner, run_whole, shift_spans
from genai_guard._results import Action, Category, Finding, Outcome, Span
from genai_guard.context import Context, Direction
from genai_guard.errors import ConfigurationError, InputError
from genai_guard.pii._lists import AllowList, DenyList, EntityLists
from genai_guard.pii._recognizers import DEFAULT_ENTITIES, Entity, FastRecognizers
from genai_guard.taxonomy import Threat, finding, threat_for

__all__ = ["DEFAULT_MAX_CHARS", "Analyzer", "Engine", "PIIDetector", "build_analyzer"]

Engine = Literal["fast", "presidio"]
DEFAULT_MAX_CHARS = 200_000
DEFAULT_PHONE_REGIONS = ("US", "GB", "DE", "FR", "IN", "CA", "BR", "AU")


class Analyzer(Protocol):
    """What the PII stages need from a recognizer set."""

    def analyze(self, text: str, *, threshold: float = 0.0) -> list[Entity]:
        """Non-overlapping entities at or above ``threshold``, in text order."""
        ...


def build_analyzer(
    *,
    engine: Engine = "fast",
    entities: Sequence[str] = DEFAULT_ENTITIES,
    phone_regions: Sequence[str] = DEFAULT_PHONE_REGIONS,
    languages: Sequence[str] = ("en",),
    analyzer: Any = None,
    spacy_model: str | None = None,
) -> Analyzer:
    """Build the recognizers behind ``PIIDetector`` and ``PIIMasker``.

    Args:
        engine: ``fast`` (presidio's patterns, validators and context words run directly) or
            ``presidio`` (a real ``AnalyzerEngine`` with an offline tokenizing NLP engine).
        entities: Entity types; with your own analyzer or a spaCy model, NER types such as
            ``PERSON`` are allowed too.
        phone_regions: Regions tried for phone numbers.
        languages: Languages of presidio's recognizers (``presidio`` engine).
        analyzer: Your own presidio ``AnalyzerEngine`` (implies the ``presidio`` engine).
        spacy_model: Name of an installed spaCy pipeline to add NER (implies ``presidio``).
    """
    if not entities:
        raise ConfigurationError("entities must not be empty")
    if analyzer is not None or spacy_model is not None or engine == "presidio":
        from genai_guard.pii._presidio import (  # noqa: PLC0415 - presidio is heavy
            PresidioAnalyzer,
            build_analyzer_engine,
        )

        built = analyzer
        if built is None:
            built = build_analyzer_engine(
                entities=entities,
                phone_regions=phone_regions,
                languages=languages,
                spacy_model=spacy_model,
            )
        return PresidioAnalyzer(built, entities=entities, language=languages[0])
    if engine != "fast":
        raise ConfigurationError(f"engine must be 'fast' or 'presidio', got {engine!r}")
    try:
        return FastRecognizers(entities=entities, phone_regions=phone_regions)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from exc


def entity_findings(
    entities: Sequence[Entity],
    *,
    view: str | None = None,
    action: str = "found",
    threats: Mapping[str, Threat] | None = None,
) -> list[Finding]:
    """One ``pii.<ENTITY>`` finding per entity; messages never include the value."""
    table = threats or {}
    return [
        finding(
            f"pii.{e.entity_type}",
            Category.PII,
            e.score,
            span=Span(e.start, e.end),
            message=f"{e.entity_type} {action}",
            view=view,
            threat=table.get(e.entity_type),
            metadata={"entity": e.entity_type},
        )
        for e in entities
    ]


class PIIDetector:
    """Report PII in the text and in every view of the context; never rewrites.

    Args:
        name: Stage name.
        entities: Entity types to report.
        score_threshold: Lowest entity score reported.
        engine: ``fast`` or ``presidio`` (see ``build_analyzer``).
        phone_regions: Regions tried for phone numbers.
        languages: Languages (``presidio`` engine).
        analyzer: Your own presidio ``AnalyzerEngine``.
        spacy_model: An installed spaCy pipeline for NER entities.
        allow: Values never reported (exact, case-insensitive, linear-safe regex), checked
            against each detected entity's whole text after detection.
        deny: Values always reported, each list as its own entity type (``PROJECT``).
        max_chars: Longer texts (prompts, views and answers alike, whole or streamed) raise
            ``InputError``, a stage error handled by the step's ``on_error`` (fail closed).

    Thread-safe: immutable after construction.
    """

    default_on_fail: ClassVar[Action] = Action.BLOCK
    __slots__ = ("_analyzer", "_lists", "_threats", "max_chars", "name", "score_threshold")

    def __init__(
        self,
        name: str = "pii_detect",
        *,
        entities: Sequence[str] = DEFAULT_ENTITIES,
        score_threshold: Annotated[float, Interval(ge=0.0, le=1.0)] = 0.4,
        engine: Engine = "fast",
        phone_regions: Sequence[str] = DEFAULT_PHONE_REGIONS,
        languages: Sequence[str] = ("en",),
        analyzer: Any = None,
        spacy_model: str | None = None,
        allow: AllowList | None = None,
        deny: Sequence[DenyList] = (),
        max_chars: Annotated[int, Gt(0)] = DEFAULT_MAX_CHARS,
    ) -> None:
        if not 0.0 <= score_threshold <= 1.0:
            raise ConfigurationError("score_threshold must be within [0, 1]")
        self.name = name
        self.score_threshold = score_threshold
        self.max_chars = max_chars
        try:
            self._lists = EntityLists(allow=allow, deny=deny)
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from exc
        # Taxonomy ids looked up once per entity type, not per finding.
        self._threats = {
            e: threat_for(f"pii.{e}", Category.PII) for e in (*entities, *self._lists.entities)
        }
        self._analyzer = build_analyzer(
            engine=engine,
            entities=entities,
            phone_regions=phone_regions,
            languages=languages,
            analyzer=analyzer,
            spacy_model=spacy_model,
        )

    def __repr__(self) -> str:
        return f"PIIDetector(name={self.name!r}, score_threshold={self.score_threshold})"

    def analyze(self, text: str) -> list[Entity]:
        """The entities in ``text`` at or above the score threshold."""
        if len(text) > self.max_chars:
            raise InputError(f"text of {len(text)} chars exceeds max_chars={self.max_chars}")
        found = self._analyzer.analyze(text, threshold=self.score_threshold)
        return found if self._lists.empty else self._lists.apply(text, found)

    def findings(
        self, entities: Sequence[Entity], *, view: str | None = None, action: str = "found"
    ) -> list[Finding]:
        """``pii.<ENTITY>`` findings for analyzed entities (no values in messages)."""
        return entity_findings(entities, view=view, action=action, threats=self._threats)

    def check(self, text: str, ctx: Context) -> Outcome:
        """Findings for the text and each view (a view's findings carry its id).

        On output the check is the streaming scan run over the whole text, so a streamed answer
        and the same answer checked whole get the same findings.
        """
        if ctx.direction is Direction.OUTPUT:
            return run_whole(self.open_stream(ctx), text)
        findings = self.findings(self.analyze(text))
        for view in ctx.views:
            findings.extend(self.findings(self.analyze(view.text), view=view.id))
        return Outcome(findings=tuple(findings)) if findings else Outcome()

    def open_stream(self, ctx: Context) -> LineBlockScanner:
        """A scanner that checks a stream line by line (entities never span a line break).

        Fake values the masker issued for this conversation (``ctx.restorations``) are not
        reported: they are the masker's own, and the restorer swaps them back.
        """
        issued = frozenset(ctx.restorations)

        def scan(unit: str, offset: int) -> list[Finding]:
            found = self.analyze(unit)
            if issued:
                found = [e for e in found if unit[e.start : e.end] not in issued]
            return shift_spans(self.findings(found), offset)

        return LineBlockScanner(scan, max_chars=self.max_chars)
