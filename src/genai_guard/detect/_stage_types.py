"""Policy stage types of `genai_guard.detect`, read by `Registry.builtin()`.

Importing this module imports neither numpy nor transformers: the stages load them on first use.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from genai_guard.protocols import StageType

__all__ = ["STAGE_TYPES", "AttackClassifierOptions", "AttackRulesOptions", "TransformerOptions"]


class AttackRulesOptions(BaseModel):
    """Options of the ``attack_rules`` stage type."""

    model_config = ConfigDict(extra="forbid")

    builtin: bool = Field(True, description="Load the rules shipped with genai-guard.")
    extra_rules: list[dict[str, Any]] = Field(
        default_factory=list, description="More rules, inline, in the rule format."
    )
    rule_files: list[str] = Field(
        default_factory=list, description="Paths of YAML rule files to add."
    )
    disabled: list[str] = Field(
        default_factory=list, description="Rule ids or id prefixes to leave out."
    )
    quoted_discount: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Score factor for a quoted attack inside a text that discusses attacks.",
    )


def _attack_rules(opts: AttackRulesOptions, step_id: str) -> Any:
    from genai_guard.detect._attack_rules import AttackRulesDetector  # noqa: PLC0415 - lazy

    return AttackRulesDetector(
        name=step_id,
        builtin=opts.builtin,
        extra_rules=opts.extra_rules,
        rule_files=opts.rule_files,
        disabled=opts.disabled,
        quoted_discount=opts.quoted_discount,
    )


class AttackClassifierOptions(BaseModel):
    """Options of ``attack_classifier``."""

    model_config = ConfigDict(extra="forbid")

    floor: float = Field(0.05, ge=0.0, le=1.0, description="Lowest class score reported.")
    max_views: int = Field(8, ge=0, description="Decoded views scored at most.")


class TransformerOptions(BaseModel):
    """Options of ``transformer_classifier``."""

    model_config = ConfigDict(extra="forbid")

    model_path: str = Field(description="Local Hugging Face sequence-classification directory.")
    label_map: dict[str, str | None] | None = Field(
        None, description="Model label -> attack category (null for benign labels)."
    )
    max_length: int = Field(512, ge=8, description="Tokens per text.")
    floor: float = Field(0.05, ge=0.0, le=1.0, description="Lowest probability reported.")


def _classifier(opts: AttackClassifierOptions, step_id: str) -> Any:
    from genai_guard.detect._classifier import AttackClassifierDetector  # noqa: PLC0415

    return AttackClassifierDetector(name=step_id, floor=opts.floor, max_views=opts.max_views)


def _transformer(opts: TransformerOptions, step_id: str) -> Any:
    from genai_guard.detect._adapters import TransformerDetector  # noqa: PLC0415

    return TransformerDetector(
        name=step_id,
        model_path=opts.model_path,
        label_map=opts.label_map,
        max_length=opts.max_length,
        floor=opts.floor,
    )


STAGE_TYPES: tuple[StageType, ...] = (
    StageType(
        name="attack_rules",
        options=AttackRulesOptions,
        factory=_attack_rules,
        kind="detector",
        description="Prompt-attack rules in four categories over the text and decoded views.",
    ),
    StageType(
        name="attack_classifier",
        options=AttackClassifierOptions,
        factory=_classifier,
        kind="detector",
        description="Shipped learned prompt-attack classifier (hashed n-grams, numpy).",
    ),
    StageType(
        name="transformer_classifier",
        options=TransformerOptions,
        factory=_transformer,
        kind="detector",
        description="A local Hugging Face sequence classifier (optional extra, no downloads).",
    ),
)
