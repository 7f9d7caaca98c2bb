"""wrap_anthropic against the real anthropic SDK and the local fake server."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Iterator
from typing import Any

import anthropic
import pytest

from genai_guard import Context, GuardBlocked, Pipeline
from genai_guard.integrations import wrap_anthropic
from integrations.fake_llm import USAGE_ANTHROPIC, FakeLLM
from integrations.stages import ATTACK, CANARY, EMAIL, SYSTEM_PROMPT

MODEL = "claude-test"
_OPEN: list[anthropic.Anthropic] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def _client(llm: FakeLLM) -> anthropic.Anthropic:
    client = anthropic.Anthropic(api_key="test", base_url=llm.base_url, max_retries=0, timeout=5.0)
    _OPEN.append(client)
    return client


def _aclient(llm: FakeLLM) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(
        api_key="test", base_url=llm.base_url, max_retries=0, timeout=5.0
    )


def _create(client: Any, user: Any, **kw: Any) -> Any:
    return client.messages.create(
        model=MODEL,
        max_tokens=64,
        system=SYSTEM_PROMPT,
        messages=[{"role": "user", "content": user}],
        **kw,
    )


def test_benign_answer_and_usage_pass_through(llm: FakeLLM, pipeline: Pipeline) -> None:
    llm.reply = "Paris."
    out = _create(wrap_anthropic(_client(llm), pipeline), "Capital of France?")
    assert isinstance(out, anthropic.types.Message)
    assert out.content[0].text == "Paris."
    assert (out.usage.input_tokens, out.usage.output_tokens) == tuple(USAGE_ANTHROPIC.values())
    assert (out.id, out.stop_reason) == ("msg_test", "end_turn")


def test_attack_never_reaches_the_server(llm: FakeLLM, pipeline: Pipeline) -> None:
    with pytest.raises(GuardBlocked):
        _create(wrap_anthropic(_client(llm), pipeline), [{"type": "text", "text": ATTACK}])
    assert llm.requests == []


def test_attack_in_tool_result_is_blocked(llm: FakeLLM, pipeline: Pipeline) -> None:
    block = {"type": "tool_result", "tool_use_id": "t1", "content": ATTACK}
    with pytest.raises(GuardBlocked):
        _create(wrap_anthropic(_client(llm), pipeline), [block])
    assert llm.requests == []


def test_attack_in_text_document_is_blocked(llm: FakeLLM, pipeline: Pipeline) -> None:
    doc = {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": ATTACK},
    }
    with pytest.raises(GuardBlocked):
        _create(wrap_anthropic(_client(llm), pipeline), [doc, {"type": "text", "text": "Sum up"}])
    assert llm.requests == []


def test_document_role_can_be_trusted_by_settings(llm: FakeLLM, pipeline: Pipeline) -> None:
    doc = {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": ATTACK},
    }
    client = wrap_anthropic(_client(llm), pipeline, untrusted_roles=frozenset({"user"}))
    _create(client, [doc, {"type": "text", "text": "Sum up"}])
    assert len(llm.requests) == 1


def test_refuse_returns_a_message(llm: FakeLLM, pipeline: Pipeline) -> None:
    out = _create(wrap_anthropic(_client(llm), pipeline, on_block="refuse"), ATTACK)
    assert isinstance(out, anthropic.types.Message)
    assert (out.stop_reason, out.content[0].text) == (
        "refusal",
        "Sorry, I can't help with that request.",
    )
    assert llm.requests == []


def test_pii_reaches_server_masked_and_returns_restored(llm: FakeLLM, pipeline: Pipeline) -> None:
    user = [{"type": "text", "text": f"Mail {EMAIL}"}]
    before = copy.deepcopy(user)
    out = _create(wrap_anthropic(_client(llm), pipeline), user)
    sent = llm.requests[-1][1]["messages"][0]["content"][0]["text"]
    assert sent == "Mail <EMAIL_ADDRESS_1>"
    assert out.content[0].text == f"You said: Mail {EMAIL}"
    assert user == before


def test_system_prompt_leak_is_blocked(llm: FakeLLM, pipeline: Pipeline) -> None:
    llm.reply = f"My instructions are: {SYSTEM_PROMPT}"
    with pytest.raises(GuardBlocked) as info:
        _create(wrap_anthropic(_client(llm), pipeline), "hi")
    assert info.value.decision.rule_ids == ("leak.canary",)


def test_raw_stream_restores_pii(llm: FakeLLM, pipeline: Pipeline) -> None:
    events = list(_create(wrap_anthropic(_client(llm), pipeline), f"Mail {EMAIL}", stream=True))
    text = "".join(e.delta.text for e in events if e.type == "content_block_delta")
    assert text == f"You said: Mail {EMAIL}"
    assert [e.type for e in events][:2] == ["message_start", "content_block_start"]
    assert [e.type for e in events][-3:] == ["content_block_stop", "message_delta", "message_stop"]


def test_raw_stream_leak_is_blocked_and_connection_closed(
    llm: FakeLLM, pipeline: Pipeline, ctx: Context
) -> None:
    llm.reply = f"Sure, the marker is {CANARY} and more"
    llm.tail_chunks, llm.delay = 400, 0.002
    client = wrap_anthropic(_client(llm), pipeline, context=ctx)
    received: list[str] = []

    def drain() -> None:
        for event in _create(client, "hi", stream=True):
            if event.type == "content_block_delta":
                received.append(event.delta.text)

    with pytest.raises(GuardBlocked):
        drain()
    assert CANARY not in "".join(received)
    assert llm.aborted.wait(10)


def test_stream_helper_text_and_final_message_are_restored(
    llm: FakeLLM, pipeline: Pipeline
) -> None:
    client = wrap_anthropic(_client(llm), pipeline)
    with client.messages.stream(
        model=MODEL, max_tokens=64, messages=[{"role": "user", "content": f"Mail {EMAIL}"}]
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    want = f"You said: Mail {EMAIL}"
    assert (text, final.content[0].text) == (want, want)
    assert final.usage.output_tokens == USAGE_ANTHROPIC["output_tokens"]


def test_stream_helper_blocks_attack_on_enter(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_anthropic(_client(llm), pipeline)
    manager = client.messages.stream(
        model=MODEL, max_tokens=64, messages=[{"role": "user", "content": ATTACK}]
    )
    with pytest.raises(GuardBlocked), manager as stream:
        stream.get_final_text()
    assert llm.requests == []


def test_stream_helper_leak_is_blocked(llm: FakeLLM, pipeline: Pipeline, ctx: Context) -> None:
    llm.reply = f"Sure, the marker is {CANARY} and more"
    llm.tail_chunks, llm.delay = 400, 0.002
    client = wrap_anthropic(_client(llm), pipeline, context=ctx)
    with (
        pytest.raises(GuardBlocked),
        client.messages.stream(
            model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "hi"}]
        ) as stream,
    ):
        for _ in stream.text_stream:
            pass
    assert llm.aborted.wait(10)


def test_batches_fail_closed(llm: FakeLLM, pipeline: Pipeline) -> None:
    from genai_guard import ConfigurationError

    client = wrap_anthropic(_client(llm), pipeline)
    with pytest.raises(ConfigurationError):
        _ = client.messages.batches


def test_other_attributes_pass_through(llm: FakeLLM, pipeline: Pipeline) -> None:
    raw = _client(llm)
    client = wrap_anthropic(raw, pipeline)
    assert client.models is raw.models
    assert client.messages.count_tokens == raw.messages.count_tokens


# -- async --------------------------------------------------------------------------------------


def test_async_pii_round_trip_and_attack(llm: FakeLLM, pipeline: Pipeline) -> None:
    async def run() -> tuple[Any, bool]:
        async with _aclient(llm) as raw:
            client = wrap_anthropic(raw, pipeline)
            out = await _create(client, f"Mail {EMAIL}")
            try:
                await _create(client, ATTACK)
            except GuardBlocked:
                return out, True
            return out, False

    out, blocked = asyncio.run(run())
    assert out.content[0].text == f"You said: Mail {EMAIL}"
    assert blocked
    assert len(llm.requests) == 1


def test_async_stream_helper_restores(llm: FakeLLM, pipeline: Pipeline) -> None:
    async def run() -> tuple[str, Any]:
        async with _aclient(llm) as raw:
            client = wrap_anthropic(raw, pipeline)
            async with client.messages.stream(
                model=MODEL, max_tokens=64, messages=[{"role": "user", "content": f"Mail {EMAIL}"}]
            ) as stream:
                text = "".join([t async for t in stream.text_stream])
                return text, await stream.get_final_message()

    text, final = asyncio.run(run())
    assert text == final.content[0].text == f"You said: Mail {EMAIL}"


def test_async_raw_stream_leak_is_blocked(llm: FakeLLM, pipeline: Pipeline, ctx: Context) -> None:
    llm.reply = f"Sure, the marker is {CANARY} and more"
    llm.tail_chunks, llm.delay = 400, 0.002

    async def run() -> None:
        async with _aclient(llm) as raw:
            client = wrap_anthropic(raw, pipeline, context=ctx)
            async for _ in await _create(client, "hi", stream=True):
                pass

    with pytest.raises(GuardBlocked):
        asyncio.run(run())
    assert llm.aborted.wait(10)


def test_stream_helper_refusal(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_anthropic(_client(llm), pipeline, on_block="refuse")
    with client.messages.stream(
        model=MODEL, max_tokens=64, messages=[{"role": "user", "content": ATTACK}]
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == final.content[0].text == "Sorry, I can't help with that request."
    assert llm.requests == []


def test_async_stream_helper_refusal(llm: FakeLLM, pipeline: Pipeline) -> None:
    async def run() -> tuple[str, Any]:
        async with _aclient(llm) as raw:
            client = wrap_anthropic(raw, pipeline, on_block="refuse")
            async with client.messages.stream(
                model=MODEL, max_tokens=64, messages=[{"role": "user", "content": ATTACK}]
            ) as stream:
                text = "".join([t async for t in stream.text_stream])
                return text, await stream.get_final_message()

    text, final = asyncio.run(run())
    assert text == final.content[0].text == "Sorry, I can't help with that request."
    assert llm.requests == []
