from __future__ import annotations

import threading

import pytest

from genai_guard import ConfigurationError, InputError
from genai_guard.pii import Vault

KEY = bytes(range(32))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_same_value_same_placeholder_per_conversation() -> None:
    v = Vault()
    assert v.placeholder("c1", "EMAIL_ADDRESS", "a@x.com") == "<EMAIL_ADDRESS_1>"
    assert v.placeholder("c1", "EMAIL_ADDRESS", "b@x.com") == "<EMAIL_ADDRESS_2>"
    assert v.placeholder("c1", "EMAIL_ADDRESS", "a@x.com") == "<EMAIL_ADDRESS_1>"
    assert v.placeholder("c2", "EMAIL_ADDRESS", "b@x.com") == "<EMAIL_ADDRESS_1>"


def test_conversation_expires_after_ttl() -> None:
    clock = Clock()
    v = Vault(ttl_seconds=10, clock=clock)
    v.placeholder("c", "URL", "https://x.com")
    clock.now = 11
    assert v.lookup("c", "<URL_1>") is None


def test_least_recently_used_conversation_is_evicted() -> None:
    v = Vault(max_conversations=2)
    for c in ("a", "b", "c"):
        v.placeholder(c, "URL", "u")
    assert len(v) == 2
    assert v.lookup("b", "<URL_1>") == "u"


def test_too_many_values_fail_closed() -> None:
    v = Vault(max_values=2)
    v.placeholder("c", "URL", "1")
    v.placeholder("c", "URL", "2")
    with pytest.raises(InputError) as err:
        v.placeholder("c", "URL", "secret-value")
    assert "secret-value" not in str(err.value)


def test_concurrent_assignment_never_collides() -> None:
    v = Vault()
    results: dict[str, set[str]] = {}
    lock = threading.Lock()

    def work(k: int) -> None:
        for i in range(200):
            ph = v.placeholder("c", "PHONE_NUMBER", f"value-{i}")
            with lock:
                results.setdefault(f"value-{i}", set()).add(ph)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(len(p) == 1 for p in results.values())
    assert len({next(iter(p)) for p in results.values()}) == 200


def test_persisted_vault_survives_restart_and_is_encrypted(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "vault.db"
    Vault(path=path, key=KEY).placeholder("conv-1", "EMAIL_ADDRESS", "alice@example.com")
    again = Vault(path=path, key=KEY)
    assert again.lookup("conv-1", "<EMAIL_ADDRESS_1>") == "alice@example.com"
    assert again.placeholder("conv-1", "EMAIL_ADDRESS", "bob@example.com") == "<EMAIL_ADDRESS_2>"
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"alice@example.com" not in raw
    assert b"conv-1" not in raw


def test_persisted_vault_needs_a_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigurationError):
        Vault(path=tmp_path / "v.db")


def test_repr_hides_the_mapping() -> None:
    v = Vault()
    v.placeholder("c", "EMAIL_ADDRESS", "alice@example.com")
    assert "alice" not in repr(v)
