"""Prompt-attack classifiers: rules, the shipped learned model, optional adapters.

Importing this package is cheap: rules compile when a detector is built, numpy loads when the
classifier first scores a text, transformers only inside ``TransformerDetector``, and the
sentence encoder only inside ``SemanticAttackDetector``.
"""

from genai_guard.detect._adapters import JudgeVerdict, LLMJudgeDetector, TransformerDetector
from genai_guard.detect._attack_rules import AttackRulesDetector, combine_scores
from genai_guard.detect._classifier import AttackClassifierDetector, ClassifierModel, load_model
from genai_guard.detect._rules import RuleSpec, builtin_rule_specs, load_rule_file
from genai_guard.detect._semantic import (
    SemanticAttackDetector,
    SemanticModel,
    load_semantic_model,
)

__all__ = [
    "AttackClassifierDetector",
    "AttackRulesDetector",
    "ClassifierModel",
    "JudgeVerdict",
    "LLMJudgeDetector",
    "RuleSpec",
    "SemanticAttackDetector",
    "SemanticModel",
    "TransformerDetector",
    "builtin_rule_specs",
    "combine_scores",
    "load_model",
    "load_rule_file",
    "load_semantic_model",
]
