"""Prompt-attack classifiers: rules, the shipped learned model, optional adapters.

Importing this package is cheap: numpy loads when the classifier first scores a text, and
transformers only inside ``TransformerDetector``.
"""

from genai_guard.detect._adapters import JudgeVerdict, LLMJudgeDetector, TransformerDetector
from genai_guard.detect._classifier import AttackClassifierDetector, ClassifierModel, load_model

__all__ = [
    "AttackClassifierDetector",
    "ClassifierModel",
    "JudgeVerdict",
    "LLMJudgeDetector",
    "TransformerDetector",
    "load_model",
]
