"""Result types: what stages find and what the pipeline decides.

Everything here is a frozen, slotted stdlib dataclass built by the library on the hot path;
nothing is validated per call. pydantic appears only at the edges (policies, JSON export,
user schemas).
Instances are immutable and therefore safe to share between threads.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from genai_guard.errors import GuardBlocked

if TYPE_CHECKING:
    from genai_guard.context import Context

__all__ = [
    "ATTACK_CATEGORIES",
    "Action",
    "Category",
    "Decision",
    "Direction",
    "Finding",
    "Outcome",
    "Span",
    "StageResult",
    "View",
]

_EMPTY: Mapping[str, Any] = MappingProxyType({})

# Bounds of the JSON form (``to_dict``): a stage's message or metadata cannot make it large.
_MAX_JSON_STR = 512
_MAX_JSON_ITEMS = 32
_MAX_JSON_DEPTH = 4
_MAX_JSON_CHARS = 4096  # per bounded value, in total (strings count their length, others 1)


def _bounded(value: Any) -> Any:
    """A JSON-safe copy of ``value`` cut to fixed bounds.

    Strings, items per collection, nesting depth and the total number of characters are bounded,
    so any value yields at most a few KB.
    """
    budget = [_MAX_JSON_CHARS]

    def cut(v: Any, depth: int) -> Any:
        if budget[0] <= 0:
            return "..."
        if isinstance(v, str):
            keep = min(len(v), _MAX_JSON_STR, budget[0])
            budget[0] -= keep
            return v if keep == len(v) else v[:keep] + "..."
        budget[0] -= 1
        if v is None or isinstance(v, (bool, int, float)):
            return v
        if depth >= _MAX_JSON_DEPTH:
            return "..."
        if isinstance(v, Mapping):
            return {cut(str(k), depth): cut(x, depth + 1) for k, x in _first(v.items())}
        if isinstance(v, (list, tuple)):
            return [cut(x, depth + 1) for x in v[:_MAX_JSON_ITEMS]]
        return type(v).__name__  # not JSON-safe: its type only, never its repr

    return cut(value, 0)


def _first(items: Any) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if len(out) == _MAX_JSON_ITEMS:
            break
        out.append(item)
    return out


class Direction(enum.StrEnum):
    """Which way a text flows: into the model or out of it."""

    INPUT = "input"
    OUTPUT = "output"


class Action(enum.StrEnum):
    """What a step does with a text. Ordered by severity: allow < modify < flag < block."""

    ALLOW = "allow"
    MODIFY = "modify"
    FLAG = "flag"
    BLOCK = "block"

    @property
    def severity(self) -> int:
        """Rank used to pick the most severe action of a run."""
        return _SEVERITY[self]


_SEVERITY = {Action.ALLOW: 0, Action.MODIFY: 1, Action.FLAG: 2, Action.BLOCK: 3}


class Category(enum.StrEnum):
    """What kind of problem a finding is.

    The first four are the prompt-attack taxonomy; the others are findings that are not attacks.
    """

    GOAL_HIJACKING = "goal_hijacking"
    GUARDRAIL_BYPASS = "guardrail_bypass"
    INFORMATION_LEAKAGE = "information_leakage"
    INFRASTRUCTURE_ATTACK = "infrastructure_attack"
    PII = "pii"
    SECRET = "secret"  # noqa: S105 - a category name, not a credential
    OUTPUT_POLICY = "output_policy"
    INPUT_POLICY = "input_policy"
    NORMALIZATION = "normalization"

    @property
    def is_attack(self) -> bool:
        """True for the four prompt-attack classes."""
        return self in ATTACK_CATEGORIES


ATTACK_CATEGORIES = frozenset(
    {
        Category.GOAL_HIJACKING,
        Category.GUARDRAIL_BYPASS,
        Category.INFORMATION_LEAKAGE,
        Category.INFRASTRUCTURE_ATTACK,
    }
)


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character range ``[start, end)`` in the text a finding refers to."""

    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class View:
    """A derived reading of the checked text, such as a decoded base64 payload.

    Views reach the detectors that follow through ``Context.views``; they never change the text
    the model receives. ``span`` is where the view came from in the text of the stage that made it.
    """

    text: str = field(repr=False)
    origin: str
    span: Span | None = None
    depth: int = 1

    @property
    def id(self) -> str:
        """Stable identifier used by findings that point into this view."""
        where = f"@{self.span.start}-{self.span.end}" if self.span is not None else ""
        return f"{self.origin}{where}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a stage found.

    Attributes:
        rule_id: Stable dotted id, e.g. ``attack.goal_hijacking.ignore_previous``.
        category: The taxonomy class.
        score: Confidence or severity in ``[0, 1]``.
        span: Where in the text (or in ``view``) it was found; ``None`` for whole-text findings.
        message: One line for humans. Never contains the raw matched text.
        view: Id of the ``View`` the span refers to, or ``None`` for the checked text itself.
        stride: STRIDE classes (``S``, ``T``, ``R``, ``I``, ``D``, ``E`` spelled out).
        owasp: OWASP Top 10 for LLM Applications 2025 ids, e.g. ``LLM01:2025``.
        atlas: MITRE ATLAS technique ids, e.g. ``AML.T0051``.
        metadata: Opaque extra facts (counts, entity types); JSON-safe values only.
    """

    rule_id: str
    category: Category
    score: float
    span: Span | None = None
    message: str = ""
    view: str | None = None
    stride: tuple[str, ...] = ()
    owasp: tuple[str, ...] = ()
    atlas: tuple[str, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form, bounded in size (long messages and metadata are cut)."""
        return {
            "rule_id": _bounded(self.rule_id),
            "category": self.category.value,
            "score": round(self.score, 4),
            "span": None if self.span is None else [self.span.start, self.span.end],
            "view": _bounded(self.view),
            "message": _bounded(self.message),
            "stride": list(self.stride),
            "owasp": list(self.owasp),
            "atlas": list(self.atlas),
            "metadata": _bounded(self.metadata),
        }


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one stage returns for one text.

    Attributes:
        findings: What it found.
        text: The rewritten text, or ``None`` when the stage does not rewrite.
        views: Derived readings for later detectors (decoded payloads, smuggled text).
        restorations: Placeholder to original value, needed to unmask the model's answer.
        data: Opaque structured result, e.g. the parsed object of a schema validator.
    """

    findings: tuple[Finding, ...] = ()
    text: str | None = field(default=None, repr=False)
    views: tuple[View, ...] = ()
    restorations: Mapping[str, str] = field(default_factory=lambda: _EMPTY, repr=False)
    data: Any = None


CLEAN = Outcome()


@dataclass(frozen=True, slots=True)
class StageResult:
    """One step's part in a decision."""

    stage: str
    action: Action
    outcome: Outcome
    elapsed_ns: int
    error: BaseException | None = None

    def to_dict(self, *, expose_errors: bool = False) -> dict[str, Any]:
        """JSON-safe form.

        Args:
            expose_errors: Report a stage error by type and message (cut to a bounded length);
                by default only its type, since a message may quote the text or a secret.
        """
        error: str | None = None
        if self.error is not None:
            error = type(self.error).__name__
            if expose_errors:
                error = _bounded(f"{error}: {self.error}")
        return {
            "stage": self.stage,
            "action": self.action.value,
            "elapsed_us": round(self.elapsed_ns / 1000, 1),
            "error": error,
            "findings": [f.to_dict() for f in self.outcome.findings],
        }


@dataclass(frozen=True, slots=True)
class Decision:
    """The pipeline's verdict on one text.

    ``repr`` shows the action, risk and rule ids only: never the text or the restorations.
    ``expose_errors`` (from the pipeline's settings) lets ``to_dict`` show stage error messages.
    """

    action: Action
    text: str = field(repr=False)
    results: tuple[StageResult, ...] = ()
    direction: Direction = Direction.INPUT
    context: Context | None = field(default=None, repr=False)
    restorations: Mapping[str, str] = field(default_factory=lambda: _EMPTY, repr=False)
    views: tuple[View, ...] = field(default=(), repr=False)
    expose_errors: bool = field(default=False, repr=False)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding of every stage, in pipeline order."""
        return tuple(f for r in self.results for f in r.outcome.findings)

    @property
    def risk(self) -> float:
        """The highest score among prompt-attack findings, 0.0 if none."""
        return max(
            (f.score for r in self.results for f in r.outcome.findings if f.category.is_attack),
            default=0.0,
        )

    @property
    def blocked(self) -> bool:
        """True when the final action is ``block``."""
        return self.action is Action.BLOCK

    @property
    def allowed(self) -> bool:
        """True when the text may go on (``allow``, ``modify`` or ``flag``)."""
        return self.action is not Action.BLOCK

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """Rule ids of all findings, in order, without repeats."""
        return tuple(dict.fromkeys(f.rule_id for f in self.findings))

    @property
    def block_reasons(self) -> tuple[str, ...]:
        """Why the text was blocked: rule ids of the blocking steps' findings, in pipeline order.

        A blocking step without findings (a stage error under ``on_error="block"``) is named as
        ``stage:<step>``. Empty unless the decision blocked.
        """
        if not self.blocked:
            return ()
        reasons: list[str] = []
        for r in self.results:
            if r.action is not Action.BLOCK:
                continue
            reasons += [f.rule_id for f in r.outcome.findings] or [f"stage:{r.stage}"]
        return tuple(dict.fromkeys(reasons))

    @property
    def masked(self) -> tuple[str, ...]:
        """Rule ids of findings that rewrote the text (masking, ``modify``): not block reasons."""
        return tuple(
            dict.fromkeys(
                f.rule_id
                for r in self.results
                if r.action is Action.MODIFY
                for f in r.outcome.findings
            )
        )

    def result(self, stage: str) -> StageResult | None:
        """The result of the step named ``stage``, if it ran."""
        return next((r for r in self.results if r.stage == stage), None)

    def raise_for_block(self) -> Decision:
        """Raise ``GuardBlocked`` if blocked; otherwise return self (for chaining)."""
        if self.blocked:
            raise GuardBlocked(self)
        return self

    def to_dict(self, *, include_text: bool = False) -> dict[str, Any]:
        """JSON-safe form. Restorations are never included; texts only when asked for.

        Bounded in size: the pipeline caps the findings and views of a call (settings
        ``max_findings``, ``max_views``, ``max_view_chars``) and each finding's JSON form is cut
        to fixed bounds; stage error messages appear only with settings ``expose_errors``.
        """
        out: dict[str, Any] = {
            "action": self.action.value,
            "direction": str(self.direction),
            "blocked": self.blocked,
            "risk": round(self.risk, 4),
            "rule_ids": list(self.rule_ids),
            "results": [r.to_dict(expose_errors=self.expose_errors) for r in self.results],
            "restorations": len(self.restorations),
        }
        if include_text:
            out["text"] = self.text
            out["views"] = [{"id": v.id, "origin": v.origin, "text": v.text} for v in self.views]
        return out

    def __repr__(self) -> str:
        return (
            f"Decision(action={self.action.value!r}, risk={self.risk:.3f}, "
            f"rules={list(self.rule_ids)!r}, chars={len(self.text)})"
        )
