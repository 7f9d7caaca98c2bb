"""Policy stage types of `genai_guard.pii`, read by `Registry.builtin()`.

Stage classes are imported inside the factories, so reading this module stays light.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from genai_guard.context import Direction
from genai_guard.errors import ConfigurationError
from genai_guard.pii._detector import DEFAULT_PHONE_REGIONS
from genai_guard.pii._recognizers import DEFAULT_ENTITIES
from genai_guard.protocols import StageType

_Op = Literal["placeholder", "redact", "partial", "hash", "encrypt"]


class PIIDetectOptions(BaseModel):
    """Options of ``pii_detect``."""

    model_config = ConfigDict(extra="forbid")

    entities: list[str] = Field(default_factory=lambda: list(DEFAULT_ENTITIES))
    score_threshold: float = Field(0.4, ge=0.0, le=1.0)
    engine: Literal["fast", "presidio"] = "fast"
    phone_regions: list[str] = Field(default_factory=lambda: list(DEFAULT_PHONE_REGIONS))
    languages: list[str] = Field(default_factory=lambda: ["en"])
    spacy_model: str | None = Field(None, description="An installed spaCy pipeline for NER.")
    max_chars: int = Field(200_000, gt=0)


class PIIMaskOptions(PIIDetectOptions):
    """Options of ``pii``."""

    operators: dict[str, _Op] = Field(default_factory=dict, description="Operator per entity.")
    default_operator: _Op = "placeholder"
    key_env: str | None = Field(
        None, description="Environment variable holding the key (hex) for hash/encrypt."
    )
    vault: bool = Field(True, description="Keep placeholders stable per conversation.")
    restore_scope: Literal["turn", "conversation"] = Field(
        "turn", description="Restore this prompt's placeholders only, or the conversation's."
    )
    keep_secrets: bool = Field(
        True, description="Leave credentials unmasked for the secrets step to block."
    )
    vault_ttl_seconds: float = Field(3600.0, gt=0)
    vault_max_conversations: int = Field(10_000, gt=0)


class PIIRestoreOptions(BaseModel):
    """Options of ``pii_restore`` (none yet)."""

    model_config = ConfigDict(extra="forbid")


class SecretsOptions(BaseModel):
    """Options of ``secrets``."""

    model_config = ConfigDict(extra="forbid")

    kinds: list[str] | None = Field(None, description="Kinds to look for; default all.")
    max_chars: int = Field(200_000, gt=0)


def _detector(opts: PIIDetectOptions, step_id: str) -> Any:
    from genai_guard.pii._detector import PIIDetector  # noqa: PLC0415

    return PIIDetector(
        step_id,
        entities=opts.entities,
        score_threshold=opts.score_threshold,
        engine=opts.engine,
        phone_regions=opts.phone_regions,
        languages=opts.languages,
        spacy_model=opts.spacy_model,
        max_chars=opts.max_chars,
    )


def _key(env: str | None) -> bytes | None:
    if env is None:
        return None
    raw = os.environ.get(env)
    if raw is None:
        raise ConfigurationError(f"environment variable {env} is not set")
    try:
        return bytes.fromhex(raw)
    except ValueError as exc:
        raise ConfigurationError(f"environment variable {env} must hold a hex key") from exc


def _masker(opts: PIIMaskOptions, step_id: str) -> Any:
    from genai_guard.pii._masker import PIIMasker  # noqa: PLC0415
    from genai_guard.pii._vault import Vault  # noqa: PLC0415

    vault = (
        Vault(ttl_seconds=opts.vault_ttl_seconds, max_conversations=opts.vault_max_conversations)
        if opts.vault
        else None
    )
    return PIIMasker(
        step_id,
        entities=opts.entities,
        operators=opts.operators,
        default_operator=opts.default_operator,
        key=_key(opts.key_env),
        vault=vault,
        restore_scope=opts.restore_scope,
        keep_secrets=opts.keep_secrets,
        score_threshold=opts.score_threshold,
        engine=opts.engine,
        phone_regions=opts.phone_regions,
        languages=opts.languages,
        spacy_model=opts.spacy_model,
        max_chars=opts.max_chars,
    )


def _restorer(_opts: PIIRestoreOptions, step_id: str) -> Any:
    from genai_guard.pii._restorer import PIIRestorer  # noqa: PLC0415

    return PIIRestorer(step_id)


def _secrets(opts: SecretsOptions, step_id: str) -> Any:
    from genai_guard.secrets import SecretsDetector  # noqa: PLC0415

    return SecretsDetector(step_id, kinds=opts.kinds, max_chars=opts.max_chars)


STAGE_TYPES: tuple[StageType, ...] = (
    StageType(
        name="pii",
        options=PIIMaskOptions,
        factory=_masker,
        kind="masker",
        directions=frozenset({Direction.INPUT}),
        description=(
            "Mask PII: placeholders stable per conversation, redact, partial, hash, encrypt."
        ),
    ),
    StageType(
        name="pii_detect",
        options=PIIDetectOptions,
        factory=_detector,
        kind="detector",
        description="Report PII entities (pii.<ENTITY>) with spans; presidio patterns, offline.",
    ),
    StageType(
        name="pii_restore",
        options=PIIRestoreOptions,
        factory=_restorer,
        kind="restorer",
        directions=frozenset({Direction.OUTPUT}),
        description="Restore placeholders in model output from the input decision's restorations.",
    ),
    StageType(
        name="secrets",
        options=SecretsOptions,
        factory=_secrets,
        kind="detector",
        description="Find credentials (secret.<KIND>): cloud keys, API tokens, private keys, JWTs.",
    ),
)
