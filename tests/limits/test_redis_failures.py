"""A Redis that hangs or is gone: short time-outs, library errors, a chosen fail mode."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from collections.abc import Iterator

import pytest
from tests.redis_server import start_redis_server

from genai_guard import Context
from genai_guard.errors import ConfigurationError, PolicyError, ResourceUnavailable
from genai_guard.limits import AbusePolicy, Rate, RateLimiter, RedisBackend
from genai_guard.limits._redis import DEFAULT_TIMEOUT_SECONDS
from genai_guard.policy import build_pipeline

pytest.importorskip("redis")


@pytest.fixture
def private_redis() -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """A redis-server of this test alone, so that it may be paused or stopped."""
    port, proc = start_redis_server()
    try:
        yield port, proc
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGCONT)
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture
def silent_socket() -> Iterator[int]:
    """A listening socket that accepts connections and never answers."""
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(16)
        yield int(srv.getsockname()[1])


def _limiter(url: str, **kwargs: object) -> RateLimiter:
    backend = RedisBackend.from_url(url, **kwargs)  # type: ignore[arg-type]
    return RateLimiter(
        requests=Rate(5, 60),
        abuse=AbusePolicy(max_blocks=2, window_seconds=60, cooldown_seconds=60),
        backend=backend,
    )


def test_a_paused_redis_raises_resource_unavailable(
    private_redis: tuple[int, subprocess.Popen[bytes]],
) -> None:
    port, proc = private_redis
    limiter = _limiter(f"redis://127.0.0.1:{port}/0")
    assert limiter.acquire("k").allowed
    os.kill(proc.pid, signal.SIGSTOP)
    with pytest.raises(ResourceUnavailable, match="TimeoutError"):
        limiter.acquire("k")


def test_a_stopped_redis_raises_resource_unavailable(
    private_redis: tuple[int, subprocess.Popen[bytes]],
) -> None:
    port, proc = private_redis
    limiter = _limiter(f"redis://127.0.0.1:{port}/0")
    proc.terminate()
    proc.wait(timeout=10)
    with pytest.raises(ResourceUnavailable, match="ConnectionError"):
        limiter.acquire("k")


def test_an_unresponsive_socket_raises_resource_unavailable(silent_socket: int) -> None:
    limiter = _limiter(f"redis://127.0.0.1:{silent_socket}/0", timeout_seconds=0.05)
    with pytest.raises(ResourceUnavailable):
        limiter.acquire("k")


def test_record_block_on_an_unresponsive_socket_raises_resource_unavailable(
    silent_socket: int,
) -> None:
    limiter = _limiter(f"redis://127.0.0.1:{silent_socket}/0", timeout_seconds=0.05)
    with pytest.raises(ResourceUnavailable):
        limiter.record_block("k")


def test_fail_open_allows_and_says_why(silent_socket: int) -> None:
    limiter = _limiter(
        f"redis://127.0.0.1:{silent_socket}/0", timeout_seconds=0.05, on_unavailable="allow"
    )
    verdict = limiter.acquire("k")
    assert (verdict.allowed, verdict.reason) == (True, "unavailable")


def test_fail_open_counts_no_block(silent_socket: int) -> None:
    limiter = _limiter(
        f"redis://127.0.0.1:{silent_socket}/0", timeout_seconds=0.05, on_unavailable="allow"
    )
    assert limiter.record_block("k") is False


def test_a_pipeline_step_fails_closed_when_redis_hangs(silent_socket: int) -> None:
    url = f"redis://127.0.0.1:{silent_socket}/0"
    pipe = build_pipeline(
        {"input": [{"type": "rate_limit", "requests": 5, "backend": "redis", "redis_url": url}]}
    )
    decision = pipe.check_input("hello", Context(user_id="u1"))
    assert decision.blocked
    assert isinstance(decision.results[0].error, ResourceUnavailable)


def test_from_url_sets_short_time_outs_by_default() -> None:
    backend = RedisBackend.from_url("redis://127.0.0.1:1/0")
    kwargs = backend._client.connection_pool.connection_kwargs
    assert kwargs["socket_timeout"] == DEFAULT_TIMEOUT_SECONDS <= 1.0
    assert kwargs["socket_connect_timeout"] == DEFAULT_TIMEOUT_SECONDS


@pytest.mark.parametrize("timeout", [0.0, -1.0, float("nan"), float("inf")])
def test_from_url_rejects_a_bad_time_out(timeout: float) -> None:
    with pytest.raises(ConfigurationError):
        RedisBackend.from_url("redis://127.0.0.1:1/0", timeout_seconds=timeout)


def test_unknown_fail_mode_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        RedisBackend.from_url("redis://127.0.0.1:1/0", on_unavailable="maybe")  # type: ignore[arg-type]


def _redis_policy(url: str, **options: object) -> dict[str, object]:
    step = {"type": "rate_limit", "requests": 5, "backend": "redis", "redis_url": url}
    return {"input": [{**step, "redis_timeout_seconds": 0.05, **options}]}


def test_a_policy_can_choose_fail_open_when_redis_hangs(silent_socket: int) -> None:
    url = f"redis://127.0.0.1:{silent_socket}/0"
    pipe = build_pipeline(_redis_policy(url, redis_on_unavailable="allow"))
    decision = pipe.check_input("hello", Context(user_id="u1"))
    assert (decision.blocked, decision.results[0].error) == (False, None)


def test_a_policy_fails_closed_by_default_with_its_own_time_out(silent_socket: int) -> None:
    url = f"redis://127.0.0.1:{silent_socket}/0"
    decision = build_pipeline(_redis_policy(url)).check_input("hello", Context(user_id="u1"))
    assert decision.blocked
    assert isinstance(decision.results[0].error, ResourceUnavailable)


def test_a_policy_rejects_a_non_positive_redis_time_out() -> None:
    with pytest.raises(PolicyError, match="redis_timeout_seconds"):
        build_pipeline(_redis_policy("redis://127.0.0.1:1/0", redis_timeout_seconds=0))
