"""ACME's genai-guard extensions: a banned-terms detector and the company policy."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from genai_guard import Category, Context, Outcome, Span, StageType, finding

__all__ = ["BannedTermsDetector", "BannedTermsOptions", "banned_terms_type"]


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
                findings.append(
                    finding(
                        "acme.banned_term",
                        Category.INPUT_POLICY,
                        1.0,
                        span=Span(at, at + len(term)),
                        message="a term ACME does not discuss",
                    )
                )
        return Outcome(findings=tuple(findings))


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
