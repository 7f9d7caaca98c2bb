"""Rate, token and abuse limits per user or API key.

Two token buckets per key (requests and LLM tokens), each holding up to ``capacity`` and refilling
at ``capacity / per_seconds``; a request takes from both or from neither. Abuse escalation: a key
whose prompts are blocked ``max_blocks`` times within ``window_seconds`` is refused everything for
``cooldown_seconds``.

State lives in a backend: ``MemoryBackend`` (one process, the default) or ``RedisBackend`` (several
hosts; every operation is one Lua script, so it is atomic under concurrency). Both take the time
from the limiter's clock, so hosts sharing a Redis need synchronised clocks (NTP).

Typical use::

    limiter = RateLimiter(requests=Rate(60, 60), tokens=Rate(40_000, 60),
                          abuse=AbusePolicy(max_blocks=5, window_seconds=600, cooldown_seconds=900))
    verdict = limiter.acquire(api_key, tokens=estimated_tokens)
    if not verdict.allowed: ...                      # answer 429 with verdict.retry_after
    decision = pipeline.check_input(prompt, ctx)
    limiter.observe(decision, key=api_key)           # counts blocks towards the cool-down
"""

from __future__ import annotations

from genai_guard.limits._buckets import MemoryBackend
from genai_guard.limits._limiter import RateLimiter
from genai_guard.limits._model import AbusePolicy, LimitBackend, LimitVerdict, Rate
from genai_guard.limits._redis import RedisBackend
from genai_guard.limits._stage import RateLimitDetector

__all__ = [
    "AbusePolicy",
    "LimitBackend",
    "LimitVerdict",
    "MemoryBackend",
    "Rate",
    "RateLimitDetector",
    "RateLimiter",
    "RedisBackend",
]
