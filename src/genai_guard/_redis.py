"""The Redis client of the stores that replicas share (limits, pseudonym vault).

``redis`` is an optional extra, imported only when a client is made. Every command has a short
connect and read time-out and a bounded number of retries, so a hung Redis costs a request at
most about ``(retries + 1) * timeout_seconds``.
"""

from __future__ import annotations

import math
from typing import Any

from genai_guard.errors import ConfigurationError

__all__ = ["redis_client"]


def redis_client(url: str, *, timeout_seconds: float, retries: int) -> Any:
    """``redis.Redis.from_url(url)`` with the time-out and retries given.

    Raises:
        ConfigurationError: ``timeout_seconds`` is not positive and finite, or ``retries`` < 0.
    """
    if not (timeout_seconds > 0 and math.isfinite(timeout_seconds)):
        raise ConfigurationError("timeout_seconds must be positive and finite")
    if retries < 0:
        raise ConfigurationError("retries must not be negative")
    import redis  # noqa: PLC0415 - optional extra
    from redis.backoff import NoBackoff  # noqa: PLC0415
    from redis.retry import Retry  # noqa: PLC0415

    return redis.Redis.from_url(
        url,
        socket_timeout=timeout_seconds,
        socket_connect_timeout=timeout_seconds,
        retry=Retry(NoBackoff(), retries),
    )
