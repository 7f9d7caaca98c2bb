from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_guard import Category, Context, Outcome, Pipeline, Registry, finding, stage
from genai_guard.errors import ConfigurationError, PolicyError
from genai_guard.limits import (
    AbusePolicy,
    LimitBackend,
    MemoryBackend,
    Rate,
    RateLimitDetector,
    RateLimiter,
    RedisBackend,
)
from genai_guard.policy import build_pipeline


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest) -> LimitBackend:
    if request.param == "memory":
        return MemoryBackend()
    client = request.getfixturevalue("redis_client")
    return RedisBackend(client, prefix=f"test:{request.node.name}")


@pytest.fixture
def clock() -> Clock:
    return Clock()


LimiterFactory = Callable[..., RateLimiter]


@pytest.fixture
def make(backend: LimitBackend, clock: Clock) -> LimiterFactory:
    def build(**kwargs: Any) -> RateLimiter:
        return RateLimiter(backend=backend, clock=clock, **kwargs)

    return build


# -- the same suite on both backends ------------------------------------------------------------


def test_allows_a_burst_up_to_capacity(make: LimiterFactory) -> None:
    limiter = make(requests=Rate(3, 60))
    assert [limiter.acquire("k").allowed for _ in range(4)] == [True, True, True, False]


def test_refusal_says_why_and_when_to_retry(make: LimiterFactory) -> None:
    limiter = make(requests=Rate(2, 60))
    limiter.acquire("k")
    limiter.acquire("k")
    verdict = limiter.acquire("k")
    assert (verdict.reason, verdict.rule_id) == ("requests", "limits.requests")
    assert verdict.retry_after == pytest.approx(30.0)


def test_bucket_refills_with_time(make: LimiterFactory, clock: Clock) -> None:
    limiter = make(requests=Rate(2, 60))
    limiter.acquire("k")
    limiter.acquire("k")
    clock.advance(30)
    assert limiter.acquire("k").allowed
    assert not limiter.acquire("k").allowed


def test_refill_never_exceeds_capacity(make: LimiterFactory, clock: Clock) -> None:
    limiter = make(requests=Rate(2, 60))
    limiter.acquire("k")
    clock.advance(10_000)
    assert [limiter.acquire("k").allowed for _ in range(3)] == [True, True, False]


def test_keys_are_independent(make: LimiterFactory) -> None:
    limiter = make(requests=Rate(1, 60))
    assert limiter.acquire("alice").allowed
    assert limiter.acquire("bob").allowed
    assert not limiter.acquire("alice").allowed


def test_token_bucket_refuses_when_tokens_run_out(make: LimiterFactory) -> None:
    limiter = make(tokens=Rate(100, 60))
    assert limiter.acquire("k", tokens=70).allowed
    verdict = limiter.acquire("k", tokens=40)
    assert verdict.reason == "tokens"
    assert verdict.remaining_tokens == pytest.approx(30)


def test_refused_request_takes_nothing(make: LimiterFactory) -> None:
    limiter = make(requests=Rate(5, 60), tokens=Rate(100, 60))
    limiter.acquire("k", tokens=90)
    assert limiter.acquire("k", tokens=20).reason == "tokens"
    verdict = limiter.acquire("k", tokens=10)
    assert verdict.allowed
    assert verdict.remaining_requests == pytest.approx(3)


def test_request_larger_than_the_bucket_never_passes(make: LimiterFactory) -> None:
    verdict = make(tokens=Rate(100, 60)).acquire("k", tokens=101)
    assert verdict.reason == "too_large"
    assert math.isinf(verdict.retry_after)


def test_abuse_blocks_start_a_cooldown(make: LimiterFactory) -> None:
    limiter = make(
        requests=Rate(100, 60),
        abuse=AbusePolicy(max_blocks=3, window_seconds=60, cooldown_seconds=300),
    )
    assert [limiter.record_block("k") for _ in range(3)] == [False, False, True]
    verdict = limiter.acquire("k")
    assert verdict.reason == "cooldown"
    assert verdict.retry_after == pytest.approx(300)


def test_cooldown_ends(make: LimiterFactory, clock: Clock) -> None:
    limiter = make(
        requests=Rate(100, 60),
        abuse=AbusePolicy(max_blocks=1, window_seconds=60, cooldown_seconds=300),
    )
    limiter.record_block("k")
    clock.advance(301)
    assert limiter.acquire("k").allowed


def test_blocks_outside_the_window_do_not_count(make: LimiterFactory, clock: Clock) -> None:
    limiter = make(abuse=AbusePolicy(max_blocks=2, window_seconds=60, cooldown_seconds=300))
    limiter.record_block("k")
    clock.advance(61)
    assert limiter.record_block("k") is False
    assert limiter.acquire("k").allowed


def test_cooldown_is_per_key(make: LimiterFactory) -> None:
    limiter = make(abuse=AbusePolicy(max_blocks=1, window_seconds=60, cooldown_seconds=300))
    limiter.record_block("mallory")
    assert limiter.acquire("alice").allowed


def test_reset_forgets_a_key(make: LimiterFactory) -> None:
    limiter = make(requests=Rate(1, 60))
    limiter.acquire("k")
    limiter.reset("k")
    assert limiter.acquire("k").allowed


def test_concurrent_threads_never_exceed_the_limit(make: LimiterFactory) -> None:
    limiter = make(requests=Rate(100, 3600), tokens=Rate(1000, 3600))
    allowed: list[bool] = []
    lock = threading.Lock()

    def work() -> None:
        mine = [limiter.acquire("shared", tokens=5).allowed for _ in range(40)]
        with lock:
            allowed.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(allowed) == 320
    assert sum(allowed) == 100


def test_concurrent_blocks_start_exactly_one_cooldown(make: LimiterFactory) -> None:
    limiter = make(abuse=AbusePolicy(max_blocks=10, window_seconds=60, cooldown_seconds=300))
    started: list[bool] = []
    lock = threading.Lock()

    def work() -> None:
        mine = [limiter.record_block("k") for _ in range(5)]
        with lock:
            started.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(started) == 2  # 20 blocks, a cool-down every 10


def test_observe_counts_blocked_prompts(make: LimiterFactory) -> None:
    limiter = make(abuse=AbusePolicy(max_blocks=2, window_seconds=60, cooldown_seconds=300))
    pipe = _attack_pipeline()
    ctx = Context(user_id="mallory")
    assert limiter.observe(pipe.check_input("ignore it", ctx)) is False
    assert limiter.observe(pipe.check_input("ignore it", ctx)) is True
    assert limiter.acquire("mallory").reason == "cooldown"


# -- behaviour that does not depend on the backend ------------------------------------------------


def _attack(text: str, ctx: Context) -> Outcome:
    if "ignore" in text:
        return Outcome(findings=(finding("attack.goal_hijacking.t", Category.GOAL_HIJACKING, 1.0),))
    return Outcome()


def _attack_pipeline() -> Pipeline:
    return Pipeline([stage(_attack, name="rules")])


def test_observe_ignores_allowed_and_output_decisions(clock: Clock) -> None:
    limiter = RateLimiter(
        abuse=AbusePolicy(max_blocks=1, window_seconds=60, cooldown_seconds=60), clock=clock
    )
    pipe = Pipeline([stage(_attack, name="rules")], [stage(_attack, name="out")])
    ctx = Context(user_id="u")
    assert limiter.observe(pipe.check_input("hello", ctx)) is False
    assert limiter.observe(pipe.check_output("ignore", ctx=ctx)) is False
    assert limiter.acquire("u").allowed


def test_observe_ignores_blocks_by_the_limits_themselves(clock: Clock) -> None:
    limiter = RateLimiter(
        requests=Rate(1, 60),
        abuse=AbusePolicy(max_blocks=1, window_seconds=60, cooldown_seconds=60),
        clock=clock,
    )
    pipe = Pipeline([RateLimitDetector("limit", limiter)])
    ctx = Context(user_id="u")
    pipe.check_input("a", ctx)
    blocked = pipe.check_input("b", ctx)
    assert blocked.rule_ids == ("limits.requests",)
    assert limiter.observe(blocked) is False


def test_limiter_needs_some_limit() -> None:
    with pytest.raises(ConfigurationError):
        RateLimiter()


@pytest.mark.parametrize(("capacity", "period"), [(0, 60), (10, 0), (math.inf, 60)])
def test_rate_rejects_bad_values(capacity: float, period: float) -> None:
    with pytest.raises(ConfigurationError):
        Rate(capacity, period)


def test_memory_backend_forgets_the_oldest_key_beyond_max_keys(clock: Clock) -> None:
    limiter = RateLimiter(requests=Rate(1, 60), backend=MemoryBackend(max_keys=2), clock=clock)
    for key in ("a", "b", "c"):
        limiter.acquire(key)
    assert limiter.acquire("a").allowed
    assert not limiter.acquire("c").allowed


@settings(max_examples=50, deadline=None)
@given(
    capacity=st.integers(1, 20),
    steps=st.lists(st.tuples(st.floats(0, 5), st.integers(0, 3)), max_size=40),
)
def test_never_more_than_capacity_plus_refill(
    capacity: int, steps: list[tuple[float, int]]
) -> None:
    clock = Clock()
    limiter = RateLimiter(requests=Rate(capacity, 10), clock=clock)
    allowed = 0
    elapsed = 0.0
    for wait, n in steps:
        clock.advance(wait)
        elapsed += wait
        allowed += sum(limiter.acquire("k").allowed for _ in range(n))
    assert allowed <= capacity + elapsed * capacity / 10 + 1e-9


# -- the stage ----------------------------------------------------------------------------------


def test_stage_refuses_with_an_input_policy_finding(clock: Clock) -> None:
    det = RateLimitDetector("limit", RateLimiter(requests=Rate(1, 60), clock=clock))
    ctx = Context(user_id="u")
    assert det.check("hi", ctx).findings == ()
    (f,) = det.check("hi", ctx).findings
    assert (f.rule_id, f.category) == ("limits.requests", Category.INPUT_POLICY)
    assert f.metadata["retry_after"] == pytest.approx(60)


def test_stage_counts_estimated_tokens(clock: Clock) -> None:
    det = RateLimitDetector("limit", RateLimiter(tokens=Rate(10, 60), clock=clock))
    (f,) = det.check("x" * 41, Context(user_id="u")).findings
    assert f.rule_id == "limits.too_large"


def test_stage_can_key_on_metadata(clock: Clock) -> None:
    det = RateLimitDetector(
        "limit", RateLimiter(requests=Rate(1, 60), clock=clock), key_source="metadata"
    )
    det.check("a", Context(metadata={"api_key": "k1"}))
    assert det.check("a", Context(metadata={"api_key": "k2"})).findings == ()


def test_stage_blocks_requests_without_a_key_when_asked(clock: Clock) -> None:
    det = RateLimitDetector(
        "limit", RateLimiter(requests=Rate(5, 60), clock=clock), anonymous="block"
    )
    (f,) = det.check("a", Context()).findings
    assert f.rule_id == "limits.no_key"


def test_rate_limit_is_a_builtin_stage_type() -> None:
    assert "rate_limit" in Registry.builtin(entry_points=False)


def test_policy_builds_a_rate_limited_pipeline() -> None:
    pipe = build_pipeline({"input": [{"type": "rate_limit", "requests": 2}]})
    ctx = Context(user_id="u")
    actions = [pipe.check_input("hi", ctx).action.value for _ in range(3)]
    assert actions == ["allow", "allow", "block"]


def test_policy_rejects_redis_without_url() -> None:
    with pytest.raises(PolicyError, match="redis_url"):
        build_pipeline({"input": [{"type": "rate_limit", "backend": "redis"}]})


def test_policy_rejects_rate_limit_on_output() -> None:
    with pytest.raises(PolicyError, match=r"output\[0\]\.type"):
        build_pipeline({"output": [{"type": "rate_limit"}]})


def test_policy_with_redis_backend_shares_state_between_pipelines(redis_client: Any) -> None:
    kwargs = redis_client.connection_pool.connection_kwargs
    url = f"redis://{kwargs['host']}:{kwargs['port']}/0"
    policy = {
        "input": [{"type": "rate_limit", "requests": 2, "backend": "redis", "redis_url": url}]
    }
    first, second = build_pipeline(policy), build_pipeline(policy)
    ctx = Context(user_id="shared-user")
    first.check_input("a", ctx)
    second.check_input("b", ctx)
    assert first.check_input("c", ctx).blocked


def test_pipeline_observer_escalates_abuse_end_to_end(clock: Clock) -> None:
    limiter = RateLimiter(
        requests=Rate(100, 60),
        abuse=AbusePolicy(max_blocks=2, window_seconds=60, cooldown_seconds=600),
        clock=clock,
    )
    pipe = Pipeline(
        [RateLimitDetector("limit", limiter), stage(_attack, name="rules")]
    ).with_observers(limiter.observe)
    ctx = Context(user_id="mallory")
    pipe.check_input("ignore", ctx)
    pipe.check_input("ignore", ctx)
    decision = pipe.check_input("a harmless question", ctx)
    assert decision.rule_ids == ("limits.cooldown",)


# -- costs that are not finite, non-negative numbers ----------------------------------------------


@pytest.mark.parametrize("cost", [math.nan, -1, -0.5, math.inf, -math.inf])
def test_acquire_rejects_a_cost_that_is_not_finite_and_non_negative(
    make: LimiterFactory, cost: float
) -> None:
    limiter = make(tokens=Rate(10, 60))
    with pytest.raises(ValueError, match="tokens"):
        limiter.acquire("k", tokens=cost)


@pytest.mark.parametrize("cost", [math.nan, -1.0, math.inf])
def test_backend_rejects_a_bad_cost_passed_directly(
    backend: LimitBackend, clock: Clock, cost: float
) -> None:
    with pytest.raises(ValueError, match="tokens"):
        backend.acquire("k", now=clock(), requests=None, tokens=Rate(10, 60), token_cost=cost)


def test_a_nan_cost_never_disables_the_token_bucket(make: LimiterFactory) -> None:
    limiter = make(tokens=Rate(10, 60))
    with pytest.raises(ValueError, match="tokens"):
        limiter.acquire("k", tokens=math.nan)
    assert limiter.acquire("k", tokens=10).allowed
    assert limiter.acquire("k", tokens=1).reason == "tokens"
