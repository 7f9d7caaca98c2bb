"""Decisions of history messages, kept so that each is checked once per conversation.

A chat request carries the whole conversation every turn. A history message's decision (its
masked text, its placeholders) depends only on the system prompt, the conversation id and the
untrusted messages up to and including it, so a chained hash of exactly those is its key: the same
message in the same place of the same conversation is found again next turn, and nothing of one
conversation is found from another (a different prefix is a different key). Bounded by entries
and by the characters of the texts held; least recently used first out. Thread-safe.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence

from genai_guard._results import Decision
from genai_guard.context import Context

__all__ = ["DecisionCache", "chain_keys"]

MAX_ENTRIES = 4096
MAX_CHARS = 8_000_000


def chain_keys(ctx: Context, segments: Sequence[tuple[str, str]]) -> list[bytes]:
    """One key per ``(role, text)`` segment: a hash of the context and every segment up to it."""
    h = hashlib.sha256()
    for part in (ctx.conversation_id or "", ctx.system_prompt or ""):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part.encode("utf-8", "surrogatepass"))
    keys: list[bytes] = []
    for role, text in segments:
        for part in (role, text):
            h.update(len(part).to_bytes(8, "big"))
            h.update(part.encode("utf-8", "surrogatepass"))
        keys.append(h.copy().digest())
    return keys


class DecisionCache:
    """Least-recently-used decisions by key, at most ``max_entries`` and ``max_chars`` of text."""

    __slots__ = ("_chars", "_items", "_lock", "max_chars", "max_entries")

    def __init__(self, max_entries: int = MAX_ENTRIES, max_chars: int = MAX_CHARS) -> None:
        self.max_entries = max_entries
        self.max_chars = max_chars
        self._items: OrderedDict[bytes, tuple[Decision, int]] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def get(self, key: bytes) -> Decision | None:
        """The decision stored under ``key``, or ``None``."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: bytes, decision: Decision, chars: int) -> None:
        """Keep ``decision`` (its texts hold ``chars`` characters); drop the oldest past a bound."""
        if chars > self.max_chars:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._chars -= old[1]
            self._items[key] = (decision, chars)
            self._chars += chars
            while self._items and (
                len(self._items) > self.max_entries or self._chars > self.max_chars
            ):
                _, (_, n) = self._items.popitem(last=False)
                self._chars -= n

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
