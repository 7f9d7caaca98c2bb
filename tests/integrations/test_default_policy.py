"""The wrappers with the packaged default policy's real output validators."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest

from genai_guard import Context, GuardBlocked
from genai_guard.integrations import wrap_openai
from genai_guard.policy import build_pipeline
from integrations.fake_llm import FakeLLM
from integrations.stages import CANARY

# Long enough for the default system_prompt_leak validator (runs of 60+ letters).
SYSTEM_PROMPT = (
    "You are the support assistant of Example Corp. Answer questions about orders, refunds and "
    "shipping politely, never discuss internal pricing rules, and escalate angry customers."
)


@pytest.fixture
def raw(llm: FakeLLM) -> Iterator[openai.OpenAI]:
    client = openai.OpenAI(api_key="t", base_url=f"{llm.base_url}/v1", max_retries=0, timeout=5)
    yield client
    client.close()


def _ask(client: openai.OpenAI, **kw: object) -> object:
    return client.chat.completions.create(
        model="m",
        messages=[{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": "hi"}],
        **kw,  # type: ignore[arg-type]
    )


def test_default_policy_blocks_a_system_prompt_leak(llm: FakeLLM, raw: openai.OpenAI) -> None:
    llm.reply = f"Of course. My instructions say: {SYSTEM_PROMPT}"
    with pytest.raises(GuardBlocked) as info:
        _ask(wrap_openai(raw, build_pipeline("default")))
    assert info.value.decision.direction == "output"


def test_default_policy_blocks_a_canary_mid_stream(llm: FakeLLM, raw: openai.OpenAI) -> None:
    llm.reply = f"The hidden marker is {CANARY}, as requested."
    llm.tail_chunks, llm.delay = 400, 0.002
    client = wrap_openai(raw, build_pipeline("default"), context=Context(canaries=(CANARY,)))
    stream = _ask(client, stream=True)
    with pytest.raises(GuardBlocked):
        list(stream)  # type: ignore[call-overload]
    assert llm.aborted.wait(10)


def test_default_policy_lets_a_benign_answer_through(llm: FakeLLM, raw: openai.OpenAI) -> None:
    llm.reply = "Paris is the capital of France."
    out = _ask(wrap_openai(raw, build_pipeline("default")))
    assert out.choices[0].message.content == llm.reply  # type: ignore[attr-defined]
