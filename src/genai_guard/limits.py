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

import math
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from genai_guard._results import Action, Category, Decision, Outcome
from genai_guard.context import Context
from genai_guard.errors import ConfigurationError
from genai_guard.taxonomy import finding

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

Reason = Literal["ok", "requests", "tokens", "too_large", "cooldown"]

_LIMIT_RULE_PREFIX = "limits."


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
            bucket holds; never succeeds) or ``cooldown`` (abuse escalation).
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
        return f"{_LIMIT_RULE_PREFIX}{self.reason}"


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
        token_cost: int,
    ) -> LimitVerdict:
        """Take one request and ``token_cost`` tokens from ``key``'s buckets, or nothing."""
        ...

    def record_block(self, key: str, *, now: float, abuse: AbusePolicy) -> bool:
        """Count a blocked prompt; return True when it starts a cool-down."""
        ...

    def reset(self, key: str) -> None:
        """Forget everything about ``key``."""
        ...


# -- shared arithmetic --------------------------------------------------------------------------


def _level(state: tuple[float, float] | None, rate: Rate, now: float) -> float:
    if state is None:
        return rate.capacity
    level, ts = state
    return min(rate.capacity, level + max(0.0, now - ts) * rate.refill_per_second)


def _wait(level: float, cost: float, rate: Rate) -> float:
    return max(0.0, (cost - level) / rate.refill_per_second)


# -- in memory ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _KeyState:
    requests: tuple[float, float] | None = None
    tokens: tuple[float, float] | None = None
    blocks: list[float] | None = None
    cooldown_until: float = 0.0


class MemoryBackend:
    """Limiter state in this process. Thread-safe (one lock).

    Args:
        max_keys: Keys kept; the least recently used is forgotten beyond it (bounds memory; a
            forgotten key starts again with full buckets).
    """

    def __init__(self, *, max_keys: int = 100_000) -> None:
        if max_keys < 1:
            raise ConfigurationError("max_keys must be at least 1")
        self._max_keys = max_keys
        self._states: OrderedDict[str, _KeyState] = OrderedDict()
        self._lock = threading.Lock()

    def _state(self, key: str) -> _KeyState:
        st = self._states.get(key)
        if st is None:
            st = self._states[key] = _KeyState()
            if len(self._states) > self._max_keys:
                self._states.popitem(last=False)
        else:
            self._states.move_to_end(key)
        return st

    def acquire(
        self,
        key: str,
        *,
        now: float,
        requests: Rate | None,
        tokens: Rate | None,
        token_cost: int,
    ) -> LimitVerdict:
        """See ``LimitBackend.acquire``."""
        with self._lock:
            st = self._state(key)
            if st.cooldown_until > now:
                return LimitVerdict(False, "cooldown", st.cooldown_until - now)
            req = _level(st.requests, requests, now) if requests else math.inf
            tok = _level(st.tokens, tokens, now) if tokens else math.inf
            if tokens is not None and token_cost > tokens.capacity:
                return LimitVerdict(False, "too_large", math.inf, req, tok)
            if requests is not None and req < 1:
                return LimitVerdict(False, "requests", _wait(req, 1, requests), req, tok)
            if tokens is not None and tok < token_cost:
                return LimitVerdict(False, "tokens", _wait(tok, token_cost, tokens), req, tok)
            if requests is not None:
                req -= 1
                st.requests = (req, now)
            if tokens is not None:
                tok -= token_cost
                st.tokens = (tok, now)
            return LimitVerdict(True, "ok", 0.0, req, tok)

    def record_block(self, key: str, *, now: float, abuse: AbusePolicy) -> bool:
        """See ``LimitBackend.record_block``."""
        with self._lock:
            st = self._state(key)
            blocks = [t for t in st.blocks or () if t > now - abuse.window_seconds]
            blocks.append(now)
            if len(blocks) >= abuse.max_blocks:
                st.cooldown_until = now + abuse.cooldown_seconds
                st.blocks = None
                return True
            st.blocks = blocks
            return False

    def reset(self, key: str) -> None:
        """See ``LimitBackend.reset``."""
        with self._lock:
            self._states.pop(key, None)


# -- Redis --------------------------------------------------------------------------------------

# KEYS: requests bucket, tokens bucket, cool-down. ARGV: now, req_cap, req_rate, tok_cap, tok_rate,
# token_cost. A capacity of -1 means "no such limit". Numbers go back as strings: Redis would
# truncate Lua floats to integers.
_ACQUIRE = """
local now = tonumber(ARGV[1])
local req_cap, req_rate = tonumber(ARGV[2]), tonumber(ARGV[3])
local tok_cap, tok_rate = tonumber(ARGV[4]), tonumber(ARGV[5])
local cost = tonumber(ARGV[6])
local function s(x) return string.format('%.17g', x) end
local cd = tonumber(redis.call('GET', KEYS[3]) or '0')
if cd > now then return {'cooldown', s(cd - now), 'inf', 'inf'} end
local function level(key, cap, rate)
  if cap < 0 then return math.huge end
  local v = redis.call('HMGET', key, 'l', 't')
  if not v[1] then return cap end
  local l = tonumber(v[1]) + math.max(0, now - tonumber(v[2])) * rate
  if l > cap then l = cap end
  return l
end
local req = level(KEYS[1], req_cap, req_rate)
local tok = level(KEYS[2], tok_cap, tok_rate)
local function fmt(x) if x == math.huge then return 'inf' end return s(x) end
if tok_cap >= 0 and cost > tok_cap then return {'too_large', 'inf', fmt(req), fmt(tok)} end
if req_cap >= 0 and req < 1 then
  return {'requests', s((1 - req) / req_rate), fmt(req), fmt(tok)}
end
if tok_cap >= 0 and tok < cost then
  return {'tokens', s((cost - tok) / tok_rate), fmt(req), fmt(tok)}
end
if req_cap >= 0 then
  req = req - 1
  redis.call('HSET', KEYS[1], 'l', s(req), 't', s(now))
  redis.call('PEXPIRE', KEYS[1], math.ceil(req_cap / req_rate * 1000) + 1000)
end
if tok_cap >= 0 then
  tok = tok - cost
  redis.call('HSET', KEYS[2], 'l', s(tok), 't', s(now))
  redis.call('PEXPIRE', KEYS[2], math.ceil(tok_cap / tok_rate * 1000) + 1000)
end
return {'ok', '0', fmt(req), fmt(tok)}
"""

# KEYS: blocks sorted set, cool-down. ARGV: now, window, max_blocks, cooldown, unique member.
_RECORD_BLOCK = """
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local max_blocks, cooldown = tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.17g', now - window))
redis.call('ZADD', KEYS[1], string.format('%.17g', now), ARGV[5])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000) + 1000)
if redis.call('ZCARD', KEYS[1]) >= max_blocks then
  redis.call('SET', KEYS[2], string.format('%.17g', now + cooldown),
             'PX', math.ceil(cooldown * 1000) + 1000)
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
"""


def _num(raw: Any) -> float:
    text = raw.decode() if isinstance(raw, bytes) else str(raw)
    return math.inf if text == "inf" else float(text)


class RedisBackend:
    """Limiter state in Redis, shared by every host; each operation is one atomic Lua script.

    Args:
        client: A ``redis.Redis`` client (or anything with ``register_script``).
        prefix: Prefix of the keys it writes (``<prefix>:<key>:req`` and so on).

    Build one from a URL with ``RedisBackend.from_url("redis://host:6379/0")`` (needs the
    ``redis`` extra). Thread-safe (redis-py clients use a connection pool).
    """

    def __init__(self, client: Any, *, prefix: str = "genai_guard:limits") -> None:
        self._client = client
        self._prefix = prefix
        self._acquire = client.register_script(_ACQUIRE)
        self._record_block = client.register_script(_RECORD_BLOCK)

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "genai_guard:limits") -> RedisBackend:
        """Connect with ``redis.Redis.from_url`` (imported lazily)."""
        import redis  # noqa: PLC0415 - optional extra

        return cls(redis.Redis.from_url(url), prefix=prefix)

    def _keys(self, key: str) -> tuple[str, str, str, str]:
        # Hash tags keep one key's state in one cluster slot, as Lua scripts need.
        base = f"{self._prefix}:{{{key}}}"
        return f"{base}:req", f"{base}:tok", f"{base}:cooldown", f"{base}:blocks"

    def acquire(
        self,
        key: str,
        *,
        now: float,
        requests: Rate | None,
        tokens: Rate | None,
        token_cost: int,
    ) -> LimitVerdict:
        """See ``LimitBackend.acquire``."""
        req_k, tok_k, cd_k, _ = self._keys(key)
        args = [
            repr(now),
            repr(requests.capacity if requests else -1),
            repr(requests.refill_per_second if requests else 0),
            repr(tokens.capacity if tokens else -1),
            repr(tokens.refill_per_second if tokens else 0),
            str(token_cost),
        ]
        reason_raw, wait, req, tok = self._acquire(keys=[req_k, tok_k, cd_k], args=args)
        reason = reason_raw.decode() if isinstance(reason_raw, bytes) else str(reason_raw)
        if reason not in ("ok", "requests", "tokens", "too_large", "cooldown"):
            raise ConfigurationError(f"unexpected limiter reply {reason!r}")
        return LimitVerdict(reason == "ok", reason, _num(wait), _num(req), _num(tok))  # type: ignore[arg-type]

    def record_block(self, key: str, *, now: float, abuse: AbusePolicy) -> bool:
        """See ``LimitBackend.record_block``."""
        _, _, cd_k, blocks_k = self._keys(key)
        args = [
            repr(now),
            repr(abuse.window_seconds),
            str(abuse.max_blocks),
            repr(abuse.cooldown_seconds),
            uuid.uuid4().hex,
        ]
        return bool(self._record_block(keys=[blocks_k, cd_k], args=args))

    def reset(self, key: str) -> None:
        """See ``LimitBackend.reset``."""
        self._client.delete(*self._keys(key))


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

    def acquire(self, key: str, *, tokens: int = 0) -> LimitVerdict:
        """Take one request and ``tokens`` tokens for ``key``, all or nothing."""
        if tokens < 0:
            raise ValueError("tokens must not be negative")
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
            not f.rule_id.startswith(_LIMIT_RULE_PREFIX)
            for r in decision.results
            if r.action is Action.BLOCK
            for f in r.outcome.findings
        )
        return self.record_block(who) if counted else False

    def reset(self, key: str) -> None:
        """Forget ``key``'s state."""
        self.backend.reset(key)


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
