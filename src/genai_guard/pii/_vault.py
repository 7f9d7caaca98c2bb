"""The pseudonym vault: per-conversation mapping of original values to placeholders.

The same value always gets the same placeholder within a conversation (``<EMAIL_ADDRESS_1>``),
across turns. Conversations expire after a time-to-live and the vault holds a bounded number of
them (least recently used evicted first) with a bounded number of values each. In memory by
default; optionally persisted in SQLite with every value encrypted (AES-GCM) and conversation ids
replaced by keyed hashes, so the file holds nothing readable without the key.

A persisted vault keeps no copy in memory: the file is the one source of truth, so several
processes (the workers of one application) may share it. A placeholder is allocated inside one
``BEGIN IMMEDIATE`` transaction (look the value up by its keyed hash, else take the next number),
so two processes never issue the same placeholder for different values of one conversation.

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genai_guard.errors import ConfigurationError, InputError, IntegrityError, ResourceUnavailable

__all__ = ["Vault"]

_NONCE = 12
_KEY_CHECK_LABEL = b"genai-guard/vault/key-check"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS vault (conv TEXT, placeholder TEXT, entity TEXT, value BLOB,"
    " created REAL, PRIMARY KEY (conv, placeholder))",
    "CREATE TABLE IF NOT EXISTS vault_conv (conv TEXT PRIMARY KEY, touched REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS vault_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
_SURROGATE_ATTEMPTS = 16
_WRONG_KEY = "the key does not open this vault store (it was written with another key)"


@dataclass(slots=True)
class _Conversation:
    forward: dict[tuple[str, str], str] = field(default_factory=dict)  # (entity, value) -> ph
    backward: dict[str, str] = field(default_factory=dict)  # placeholder -> value
    counters: dict[str, int] = field(default_factory=dict)  # entity -> last number
    fakes: dict[tuple[str, str], str] = field(default_factory=dict)  # (entity, value) -> fake
    fake_back: dict[str, str] = field(default_factory=dict)  # fake -> value
    fake_counters: dict[str, int] = field(default_factory=dict)  # entity -> last number
    touched: float = 0.0


class Vault:
    """Per-conversation pseudonym mapping; thread-safe, and process-safe when persisted.

    Args:
        ttl_seconds: A conversation unused this long is forgotten. In a persisted vault a
            conversation's life is renewed by ``placeholder`` (not by reads).
        max_conversations: Most conversations held in memory; the least recently used is evicted
            (a persisted vault holds none in memory).
        max_values: Most values per conversation; more raise ``InputError`` (fail closed).
        path: Optional SQLite file for persistence (values encrypted at rest); vaults in several
            processes may share it.
        key: 32-byte key for the persisted file; required with ``path``.
        clock: Time source (seconds) of the in-memory vault, for tests; the persisted vault uses
            wall-clock time, since processes share it.

    Raises:
        ConfigurationError: bad options, or a key other than the one the file was written with.
        IntegrityError: the file is not a vault database, or is damaged.
        ResourceUnavailable: the file cannot be opened or stays locked.

    The ``repr`` shows sizes only; the mapping and key never appear in reprs, logs or errors.
    """

    __slots__ = (
        "_aead",
        "_clock",
        "_convs",
        "_db",
        "_key",
        "_local",
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
        if not ttl_seconds > 0 or max_conversations < 1 or max_values < 1:
            raise ConfigurationError("ttl_seconds, max_conversations, max_values must be positive")
        self.ttl_seconds = ttl_seconds
        self.max_conversations = max_conversations
        self.max_values = max_values
        self._clock = clock
        self._lock = threading.Lock()
        self._local = threading.local()
        self._convs: OrderedDict[str, _Conversation] = OrderedDict()
        self._db: str | None = None
        self._key = b""
        self._aead: Any = None
        if path is not None:
            if key is None or len(key) != 32:
                raise ConfigurationError("a persisted vault needs a 32-byte key")
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

            self._aead = AESGCM(key)
            self._key = key
            self._db = str(path)
            self._open_store()

    @property
    def persisted(self) -> bool:
        """Whether the vault lives in a SQLite file."""
        return self._db is not None

    def __repr__(self) -> str:
        with self._lock:
            n = len(self._convs)
        return f"Vault(conversations={n}, persisted={self._db is not None})"

    # -- public -----------------------------------------------------------------------------

    def placeholder(self, conversation_id: str, entity: str, value: str) -> str:
        """The placeholder of ``value`` in the conversation, assigning the next number if new.

        Raises:
            InputError: the conversation already holds ``max_values`` values.
        """
        if self._db is not None:
            return self._allocate(conversation_id, entity, value)
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
            return ph

    def surrogate(
        self,
        conversation_id: str,
        entity: str,
        value: str,
        propose: Callable[[int, int], str | None],
        rejects: Callable[[str], bool] = lambda _fake: False,
    ) -> str | None:
        """The fake value of ``value`` in the conversation, drawing a new one if it has none.

        ``propose(number, attempt)`` draws a candidate for the value's number among the
        conversation's fakes of ``entity`` (or None if it cannot); a candidate equal to an
        original value or to another fake of the conversation, or that ``rejects`` (it occurs in
        the prompt), is refused and the next attempt drawn (at most 16). None if no candidate
        was accepted. In-memory vaults only.

        Raises:
            ConfigurationError: the vault is persisted (fakes are not stored in the file).
            InputError: the conversation already holds ``max_values`` values.
        """
        if self._db is not None:
            raise ConfigurationError("surrogates need an in-memory vault")
        with self._lock:
            conv = self._conversation(conversation_id)
            held = conv.fakes.get((entity, value))
            if held is not None:
                return held
            if len(conv.backward) + len(conv.fake_back) >= self.max_values:
                raise InputError("too many distinct values in one conversation")
            number = conv.fake_counters.get(entity, 0) + 1
            originals = {v.casefold() for _, v in conv.forward} | {
                v.casefold() for _, v in conv.fakes
            }
            taken = {f.casefold() for f in conv.fake_back}
            for attempt in range(_SURROGATE_ATTEMPTS):
                fake = propose(number, attempt)
                if fake is None:
                    return None
                key = fake.casefold()
                if key in originals or key in taken or key == value.casefold() or rejects(fake):
                    continue
                conv.fake_counters[entity] = number
                conv.fakes[(entity, value)] = fake
                conv.fake_back[fake] = value
                return fake
            return None

    def lookup(self, conversation_id: str, placeholder: str) -> str | None:
        """The original value of a placeholder, or None."""
        if self._db is not None:
            return self._stored(conversation_id).get(placeholder)
        with self._lock:
            conv = self._conversation(conversation_id)
            return conv.backward.get(placeholder)

    def restorations(self, conversation_id: str) -> dict[str, str]:
        """A copy of the conversation's placeholder-and-fake-to-value mapping (for the restorer)."""
        if self._db is not None:
            return self._stored(conversation_id)
        with self._lock:
            conv = self._conversation(conversation_id)
            return {**conv.backward, **conv.fake_back}

    def forget(self, conversation_id: str) -> None:
        """Drop one conversation (memory and file)."""
        with self._lock:
            self._convs.pop(conversation_id, None)
        if self._db is not None:
            conv = self._conv_key(conversation_id)
            with self._transaction() as con:
                con.execute("DELETE FROM vault WHERE conv = ?", (conv,))
                con.execute("DELETE FROM vault_conv WHERE conv = ?", (conv,))

    def __len__(self) -> int:
        if self._db is not None:
            with self._transaction(write=False) as con:
                row = con.execute(
                    "SELECT COUNT(*) FROM vault_conv WHERE touched >= ?", (self._cutoff(),)
                ).fetchone()
            return int(row[0])
        with self._lock:
            return len(self._convs)

    # -- in memory (called with the lock held) ----------------------------------------------

    def _conversation(self, conversation_id: str) -> _Conversation:
        now = self._clock()
        self._expire(now)
        conv = self._convs.get(conversation_id)
        if conv is None:
            conv = _Conversation()
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

    # -- persisted --------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection to the file (opened once per thread and process).

        Keeping it open avoids a WAL checkpoint and its syncs on every call; a process started by
        ``fork`` opens its own.
        """
        held: tuple[int, sqlite3.Connection] | None = getattr(self._local, "con", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        if self._db is None:  # pragma: no cover - only called on persisted vaults
            raise ConfigurationError("this vault is not persisted")
        con = sqlite3.connect(self._db, timeout=30.0, isolation_level=None, check_same_thread=False)
        try:
            con.execute("PRAGMA journal_mode=WAL")
        except BaseException:
            con.close()
            raise
        self._local.con = (os.getpid(), con)
        return con

    @contextmanager
    def _transaction(self, *, write: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction on this thread's connection; SQLite errors become the library's own."""
        try:
            con = self._connection()
            con.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield con
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._drop_connection()
            if "locked" in str(exc) or "unable to open" in str(exc):
                raise ResourceUnavailable(
                    f"the vault store cannot be used ({type(exc).__name__})"
                ) from exc
            raise IntegrityError("the vault store is damaged or not a vault database") from exc
        except sqlite3.DatabaseError as exc:
            self._drop_connection()
            raise IntegrityError("the vault store is damaged or not a vault database") from exc

    def _drop_connection(self) -> None:
        held: tuple[int, sqlite3.Connection] | None = getattr(self._local, "con", None)
        self._local.con = None
        if held is not None and held[0] == os.getpid():
            held[1].close()

    def _open_store(self) -> None:
        """Create the tables, check the key, and bring an older file up to date."""
        check = hmac.new(self._key, _KEY_CHECK_LABEL, hashlib.sha256).hexdigest()
        with self._transaction() as con:
            for statement in _SCHEMA:
                con.execute(statement)
            columns = {row[1] for row in con.execute("PRAGMA table_info(vault)")}
            if not {"conv", "placeholder", "entity", "value", "created"} <= columns:
                raise IntegrityError("the vault store is damaged or not a vault database")
            stored = con.execute("SELECT value FROM vault_meta WHERE name = 'key_check'").fetchone()
            if stored is not None and not hmac.compare_digest(str(stored[0]), check):
                raise ConfigurationError(_WRONG_KEY)
            if "vhash" not in columns:
                self._upgrade(con)
            con.execute(
                "CREATE UNIQUE INDEX IF NOT EXISTS vault_value ON vault (conv, entity, vhash)"
            )
            if stored is None:
                con.execute("INSERT INTO vault_meta VALUES ('key_check', ?)", (check,))
            expired = self._cutoff()
            con.execute(
                "DELETE FROM vault WHERE conv IN (SELECT conv FROM vault_conv WHERE touched < ?)",
                (expired,),
            )
            con.execute("DELETE FROM vault_conv WHERE touched < ?", (expired,))

    def _upgrade(self, con: sqlite3.Connection) -> None:
        """Add the number and value-hash columns to a file written by an older version."""
        con.execute("ALTER TABLE vault ADD COLUMN n INTEGER")
        con.execute("ALTER TABLE vault ADD COLUMN vhash TEXT")
        rows = con.execute("SELECT conv, placeholder, entity, value, created FROM vault").fetchall()
        for conv, ph, entity, blob, created in rows:
            try:
                value = self._decrypt(conv, ph, blob)
            except IntegrityError as exc:  # no key check in an older file: this is the check
                raise ConfigurationError(_WRONG_KEY) from exc
            con.execute(
                "UPDATE vault SET n = ?, vhash = ? WHERE conv = ? AND placeholder = ?",
                (_number(ph), self._value_hash(conv, entity, value), conv, ph),
            )
            con.execute(
                "INSERT INTO vault_conv VALUES (?, ?) ON CONFLICT (conv) DO UPDATE"
                " SET touched = max(touched, excluded.touched)",
                (conv, created),
            )

    def _cutoff(self) -> float:
        return time.time() - self.ttl_seconds

    def _conv_key(self, conversation_id: str) -> str:
        return hmac.new(self._key, conversation_id.encode(), hashlib.sha256).hexdigest()

    def _value_hash(self, conv: str, entity: str, value: str) -> str:
        msg = b"\0".join((b"value", conv.encode(), entity.encode(), value.encode()))
        return hmac.new(self._key, msg, hashlib.sha256).hexdigest()

    def _decrypt(self, conv: str, ph: str, blob: bytes) -> str:
        from cryptography.exceptions import InvalidTag  # noqa: PLC0415 - with the AEAD

        try:
            plain = self._aead.decrypt(bytes(blob[:_NONCE]), bytes(blob[_NONCE:]), _aad(conv, ph))
        except InvalidTag as exc:
            raise IntegrityError("a vault entry failed authentication (altered)") from exc
        except (TypeError, ValueError) as exc:
            raise IntegrityError("a vault entry is damaged") from exc
        return str(plain.decode())

    def _allocate(self, conversation_id: str, entity: str, value: str) -> str:
        """Find or assign the placeholder in one write transaction (atomic across processes).

        A value already held, in a conversation with at least a tenth of its time-to-live left,
        is answered by a read alone (no write, no sync); nearer expiry the write path renews it.
        """
        conv = self._conv_key(conversation_id)
        vhash = self._value_hash(conv, entity, value)
        now = time.time()
        with self._transaction(write=False) as con:
            held = con.execute(
                "SELECT v.placeholder FROM vault v JOIN vault_conv c USING (conv)"
                " WHERE v.conv = ? AND v.entity = ? AND v.vhash = ? AND c.touched >= ?",
                (conv, entity, vhash, now - self.ttl_seconds * 0.9),
            ).fetchone()
        if held is not None:
            return str(held[0])
        with self._transaction() as con:
            touched = con.execute(
                "SELECT touched FROM vault_conv WHERE conv = ?", (conv,)
            ).fetchone()
            if touched is not None and touched[0] < now - self.ttl_seconds:
                con.execute("DELETE FROM vault WHERE conv = ?", (conv,))
            con.execute("INSERT OR REPLACE INTO vault_conv VALUES (?, ?)", (conv, now))
            found = con.execute(
                "SELECT placeholder FROM vault WHERE conv = ? AND entity = ? AND vhash = ?",
                (conv, entity, vhash),
            ).fetchone()
            if found is not None:
                return str(found[0])
            (count,) = con.execute("SELECT COUNT(*) FROM vault WHERE conv = ?", (conv,)).fetchone()
            if count >= self.max_values:
                raise InputError("too many distinct values in one conversation")
            (last,) = con.execute(
                "SELECT COALESCE(MAX(n), 0) FROM vault WHERE conv = ? AND entity = ?",
                (conv, entity),
            ).fetchone()
            ph = f"<{entity}_{int(last) + 1}>"
            nonce = os.urandom(_NONCE)
            blob = nonce + self._aead.encrypt(nonce, value.encode(), _aad(conv, ph))
            con.execute(
                "INSERT INTO vault (conv, placeholder, entity, value, created, n, vhash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (conv, ph, entity, blob, now, int(last) + 1, vhash),
            )
            return ph

    def _stored(self, conversation_id: str) -> dict[str, str]:
        conv = self._conv_key(conversation_id)
        with self._transaction(write=False) as con:
            rows = con.execute(
                "SELECT v.placeholder, v.value FROM vault v JOIN vault_conv c USING (conv)"
                " WHERE v.conv = ? AND c.touched >= ?",
                (conv, self._cutoff()),
            ).fetchall()
        return {str(ph): self._decrypt(conv, ph, blob) for ph, blob in rows}


def _aad(conv: str, ph: str) -> bytes:
    return f"{conv}|{ph}".encode()


def _number(placeholder: str) -> int:
    try:
        return int(placeholder.rsplit("_", 1)[1].rstrip(">"))
    except (IndexError, ValueError) as exc:
        raise IntegrityError("a vault entry is damaged") from exc
