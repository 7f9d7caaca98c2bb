"""The pseudonym vault: per-conversation mapping of original values to placeholders.

The same value always gets the same placeholder within a conversation (``<EMAIL_ADDRESS_1>``),
across turns. Conversations expire after a time-to-live and the vault holds a bounded number of
them (least recently used evicted first) with a bounded number of values each. In memory by
default; optionally persisted in SQLite with every value encrypted (AES-GCM) and conversation ids
replaced by keyed hashes, so the file holds nothing readable without the key.

Nothing here ever logs or formats a value, a key or a placeholder mapping.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from genai_guard.errors import ConfigurationError, InputError

__all__ = ["Vault"]

_NONCE = 12


@dataclass(slots=True)
class _Conversation:
    forward: dict[tuple[str, str], str] = field(default_factory=dict)  # (entity, value) -> ph
    backward: dict[str, str] = field(default_factory=dict)  # placeholder -> value
    counters: dict[str, int] = field(default_factory=dict)  # entity -> last number
    touched: float = 0.0


class Vault:
    """Per-conversation pseudonym mapping; thread-safe.

    Args:
        ttl_seconds: A conversation unused this long is forgotten.
        max_conversations: Most conversations held; the least recently used is evicted.
        max_values: Most values per conversation; more raise ``InputError`` (fail closed).
        path: Optional SQLite file for persistence (values encrypted at rest).
        key: 32-byte key for the persisted file; required with ``path``.
        clock: Time source (seconds), for tests.

    The ``repr`` shows sizes only; the mapping and key never appear in reprs, logs or errors.
    """

    __slots__ = (
        "_aead",
        "_clock",
        "_convs",
        "_db",
        "_key",
        "_lock",
        "max_conversations",
        "max_values",
        "ttl_seconds",
    )

    def __init__(
        self,
        *,
        ttl_seconds: float = 3600.0,
        max_conversations: int = 10_000,
        max_values: int = 1_000,
        path: str | Path | None = None,
        key: bytes | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl_seconds <= 0 or max_conversations < 1 or max_values < 1:
            raise ConfigurationError("ttl_seconds, max_conversations, max_values must be positive")
        self.ttl_seconds = ttl_seconds
        self.max_conversations = max_conversations
        self.max_values = max_values
        self._clock = clock
        self._lock = threading.Lock()
        self._convs: OrderedDict[str, _Conversation] = OrderedDict()
        self._db: str | None = None
        self._key = b""
        self._aead = None
        if path is not None:
            if key is None or len(key) != 32:
                raise ConfigurationError("a persisted vault needs a 32-byte key")
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

            self._aead = AESGCM(key)
            self._key = key
            self._db = str(path)
            with self._connect() as con:
                con.execute(
                    "CREATE TABLE IF NOT EXISTS vault (conv TEXT, placeholder TEXT, entity TEXT,"
                    " value BLOB, created REAL, PRIMARY KEY (conv, placeholder))"
                )

    def __repr__(self) -> str:
        with self._lock:
            n = len(self._convs)
        return f"Vault(conversations={n}, persisted={self._db is not None})"

    # -- public -----------------------------------------------------------------------------

    def placeholder(self, conversation_id: str, entity: str, value: str) -> str:
        """The placeholder of ``value`` in the conversation, assigning the next number if new."""
        with self._lock:
            conv = self._conversation(conversation_id)
            ph = conv.forward.get((entity, value))
            if ph is not None:
                return ph
            if len(conv.backward) >= self.max_values:
                raise InputError("too many distinct values in one conversation")
            n = conv.counters.get(entity, 0) + 1
            conv.counters[entity] = n
            ph = f"<{entity}_{n}>"
            conv.forward[(entity, value)] = ph
            conv.backward[ph] = value
            if self._db is not None:
                self._persist(conversation_id, ph, entity, value)
            return ph

    def lookup(self, conversation_id: str, placeholder: str) -> str | None:
        """The original value of a placeholder, or None."""
        with self._lock:
            conv = self._conversation(conversation_id)
            return conv.backward.get(placeholder)

    def restorations(self, conversation_id: str) -> dict[str, str]:
        """A copy of the conversation's placeholder-to-value mapping (for the restorer)."""
        with self._lock:
            return dict(self._conversation(conversation_id).backward)

    def forget(self, conversation_id: str) -> None:
        """Drop one conversation (memory and file)."""
        with self._lock:
            self._convs.pop(conversation_id, None)
            if self._db is not None:
                with self._connect() as con:
                    con.execute(
                        "DELETE FROM vault WHERE conv = ?", (self._conv_key(conversation_id),)
                    )

    def __len__(self) -> int:
        with self._lock:
            return len(self._convs)

    # -- internals (called with the lock held) ----------------------------------------------

    def _conversation(self, conversation_id: str) -> _Conversation:
        now = self._clock()
        self._expire(now)
        conv = self._convs.get(conversation_id)
        if conv is None:
            conv = self._load(conversation_id)
            self._convs[conversation_id] = conv
            while len(self._convs) > self.max_conversations:
                self._convs.popitem(last=False)
        else:
            self._convs.move_to_end(conversation_id)
        conv.touched = now
        return conv

    def _expire(self, now: float) -> None:
        while self._convs:
            cid, oldest = next(iter(self._convs.items()))
            if now - oldest.touched <= self.ttl_seconds:
                break
            del self._convs[cid]

    def _connect(self) -> sqlite3.Connection:
        assert self._db is not None
        con = sqlite3.connect(self._db, timeout=30.0, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        return con

    def _conv_key(self, conversation_id: str) -> str:
        return hmac.new(self._key, conversation_id.encode(), hashlib.sha256).hexdigest()

    def _persist(self, conversation_id: str, ph: str, entity: str, value: str) -> None:
        assert self._aead is not None
        conv = self._conv_key(conversation_id)
        nonce = os.urandom(_NONCE)
        blob = nonce + self._aead.encrypt(nonce, value.encode(), f"{conv}|{ph}".encode())
        with self._connect() as con:
            con.execute(
                "INSERT OR REPLACE INTO vault VALUES (?, ?, ?, ?, ?)",
                (conv, ph, entity, blob, time.time()),
            )

    def _load(self, conversation_id: str) -> _Conversation:
        conv = _Conversation()
        if self._db is None or self._aead is None:
            return conv
        key = self._conv_key(conversation_id)
        cutoff = time.time() - self.ttl_seconds
        with self._connect() as con:
            rows = con.execute(
                "SELECT placeholder, entity, value FROM vault WHERE conv = ? AND created >= ?",
                (key, cutoff),
            ).fetchall()
        for ph, entity, blob in rows:
            value = self._aead.decrypt(
                blob[:_NONCE], blob[_NONCE:], f"{key}|{ph}".encode()
            ).decode()
            conv.backward[ph] = value
            conv.forward[(entity, value)] = ph
            n = int(ph.rsplit("_", 1)[1].rstrip(">"))
            conv.counters[entity] = max(conv.counters.get(entity, 0), n)
        return conv
