"""``HistoryStore``: prompt and response history in SQLite, masked or encrypted.

Prompt history is one of the assets a GenAI threat model protects. Each turn is stored either
masked (PII replaced by placeholders numbered per turn, no way back) or encrypted with AES-GCM
under a key the application supplies (the user id, conversation id and role are bound as
associated data, so a ciphertext cannot be moved to another user). The file uses WAL mode; every
operation opens its own connection with a busy timeout, so several threads and processes may write
at once. Retention by age, erasure of everything of one user, and export of a conversation are
provided. User and conversation ids are stored as given (they are needed for erasure and export);
choose opaque ids if they are themselves personal data.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from genai_guard.context import Context
from genai_guard.errors import ConfigurationError, IntegrityError, ResourceUnavailable

__all__ = ["HistoryStore", "Turn"]

Protection = Literal["mask", "encrypt"]
_NONCE = 12
_SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    role TEXT NOT NULL,
    created REAL NOT NULL,
    protection TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_user ON turns (user_id);
CREATE INDEX IF NOT EXISTS turns_conv ON turns (conversation_id, id);
CREATE INDEX IF NOT EXISTS turns_created ON turns (created);
"""


@dataclass(frozen=True, slots=True)
class Turn:
    """One stored turn as exported: text is masked, or decrypted when the store has the key."""

    user_id: str
    conversation_id: str
    role: str
    created: float
    text: str


class HistoryStore:
    """Prompt/response history in a SQLite file (WAL), each turn masked or encrypted.

    Args:
        path: The SQLite file (created if missing).
        protection: ``mask`` (PII replaced by placeholders) or ``encrypt`` (AES-GCM).
        key: 32-byte application key; required for ``encrypt``.
        masker: Anything with ``check(text, ctx) -> Outcome`` that masks (default: a
            ``PIIMasker`` with placeholders); used for ``mask``.
        retention_seconds: ``purge()`` without arguments deletes turns older than this.
        clock: Wall-clock source (seconds since the epoch), for tests.

    Thread-safe and process-safe: no connection is shared; SQLite's locking serializes writers.

    Raises:
        IntegrityError: the file is not a history database or is damaged, or a turn fails
            authentication.
        ResourceUnavailable: the file cannot be opened or stays locked.
    """

    __slots__ = ("_aead", "_clock", "_masker", "path", "protection", "retention_seconds")

    def __init__(
        self,
        path: str | Path,
        *,
        protection: Protection = "mask",
        key: bytes | None = None,
        masker: Any = None,
        retention_seconds: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if protection not in ("mask", "encrypt"):
            raise ConfigurationError("protection must be 'mask' or 'encrypt'")
        self.path = Path(path)
        self.protection: Protection = protection
        self.retention_seconds = retention_seconds
        self._clock = clock
        self._aead: Any = None
        self._masker: Any = None
        if protection == "encrypt":
            if key is None or len(key) != 32:
                raise ConfigurationError("encrypted history needs a 32-byte key")
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

            self._aead = AESGCM(hmac.new(key, b"genai-guard/history", hashlib.sha256).digest())
        else:
            if masker is None:
                from genai_guard.pii._masker import PIIMasker  # noqa: PLC0415

                masker = PIIMasker("history_mask")
            self._masker = masker
        with self._connect() as con:
            con.executescript(_SCHEMA)

    def __repr__(self) -> str:
        return f"HistoryStore(path={self.path.name!r}, protection={self.protection!r})"

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """One connection; SQLite errors become the library's own."""
        try:
            con = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            try:
                con.execute("PRAGMA journal_mode=WAL")
                con.execute("PRAGMA busy_timeout=30000")
                yield con
            finally:
                con.close()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "unable to open" in str(exc):
                raise ResourceUnavailable(
                    f"the history store cannot be used ({type(exc).__name__})"
                ) from exc
            raise IntegrityError("the history store is damaged or not a history database") from exc
        except sqlite3.DatabaseError as exc:
            raise IntegrityError("the history store is damaged or not a history database") from exc

    # -- writing ----------------------------------------------------------------------------

    def add(self, *, user_id: str, conversation_id: str, role: str, text: str) -> int:
        """Store one turn (masked or encrypted); return its row id."""
        body = self._protect(user_id, conversation_id, role, text)
        with self._connect() as con:
            cur = con.execute(
                "INSERT INTO turns (user_id, conversation_id, role, created, protection, body)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (user_id, conversation_id, role, self._clock(), self.protection, body),
            )
            return int(cur.lastrowid or 0)

    def _protect(self, user_id: str, conversation_id: str, role: str, text: str) -> bytes:
        if self._aead is not None:
            nonce = os.urandom(_NONCE)
            aad = _aad(user_id, conversation_id, role)
            plain = text.encode("utf-8", "surrogatepass")  # any str, even a lone surrogate
            return nonce + bytes(self._aead.encrypt(nonce, plain, aad))
        outcome = self._masker.check(text, Context())
        masked = text if outcome.text is None else outcome.text
        return masked.encode("utf-8", "surrogatepass")

    # -- reading ----------------------------------------------------------------------------

    def export(self, conversation_id: str) -> list[Turn]:
        """Every turn of a conversation in order (masked text, or decrypted with the key)."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT user_id, conversation_id, role, created, protection, body FROM turns"
                " WHERE conversation_id = ? ORDER BY id",
                (conversation_id,),
            ).fetchall()
        return [self._turn(*row) for row in rows]

    def _turn(  # noqa: PLR0917 - one row of the table
        self, user: str, conv: str, role: str, created: float, prot: str, body: bytes
    ) -> Turn:
        if prot == "encrypt":
            if self._aead is None:
                raise ConfigurationError("this store has no key to read encrypted turns")
            try:
                plain = self._aead.decrypt(body[:_NONCE], body[_NONCE:], _aad(user, conv, role))
            except Exception as exc:
                raise IntegrityError("a stored turn failed authentication") from exc
            text = plain.decode("utf-8", "surrogatepass")
        else:
            try:
                text = bytes(body).decode("utf-8", "surrogatepass")
            except UnicodeDecodeError as exc:
                raise IntegrityError("a stored turn is damaged") from exc
        return Turn(user, conv, role, created, text)

    def count(self) -> int:
        """Number of stored turns."""
        with self._connect() as con:
            return int(con.execute("SELECT COUNT(*) FROM turns").fetchone()[0])

    # -- deleting ---------------------------------------------------------------------------

    def delete_user(self, user_id: str) -> int:
        """Delete everything of one user (right to erasure); return the number of turns."""
        with self._connect() as con:
            n = con.execute("DELETE FROM turns WHERE user_id = ?", (user_id,)).rowcount
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(n)

    def purge(self, *, older_than_seconds: float | None = None) -> int:
        """Delete turns older than the given age (default: ``retention_seconds``)."""
        age = older_than_seconds if older_than_seconds is not None else self.retention_seconds
        if age is None:
            raise ConfigurationError("no age given and no retention_seconds set")
        with self._connect() as con:
            n = con.execute("DELETE FROM turns WHERE created < ?", (self._clock() - age,)).rowcount
        return int(n)


def _aad(user_id: str, conversation_id: str, role: str) -> bytes:
    return b"\0".join(
        base64.b64encode(x.encode("utf-8", "surrogatepass"))
        for x in (user_id, conversation_id, role)
    )
