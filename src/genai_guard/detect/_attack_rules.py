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
    RuleSpec,
    builtin_rule_specs,
    compile_rules,
    load_rule_file,
)
from genai_guard.taxonomy import finding

__all__ = ["AttackRulesDetector", "combine_scores"]

logger = logging.getLogger(__name__)

# Linear (a single character class with +): splits lowercased text into the words the triggers
# are compared with. The stdlib engine is enough for it and has no per-call timeout overhead.
_WORDS = re.compile(r"[a-z0-9_]+")


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
    timed_out: bool = False


class AttackRulesDetector:
    """Prompt-attack rules in four categories, with a combined score per category.

    Every rule runs over the checked text and over every ``ctx.views`` item (decoded payloads from
    the sanitizers). A rule runs only when one of its trigger literals occurs in the lowercased
    text (one word split and a handful of substring tests per text), so ordinary prompts run few
    regexes. Texts longer than ``window_chars`` are scanned in overlapping windows, and at most
    ``max_scan_chars`` characters (head and tail halves) of any text are scanned; the outcome's
    ``data`` reports truncation. Each match runs with a ``regex`` timeout; a rule that times out
    counts as a hit (fail closed) and its finding says so in ``metadata``.

    Findings: one per rule hit (``rule_id`` = the rule's id, ``score`` = its weight, ``span`` in the
    text or the view) and one per category hit, ``attack.<category>``, whose score is the noisy-OR
    of the strongest hit of each family in that category (see ``combine_scores``).

    Args:
        name: Stage name (the policy step id).
        builtin: Load the rules shipped with genai-guard.
        extra_rules: More rules, as mappings in the rule format.
        rule_files: Paths of YAML rule files to add.
        disabled: Rule ids or id prefixes to leave out.
        timeout_s: Timeout of one regex match, in seconds.
        window_chars: Length of the windows a long text is scanned in.
        max_scan_chars: Most characters scanned per text or view.

    Thread-safe: immutable after construction.
    """

    __slots__ = (
        "_always",
        "_ascii_subs",
        "_other_subs",
        "_word_index",
        "max_scan_chars",
        "name",
        "rules",
        "timeout_s",
        "window_chars",
    )

    def __init__(
        self,
        *,
        name: str = "attack_rules",
        builtin: bool = True,
        extra_rules: Sequence[RuleSpec | Mapping[str, Any]] = (),
        rule_files: Sequence[str | Path] = (),
        disabled: Sequence[str] = (),
        timeout_s: float = 0.05,
        window_chars: int = 8192,
        max_scan_chars: int = 262_144,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        if window_chars < 256:
            raise ValueError("window_chars must be at least 256")
        if max_scan_chars < window_chars:
            raise ValueError("max_scan_chars must be at least window_chars")
        specs: list[RuleSpec | Mapping[str, Any]] = []
        if builtin:
            specs.extend(builtin_rule_specs())
        for path in rule_files:
            specs.extend(load_rule_file(path))
        specs.extend(extra_rules)
        self.rules: tuple[CompiledRule, ...] = compile_rules(specs, disabled=disabled)
        self.name = name
        self.timeout_s = timeout_s
        self.window_chars = window_chars
        self.max_scan_chars = max_scan_chars
        words: dict[str, list[int]] = {}
        ascii_subs: dict[str, list[int]] = {}
        other_subs: dict[str, list[int]] = {}
        always: list[int] = []
        for i, rule in enumerate(self.rules):
            if not rule.word_triggers and not rule.substring_triggers:
                always.append(i)
            for w in rule.word_triggers:
                words.setdefault(w, []).append(i)
            for s in rule.substring_triggers:
                (ascii_subs if s.isascii() else other_subs).setdefault(s, []).append(i)
        self._word_index: Mapping[str, tuple[int, ...]] = {k: tuple(v) for k, v in words.items()}
        self._ascii_subs = tuple((k, tuple(v)) for k, v in ascii_subs.items())
        self._other_subs = tuple((k, tuple(v)) for k, v in other_subs.items())
        self._always = tuple(always)

    def _candidates(self, low: str) -> list[int]:
        found: set[int] = set(self._always)
        index = self._word_index
        for w in set(_WORDS.findall(low)):
            hit = index.get(w)
            if hit is not None:
                found.update(hit)
        for s, idx in self._ascii_subs:
            if s in low:
                found.update(idx)
        if not low.isascii():
            for s, idx in self._other_subs:
                if s in low:
                    found.update(idx)
        return sorted(found)

    def _windows(self, text: str) -> Iterable[tuple[int, str]]:
        n = len(text)
        if n <= self.window_chars:
            yield 0, text
            return
        overlap = 256
        step = self.window_chars - overlap
        if n <= self.max_scan_chars:
            ranges = [(0, n)]
        else:
            half = self.max_scan_chars // 2
            ranges = [(0, half), (n - half, n)]
        for lo, hi in ranges:
            start = lo
            while start < hi:
                end = min(hi, start + self.window_chars)
                yield start, text[start:end]
                if end >= hi:
                    break
                start += step

    def _scan(self, text: str, view: str | None, hits: list[_Hit]) -> None:
        done: set[int] = set()
        rules = self.rules
        timeout = self.timeout_s
        for offset, chunk in self._windows(text):
            for i in self._candidates(chunk.lower()):
                if i in done:
                    continue
                rule = rules[i]
                for pattern in rule.patterns:
                    try:
                        m = pattern.search(chunk, timeout=timeout)
                    except TimeoutError:
                        logger.warning("attack rule %s timed out; counted as a hit", rule.id)
                        hits.append(_Hit(rule, Span(offset, offset + len(chunk)), view, True))
                        done.add(i)
                        break
                    if m is not None:
                        hits.append(_Hit(rule, Span(offset + m.start(), offset + m.end()), view))
                        done.add(i)
                        break

    def check(self, text: str, ctx: Context) -> Outcome:
        """Run the rules over ``text`` and ``ctx.views``."""
        hits: list[_Hit] = []
        self._scan(text, None, hits)
        for v in ctx.views:
            self._scan(v.text, v.id, hits)
        truncated = len(text) > self.max_scan_chars or any(
            len(v.text) > self.max_scan_chars for v in ctx.views
        )
        data = {"truncated": True, "max_scan_chars": self.max_scan_chars} if truncated else None
        if not hits:
            return Outcome(data=data)
        findings: list[Finding] = []
        best: dict[Category, dict[str, float]] = {}
        for h in hits:
            meta: dict[str, Any] = {"family": h.rule.family}
            if h.timed_out:
                meta["timeout"] = True
            findings.append(
                finding(
                    h.rule.id,
                    h.rule.category,
                    h.rule.weight,
                    span=h.span,
                    message=h.rule.description,
                    view=h.view,
                    threat=h.rule.threat,
                    metadata=meta,
                )
            )
            fam = best.setdefault(h.rule.category, {})
            fam[h.rule.family] = max(fam.get(h.rule.family, 0.0), h.rule.weight)
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
        return Outcome(findings=tuple(findings), data=data)
