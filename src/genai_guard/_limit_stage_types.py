"""Policy stage type ``rate_limit`` (see ``genai_guard.limits``), read by ``Registry.builtin()``.

Importing this module imports neither redis nor anything heavy; the Redis client is created by the
factory only when a policy asks for ``backend: redis``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from genai_guard.context import Direction
from genai_guard.limits import (
    AbusePolicy,
    LimitBackend,
    MemoryBackend,
    Rate,
    RateLimitDetector,
    RateLimiter,
    RedisBackend,
)
from genai_guard.protocols import StageType

__all__ = ["STAGE_TYPES", "RateLimitOptions"]


class RateLimitOptions(BaseModel):
    """Options of the ``rate_limit`` stage type."""

    model_config = ConfigDict(extra="forbid")

    requests: int | None = Field(60, ge=1, description="Requests per period (bucket capacity).")
    requests_period_seconds: float = Field(60.0, gt=0)
    tokens: int | None = Field(None, ge=1, description="Estimated tokens per period.")
    tokens_period_seconds: float = Field(60.0, gt=0)
    abuse_max_blocks: int | None = Field(
        None, ge=1, description="Blocked prompts in the window that start a cool-down."
    )
    abuse_window_seconds: float = Field(600.0, gt=0)
    abuse_cooldown_seconds: float = Field(900.0, gt=0)
    backend: Literal["memory", "redis"] = "memory"
    redis_url: str | None = Field(None, description="Needed with backend: redis.")
    redis_prefix: str = "genai_guard:limits"
    key_source: Literal["user_id", "metadata"] = "user_id"
    metadata_key: str = "api_key"
    anonymous: Literal["shared", "block", "allow"] = "shared"
    chars_per_token: float = Field(4.0, ge=0)

    @model_validator(mode="after")
    def _check(self) -> RateLimitOptions:
        if self.backend == "redis" and not self.redis_url:
            raise ValueError("backend redis needs redis_url")
        if self.requests is None and self.tokens is None and self.abuse_max_blocks is None:
            raise ValueError("set requests, tokens or abuse_max_blocks")
        return self


def _build(opts: RateLimitOptions, step_id: str) -> RateLimitDetector:
    backend: LimitBackend
    if opts.backend == "redis" and opts.redis_url:
        backend = RedisBackend.from_url(opts.redis_url, prefix=opts.redis_prefix)
    else:
        backend = MemoryBackend()
    limiter = RateLimiter(
        requests=None
        if opts.requests is None
        else Rate(opts.requests, opts.requests_period_seconds),
        tokens=None if opts.tokens is None else Rate(opts.tokens, opts.tokens_period_seconds),
        abuse=None
        if opts.abuse_max_blocks is None
        else AbusePolicy(
            max_blocks=opts.abuse_max_blocks,
            window_seconds=opts.abuse_window_seconds,
            cooldown_seconds=opts.abuse_cooldown_seconds,
        ),
        backend=backend,
    )
    return RateLimitDetector(
        step_id,
        limiter,
        key_source=opts.key_source,
        metadata_key=opts.metadata_key,
        anonymous=opts.anonymous,
        chars_per_token=opts.chars_per_token,
    )


STAGE_TYPES: tuple[StageType, ...] = (
    StageType(
        name="rate_limit",
        options=RateLimitOptions,
        factory=_build,
        kind="detector",
        directions=frozenset({Direction.INPUT}),
        description="Requests, estimated tokens and abuse cool-down per user id or API key.",
    ),
)
