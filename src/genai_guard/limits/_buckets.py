"""Token-bucket arithmetic and the in-process backend."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

from genai_guard.errors import ConfigurationError
from genai_guard.limits._model import AbusePolicy, LimitVerdict, Rate, check_token_cost

__all__ = ["MemoryBackend"]


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
        token_cost: float,
    ) -> LimitVerdict:
        """See ``LimitBackend.acquire``."""
        check_token_cost(token_cost)
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
