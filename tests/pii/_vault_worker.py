"""Run in a separate process by test_vault: allocates placeholders in a shared vault file."""

from __future__ import annotations

from typing import Any

from genai_guard.pii import Vault

KEY = bytes(range(32))


def allocate(path: str, tag: str, n: int, barrier: Any, results: Any) -> None:
    """Allocate ``n`` values of its own and ``n`` values both workers share; report the pairs."""
    vault = Vault(path=path, key=KEY)
    barrier.wait()
    pairs = []
    for i in range(n):
        for value in (f"{tag}-{i}@example.com", f"shared-{i}@example.com"):
            pairs.append((value, vault.placeholder("conv", "EMAIL_ADDRESS", value)))
    results.put(pairs)
