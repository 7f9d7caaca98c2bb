"""Policy stage types of `genai_guard.detect`, read by `Registry.builtin()`.

Options, defaults and bounds are the detectors' constructor parameters (see
``genai_guard._options``). Importing this module imports neither numpy nor transformers: the
stages load them on first use.
"""

from __future__ import annotations

from genai_guard._options import stage_type
from genai_guard.detect._adapters import TransformerDetector
from genai_guard.detect._attack_rules import AttackRulesDetector
from genai_guard.detect._classifier import AttackClassifierDetector
from genai_guard.detect._semantic import SemanticAttackDetector
from genai_guard.protocols import StageType

__all__ = ["STAGE_TYPES"]

STAGE_TYPES: tuple[StageType, ...] = (
    stage_type(
        AttackRulesDetector,
        "attack_rules",
        kind="detector",
        description="Prompt-attack rules in four categories over the text and decoded views.",
    ),
    stage_type(
        AttackClassifierDetector,
        "attack_classifier",
        kind="detector",
        # Policies use the shipped weights; other weights are a Python-level choice.
        exclude={"weights", "sha256"},
        description="Shipped learned prompt-attack classifier (hashed n-grams, numpy).",
    ),
    stage_type(
        SemanticAttackDetector,
        "semantic_attack",
        kind="detector",
        exclude={"weights", "sha256"},
        description="Multilingual sentence encoder fused with rule evidence (extra `semantic`).",
    ),
    stage_type(
        TransformerDetector,
        "transformer_classifier",
        kind="detector",
        description="A local Hugging Face sequence classifier (optional extra, no downloads).",
    ),
)
