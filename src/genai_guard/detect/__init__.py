"""Prompt-attack classifiers: rules, the shipped learned model, optional adapters."""

from genai_guard.detect._attack_rules import AttackRulesDetector, combine_scores
from genai_guard.detect._rules import RuleSpec, builtin_rule_specs, load_rule_file

__all__ = [
    "AttackRulesDetector",
    "RuleSpec",
    "builtin_rule_specs",
    "combine_scores",
    "load_rule_file",
]
