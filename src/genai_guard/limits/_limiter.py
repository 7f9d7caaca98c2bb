"""``RateLimiter``: request, token and abuse limits per key over a backend."""

from __future__ import annotations

import time
from collections.abc import Callable

from genai_guard._results import Action, Decision
from genai_guard.errors import ConfigurationError
from genai_guard.limits._buckets import MemoryBackend
from genai_guard.limits._model import (
    LIMIT_RULE_PREFIX,
    AbusePolicy,
    LimitBackend,
    LimitVerdict,
    Rate,
    check_token_cost,
)

__all__ = ["RateLimiter"]

# -- the limiter --------------------------------------------------------------------------------


class RateLimiter:
    """Request, token and abuse limits per key (a user id or an API key).

    Thread-safe when its backend is (both built-in ones are).

    Args:
        requests: Request bucket, or ``None`` for no request limit.
        tokens: Token bucket, or ``None`` for no token limit.
        abuse: Abuse escalation, or ``None`` for none.
        backend: State store; a fresh ``MemoryBackend`` by default.
        clock: POSIX time source in seconds (for tests; hosts sharing Redis need NTP).
    """

    __slots__ = ("abuse", "backend", "clock", "requests", "tokens")

    def __init__(
        self,
        *,
        requests: Rate | None = None,
        tokens: Rate | None = None,
        abuse: AbusePolicy | None = None,
        backend: LimitBackend | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if requests is None and tokens is None and abuse is None:
            raise ConfigurationError("a RateLimiter needs requests, tokens or abuse limits")
        self.requests = requests
        self.tokens = tokens
        self.abuse = abuse
        self.backend: LimitBackend = backend if backend is not None else MemoryBackend()
        self.clock = clock

    def __repr__(self) -> str:
        return (
            f"RateLimiter(requests={self.requests}, tokens={self.tokens}, abuse={self.abuse}, "
            f"backend={type(self.backend).__name__})"
        )

    def acquire(self, key: str, *, tokens: float = 0) -> LimitVerdict:
        """Take one request and ``tokens`` tokens for ``key``, all or nothing.

        Raises:
            ValueError: ``tokens`` is negative, NaN, infinite or not a number.
            ResourceUnavailable: the backend's store did not answer (see ``RedisBackend``).
        """
        check_token_cost(tokens)
        return self.backend.acquire(
            key, now=self.clock(), requests=self.requests, tokens=self.tokens, token_cost=tokens
        )

    def record_block(self, key: str) -> bool:
        """Count one blocked prompt of ``key``; True when it starts a cool-down."""
        if self.abuse is None:
            return False
        return self.backend.record_block(key, now=self.clock(), abuse=self.abuse)

    def observe(self, decision: Decision, *, key: str | None = None) -> bool:
        """Count ``decision`` towards abuse escalation when it blocked an input.

        Blocks caused only by the limits themselves (rule ids ``limits.*``) do not count, so a
        cool-down does not extend itself. ``key`` defaults to the decision's ``ctx.user_id``.
        Returns True when this decision starts a cool-down.
        """
        if not decision.blocked or decision.direction != "input":
            return False
        who = key if key is not None else (decision.context and decision.context.user_id)
        if not who:
            return False
        counted = any(
            not f.rule_id.startswith(LIMIT_RULE_PREFIX)
            for r in decision.results
            if r.action is Action.BLOCK
            for f in r.outcome.findings
        )
        return self.record_block(who) if counted else False

    def reset(self, key: str) -> None:
        """Forget ``key``'s state."""
        self.backend.reset(key)
