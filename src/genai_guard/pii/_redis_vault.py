"""``RedisVault``: the pseudonym vault in Redis, shared by every replica of an application.

A placeholder issued by one process is restored by any other that shares the Redis database, so
replicas behind a load balancer may serve the turns of one conversation in any order. Stored as
the persisted SQLite vault stores it: conversation ids replaced by keyed hashes (HMAC-SHA256),
values by their keyed hash (for lookup) and their AES-GCM encryption bound to the conversation and
placeholder (so an entry moved elsewhere fails authentication); nothing readable without the key.

Per conversation, three hashes share one cluster hash slot: ``fwd`` (value hash -> placeholder),
``val`` (placeholder -> nonce + ciphertext) and ``num`` (entity -> last number). A placeholder is
allocated by one Lua script (atomic across processes); its value is then written by the issuing
process, and re-written by any process that finds it missing, so a crash between the two steps
heals on the next use. Every write renews the conversation's time-to-live (reads do not), as in the
persisted SQLite vault.

Fail closed: any Redis error (refused connection, time-out) raises ``ResourceUnavailable``, which
the masker's step handles under its ``on_error`` (``block`` by default). Nothing here logs or
formats a value, a key or a placeholder mapping.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import threading
from collections.abc import Callable
from typing import Any

from genai_guard._redis import redis_client
from genai_guard.errors import ConfigurationError, InputError, IntegrityError, ResourceUnavailable

__all__ = ["RedisVault"]

_NONCE = 12
_KEY_CHECK_LABEL = b"genai-guard/vault/key-check"
_WRONG_KEY = "the key does not open this vault store (it was written with another key)"

# KEYS: fwd, val, num. ARGV: value hash, entity, max values, ttl ms.
# Returns {placeholder, 1 if its value is stored} or {'', 0} when the conversation is full.
_ALLOCATE = """
local ph = redis.call('HGET', KEYS[1], ARGV[1])
if not ph then
  if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return {'', 0} end
  local n = redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
  ph = '<' .. ARGV[2] .. '_' .. n .. '>'
  redis.call('HSET', KEYS[1], ARGV[1], ph)
end
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
return {ph, redis.call('HEXISTS', KEYS[2], ph)}
"""

# KEYS: val. ARGV: placeholder, blob, ttl ms.
_STORE = """
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""


class RedisVault:
    """Per-conversation pseudonym mapping in Redis; thread-safe and shared across processes.

    Args:
        client: A ``redis.Redis`` client (or anything with ``register_script``, ``hget``,
            ``hgetall``, ``delete``, ``set``, ``get``). Its time-outs apply.
        key: 32-byte key; values are encrypted and ids hashed under it. Every replica needs the
            same key; a store written with another key is refused (``ConfigurationError``).
        ttl_seconds: A conversation not written to for this long is forgotten (Redis expiry).
        max_values: Most values per conversation; more raise ``InputError`` (fail closed).
        prefix: Prefix of the Redis keys.

    How many conversations are held is bounded by the time-to-live and the Redis server's own
    ``maxmemory`` policy (give the vault a database whose policy is ``volatile-lru`` or
    ``noeviction``). Build one from a URL with ``RedisVault.from_url`` (needs the ``redis`` extra).

    Raises (from its methods):
        ResourceUnavailable: Redis failed (fail closed).
        IntegrityError: an entry failed authentication (altered or damaged).
        ConfigurationError: the store was written with another key.
    """

    __slots__ = (
        "_aead",
        "_allocate",
        "_checked",
        "_client",
        "_key",
        "_lock",
        "_prefix",
        "_store",
        "max_values",
        "ttl_seconds",
    )

    def __init__(
        self,
        client: Any,
        *,
        key: bytes,
        ttl_seconds: float = 3600.0,
        max_values: int = 1_000,
        prefix: str = "genai_guard:vault",
    ) -> None:
        if not isinstance(key, bytes) or len(key) != 32:
            raise ConfigurationError("a Redis vault needs a 32-byte key")
        if not (ttl_seconds > 0 and math.isfinite(ttl_seconds)) or max_values < 1:
            raise ConfigurationError("ttl_seconds and max_values must be positive")
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

        self.ttl_seconds = ttl_seconds
        self.max_values = max_values
        self._key = key
        self._aead = AESGCM(key)
        self._client = client
        self._prefix = prefix
        self._allocate = client.register_script(_ALLOCATE)
        self._store = client.register_script(_STORE)
        self._lock = threading.Lock()
        self._checked = False

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        key: bytes,
        ttl_seconds: float = 3600.0,
        max_values: int = 1_000,
        prefix: str = "genai_guard:vault",
        timeout_seconds: float = 0.25,
        retries: int = 0,
    ) -> RedisVault:
        """Connect with ``redis.Redis.from_url`` (imported lazily; no connection is opened yet).

        Args:
            url: ``redis://host:port/db`` (or ``rediss://``, ``unix://``).
            key: See the class.
            ttl_seconds: See the class.
            max_values: See the class.
            prefix: See the class.
            timeout_seconds: Connect and read time-out of each command (default 0.25 s).
            retries: Retries of a command after a time-out or a dropped connection.
        """
        client = redis_client(url, timeout_seconds=timeout_seconds, retries=retries)
        return cls(client, key=key, ttl_seconds=ttl_seconds, max_values=max_values, prefix=prefix)

    def __repr__(self) -> str:
        return f"RedisVault(prefix={self._prefix!r}, ttl_seconds={self.ttl_seconds})"

    # -- public -----------------------------------------------------------------------------

    def placeholder(self, conversation_id: str, entity: str, value: str) -> str:
        """The placeholder of ``value`` in the conversation, assigning the next number if new.

        Raises:
            InputError: the conversation already holds ``max_values`` values.
            ResourceUnavailable: Redis failed.
        """
        self._check_key()
        conv = self._conv_key(conversation_id)
        fwd, val, num = self._keys(conv)
        vhash = self._value_hash(conv, entity, value)
        ttl_ms = str(math.ceil(self.ttl_seconds * 1000))
        raw_ph, stored = self._call(
            lambda: self._allocate(
                keys=[fwd, val, num], args=[vhash, entity, str(self.max_values), ttl_ms]
            )
        )
        ph = _text(raw_ph)
        if not ph:
            raise InputError("too many distinct values in one conversation")
        if not int(stored):
            nonce = os.urandom(_NONCE)
            blob = nonce + self._aead.encrypt(nonce, value.encode(), _aad(conv, ph))
            self._call(lambda: self._store(keys=[val], args=[ph, blob, ttl_ms]))
        return ph

    def lookup(self, conversation_id: str, placeholder: str) -> str | None:
        """The original value of a placeholder, or None."""
        self._check_key()
        conv = self._conv_key(conversation_id)
        blob = self._call(lambda: self._client.hget(self._keys(conv)[1], placeholder))
        return None if blob is None else self._decrypt(conv, placeholder, blob)

    def restorations(self, conversation_id: str) -> dict[str, str]:
        """The conversation's placeholder-to-value mapping (for the restorer)."""
        self._check_key()
        conv = self._conv_key(conversation_id)
        rows = self._call(lambda: self._client.hgetall(self._keys(conv)[1]))
        out: dict[str, str] = {}
        for raw_ph, blob in rows.items():
            ph = _text(raw_ph)
            out[ph] = self._decrypt(conv, ph, blob)
        return out

    def forget(self, conversation_id: str) -> None:
        """Drop one conversation."""
        keys = self._keys(self._conv_key(conversation_id))
        self._call(lambda: self._client.delete(*keys))

    # -- internals ----------------------------------------------------------------------------

    def _call(self, command: Callable[[], Any]) -> Any:
        """Run one Redis command; a Redis failure becomes ``ResourceUnavailable`` (fail closed)."""
        try:
            return command()
        except Exception as exc:
            if not _is_redis_error(exc):
                raise
            raise ResourceUnavailable(
                f"the pseudonym vault store is unavailable ({type(exc).__name__})"
            ) from exc

    def _check_key(self) -> None:
        """Once per process: the store's key check matches ours (written by the first user)."""
        with self._lock:
            if self._checked:
                return
            check = hmac.new(self._key, _KEY_CHECK_LABEL, hashlib.sha256).hexdigest()
            name = f"{self._prefix}:key_check"
            self._call(lambda: self._client.set(name, check, nx=True))
            stored = self._call(lambda: self._client.get(name))
            if stored is None or not hmac.compare_digest(_text(stored), check):
                raise ConfigurationError(_WRONG_KEY)
            self._checked = True

    def _keys(self, conv: str) -> tuple[str, str, str]:
        base = f"{self._prefix}:{{{conv}}}"  # hash tag: one slot per conversation
        return f"{base}:fwd", f"{base}:val", f"{base}:num"

    def _conv_key(self, conversation_id: str) -> str:
        return hmac.new(self._key, conversation_id.encode(), hashlib.sha256).hexdigest()

    def _value_hash(self, conv: str, entity: str, value: str) -> str:
        msg = b"\0".join((b"value", conv.encode(), entity.encode(), value.encode()))
        return hmac.new(self._key, msg, hashlib.sha256).hexdigest()

    def _decrypt(self, conv: str, ph: str, blob: Any) -> str:
        from cryptography.exceptions import InvalidTag  # noqa: PLC0415 - with the AEAD

        data = bytes(blob)
        try:
            plain = self._aead.decrypt(data[:_NONCE], data[_NONCE:], _aad(conv, ph))
        except InvalidTag as exc:
            raise IntegrityError("a vault entry failed authentication (altered)") from exc
        except (TypeError, ValueError) as exc:
            raise IntegrityError("a vault entry is damaged") from exc
        return str(plain.decode())


def _aad(conv: str, ph: str) -> bytes:
    return f"{conv}|{ph}".encode()


def _text(raw: Any) -> str:
    return raw.decode() if isinstance(raw, bytes) else str(raw)


def _is_redis_error(exc: BaseException) -> bool:
    try:
        from redis.exceptions import RedisError  # noqa: PLC0415 - optional extra
    except ImportError:  # pragma: no cover - a client without redis-py
        return False
    return isinstance(exc, RedisError)
