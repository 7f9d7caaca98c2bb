"""Refusals in streams (``on_block="refuse"``), before the call and mid-stream, have the event
sequence and final fields the SDKs expect: driven through the real SDKs' own stream helpers and
accumulators against the local fake server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import anthropic
import openai
import pytest
from anthropic.lib.streaming._messages import accumulate_event
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.lib.streaming.responses._responses import ResponseStreamState

from genai_guard import Context, Pipeline
from genai_guard.integrations import wrap_anthropic, wrap_openai
from integrations.fake_llm import FakeLLM
from integrations.stages import ATTACK, CANARY

REFUSAL = "Sorry, I can't help with that request."
PREAMBLE = "A harmless opening sentence that streams out first. "
LEAK = f"{PREAMBLE}The marker is {CANARY} and more"
_OPEN: list[Any] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def _openai(llm: FakeLLM, pipeline: Pipeline, ctx: Context) -> Any:
    client = openai.OpenAI(api_key="t", base_url=f"{llm.base_url}/v1", max_retries=0, timeout=5.0)
    _OPEN.append(client)
    return wrap_openai(client, pipeline, on_block="refuse", context=ctx)


def _anthropic(llm: FakeLLM, pipeline: Pipeline, ctx: Context) -> Any:
    client = anthropic.Anthropic(api_key="t", base_url=llm.base_url, max_retries=0, timeout=5.0)
    _OPEN.append(client)
    return wrap_anthropic(client, pipeline, on_block="refuse", context=ctx)


def _user(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


# -- OpenAI chat ---------------------------------------------------------------------------------


def test_chat_mid_stream_refusal_ends_with_a_finish_reason(
    llm: FakeLLM, pipeline: Pipeline, ctx: Context
) -> None:
    llm.reply = LEAK
    client = _openai(llm, pipeline, ctx)
    chunks = list(client.chat.completions.create(model="m", messages=_user("hi"), stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert CANARY not in text
    assert text.endswith(REFUSAL)
    assert chunks[-1].choices[0].finish_reason == "content_filter"
    state = ChatCompletionStreamState()
    for chunk in chunks:
        state.handle_chunk(chunk)
    # The SDK's accumulator sees a complete completion that the content filter stopped.
    with pytest.raises(openai.ContentFilterFinishReasonError) as info:
        state.get_final_completion()
    assert info.value.completion.choices[0].message.content == text


# -- OpenAI Responses ----------------------------------------------------------------------------


def _accumulated(events: list[Any]) -> Any:
    state = ResponseStreamState(input_tools=openai.NOT_GIVEN, text_format=openai.NOT_GIVEN)
    for event in events:
        state.handle_event(event)
    completed = [e for e in events if e.type == "response.completed"]
    assert len(completed) == 1
    return completed[0].response


def test_responses_refusal_before_the_call_is_a_whole_event_sequence(
    llm: FakeLLM, pipeline: Pipeline, ctx: Context
) -> None:
    client = _openai(llm, pipeline, ctx)
    events = list(client.responses.create(model="m", input=ATTACK, stream=True))
    assert (events[0].type, events[-1].type) == ("response.created", "response.completed")
    assert _accumulated(events).output_text == REFUSAL
    assert llm.requests == []


def test_responses_mid_stream_refusal_completes(
    llm: FakeLLM, pipeline: Pipeline, ctx: Context
) -> None:
    llm.reply = LEAK
    client = _openai(llm, pipeline, ctx)
    events = list(client.responses.create(model="m", input="hi", stream=True))
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert CANARY not in deltas
    assert deltas.endswith(REFUSAL)
    assert events[0].type == "response.created"
    final = _accumulated(events)
    assert (final.id, final.status, final.output_text) == ("resp_test", "completed", deltas)


# -- Anthropic -----------------------------------------------------------------------------------


def _accumulate(events: list[Any]) -> Any:
    snapshot = None
    for event in events:
        snapshot = accumulate_event(event=event, current_snapshot=snapshot, json_bufs={})
    return snapshot


def _kinds(events: list[Any]) -> list[str]:
    return [e.type for e in events]


def test_anthropic_refusal_before_the_call_has_the_raw_event_sequence(
    llm: FakeLLM, pipeline: Pipeline, ctx: Context
) -> None:
    client = _anthropic(llm, pipeline, ctx)
    events = list(
        client.messages.create(model="m", max_tokens=64, messages=_user(ATTACK), stream=True)
    )
    assert _kinds(events) == [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    final = _accumulate(events)
    assert (final.stop_reason, final.content[0].text) == ("refusal", REFUSAL)
    assert llm.requests == []


def test_anthropic_mid_stream_refusal_ends_with_message_stop(
    llm: FakeLLM, pipeline: Pipeline, ctx: Context
) -> None:
    llm.reply = LEAK
    client = _anthropic(llm, pipeline, ctx)
    events = list(
        client.messages.create(model="m", max_tokens=64, messages=_user("hi"), stream=True)
    )
    assert _kinds(events)[:2] == ["message_start", "content_block_start"]
    assert _kinds(events)[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    final = _accumulate(events)
    assert final.stop_reason == "refusal"
    assert final.content[0].text.startswith(PREAMBLE[:8])
    assert final.content[0].text.endswith(REFUSAL)
    assert CANARY not in final.content[0].text


def test_anthropic_stream_helper_mid_stream_refusal_has_a_final_message(
    llm: FakeLLM, pipeline: Pipeline, ctx: Context
) -> None:
    llm.reply = LEAK
    client = _anthropic(llm, pipeline, ctx)
    with client.messages.stream(model="m", max_tokens=64, messages=_user("hi")) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
        final_text = stream.get_final_text()
    assert CANARY not in text
    assert text.endswith(REFUSAL)
    assert final.content[0].text == final_text == text
    assert (final.id, final.stop_reason) == ("msg_test", "refusal")


def test_anthropic_stream_helper_events_end_like_the_sdk(
    llm: FakeLLM, pipeline: Pipeline, ctx: Context
) -> None:
    llm.reply = LEAK
    client = _anthropic(llm, pipeline, ctx)
    with client.messages.stream(model="m", max_tokens=64, messages=_user("hi")) as stream:
        events = list(stream)
    assert _kinds(events)[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    stop = events[-3]
    assert stop.content_block.text == stream.text


def test_async_anthropic_stream_helper_mid_stream_refusal(
    llm: FakeLLM, pipeline: Pipeline, ctx: Context
) -> None:
    llm.reply = LEAK

    async def run() -> tuple[str, Any]:
        async with anthropic.AsyncAnthropic(
            api_key="t", base_url=llm.base_url, max_retries=0, timeout=5.0
        ) as raw:
            client = wrap_anthropic(raw, pipeline, on_block="refuse", context=ctx)
            async with client.messages.stream(
                model="m", max_tokens=64, messages=_user("hi")
            ) as stream:
                text = "".join([t async for t in stream.text_stream])
                return text, await stream.get_final_message()

    text, final = asyncio.run(run())
    assert text.endswith(REFUSAL)
    assert (final.stop_reason, final.content[0].text) == ("refusal", text)


def test_async_openai_chat_mid_stream_refusal(
    llm: FakeLLM, pipeline: Pipeline, ctx: Context
) -> None:
    llm.reply = LEAK

    async def run() -> list[Any]:
        async with openai.AsyncOpenAI(
            api_key="t", base_url=f"{llm.base_url}/v1", max_retries=0, timeout=5.0
        ) as raw:
            client = wrap_openai(raw, pipeline, on_block="refuse", context=ctx)
            stream = await client.chat.completions.create(
                model="m", messages=_user("hi"), stream=True
            )
            return [c async for c in stream]

    chunks = asyncio.run(run())
    assert chunks[-1].choices[0].finish_reason == "content_filter"
    assert "".join(c.choices[0].delta.content or "" for c in chunks).endswith(REFUSAL)
