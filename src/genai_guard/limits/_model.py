"""The value types of the limits: rates, abuse policy, verdicts, and the backend protocol."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from genai_guard.errors import ConfigurationError

__all__ = [
    "LIMIT_RULE_PREFIX",
    "AbusePolicy",
    "LimitBackend",
    "LimitVerdict",
    "Rate",
    "Reason",
    "check_token_cost",
]

Reason = Literal["ok", "requests", "tokens", "too_large", "cooldown", "unavailable"]

LIMIT_RULE_PREFIX = "limits."


@dataclass(frozen=True, slots=True)
class Rate:
    """A token bucket: up to ``capacity`` units, refilled evenly over ``per_seconds``.

    ``Rate(60, 60)`` allows bursts of 60 and a sustained 1 per second.
    """

    capacity: float
    per_seconds: float

    def __post_init__(self) -> None:
        if not (self.capacity > 0 and math.isfinite(self.capacity)):
            raise ConfigurationError(f"capacity must be positive and finite, got {self.capacity!r}")
        if not (self.per_seconds > 0 and math.isfinite(self.per_seconds)):
            raise ConfigurationError(
                f"per_seconds must be positive and finite, got {self.per_seconds!r}"
            )

    @property
    def refill_per_second(self) -> float:
        """Units added per second."""
        return self.capacity / self.per_seconds


@dataclass(frozen=True, slots=True)
class AbusePolicy:
    """``max_blocks`` blocked prompts within ``window_seconds`` start a ``cooldown_seconds`` ban."""

    max_blocks: int
    window_seconds: float
    cooldown_seconds: float

    def __post_init__(self) -> None:
        if self.max_blocks < 1:
            raise ConfigurationError("max_blocks must be at least 1")
        if not (self.window_seconds > 0 and self.cooldown_seconds > 0):
            raise ConfigurationError("window_seconds and cooldown_seconds must be positive")


@dataclass(frozen=True, slots=True)
class LimitVerdict:
    """The answer to one ``acquire``.

    Attributes:
        allowed: True when the request may go on (its cost was taken).
        reason: ``ok``, or why not: ``requests``, ``tokens``, ``too_large`` (more tokens than the
            bucket holds; never succeeds) or ``cooldown`` (abuse escalation); ``unavailable``
            (allowed) when a fail-open backend could not reach its store.
        retry_after: Seconds until the same request may succeed (``inf`` for ``too_large``).
        remaining_requests: Requests left in the bucket (``inf`` without a request limit).
        remaining_tokens: Tokens left in the bucket (``inf`` without a token limit).
    """

    allowed: bool
    reason: Reason
    retry_after: float = 0.0
    remaining_requests: float = math.inf
    remaining_tokens: float = math.inf

    @property
    def rule_id(self) -> str:
        """``limits.<reason>`` for findings."""
        return f"{LIMIT_RULE_PREFIX}{self.reason}"


@runtime_checkable
class LimitBackend(Protocol):
    """Where limiter state lives. Each method is atomic per key."""

    def acquire(
        self,
        key: str,
        *,
        now: float,
        requests: Rate | None,
        tokens: Rate | None,
        token_cost: float,
    ) -> LimitVerdict:
        """Take one request and ``token_cost`` tokens from ``key``'s buckets, or nothing.

        ``token_cost`` is finite and not negative (``check_token_cost``); implementations
        check it again, since a NaN would disable a bucket.
        """
        ...

    def record_block(self, key: str, *, now: float, abuse: AbusePolicy) -> bool:
        """Count a blocked prompt; return True when it starts a cool-down."""
        ...

    def reset(self, key: str) -> None:
        """Forget everything about ``key``."""
        ...


def check_token_cost(cost: object) -> float:
    """Return ``cost`` when it is a finite, non-negative number; raise ``ValueError`` otherwise.

    Every backend calls this before touching a bucket: a NaN cost would compare false against
    every bound and, stored in a bucket, leave it permanently full.
    """
    if isinstance(cost, bool) or not isinstance(cost, (int, float)):
        raise ValueError(f"tokens must be a number, not {type(cost).__name__}")
    if not math.isfinite(cost) or cost < 0:
        raise ValueError(f"tokens must be finite and not negative, got {cost!r}")
    return cost
