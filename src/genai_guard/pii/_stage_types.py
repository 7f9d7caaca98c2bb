"""Policy stage types of `genai_guard.pii`, read by `Registry.builtin()`.

Options, defaults and bounds are the stages' constructor parameters (see ``genai_guard._options``);
``pii`` adds the few that only a policy needs (a key named by environment variable, vault limits).
"""

from __future__ import annotations

import os
from typing import Annotated, Any, Literal

from annotated_types import Gt
from pydantic import Field, model_validator

from genai_guard._options import PolicyOptions, stage_type
from genai_guard.context import Direction
from genai_guard.errors import ConfigurationError
from genai_guard.pii._detector import PIIDetector
from genai_guard.pii._masker import PIIMasker
from genai_guard.pii._redis_vault import RedisVault
from genai_guard.pii._restorer import PIIRestorer
from genai_guard.pii._vault import Vault
from genai_guard.protocols import PseudonymVault, StageType

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
    vault_max_values: Annotated[int, Gt(0)] = Field(
        1_000, description="Most distinct values per conversation; more fail closed."
    )
    vault_backend: Literal["memory", "redis"] = Field(
        "memory", description="Where placeholders live; redis shares them between replicas."
    )
    vault_redis_url: str | None = Field(None, description="Needed with vault_backend: redis.")
    vault_key_env: str | None = Field(
        None,
        description="Environment variable holding the vault's 32-byte key (hex); needed with "
        "vault_backend: redis (values are encrypted, conversation ids hashed under it).",
    )
    vault_redis_prefix: str = Field("genai_guard:vault", description="Prefix of Redis keys.")
    vault_redis_timeout_seconds: Annotated[float, Gt(0)] = Field(
        0.25, description="Connect and read time-out of each Redis command."
    )

    @model_validator(mode="after")
    def _check_vault(self) -> MaskPolicyOptions:
        if self.vault_backend == "redis" and not (self.vault_redis_url and self.vault_key_env):
            raise ValueError("vault_backend redis needs vault_redis_url and vault_key_env")
        return self


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


def _vault(o: MaskPolicyOptions) -> PseudonymVault | None:
    if not o.vault:
        return None
    if o.vault_backend == "redis" and o.vault_redis_url:
        key = _key(o.vault_key_env)
        if key is None or len(key) != 32:
            raise ConfigurationError(f"environment variable {o.vault_key_env} must hold 32 bytes")
        return RedisVault.from_url(
            o.vault_redis_url,
            key=key,
            ttl_seconds=o.vault_ttl_seconds,
            max_values=o.vault_max_values,
            prefix=o.vault_redis_prefix,
            timeout_seconds=o.vault_redis_timeout_seconds,
        )
    return Vault(
        ttl_seconds=o.vault_ttl_seconds,
        max_conversations=o.vault_max_conversations,
        max_values=o.vault_max_values,
    )


def _masker(o: MaskPolicyOptions, step_id: str, kwargs: dict[str, Any]) -> PIIMasker:
    return PIIMasker(step_id, key=_key(o.key_env), vault=_vault(o), **kwargs)


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
)
