"""Policy stage type of the secrets package: ``secrets``."""

from __future__ import annotations

from genai_guard._options import stage_type
from genai_guard.protocols import StageType
from genai_guard.secrets._detector import SecretsDetector

__all__ = ["STAGE_TYPES"]

STAGE_TYPES: tuple[StageType, ...] = (
    stage_type(
        SecretsDetector,
        "secrets",
        kind="detector",
        description="Find credentials (secret.<KIND>): cloud keys, API tokens, private keys, JWTs.",
    ),
)
