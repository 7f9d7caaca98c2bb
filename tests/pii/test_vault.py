from __future__ import annotations

import multiprocessing
import sqlite3
import tempfile
import threading
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.pii import _vault_worker

from genai_guard import ConfigurationError, InputError
from genai_guard.errors import IntegrityError
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


# -- a persisted vault shared by processes ------------------------------------------------------


def _one_to_one(pairs: list[tuple[str, str]]) -> bool:
    by_value: dict[str, set[str]] = {}
    by_placeholder: dict[str, set[str]] = {}
    for value, ph in pairs:
        by_value.setdefault(value, set()).add(ph)
        by_placeholder.setdefault(ph, set()).add(value)
    return all(len(s) == 1 for s in (*by_value.values(), *by_placeholder.values()))


def test_two_processes_on_one_file_never_share_a_placeholder(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    path = str(tmp_path / "vault.db")
    Vault(path=path, key=KEY)  # create the file before the race
    procs = [
        ctx.Process(target=_vault_worker.allocate, args=(path, tag, 60, barrier, results))
        for tag in ("a", "b")
    ]
    for p in procs:
        p.start()
    pairs = [pair for _ in procs for pair in results.get(timeout=120)]
    for p in procs:
        p.join(timeout=60)
    assert _one_to_one(pairs)


def test_after_a_restart_every_placeholder_restores_its_own_value(tmp_path: Path) -> None:
    path = tmp_path / "vault.db"
    first, second = Vault(path=path, key=KEY), Vault(path=path, key=KEY)
    assert first.restorations("conv") == second.restorations("conv") == {}  # both have looked
    a = first.placeholder("conv", "EMAIL_ADDRESS", "alice@example.com")
    b = second.placeholder("conv", "EMAIL_ADDRESS", "bob@example.com")
    restarted = Vault(path=path, key=KEY)
    assert restarted.lookup("conv", a) == "alice@example.com"
    assert restarted.lookup("conv", b) == "bob@example.com"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.sampled_from(["EMAIL_ADDRESS", "URL"]), st.integers(0, 6)),
        max_size=25,
    )
)
def test_vaults_sharing_a_file_agree_on_one_mapping(ops: list[tuple[int, str, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vault.db"
        vaults = (Vault(path=path, key=KEY), Vault(path=path, key=KEY))
        pairs = [
            (f"{entity}:v{value}", vaults[i].placeholder("c", entity, f"v{value}"))
            for i, entity, value in ops
        ]
        assert _one_to_one(pairs)
        restored = Vault(path=path, key=KEY).restorations("c")
        assert all(restored[ph] == value.split(":")[1] for value, ph in pairs)


def test_a_wrong_key_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "vault.db"
    Vault(path=path, key=KEY).placeholder("c", "EMAIL_ADDRESS", "alice@example.com")
    with pytest.raises(ConfigurationError, match="key does not open this vault"):
        Vault(path=path, key=bytes(32))


def test_a_truncated_store_raises_integrity_error(tmp_path: Path) -> None:
    path = tmp_path / "vault.db"
    vault = Vault(path=path, key=KEY)
    for i in range(300):
        vault.placeholder("c", "EMAIL_ADDRESS", f"user{i}@example.com")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IntegrityError, match="vault store is damaged"):
        Vault(path=path, key=KEY).restorations("c")


def test_a_file_that_is_not_a_database_raises_integrity_error(tmp_path: Path) -> None:
    path = tmp_path / "vault.db"
    path.write_bytes(b"not a database at all " * 200)
    with pytest.raises(IntegrityError):
        Vault(path=path, key=KEY)


def test_an_altered_entry_raises_integrity_error(tmp_path: Path) -> None:
    path = tmp_path / "vault.db"
    Vault(path=path, key=KEY).placeholder("c", "EMAIL_ADDRESS", "alice@example.com")
    with closing(sqlite3.connect(path)) as con, con:
        con.execute("UPDATE vault SET value = zeroblob(40)")
    with pytest.raises(IntegrityError, match="failed authentication"):
        Vault(path=path, key=KEY).restorations("c")


def test_a_store_of_the_previous_version_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "vault.db"
    Vault(path=path, key=KEY).placeholder("c", "EMAIL_ADDRESS", "alice@example.com")
    with closing(sqlite3.connect(path)) as con, con:  # back to the old layout
        con.execute("DROP INDEX vault_value")
        con.execute("DROP TABLE vault_meta")
        con.execute("DROP TABLE vault_conv")
        con.execute("ALTER TABLE vault DROP COLUMN vhash")
        con.execute("ALTER TABLE vault DROP COLUMN n")
    vault = Vault(path=path, key=KEY)
    assert vault.placeholder("c", "EMAIL_ADDRESS", "alice@example.com") == "<EMAIL_ADDRESS_1>"
    assert vault.placeholder("c", "EMAIL_ADDRESS", "bob@example.com") == "<EMAIL_ADDRESS_2>"
