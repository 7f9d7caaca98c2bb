"""``RateLimitDetector``: the input stage over a ``RateLimiter``."""

from __future__ import annotations

import math
from typing import Literal

from genai_guard._results import Category, Outcome
from genai_guard.context import Context
from genai_guard.errors import ConfigurationError
from genai_guard.limits._limiter import RateLimiter
from genai_guard.taxonomy import finding

__all__ = ["RateLimitDetector"]

# -- the stage ----------------------------------------------------------------------------------


class RateLimitDetector:
    """Input stage that takes each prompt from its key's buckets and refuses it when they are empty.

    The key is ``ctx.user_id`` (or ``ctx.metadata[metadata_key]``, e.g. an API key). Tokens are
    estimated as ``ceil(len(text) / chars_per_token)``, or not counted. A refusal is a finding
    ``limits.<reason>`` (category ``input_policy``, score 1.0, ``retry_after`` in its metadata).
    Abuse escalation needs the final decisions: call ``stage.limiter.observe(decision)``.

    The stage holds the limiter's shared state by design; it is otherwise immutable and
    thread-safe when the limiter's backend is.

    Args:
        name: Step id.
        limiter: The limits and their state.
        key_source: Where the key comes from.
        metadata_key: The ``ctx.metadata`` entry when ``key_source`` is ``metadata``.
        anonymous: Requests without a key share the key ``anonymous``, are blocked, or pass.
        chars_per_token: Characters per estimated token; 0 counts no tokens.
    """

    __slots__ = ("anonymous", "chars_per_token", "key_source", "limiter", "metadata_key", "name")

    def __init__(
        self,
        name: str,
        limiter: RateLimiter,
        *,
        key_source: Literal["user_id", "metadata"] = "user_id",
        metadata_key: str = "api_key",
        anonymous: Literal["shared", "block", "allow"] = "shared",
        chars_per_token: float = 4.0,
    ) -> None:
        if chars_per_token < 0:
            raise ConfigurationError("chars_per_token must not be negative")
        self.name = name
        self.limiter = limiter
        self.key_source = key_source
        self.metadata_key = metadata_key
        self.anonymous = anonymous
        self.chars_per_token = chars_per_token

    def _key(self, ctx: Context) -> str | None:
        if self.key_source == "user_id":
            return ctx.user_id
        value = ctx.metadata.get(self.metadata_key)
        return None if value is None else str(value)

    def check(self, text: str, ctx: Context) -> Outcome:
        """Take this prompt's cost from its key's buckets."""
        key = self._key(ctx)
        if key is None:
            if self.anonymous == "allow":
                return Outcome()
            if self.anonymous == "block":
                return Outcome(
                    findings=(
                        finding(
                            "limits.no_key",
                            Category.INPUT_POLICY,
                            1.0,
                            message="request carries no user or API key",
                        ),
                    )
                )
            key = "anonymous"
        cost = math.ceil(len(text) / self.chars_per_token) if self.chars_per_token else 0
        verdict = self.limiter.acquire(key, tokens=cost)
        if verdict.allowed:
            return Outcome()
        wait = None if math.isinf(verdict.retry_after) else round(verdict.retry_after, 3)
        return Outcome(
            findings=(
                finding(
                    verdict.rule_id,
                    Category.INPUT_POLICY,
                    1.0,
                    message=f"{verdict.reason} limit reached",
                    metadata={"retry_after": wait, "reason": verdict.reason},
                ),
            )
        )
