"""Fixtures of the limiter tests: a client on the shared redis-server, emptied per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def redis_client(redis_server: int) -> Iterator[Any]:
    """A client on an empty database."""
    import redis

    client = redis.Redis(host="127.0.0.1", port=redis_server)
    client.flushall()
    try:
        yield client
    finally:
        client.close()
