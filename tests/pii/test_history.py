from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from genai_guard import ConfigurationError
from genai_guard.errors import IntegrityError
from genai_guard.pii import HistoryStore

KEY = bytes(range(32))
HERE = Path(__file__).resolve().parent


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_masked_turn_holds_no_pii(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.db")
    store.add(user_id="u", conversation_id="c", role="user", text="mail alice@example.com")
    (turn,) = store.export("c")
    assert turn.text == "mail <EMAIL_ADDRESS_1>"
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"alice@example.com" not in raw


def test_encrypted_turn_round_trips_and_is_unreadable_on_disk(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.db", protection="encrypt", key=KEY)
    store.add(user_id="u", conversation_id="c", role="user", text="mail alice@example.com")
    assert store.export("c")[0].text == "mail alice@example.com"
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"alice@example.com" not in raw


def test_encryption_needs_a_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        HistoryStore(tmp_path / "h.db", protection="encrypt")


def test_retention_purges_old_turns(tmp_path: Path) -> None:
    clock = Clock()
    store = HistoryStore(tmp_path / "h.db", retention_seconds=60, clock=clock)
    store.add(user_id="u", conversation_id="c", role="user", text="old")
    clock.now += 120
    store.add(user_id="u", conversation_id="c", role="user", text="new")
    assert store.purge() == 1
    assert [t.text for t in store.export("c")] == ["new"]


def test_delete_user_erases_only_that_user(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.db")
    store.add(user_id="u1", conversation_id="c1", role="user", text="a")
    store.add(user_id="u2", conversation_id="c2", role="user", text="b")
    assert store.delete_user("u1") == 1
    assert store.export("c1") == []
    assert len(store.export("c2")) == 1


def test_export_keeps_order_and_roles(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.db")
    store.add(user_id="u", conversation_id="c", role="user", text="q")
    store.add(user_id="u", conversation_id="c", role="assistant", text="a")
    assert [(t.role, t.text) for t in store.export("c")] == [("user", "q"), ("assistant", "a")]


def test_survives_restart(tmp_path: Path) -> None:
    HistoryStore(tmp_path / "h.db", protection="encrypt", key=KEY).add(
        user_id="u", conversation_id="c", role="user", text="hello"
    )
    reopened = HistoryStore(tmp_path / "h.db", protection="encrypt", key=KEY)
    assert reopened.export("c")[0].text == "hello"


def test_concurrent_writers_threads_and_a_second_process(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    store = HistoryStore(path, protection="encrypt", key=KEY)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE.parents[1] / "src"), *sys.path]))
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "_history_writer.py"), str(path), "40"], env=env
    )

    def work(k: int) -> None:
        for i in range(25):
            store.add(user_id=f"t{k}", conversation_id="shared", role="user", text=f"{k}-{i}")

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert proc.wait(timeout=120) == 0
    assert store.count() == 4 * 25 + 40
    assert len(store.export("shared")) == 140


def test_a_truncated_store_raises_integrity_error(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    store = HistoryStore(path, protection="encrypt", key=KEY)
    for i in range(300):
        store.add(user_id="u", conversation_id="c", role="user", text=f"turn {i} " * 20)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IntegrityError, match="history store is damaged"):
        HistoryStore(path, protection="encrypt", key=KEY).export("c")


def test_a_file_that_is_not_a_database_raises_integrity_error(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    path.write_bytes(b"not a database at all " * 200)
    with pytest.raises(IntegrityError):
        HistoryStore(path, protection="encrypt", key=KEY)


def test_a_lone_surrogate_round_trips_encrypted(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.db", protection="encrypt", key=KEY)
    store.add(user_id="u", conversation_id="c", role="user", text="a\ud800b")
    assert store.export("c")[0].text == "a\ud800b"
