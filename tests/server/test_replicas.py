"""Two `genai-guard serve` processes sharing one real redis-server as their pseudonym vault."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from tests.redis_server import start_redis_server
from tests.server._serving import free_port, start_serve, wait_ready

from .conftest import Upstream

pytestmark = pytest.mark.redis

EMAIL = "jane.doe@example.com"
KEY_HEX = "11" * 32

POLICY = """\
version: 1
name: replicas
extends: default
input:
  - id: pii
    type: pii
    restore_scope: conversation
    vault_backend: redis
    vault_redis_url: redis://127.0.0.1:{port}/0
    vault_key_env: GENAI_GUARD_TEST_VAULT_KEY
"""


@pytest.fixture(scope="module")
def replicas(
    tmp_path_factory: pytest.TempPathFactory, _upstream: Upstream
) -> Iterator[tuple[str, str]]:
    """Two server processes on one Redis; yields their base URLs."""
    tmp_path = tmp_path_factory.mktemp("replicas")
    redis_port, redis_proc = start_redis_server()
    policy = tmp_path / "replicas.yaml"
    policy.write_text(POLICY.format(port=redis_port), encoding="utf-8")
    env = {
        "GENAI_GUARD_TEST_VAULT_KEY": KEY_HEX,
        "GENAI_GUARD_UPSTREAM": f"{_upstream.base_url}/v1",
    }
    procs: list[tuple[int, subprocess.Popen[bytes], Path]] = []
    try:
        for n in range(2):
            port, log = free_port(), tmp_path / f"serve{n}.log"
            args = ["--policy", str(policy), "--port", str(port), "--log-level", "warning"]
            procs.append((port, start_serve(args, env, log), log))
        for port, proc, log in procs:
            wait_ready(port, proc, log)
        yield f"http://127.0.0.1:{procs[0][0]}/v1", f"http://127.0.0.1:{procs[1][0]}/v1"
    finally:
        for _, proc, _ in procs:
            proc.terminate()
        for _, proc, _ in procs:
            proc.wait(timeout=30)
        redis_proc.terminate()
        redis_proc.wait(timeout=10)


def chat(url: str, text: str, conversation: str) -> str | None:
    with openai.OpenAI(base_url=url, api_key="sk-test", max_retries=0) as c:
        answer = c.chat.completions.create(
            model="test-model",
            messages=[{"role": "user", "content": text}],
            extra_headers={"X-Conversation-Id": conversation},
        )
    return answer.choices[0].message.content


def test_a_placeholder_issued_by_one_replica_is_restored_by_the_other(
    replicas: tuple[str, str], upstream: Upstream
) -> None:
    a, b = replicas
    upstream.reply = "Noted."
    chat(a, f"My address is {EMAIL}.", "conv-1")
    assert upstream.requests[-1][1]["messages"][0]["content"] == "My address is <EMAIL_ADDRESS_1>."
    upstream.reply = "We will write to <EMAIL_ADDRESS_1>."
    assert chat(b, "Where will you write to?", "conv-1") == f"We will write to {EMAIL}."
    assert EMAIL not in str(upstream.requests)


def test_replicas_give_one_value_one_placeholder(
    replicas: tuple[str, str], upstream: Upstream
) -> None:
    a, b = replicas
    upstream.reply = "Noted."
    chat(a, f"Write to {EMAIL}.", "conv-2")
    chat(b, f"Really, {EMAIL}.", "conv-2")
    sent = [body["messages"][0]["content"] for _, body in upstream.requests]
    assert sent == ["Write to <EMAIL_ADDRESS_1>.", "Really, <EMAIL_ADDRESS_1>."]


def test_conversations_do_not_share_placeholders(
    replicas: tuple[str, str], upstream: Upstream
) -> None:
    a, b = replicas
    upstream.reply = "Noted."
    chat(a, f"Write to {EMAIL}.", "conv-3")
    upstream.reply = "We will write to <EMAIL_ADDRESS_1>."
    assert chat(b, "Where?", "conv-4") == "We will write to <EMAIL_ADDRESS_1>."
