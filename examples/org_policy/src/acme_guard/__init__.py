"""ACME's genai-guard extensions: a banned-terms detector and the company policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from genai_guard import Category, Context, Outcome, Span, StageType, finding

__all__ = [
    "BannedTermsDetector",
    "BannedTermsOptions",
    "BannedTermsScanner",
    "banned_terms_type",
]


class BannedTermsOptions(BaseModel):
    """Options of ``acme.banned_terms``."""

    model_config = ConfigDict(extra="forbid")

    terms: list[str] = Field(min_length=1, description="Case-insensitive terms to block.")


@dataclass(frozen=True, slots=True)
class BannedTermsDetector:
    """Finds any of a fixed list of terms (case-insensitive substring match; linear time)."""

    name: str
    terms: tuple[str, ...]

    def check(self, text: str, ctx: Context) -> Outcome:
        """One finding per term found; spans point at the first occurrence."""
        lowered = text.lower()
        findings = []
        for term in self.terms:
            at = lowered.find(term)
            if at != -1:
                findings.append(_found(at, term))
        return Outcome(findings=tuple(findings))

    def open_stream(self, ctx: Context) -> BannedTermsScanner:
        """A scanner for one streamed answer, so streams stay incremental (no whole-text mode)."""
        return BannedTermsScanner(self.terms)


def _found(at: int, term: str) -> Any:
    return finding(
        "acme.banned_term",
        Category.INPUT_POLICY,
        1.0,
        span=Span(at, at + len(term)),
        message="a term ACME does not discuss",
    )


class BannedTermsScanner:
    """Per-stream state: keeps the last ``longest - 1`` characters to catch a term split in two."""

    def __init__(self, terms: tuple[str, ...]) -> None:
        self._terms = terms
        self._keep = max((len(t) for t in terms), default=1) - 1
        self._tail = ""  # lower-cased end of the stream so far, at most _keep characters
        self._seen = 0  # characters fed so far
        self._reported: set[str] = set()

    @property
    def lookbehind(self) -> int:
        """A term may start this far back from the end of what was fed."""
        return self._keep

    def feed(self, delta: str) -> Outcome:
        """Report each term once, at its first occurrence in the stream."""
        window = self._tail + delta.lower()
        base = self._seen - len(self._tail)
        findings = []
        for term in self._terms:
            at = window.find(term)
            if at != -1 and term not in self._reported:
                self._reported.add(term)
                findings.append(_found(base + at, term))
        self._seen += len(delta)
        self._tail = window[-self._keep :] if self._keep else ""
        return Outcome(findings=tuple(findings))

    def finish(self) -> Outcome:
        """Nothing is pending at the end."""
        return Outcome()


def banned_terms_type() -> StageType:
    """The ``acme.banned_terms`` stage type (the entry point's object)."""
    return StageType(
        name="acme.banned_terms",
        options=BannedTermsOptions,
        factory=lambda opts, step_id: BannedTermsDetector(
            step_id, tuple(t.lower() for t in opts.terms)
        ),
        kind="detector",
        description="Block texts mentioning terms ACME does not discuss.",
    )
