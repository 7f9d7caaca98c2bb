"""The Redis backend: each operation is one atomic Lua script."""

from __future__ import annotations

import logging
import math
import uuid
from typing import Any, Literal

from genai_guard._redis import redis_client
from genai_guard.errors import ConfigurationError, ResourceUnavailable
from genai_guard.limits._model import AbusePolicy, LimitVerdict, Rate, check_token_cost

__all__ = ["DEFAULT_TIMEOUT_SECONDS", "OnUnavailable", "RedisBackend"]

_log = logging.getLogger(__name__)


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


OnUnavailable = Literal["raise", "allow"]
DEFAULT_TIMEOUT_SECONDS = 0.25


class RedisBackend:
    """Limiter state in Redis, shared by every host; each operation is one atomic Lua script.

    Args:
        client: A ``redis.Redis`` client (or anything with ``register_script``). Its time-outs
            apply; ``from_url`` sets short ones.
        prefix: Prefix of the keys it writes (``<prefix>:<key>:req`` and so on).
        on_unavailable: What a Redis failure (time-out, refused connection, any ``RedisError``)
            does: ``raise`` (the default, fail closed) raises ``ResourceUnavailable``, which a
            pipeline step handles under its ``on_error`` (``block`` by default); ``allow``
            (fail open) returns an allowing verdict with reason ``unavailable`` and logs a
            warning without the key.

    Build one from a URL with ``RedisBackend.from_url("redis://host:6379/0")`` (needs the
    ``redis`` extra). Thread-safe (redis-py clients use a connection pool).
    """

    def __init__(
        self,
        client: Any,
        *,
        prefix: str = "genai_guard:limits",
        on_unavailable: OnUnavailable = "raise",
    ) -> None:
        if on_unavailable not in ("raise", "allow"):
            raise ConfigurationError("on_unavailable must be 'raise' or 'allow'")
        self._client = client
        self._prefix = prefix
        self.on_unavailable: OnUnavailable = on_unavailable
        self._acquire = client.register_script(_ACQUIRE)
        self._record_block = client.register_script(_RECORD_BLOCK)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        prefix: str = "genai_guard:limits",
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        retries: int = 0,
        on_unavailable: OnUnavailable = "raise",
    ) -> RedisBackend:
        """Connect with ``redis.Redis.from_url`` (imported lazily).

        Args:
            url: ``redis://host:port/db`` (or ``rediss://``, ``unix://``).
            prefix: See the class.
            timeout_seconds: Connect and read time-out of each command (default 0.25 s), so a
                hung Redis costs a request at most about ``(retries + 1) * timeout_seconds``.
            retries: Retries of a command after a time-out or a dropped connection.
            on_unavailable: See the class.
        """
        client = redis_client(url, timeout_seconds=timeout_seconds, retries=retries)
        return cls(client, prefix=prefix, on_unavailable=on_unavailable)

    def _failed(self, exc: Exception) -> None:
        """Turn a Redis failure into ``ResourceUnavailable``; return quietly to fail open."""
        if not _is_redis_error(exc):
            raise exc
        if self.on_unavailable == "raise":
            raise ResourceUnavailable(
                f"rate-limit store unavailable ({type(exc).__name__})"
            ) from exc
        _log.warning("rate-limit store unavailable (%s); failing open", type(exc).__name__)

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
        token_cost: float,
    ) -> LimitVerdict:
        """See ``LimitBackend.acquire``."""
        check_token_cost(token_cost)
        req_k, tok_k, cd_k, _ = self._keys(key)
        args = [
            repr(now),
            repr(requests.capacity if requests else -1),
            repr(requests.refill_per_second if requests else 0),
            repr(tokens.capacity if tokens else -1),
            repr(tokens.refill_per_second if tokens else 0),
            repr(float(token_cost)),
        ]
        try:
            reason_raw, wait, req, tok = self._acquire(keys=[req_k, tok_k, cd_k], args=args)
        except Exception as exc:  # noqa: BLE001 - only Redis errors are handled, others re-raised
            self._failed(exc)
            return LimitVerdict(True, "unavailable")
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
        try:
            return bool(self._record_block(keys=[blocks_k, cd_k], args=args))
        except Exception as exc:  # noqa: BLE001 - only Redis errors are handled, others re-raised
            self._failed(exc)
            return False

    def reset(self, key: str) -> None:
        """See ``LimitBackend.reset``."""
        try:
            self._client.delete(*self._keys(key))
        except Exception as exc:  # noqa: BLE001 - only Redis errors are handled, others re-raised
            self._failed(exc)


def _is_redis_error(exc: BaseException) -> bool:
    try:
        from redis.exceptions import RedisError  # noqa: PLC0415 - optional extra
    except ImportError:  # pragma: no cover - a client without redis-py
        return False
    return isinstance(exc, RedisError)
