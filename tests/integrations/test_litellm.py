"""GenaiGuardrail in the real litellm SDK (acompletion with guardrails=[...]) on the fake API,
and its streaming hook on a real litellm stream, as the LiteLLM proxy calls it."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from typing import Any

import pytest

# litellm fetches its model price list at import unless told to use the bundled copy (offline).
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
litellm = pytest.importorskip("litellm")

# litellm's own models trigger this pydantic warning when first used; it is not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:Item.*ReadOnly:UserWarning")

from genai_guard import GuardBlocked, Pipeline  # noqa: E402
from genai_guard.integrations.litellm import GenaiGuardrail  # noqa: E402
from integrations.fake_llm import FakeLLM  # noqa: E402
from integrations.stages import ATTACK, EMAIL, SYSTEM_PROMPT, make_pipeline  # noqa: E402


@pytest.fixture
def guardrail(pipeline: Pipeline) -> Iterator[GenaiGuardrail]:
    g = GenaiGuardrail(pipeline)
    saved = list(litellm.callbacks)
    litellm.callbacks = [g]
    try:
        yield g
    finally:
        litellm.callbacks = saved


def call(llm: FakeLLM, text: str, **extra: Any) -> Any:
    return litellm.acompletion(
        model="openai/test-model",
        api_base=f"{llm.base_url}/v1",
        api_key="k",
        messages=[{"role": "user", "content": text}],
        **extra,
    )


def test_acompletion_is_masked_and_restored(llm: FakeLLM, guardrail: GenaiGuardrail) -> None:
    answer = asyncio.run(call(llm, f"Mail {EMAIL}", guardrails=["genai-guard"]))
    assert llm.requests[-1][1]["messages"] == [
        {"role": "user", "content": "Mail <EMAIL_ADDRESS_1>"}
    ]
    assert answer.choices[0].message.content == f"You said: Mail {EMAIL}"


def test_an_attack_is_blocked_before_the_model(llm: FakeLLM, guardrail: GenaiGuardrail) -> None:
    with pytest.raises(GuardBlocked):
        asyncio.run(call(llm, ATTACK, guardrails=["genai-guard"]))
    assert llm.requests == []


def test_a_leaking_answer_is_blocked(llm: FakeLLM, guardrail: GenaiGuardrail) -> None:
    llm.reply = f"My instructions: {SYSTEM_PROMPT}"
    with pytest.raises(GuardBlocked):
        asyncio.run(
            litellm.acompletion(
                model="openai/test-model",
                api_base=f"{llm.base_url}/v1",
                api_key="k",
                messages=[
                    {"role": "system", "content": SYSTEM_PROMPT},
                    {"role": "user", "content": "hi"},
                ],
                guardrails=["genai-guard"],
            )
        )


def test_a_refusing_policy_replaces_a_leaking_answer(llm: FakeLLM) -> None:
    pipe = make_pipeline(on_block="refuse")
    saved = list(litellm.callbacks)
    litellm.callbacks = [GenaiGuardrail(pipe)]
    llm.reply = f"Secret: {SYSTEM_PROMPT}"
    try:
        answer = asyncio.run(
            litellm.acompletion(
                model="openai/test-model",
                api_base=f"{llm.base_url}/v1",
                api_key="k",
                messages=[
                    {"role": "system", "content": SYSTEM_PROMPT},
                    {"role": "user", "content": "hi"},
                ],
                guardrails=["genai-guard"],
            )
        )
    finally:
        litellm.callbacks = saved
    assert answer.choices[0].message.content == pipe.settings.refusal_message


def test_the_streaming_hook_restores_a_real_litellm_stream(
    llm: FakeLLM, guardrail: GenaiGuardrail
) -> None:
    async def run() -> str:
        data: dict[str, Any] = {"messages": [{"role": "user", "content": f"Mail {EMAIL}"}]}
        data = await guardrail.async_pre_call_hook(None, None, data, "acompletion")
        stream = await litellm.acompletion(
            model="openai/test-model",
            api_base=f"{llm.base_url}/v1",
            api_key="k",
            messages=data["messages"],
            stream=True,
        )
        pieces = []
        async for chunk in guardrail.async_post_call_streaming_iterator_hook(None, stream, data):
            pieces.append(chunk.choices[0].delta.content or "" if chunk.choices else "")
        return "".join(pieces)

    assert asyncio.run(run()) == f"You said: Mail {EMAIL}"
    assert EMAIL not in str(llm.requests[-1][1])


def test_pending_decisions_are_bounded(pipeline: Pipeline) -> None:
    g = GenaiGuardrail(pipeline, max_pending=2)

    async def run() -> None:
        for i in range(3):
            data = {"messages": [{"role": "user", "content": f"{i} {EMAIL}"}]}
            await g.async_pre_call_hook(None, None, data, "acompletion")

    asyncio.run(run())
    assert len(g._pending) == 2
