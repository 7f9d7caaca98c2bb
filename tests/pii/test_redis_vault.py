"""RedisVault against a real redis-server (the shared `redis_server` fixture; skipped without it)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_guard import ConfigurationError, Context, InputError, PolicyError
from genai_guard.errors import IntegrityError, ResourceUnavailable
from genai_guard.pii import PIIMasker, RedisVault
from genai_guard.policy import build_pipeline
from genai_guard.protocols import PseudonymVault

pytestmark = pytest.mark.redis

KEY = bytes(range(32))
EMAIL = "jane.doe@example.com"


@pytest.fixture
def url(redis_server: int) -> str:
    import redis

    with redis.Redis(host="127.0.0.1", port=redis_server) as client:
        client.flushall()
    return f"redis://127.0.0.1:{redis_server}/0"


def vault(url: str, **kwargs: Any) -> RedisVault:
    return RedisVault.from_url(url, key=kwargs.pop("key", KEY), **kwargs)


def raw_client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url)


def test_it_is_a_pseudonym_vault(url: str) -> None:
    assert isinstance(vault(url), PseudonymVault)


def test_same_value_same_placeholder_per_conversation(url: str) -> None:
    v = vault(url)
    assert v.placeholder("c1", "EMAIL_ADDRESS", "a@x.com") == "<EMAIL_ADDRESS_1>"
    assert v.placeholder("c1", "EMAIL_ADDRESS", "b@x.com") == "<EMAIL_ADDRESS_2>"
    assert v.placeholder("c1", "EMAIL_ADDRESS", "a@x.com") == "<EMAIL_ADDRESS_1>"
    assert v.placeholder("c2", "EMAIL_ADDRESS", "b@x.com") == "<EMAIL_ADDRESS_1>"
    assert v.placeholder("c1", "PHONE_NUMBER", "a@x.com") == "<PHONE_NUMBER_1>"


def test_a_placeholder_from_one_client_is_restored_by_another(url: str) -> None:
    ph = vault(url).placeholder("conv", "EMAIL_ADDRESS", EMAIL)
    other = vault(url)
    assert other.lookup("conv", ph) == EMAIL
    assert other.restorations("conv") == {ph: EMAIL}
    assert other.placeholder("conv", "EMAIL_ADDRESS", EMAIL) == ph


def test_forget_drops_the_conversation(url: str) -> None:
    v = vault(url)
    ph = v.placeholder("c", "URL", "https://x.example")
    v.forget("c")
    assert v.lookup("c", ph) is None
    assert v.restorations("c") == {}


def test_every_key_expires_within_the_ttl(url: str) -> None:
    v = vault(url, ttl_seconds=30)
    v.placeholder("c", "URL", "https://x.example")
    client = raw_client(url)
    keys = [k for k in client.keys("genai_guard:vault:{*") if not k.endswith(b"key_check")]
    assert len(keys) == 3
    assert all(0 < client.pttl(k) <= 30_000 for k in keys)


def test_too_many_values_fail_closed(url: str) -> None:
    v = vault(url, max_values=2)
    v.placeholder("c", "URL", "1")
    v.placeholder("c", "URL", "2")
    with pytest.raises(InputError) as err:
        v.placeholder("c", "URL", "secret-value")
    assert "secret-value" not in str(err.value)


def test_nothing_readable_is_stored(url: str) -> None:
    vault(url).placeholder("conversation-42", "EMAIL_ADDRESS", EMAIL)
    client = raw_client(url)
    dump = b""
    for k in client.keys("*"):
        dump += k
        kind = client.type(k)
        if kind == b"hash":
            for f, value in client.hgetall(k).items():
                dump += f + value
        elif kind == b"string":
            dump += client.get(k)
    assert EMAIL.encode() not in dump
    assert b"conversation-42" not in dump


def test_another_key_is_refused(url: str) -> None:
    vault(url).placeholder("c", "URL", "u")
    with pytest.raises(ConfigurationError, match="another key"):
        vault(url, key=bytes(32)).lookup("c", "<URL_1>")


def test_a_moved_entry_fails_authentication(url: str) -> None:
    v = vault(url)
    v.placeholder("c", "URL", "first")
    v.placeholder("c", "URL", "second")
    client = raw_client(url)
    (val,) = client.keys("genai_guard:vault:{*}:val")
    one, two = client.hget(val, "<URL_1>"), client.hget(val, "<URL_2>")
    client.hset(val, mapping={"<URL_1>": two, "<URL_2>": one})
    with pytest.raises(IntegrityError):
        v.restorations("c")


def test_a_value_lost_after_allocation_is_written_again(url: str) -> None:
    v = vault(url)
    ph = v.placeholder("c", "URL", "u")
    client = raw_client(url)
    (val,) = client.keys("genai_guard:vault:{*}:val")
    client.hdel(val, ph)
    assert v.placeholder("c", "URL", "u") == ph
    assert v.lookup("c", ph) == "u"


def test_an_unreachable_redis_fails_closed() -> None:
    from tests.server._serving import free_port

    v = RedisVault.from_url(f"redis://127.0.0.1:{free_port()}/0", key=KEY)
    with pytest.raises(ResourceUnavailable) as err:
        v.placeholder("c", "EMAIL_ADDRESS", EMAIL)
    assert EMAIL not in str(err.value)


def redis_policy(url: str, **extra: Any) -> dict[str, Any]:
    step = {
        "id": "pii",
        "type": "pii",
        "restore_scope": "conversation",
        "vault_backend": "redis",
        "vault_redis_url": url,
        "vault_key_env": "TEST_VAULT_KEY",
        **extra,
    }
    return {"version": 1, "input": [step], "output": [{"id": "restore", "type": "pii_restore"}]}


def test_policy_pipelines_share_placeholders_through_redis(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_VAULT_KEY", KEY.hex())
    first, second = build_pipeline(redis_policy(url)), build_pipeline(redis_policy(url))
    ctx = Context(conversation_id="shared")
    masked = first.check_input(f"I am {EMAIL}", ctx)
    assert masked.text == "I am <EMAIL_ADDRESS_1>"
    later = second.check_input("What is my address?", ctx)
    answer = second.check_output("It is <EMAIL_ADDRESS_1>.", prompt=later)
    assert answer.text == f"It is {EMAIL}."


def test_a_masker_on_an_unreachable_redis_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.server._serving import free_port

    monkeypatch.setenv("TEST_VAULT_KEY", KEY.hex())
    pipe = build_pipeline(redis_policy(f"redis://127.0.0.1:{free_port()}/0"))
    decision = pipe.check_input(f"I am {EMAIL}", Context(conversation_id="c"))
    assert decision.blocked
    assert EMAIL not in repr(decision.to_dict())


def test_policy_needs_url_and_key_for_redis() -> None:
    with pytest.raises(PolicyError, match=r"input\[0\]"):
        build_pipeline({"version": 1, "input": [{"type": "pii", "vault_backend": "redis"}]})


def test_policy_refuses_a_short_vault_key(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_VAULT_KEY", "00" * 16)
    with pytest.raises((PolicyError, ConfigurationError), match="32 bytes"):
        build_pipeline(redis_policy(url))


def test_masker_takes_a_redis_vault(url: str) -> None:
    masker = PIIMasker(vault=vault(url), restore_scope="conversation")
    out = masker.check(f"mail {EMAIL}", Context(conversation_id="m"))
    assert out.text == "mail <EMAIL_ADDRESS_1>"
    assert dict(out.restorations) == {"<EMAIL_ADDRESS_1>": EMAIL}


def test_concurrent_replicas_never_collide(url: str) -> None:
    vaults = [vault(url), vault(url)]
    results: dict[str, set[str]] = {}
    lock = threading.Lock()

    def work(k: int) -> None:
        for i in range(100):
            ph = vaults[k % 2].placeholder("c", "PHONE_NUMBER", f"value-{i}")
            with lock:
                results.setdefault(f"value-{i}", set()).add(ph)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(len(p) == 1 for p in results.values())
    assert len({next(iter(p)) for p in results.values()}) == 100


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(
        st.tuples(st.sampled_from(["EMAIL_ADDRESS", "PERSON", "URL"]), st.text(max_size=40)),
        max_size=12,
    )
)
def test_placeholders_are_a_bijection_that_restores(redis_server: int, values: list[Any]) -> None:
    v = RedisVault.from_url(f"redis://127.0.0.1:{redis_server}/1", key=KEY)
    conv = "prop"
    v.forget(conv)
    issued = {pair: v.placeholder(conv, *pair) for pair in values}
    assert len(set(issued.values())) == len(issued)
    restored = v.restorations(conv)
    assert {ph: pair[1] for pair, ph in issued.items()} == restored
