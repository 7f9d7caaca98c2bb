"""Refusals: answers in which the model declines the request.

Useful to measure over-refusal, to route to a fallback, or to notice that an attack turned the
model against the user's legitimate task. ``RefusalValidator`` matches refusal phrases in English,
Spanish, French, German, Portuguese, Italian, Russian, Chinese and Japanese near the start of the
answer (the first ``window`` characters, line by line).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

import regex
from annotated_types import Ge

from genai_guard._results import Action, Category, Finding, Outcome, Span
from genai_guard.context import Context
from genai_guard.errors import ConfigurationError
from genai_guard.taxonomy import finding
from genai_guard.validate._scanning import LineScanner, run_whole

__all__ = ["REFUSAL_PHRASES", "Language", "RefusalValidator"]

Language = Literal["en", "es", "fr", "de", "pt", "it", "ru", "zh", "ja"]
"""A language with refusal phrases (the keys of ``REFUSAL_PHRASES``)."""

_TIMEOUT = 0.25
_APOS = r"['\u2019]"

REFUSAL_PHRASES: dict[str, str] = {
    "en": (
        rf"\bI\s+(?:can{_APOS}?t|cannot|can\s+not|won{_APOS}t|will\s+not|am\s+not\s+able\s+to|"
        rf"am\s+unable\s+to|{_APOS}m\s+(?:not\s+able|unable)\s+to)\s+(?:help|assist|provide|"
        r"comply|do\s+that|fulfil|fulfill|share|create|write|generate|support)"
        rf"|\bI{_APOS}m\s+sorry,?\s+but\s+I\b|\bI\s+apologi[sz]e,?\s+but\s+I\b"
        r"|\bas\s+an\s+AI(?:\s+language\s+model)?,?\s+I\s+(?:can|don|do\s+not|am\s+not)"
        rf"|\bI\s+must\s+(?:decline|refuse)\b|\bI{_APOS}m\s+not\s+(?:comfortable|going\s+to)\b"
    ),
    "es": (
        r"\bno\s+puedo\s+(?:ayudar|proporcionar|hacer|cumplir|asistir|compartir|crear|generar)"
        r"|\blo\s+siento,?\s+pero\s+no\b|\bme\s+temo\s+que\s+no\s+puedo\b"
    ),
    "fr": (
        r"\bje\s+ne\s+(?:peux|puis)\s+pas\s+(?:vous\s+|t{_APOS}|t\s+)?(?:aider|fournir|r[ée]pondre|"
        r"faire|partager|cr[ée]er|g[ée]n[ée]rer)|\bd[ée]sol[ée]e?,?\s+mais\s+je\s+ne\b"
        r"|\bje\s+suis\s+(?:incapable|dans\s+l{_APOS}impossibilit[ée])\b"
    ).replace("{_APOS}", _APOS),
    "de": (
        r"\bich\s+kann\s+(?:(?:dir|ihnen|euch)\s+)?(?:dabei\s+|hierbei\s+|damit\s+)?nicht\s+"
        r"(?:helfen|behilflich|unterst[üu]tzen|bereitstellen|erstellen)"
        r"|\b(?:es\s+)?tut\s+mir\s+leid,?\s+(?:aber|doch)\s+(?:ich|das)\b"
        r"|\bich\s+kann\s+(?:diese[rn]?\s+)?(?:anfrage|bitte)\s+nicht\b"
    ),
    "pt": (
        r"\bn[ãa]o\s+(?:posso|consigo)\s+(?:ajudar|fornecer|fazer|atender|cumprir|compartilhar|"
        r"criar|gerar)|\b(?:desculpe|lamento),?\s+mas\s+n[ãa]o\b"
    ),
    "it": (
        r"\bnon\s+(?:posso|sono\s+in\s+grado\s+di)\s+(?:aiutar|fornire|fare|soddisfare|"
        r"condividere|creare|generare)|\bmi\s+dispiace,?\s+ma\s+non\b"
    ),
    "ru": (
        r"я\s+не\s+(?:могу|в\s+состоянии)\s+(?:помочь|предоставить|выполнить|сделать|"
        r"поделиться|создать)|(?:извините|простите|к\s+сожалению),?\s+(?:но\s+)?я\s+не\s+могу"
    ),
    "zh": (
        r"我(?:不能|无法|没办法|不可以)(?:帮助|协助|提供|满足|回答|完成|分享)"
        r"|抱歉[，,]?\s*我(?:不能|无法)"
    ),
    "ja": (
        r"申し訳(?:ありません|ございません)が[、,]?|お手伝いできません|お答えできません"
        r"|(?:提供|対応|協力)(?:することは)?できません"
    ),
}


@dataclass(frozen=True, slots=True, init=False)
class RefusalValidator:
    """Flags answers that refuse.

    Findings: ``output.refusal.<lang>`` (``OUTPUT_POLICY``, score 0.8) for the first refusal phrase
    in the first ``window`` characters. Default action ``flag``. Opt-in (not in the default
    policy). Streams line by line. Thread-safe.

    Args:
        name: Stage name.
        languages: Language codes to match; default all of ``REFUSAL_PHRASES``.
        window: Only the lines starting within this many characters are examined.
    """

    name: str
    languages: tuple[str, ...]
    window: int
    _pattern: regex.Pattern[str]
    default_on_fail = Action.FLAG

    def __init__(
        self,
        name: str = "refusal",
        *,
        languages: Sequence[Language] | None = None,
        window: Annotated[int, Ge(1)] = 2000,
    ) -> None:
        langs = tuple(REFUSAL_PHRASES) if languages is None else tuple(languages)
        unknown = [lang for lang in langs if lang not in REFUSAL_PHRASES]
        if unknown or not langs:
            raise ConfigurationError(f"unknown or no refusal languages: {unknown}")
        if window < 1:
            raise ConfigurationError("window must be positive")
        joined = "|".join(f"(?P<{lang}>{REFUSAL_PHRASES[lang]})" for lang in langs)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "languages", langs)
        object.__setattr__(self, "window", window)
        object.__setattr__(self, "_pattern", regex.compile(joined, regex.IGNORECASE))

    def check(self, text: str, ctx: Context) -> Outcome:
        """Find a refusal in the whole text."""
        return run_whole(self.open_stream(ctx), text)

    def open_stream(self, ctx: Context) -> LineScanner:
        """A line scanner for one stream."""
        return LineScanner(self._scan)

    def _scan(self, unit: str, offset: int) -> list[Finding]:
        if offset >= self.window:
            return []
        m = self._pattern.search(unit, timeout=_TIMEOUT)
        if m is None:
            return []
        lang = m.lastgroup or "unknown"
        return [
            finding(
                f"output.refusal.{lang}",
                Category.OUTPUT_POLICY,
                0.8,
                span=Span(offset + m.start(), offset + m.end()),
                message="the answer refuses the request",
                metadata={"language": lang},
            )
        ]
