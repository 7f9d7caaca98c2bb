"""``AttackRulesDetector``: fast, explainable prompt-attack rules over text and decoded views."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genai_guard._results import Category, Finding, Outcome, Span
from genai_guard.context import Context
from genai_guard.detect._rules import (
    CompiledRule,
    RuleMatcher,
    RuleSpec,
    builtin_rule_specs,
    compile_rules,
    load_rule_file,
)
from genai_guard.taxonomy import finding

__all__ = ["AttackRulesDetector", "combine_scores"]

logger = logging.getLogger(__name__)

# Words of a text that talks about attacks (a security article, a question about detectors).
_DISCUSSION = re.compile(
    r"\b(?:prompt[- ]injections?|jailbreak(?:s|ing)?|injection\s+attacks?|attackers?|adversarial"
    r"|detect(?:or|ors|ion|s|ing)?|classifiers?|guardrails?|red[- ]team\w{0,3}|phrases?\s+like"
    r"|examples?\s+of|such\s+as|known\s+as|called)\b"
)
_QUOTES = '"“”«»„`'


def _quoted(text: str, span: Span) -> bool:
    """True when ``span`` starts inside a double-quoted (or backquoted) stretch of its line."""
    line_start = text.rfind("\n", 0, span.start) + 1
    before = text[line_start : span.start]
    return sum(before.count(q) for q in _QUOTES) % 2 == 1


UNMASKED_VIEW = "unmasked"


def _unmask(text: str, restorations: Mapping[str, str]) -> str:
    """``text`` with every placeholder it contains replaced by its original value."""
    if "<" not in text:
        return text
    for placeholder, value in restorations.items():
        if placeholder in text:
            text = text.replace(placeholder, value)
    return text


def combine_scores(weights: Iterable[float]) -> float:
    """Noisy-OR of independent pieces of evidence: ``1 - prod(1 - w)``.

    The detector feeds it the strongest hit of each rule family, so several families agreeing
    raise the score while near-duplicate rules of one family do not.
    """
    miss = 1.0
    for w in weights:
        miss *= 1.0 - min(1.0, max(0.0, w))
    return 1.0 - miss


@dataclass(frozen=True, slots=True)
class _Hit:
    rule: CompiledRule
    span: Span
    view: str | None


class AttackRulesDetector:
    """Prompt-attack rules in four categories, with a combined score per category.

    Every rule runs over the whole checked text and over every ``ctx.views`` item (decoded
    payloads from the sanitizers). Matching is one ``RuleSet`` (see ``RuleMatcher``): one
    keyword pass finds the rules' triggers, and each pattern is confirmed within its rule's
    ``reach`` of them, in time linear in the text and with no time-out, so a verdict never
    depends on the machine's load. Patterns compile on first use (``warm_up`` compiles them all).

    Findings: one per rule hit (``rule_id`` = the rule's id, ``score`` = its weight, ``span`` in the
    text or the view) and one per category hit, ``attack.<category>``, whose score is the noisy-OR
    of the strongest hit of each family in that category (see ``combine_scores``).

    Args:
        name: Stage name (the policy step id).
        builtin: Load the rules shipped with genai-guard.
        extra_rules: More rules, as mappings in the rule format.
        rule_files: Paths of YAML rule files to add.
        disabled: Rule ids or id prefixes to leave out.
        quoted_discount: Factor applied to a hit that sits inside double quotes in a text that
            talks about attacks (a document quoting an attack to discuss it); 1.0 turns it off.

    Raises:
        ConfigurationError: A rule is invalid (see ``compile_rules``).
        ValueError: ``quoted_discount`` is outside ``[0, 1]``.

    Thread-safe: immutable after construction.
    """

    __slots__ = ("_matcher", "name", "quoted_discount", "rules")

    def __init__(
        self,
        *,
        name: str = "attack_rules",
        builtin: bool = True,
        extra_rules: Sequence[RuleSpec | Mapping[str, Any]] = (),
        rule_files: Sequence[str | Path] = (),
        disabled: Sequence[str] = (),
        quoted_discount: float = 0.5,
    ) -> None:
        if not 0.0 <= quoted_discount <= 1.0:
            raise ValueError("quoted_discount must be in [0, 1]")
        specs: list[RuleSpec | Mapping[str, Any]] = []
        if builtin:
            specs.extend(builtin_rule_specs())
        for path in rule_files:
            specs.extend(load_rule_file(path))
        specs.extend(extra_rules)
        self.rules: tuple[CompiledRule, ...] = compile_rules(specs, disabled=disabled)
        self.name = name
        self.quoted_discount = quoted_discount
        self._matcher = RuleMatcher(self.rules)

    def _scan(self, text: str, view: str | None, hits: list[_Hit]) -> None:
        rules = self.rules
        for r, span in sorted(self._matcher.first(text).items()):
            hits.append(_Hit(rules[r], span, view))

    def warm_up(self) -> None:
        """Compile every pattern now rather than on the first text that needs it."""
        self._matcher.warm_up()

    def check(self, text: str, ctx: Context) -> Outcome:
        """Run the rules over ``text`` and ``ctx.views``.

        When an earlier masker replaced values with placeholders (``ctx.restorations``), the rules
        also run over the text with those values put back (view id ``unmasked``): a masked URL or
        IP address must not hide a server-side request forgery or an exfiltration target. The
        model still receives only the masked text.
        """
        hits: list[_Hit] = []
        sources: dict[str | None, str] = {None: text}
        self._scan(text, None, hits)
        for v in ctx.views:
            sources[v.id] = v.text
            self._scan(v.text, v.id, hits)
        if ctx.restorations:
            unmasked = _unmask(text, ctx.restorations)
            if unmasked != text:
                sources[UNMASKED_VIEW] = unmasked
                self._scan(unmasked, UNMASKED_VIEW, hits)
        if not hits:
            return Outcome()
        findings: list[Finding] = []
        best: dict[Category, dict[str, float]] = {}
        discussed: dict[str | None, bool] = {}
        for h in hits:
            meta: dict[str, Any] = {"family": h.rule.family}
            weight = h.rule.weight
            if self.quoted_discount < 1.0:
                src = sources[h.view]
                # Whether the text talks about attacks matters only for a quoted hit.
                if _quoted(src, h.span):
                    talks = discussed.get(h.view)
                    if talks is None:
                        talks = _DISCUSSION.search(src.lower()) is not None
                        discussed[h.view] = talks
                    if talks:
                        weight *= self.quoted_discount
                        meta["quoted"] = True
            findings.append(
                finding(
                    h.rule.id,
                    h.rule.category,
                    weight,
                    span=h.span,
                    message=h.rule.description,
                    view=h.view,
                    threat=h.rule.threat,
                    metadata=meta,
                )
            )
            fam = best.setdefault(h.rule.category, {})
            fam[h.rule.family] = max(fam.get(h.rule.family, 0.0), weight)
        for category, families in best.items():
            score = combine_scores(families.values())
            findings.append(
                finding(
                    f"attack.{category.value}",
                    category,
                    score,
                    message=(
                        f"{category.value}: {len(families)} rule "
                        f"{'family' if len(families) == 1 else 'families'} matched"
                    ),
                    metadata={"families": sorted(families)},
                )
            )
        return Outcome(findings=tuple(findings))
