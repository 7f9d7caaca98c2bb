"""Prompt-attack rules: the data format, its validation, and the matcher built from it.

A rule file is YAML with a ``category`` and a list of ``rules``; each rule has a stable dotted id
``attack.<category>.<family>[.<name>]``, patterns for the ``regex`` module, a weight, a one-line
description, its taxonomy ids, the literal ``triggers`` that say where it can match and at least
two positive and two negative examples. The files shipped in ``genai_guard/detect/rules/`` are
package data, read when a detector is built, never at import time.

Matching is ``genai_guard._ruleset.RuleSet``'s: each pattern of each rule becomes one ``Rule``
whose keywords come from the pattern's own triggers, else the rule's (see ``rule_keywords``),
and whose reach is the rule's; ``RuleMatcher`` reports where each rule first matches. Scoring
is the detector's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import regex
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from genai_guard._results import Category, Span
from genai_guard._ruleset import Rule, RuleSet, lower_same_length, unsafe_nesting
from genai_guard.errors import ConfigurationError
from genai_guard.taxonomy import ATLAS, OWASP_LLM_2025, STRIDE, Threat

__all__ = [
    "AttackCategory",
    "CompiledRule",
    "PatternSpec",
    "RuleExamples",
    "RuleFile",
    "RuleMatcher",
    "RuleSpec",
    "builtin_rule_specs",
    "compile_rules",
    "load_rule_file",
    "rule_keywords",
]

logger = logging.getLogger(__name__)

AttackCategory = Literal[
    "goal_hijacking", "guardrail_bypass", "information_leakage", "infrastructure_attack"
]

_ID = regex.compile(
    r"attack\.(goal_hijacking|guardrail_bypass|information_leakage|infrastructure_attack)"
    r"\.[a-z][a-z0-9_]{0,40}(?:\.[a-z][a-z0-9_]{0,40}){0,3}"
)
_FLAGS = regex.IGNORECASE | regex.VERSION0
_ESCAPE = regex.compile(r"\\.")
_CODE_ESCAPE = regex.compile(r"\\[xuUN0-7]")
# Several words joined by spaces, hyphens or apostrophes (``system prompt``, ``role-play``).
_SEQUENCE = regex.compile(r"[ '-]*[a-z0-9]+(?:[ '-]+[a-z0-9]+)+[ '-]*")
_WORD = regex.compile(r"[a-z0-9]+")
# Shipped rules are checked by the tests (every pattern runs on its examples): they are not
# compiled to be validated, and compile on first use, which keeps building a detector cheap.
_TRUSTED = {"trusted": True}


class RuleExamples(BaseModel):
    """Texts a rule must match (``positive``) and must not match (``negative``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    positive: list[str] = Field(min_length=2)
    negative: list[str] = Field(min_length=2)


def _lowercase_triggers(v: list[str]) -> list[str]:
    for t in v:
        if not t or t != t.lower():
            raise ValueError(f"trigger {t!r} must be a non-empty lowercase literal")
    return v


class PatternSpec(BaseModel):
    """A pattern with triggers of its own, which replace the rule's for this pattern.

    Narrower triggers (a rare word every match of this pattern contains) keep the pattern from
    running wherever one of the rule's commoner triggers occurs.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern: str
    triggers: list[str] = Field(min_length=1)

    @field_validator("triggers")
    @classmethod
    def _lowercase(cls, v: list[str]) -> list[str]:
        return _lowercase_triggers(v)


_KNOWN_IDS: dict[str, tuple[Any, str]] = {
    "stride": (STRIDE, "STRIDE class(es)"),
    "owasp": (OWASP_LLM_2025, "OWASP LLM 2025 id(s)"),
    "atlas": (ATLAS, "ATLAS id(s)"),
}


class RuleSpec(BaseModel):
    """One rule as written in a rule file or a policy.

    Attributes:
        id: Stable dotted id ``attack.<category>.<family>[.<name>]``.
        category: One of the four attack classes; must match the id.
        description: One line for humans; it becomes the finding message.
        weight: The score of a hit, in ``(0, 1]``.
        patterns: ``regex`` patterns, matched case-insensitively; a hit on any is a hit of the rule.
            An entry may be a ``PatternSpec`` (``{pattern: ..., triggers: [...]}``): its triggers
            replace the rule's for that pattern.
        triggers: Lowercase literals that say where the rule can match: every match of every
            pattern must contain one of them (a trigger of several words, ``system prompt``:
            its longest word), case-insensitively, and lie within ``reach`` of it. Each is
            looked for as a substring. Empty means the patterns run over the whole text.
        reach: How far (in characters) a match may extend before or after a trigger; patterns
            are confirmed only within ``reach`` of each trigger occurrence, which keeps the
            work linear in the text.
        stride: STRIDE classes; ``owasp``: OWASP LLM 2025 ids; ``atlas``: MITRE ATLAS ids.
        examples: Positive and negative examples, run by the tests.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    category: AttackCategory
    description: str = Field(min_length=1, max_length=200)
    weight: float = Field(gt=0.0, le=1.0)
    patterns: list[str | PatternSpec] = Field(min_length=1)
    triggers: list[str] = Field(default_factory=list)
    reach: int = Field(240, ge=16, le=20_000)
    stride: list[str] = Field(default_factory=list)
    owasp: list[str] = Field(default_factory=list)
    atlas: list[str] = Field(default_factory=list)
    examples: RuleExamples

    @field_validator("description")
    @classmethod
    def _one_line(cls, v: str) -> str:
        if "\n" in v.strip():
            raise ValueError("description must be one line")
        return v.strip()

    @field_validator("triggers")
    @classmethod
    def _lowercase(cls, v: list[str]) -> list[str]:
        return _lowercase_triggers(v)

    @field_validator("stride", "owasp", "atlas")
    @classmethod
    def _known_ids(cls, v: list[str], info: ValidationInfo) -> list[str]:
        known, what = _KNOWN_IDS[info.field_name or ""]
        bad = [s for s in v if s not in known]
        if bad:
            raise ValueError(f"unknown {what} {bad}")
        return v

    @model_validator(mode="after")
    def _id_matches(self, info: ValidationInfo) -> RuleSpec:
        if _ID.fullmatch(self.id) is None:
            raise ValueError(f"rule id {self.id!r} must look like attack.<category>.<family>")
        if self.id.split(".")[1] != self.category:
            raise ValueError(f"rule id {self.id!r} does not match category {self.category!r}")
        trusted = isinstance(info.context, Mapping) and info.context.get("trusted") is True
        for p in self.pattern_texts:
            if unsafe_nesting(p):
                raise ValueError(
                    f"pattern of {self.id} repeats a group that holds an unbounded repetition "
                    "(like (a+)+, catastrophic backtracking); bound one of the two quantifiers"
                )
            if trusted:
                continue
            try:
                regex.compile(p, _FLAGS)
            except regex.error as exc:
                raise ValueError(f"pattern of {self.id} does not compile: {exc}") from None
        return self

    @property
    def pattern_texts(self) -> list[str]:
        """The patterns themselves, without their own triggers."""
        return [p if isinstance(p, str) else p.pattern for p in self.patterns]

    @property
    def pattern_triggers(self) -> list[list[str]]:
        """Per pattern, the triggers that gate it: its own, else the rule's."""
        return [self.triggers if isinstance(p, str) else p.triggers for p in self.patterns]

    @property
    def family(self) -> str:
        """``attack.<category>.<family>``: the first three parts of the id."""
        return ".".join(self.id.split(".")[:3])


class RuleFile(BaseModel):
    """A rule file: a category and its rules (a rule may omit its category)."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    category: AttackCategory
    rules: list[dict[str, Any]]

    def specs(self, *, trusted: bool = False) -> list[RuleSpec]:
        """The validated rules, inheriting the file's category.

        Args:
            trusted: The file ships with genai-guard (its patterns are not compiled here).
        """
        context = _TRUSTED if trusted else None
        return [
            RuleSpec.model_validate({"category": self.category, **r}, context=context)
            for r in self.rules
        ]


def rule_keywords(triggers: Iterable[str]) -> tuple[str, ...]:
    """The ``RuleSet`` keywords of a rule's triggers.

    A single word or any other literal is its own keyword (found as a substring). A trigger of
    several words (``system prompt``) is its longest word: the text may separate its words by
    anything (a line break, two spaces, a hyphen), which the pattern itself decides.
    """
    out: list[str] = []
    for t in triggers:
        if _SEQUENCE.fullmatch(t) is not None:
            t = max(_WORD.findall(t), key=len)  # noqa: PLW2901 - the trigger's keyword
        out.append(lower_same_length(t))
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule ready to match: patterns, keywords, reach and finding metadata. Immutable.

    ``keywords`` come from the rule's triggers; ``pattern_keywords`` holds, per pattern, the
    keywords that gate it (its own triggers, else the rule's).
    """

    id: str
    family: str
    category: Category
    weight: float
    description: str
    patterns: tuple[str, ...]
    keywords: tuple[str, ...]
    reach: int
    pattern_keywords: tuple[tuple[str, ...], ...]
    threat: Threat | None


def _validation_problems(where: str, exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"])
        parts.append(f"{where}{'.' + loc if loc else ''}: {err['msg']}")
    return "; ".join(parts)


# libyaml's loader when PyYAML has it: the shipped rule files parse ten times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse_file(text: str, where: str, *, trusted: bool = False) -> list[RuleSpec]:
    try:
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
        return RuleFile.model_validate(data).specs(trusted=trusted)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{where}: not valid YAML ({exc})") from None
    except ValidationError as exc:
        raise ConfigurationError(_validation_problems(where, exc)) from None


def builtin_rule_specs() -> list[RuleSpec]:
    """The rules shipped with genai-guard, read from package data (every call reads afresh)."""
    specs: list[RuleSpec] = []
    folder = resources.files("genai_guard.detect").joinpath("rules")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            text = entry.read_text(encoding="utf-8")
            specs.extend(_parse_file(text, f"rules/{entry.name}", trusted=True))
    return specs


def load_rule_file(path: str | Path) -> list[RuleSpec]:
    """Read and validate an organisation's rule file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"cannot read rule file {p.name!r}: {exc.strerror}") from None
    return _parse_file(text, p.name)


def _threat(spec: RuleSpec) -> Threat | None:
    if not (spec.stride or spec.owasp or spec.atlas):
        return None  # taxonomy.threat_for decides
    return Threat(tuple(spec.stride), tuple(spec.owasp), tuple(spec.atlas))


def compile_rules(
    specs: Iterable[RuleSpec | Mapping[str, Any]], *, disabled: Sequence[str] = ()
) -> tuple[CompiledRule, ...]:
    """Validate and de-duplicate rules.

    Args:
        specs: Rules as ``RuleSpec`` or plain mappings (policy ``extra_rules``).
        disabled: Rule ids or id prefixes to leave out.

    Raises:
        ConfigurationError: A rule is invalid (its pattern does not compile or nests unbounded
            repetitions) or an id occurs twice.
    """
    seen: set[str] = set()
    out: list[CompiledRule] = []
    for i, raw in enumerate(specs):
        try:
            spec = raw if isinstance(raw, RuleSpec) else RuleSpec.model_validate(raw)
        except ValidationError as exc:
            raise ConfigurationError(_validation_problems(f"rules[{i}]", exc)) from None
        if spec.id in seen:
            raise ConfigurationError(f"rule id {spec.id!r} defined twice")
        seen.add(spec.id)
        if any(spec.id == d or spec.id.startswith(d + ".") for d in disabled):
            continue
        out.append(
            CompiledRule(
                id=spec.id,
                family=spec.family,
                category=Category(spec.category),
                weight=spec.weight,
                description=spec.description,
                patterns=tuple(spec.pattern_texts),
                keywords=rule_keywords(spec.triggers),
                reach=spec.reach,
                pattern_keywords=tuple(rule_keywords(t) for t in spec.pattern_triggers),
                threat=_threat(spec),
            )
        )
    logger.debug("compiled %d attack rules", len(out))
    return tuple(out)


def _lowercase_only(pattern: str) -> bool:
    """True if ``pattern`` has no uppercase letter outside escapes, no case flag, no case class.

    Such a pattern matches the same spans case-sensitively in ``lower_same_length(text)`` as
    case-insensitively in ``text``, and markedly faster (the property tests compare the detector
    with a case-insensitive search of the original text).
    """
    if "(?-i" in pattern or ":upper:" in pattern or ":lower:" in pattern:
        return False
    if _CODE_ESCAPE.search(pattern):
        return False  # ``\x41`` names an uppercase letter without writing one
    return not any(c.isupper() for c in _ESCAPE.sub("", pattern))


class RuleMatcher:
    """Where each rule first matches in a text: one ``RuleSet`` over every rule's patterns.

    A rule's word triggers count as whole words (``keyword_match="word"``), as they always have.
    Patterns without uppercase letters run case-sensitively over the lowercased text
    (``Rule.lowercased``), the others case-insensitively over the text itself; offsets agree.

    Args:
        rules: The rules; ``first`` reports them by index.

    Raises:
        ValueError: A pattern nests unbounded repetitions (``RuleSpec`` refuses those first).

    Thread-safe: immutable after construction (patterns compile once, on first use).
    """

    __slots__ = ("_owner", "_set")

    def __init__(self, rules: Sequence[CompiledRule]) -> None:
        entries: list[Rule] = []
        owner: list[int] = []
        for r, rule in enumerate(rules):
            for p, keywords in zip(rule.patterns, rule.pattern_keywords, strict=True):
                on_low = _lowercase_only(p)
                flags = regex.VERSION0 if on_low else _FLAGS
                entries.append(Rule(rule.id, p, keywords, rule.reach, flags, "word", on_low))
                owner.append(r)
        self._set = RuleSet(entries, compiling="lazy")
        self._owner = tuple(owner)

    def first(self, text: str) -> dict[int, Span]:
        """Per rule index that fires, the first match of the first of its patterns that matches.

        Once one pattern of a rule matches, the rule's other patterns are not run: whether a
        rule fires does not depend on the order, but its span does, and it need not be the
        leftmost match among the rule's patterns. Patterns are tried in file order.
        """
        owner = self._owner
        return {
            owner[i]: Span(m.start(), m.end())
            for i, m in self._set.matches(text, first_per_key=True)
        }

    def warm_up(self) -> int:
        """Compile every pattern now; returns how many there are."""
        return self._set.warm_up()
