"""Policy stage type ``rate_limit`` (see ``genai_guard.limits``), read by ``Registry.builtin()``.

The stage's own options are ``RateLimitDetector``'s constructor parameters (see
``genai_guard._options``); the limiter it takes is built from ``LimiterPolicyOptions``. Importing
this module imports neither redis nor anything heavy; the Redis client is created by the factory
only when a policy asks for ``backend: redis``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from annotated_types import Ge, Gt
from pydantic import Field, model_validator

from genai_guard._options import PolicyOptions, stage_type
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

__all__ = ["STAGE_TYPES", "LimiterPolicyOptions"]

_Count = Annotated[int, Ge(1)]
_Seconds = Annotated[float, Gt(0)]


class LimiterPolicyOptions(PolicyOptions):
    """Options of ``rate_limit`` that build its ``RateLimiter`` (flat, for YAML)."""

    requests: _Count | None = Field(60, description="Requests per period (bucket capacity).")
    requests_period_seconds: _Seconds = Field(60.0, description="Period of requests.")
    tokens: _Count | None = Field(None, description="Estimated tokens per period.")
    tokens_period_seconds: _Seconds = Field(60.0, description="Period of tokens.")
    abuse_max_blocks: _Count | None = Field(
        None, description="Blocked prompts in the window that start a cool-down."
    )
    abuse_window_seconds: _Seconds = Field(600.0, description="Window counting blocks.")
    abuse_cooldown_seconds: _Seconds = Field(900.0, description="Length of a cool-down.")
    backend: Literal["memory", "redis"] = Field("memory", description="Where buckets live.")
    redis_url: str | None = Field(None, description="Needed with backend: redis.")
    redis_prefix: str = Field("genai_guard:limits", description="Prefix of Redis keys.")
    redis_timeout_seconds: _Seconds = Field(
        0.25, description="Connect and read time-out of each Redis command."
    )
    redis_retries: Annotated[int, Ge(0)] = Field(
        0, description="Retries of a Redis command after a time-out or a dropped connection."
    )
    redis_on_unavailable: Literal["raise", "allow"] = Field(
        "raise",
        description="When Redis fails: raise (the step's on_error decides; fail closed by "
        "default) or allow the request (fail open).",
    )

    @model_validator(mode="after")
    def _check(self) -> LimiterPolicyOptions:
        if self.backend == "redis" and not self.redis_url:
            raise ValueError("backend redis needs redis_url")
        if self.requests is None and self.tokens is None and self.abuse_max_blocks is None:
            raise ValueError("set requests, tokens or abuse_max_blocks")
        return self


def _build(o: LimiterPolicyOptions, step_id: str, kwargs: dict[str, Any]) -> RateLimitDetector:
    backend: LimitBackend
    if o.backend == "redis" and o.redis_url:
        backend = RedisBackend.from_url(
            o.redis_url,
            prefix=o.redis_prefix,
            timeout_seconds=o.redis_timeout_seconds,
            retries=o.redis_retries,
            on_unavailable=o.redis_on_unavailable,
        )
    else:
        backend = MemoryBackend()
    limiter = RateLimiter(
        requests=None if o.requests is None else Rate(o.requests, o.requests_period_seconds),
        tokens=None if o.tokens is None else Rate(o.tokens, o.tokens_period_seconds),
        abuse=None
        if o.abuse_max_blocks is None
        else AbusePolicy(
            max_blocks=o.abuse_max_blocks,
            window_seconds=o.abuse_window_seconds,
            cooldown_seconds=o.abuse_cooldown_seconds,
        ),
        backend=backend,
    )
    return RateLimitDetector(step_id, limiter, **kwargs)


STAGE_TYPES: tuple[StageType, ...] = (
    stage_type(
        RateLimitDetector,
        "rate_limit",
        kind="detector",
        directions=frozenset({Direction.INPUT}),
        exclude={"limiter"},
        extra=LimiterPolicyOptions,
        build=_build,
        description="Requests, estimated tokens and abuse cool-down per user id or API key.",
    ),
)
