"""Small stages for engine tests: deterministic, no dependencies."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from genai_guard import Action, Category, Context, Outcome, Span, View, finding


@dataclass(frozen=True)
class KeywordDetector:
    """Reports each occurrence of ``word`` (in the text and in views) with ``score``."""

    name: str
    word: str
    score: float = 0.9

    def check(self, text: str, ctx: Context) -> Outcome:
        hits = []
        for source, view in [(text, None), *((v.text, v.id) for v in ctx.views)]:
            start = source.find(self.word)
            if start >= 0:
                hits.append(
                    finding(
                        f"test.{self.name}",
                        Category.GOAL_HIJACKING,
                        self.score,
                        span=Span(start, start + len(self.word)),
                        view=view,
                    )
                )
        return Outcome(findings=tuple(hits))


@dataclass(frozen=True)
class UpperSanitizer:
    """Upper-cases the text and records it."""

    name: str = "upper"
    default_on_fail = Action.MODIFY

    def check(self, text: str, ctx: Context) -> Outcome:
        new = text.upper()
        if new == text:
            return Outcome()
        return Outcome(findings=(finding("sanitize.upper", Category.NORMALIZATION, 0.1),), text=new)


@dataclass(frozen=True)
class ReverseViewer:
    """Adds the reversed text as a view (like a decoder would)."""

    name: str = "reverse"
    default_on_fail = Action.MODIFY

    def check(self, text: str, ctx: Context) -> Outcome:
        return Outcome(views=(View(text[::-1], "reversed", Span(0, len(text))),))


@dataclass(frozen=True)
class Boom:
    """Always raises."""

    name: str = "boom"

    def check(self, text: str, ctx: Context) -> Outcome:
        raise RuntimeError("stage failure")


@dataclass(frozen=True)
class AsyncKeyword:
    """Async-only twin of KeywordDetector."""

    name: str
    word: str
    calls: list[str] = field(default_factory=list, compare=False)

    async def acheck(self, text: str, ctx: Context) -> Outcome:
        await asyncio.sleep(0)
        return KeywordDetector(self.name, self.word).check(text, ctx)


@dataclass(frozen=True)
class Masker:
    """Replaces ``secret`` with a placeholder and records the restoration."""

    name: str = "masker"
    default_on_fail = Action.MODIFY

    def check(self, text: str, ctx: Context) -> Outcome:
        if "secret" not in text:
            return Outcome()
        return Outcome(
            findings=(finding("pii.TEST", Category.PII, 0.8),),
            text=text.replace("secret", "<TEST_1>"),
            restorations={"<TEST_1>": "secret"},
        )


@dataclass(frozen=True)
class Restorer:
    """Output stage: puts restorations from the context back."""

    name: str = "restore"
    default_on_fail = Action.MODIFY

    def check(self, text: str, ctx: Context) -> Outcome:
        new = text
        for placeholder, value in ctx.restorations.items():
            new = new.replace(placeholder, value)
        return Outcome(text=new) if new != text else Outcome()
