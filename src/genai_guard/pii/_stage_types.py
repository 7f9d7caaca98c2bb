"""Policy stage types of `genai_guard.pii`, read by `Registry.builtin()`.

Options, defaults and bounds are the stages' constructor parameters (see ``genai_guard._options``);
``pii`` adds the few that only a policy needs (a key named by environment variable, vault limits).
"""

from __future__ import annotations

import os
from typing import Annotated, Any

from annotated_types import Gt
from pydantic import Field

from genai_guard._options import PolicyOptions, stage_type
from genai_guard.context import Direction
from genai_guard.errors import ConfigurationError
from genai_guard.pii._detector import PIIDetector
from genai_guard.pii._masker import PIIMasker
from genai_guard.pii._restorer import PIIRestorer
from genai_guard.pii._secrets import SecretsDetector
from genai_guard.pii._vault import Vault
from genai_guard.protocols import StageType

__all__ = ["STAGE_TYPES", "MaskPolicyOptions"]

# Objects a policy cannot hold; ``pii`` builds the key and the vault from MaskPolicyOptions.
_OBJECTS = {"analyzer"}


class MaskPolicyOptions(PolicyOptions):
    """Options of ``pii`` that are not ``PIIMasker`` parameters."""

    key_env: str | None = Field(
        None, description="Environment variable holding the key (hex) for hash/encrypt."
    )
    vault: bool = Field(True, description="Keep placeholders stable per conversation.")
    vault_ttl_seconds: Annotated[float, Gt(0)] = Field(
        3600.0, description="A conversation unused this long is forgotten."
    )
    vault_max_conversations: Annotated[int, Gt(0)] = Field(
        10_000, description="Most conversations held; the least recently used is evicted."
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


def _masker(o: MaskPolicyOptions, step_id: str, kwargs: dict[str, Any]) -> PIIMasker:
    vault = (
        Vault(ttl_seconds=o.vault_ttl_seconds, max_conversations=o.vault_max_conversations)
        if o.vault
        else None
    )
    return PIIMasker(step_id, key=_key(o.key_env), vault=vault, **kwargs)


STAGE_TYPES: tuple[StageType, ...] = (
    stage_type(
        PIIMasker,
        "pii",
        kind="masker",
        directions=frozenset({Direction.INPUT}),
        exclude={*_OBJECTS, "key", "vault"},
        extra=MaskPolicyOptions,
        build=_masker,
        description=(
            "Mask PII: placeholders stable per conversation, redact, partial, hash, encrypt."
        ),
    ),
    stage_type(
        PIIDetector,
        "pii_detect",
        kind="detector",
        exclude=_OBJECTS,
        description="Report PII entities (pii.<ENTITY>) with spans; presidio patterns, offline.",
    ),
    stage_type(
        PIIRestorer,
        "pii_restore",
        kind="restorer",
        directions=frozenset({Direction.OUTPUT}),
        description="Restore placeholders in model output from the input decision's restorations.",
    ),
    stage_type(
        SecretsDetector,
        "secrets",
        kind="detector",
        description="Find credentials (secret.<KIND>): cloud keys, API tokens, private keys, JWTs.",
    ),
)
