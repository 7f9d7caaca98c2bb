"""Helper run in a second process by test_history: writes turns to a shared store."""

from __future__ import annotations

import sys

from genai_guard.pii import HistoryStore

if __name__ == "__main__":
    path, n = sys.argv[1], int(sys.argv[2])
    store = HistoryStore(path, protection="encrypt", key=bytes(range(32)))
    for i in range(n):
        store.add(user_id="proc", conversation_id="shared", role="user", text=f"p{i}")
