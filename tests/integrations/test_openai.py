"""wrap_openai against the real openai SDK and the local fake server."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from genai_guard import Context, GuardBlocked, Pipeline
from genai_guard.errors import ConfigurationError
from genai_guard.integrations import wrap_openai
from integrations.fake_llm import USAGE_OPENAI, FakeLLM
from integrations.stages import ATTACK, CANARY, EMAIL, SYSTEM_PROMPT

MODEL = "gpt-test"


_OPEN: list[openai.OpenAI] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def _client(llm: FakeLLM) -> openai.OpenAI:
    client = openai.OpenAI(
        api_key="test", base_url=f"{llm.base_url}/v1", max_retries=0, timeout=5.0
    )
    _OPEN.append(client)
    return client


def _aclient(llm: FakeLLM) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(
        api_key="test", base_url=f"{llm.base_url}/v1", max_retries=0, timeout=5.0
    )


def _messages(user: str) -> list[dict[str, Any]]:
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def _sent_user_text(llm: FakeLLM) -> str:
    _, body = llm.requests[-1]
    return str(body["messages"][-1]["content"])


def test_benign_answer_and_fields_pass_through(llm: FakeLLM, pipeline: Pipeline) -> None:
    llm.reply = "Paris is the capital of France."
    client = wrap_openai(_client(llm), pipeline)
    out = client.chat.completions.create(model=MODEL, messages=_messages("Capital of France?"))
    assert isinstance(out, openai.types.chat.ChatCompletion)
    assert out.choices[0].message.content == llm.reply
    assert out.usage is not None
    assert out.usage.model_dump(include=set(USAGE_OPENAI)) == USAGE_OPENAI
    assert (out.id, out.system_fingerprint) == ("chatcmpl-test", "fp_test")


def test_attack_never_reaches_the_server(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline)
    with pytest.raises(GuardBlocked) as info:
        client.chat.completions.create(model=MODEL, messages=_messages(ATTACK))
    assert info.value.decision.rule_ids == ("attack.goal_hijacking.ignore_previous",)
    assert llm.requests == []


def test_attack_in_tool_message_is_blocked(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline)
    messages = [*_messages("Summarise the tool output."), {"role": "tool", "content": ATTACK}]
    with pytest.raises(GuardBlocked):
        client.chat.completions.create(model=MODEL, messages=messages)
    assert llm.requests == []


def test_refuse_returns_a_chat_completion_without_calling(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline, on_block="refuse")
    out = client.chat.completions.create(model=MODEL, messages=_messages(ATTACK))
    assert isinstance(out, openai.types.chat.ChatCompletion)
    assert out.choices[0].finish_reason == "content_filter"
    assert out.choices[0].message.content == "Sorry, I can't help with that request."
    assert llm.requests == []


def test_pii_reaches_server_masked_and_returns_restored(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline)
    out = client.chat.completions.create(model=MODEL, messages=_messages(f"Mail {EMAIL} now"))
    assert _sent_user_text(llm) == "Mail <EMAIL_ADDRESS_1> now"
    assert out.choices[0].message.content == f"You said: Mail {EMAIL} now"


def test_callers_request_is_not_mutated(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline)
    messages = _messages(f"Mail {EMAIL}")
    before = copy.deepcopy(messages)
    client.chat.completions.create(model=MODEL, messages=messages)
    assert messages == before


def test_text_parts_are_masked(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline)
    content = [{"type": "text", "text": f"Mail {EMAIL}"}]
    client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": content}])
    assert llm.requests[-1][1]["messages"][0]["content"][0]["text"] == "Mail <EMAIL_ADDRESS_1>"


def test_two_messages_get_distinct_placeholders(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline)
    messages = [
        {"role": "user", "content": f"first {EMAIL}"},
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": "second other.person@example.org"},
    ]
    out = client.chat.completions.create(model=MODEL, messages=messages)
    sent = llm.requests[-1][1]["messages"]
    assert (sent[0]["content"], sent[2]["content"]) == (
        "first <EMAIL_ADDRESS_1>",
        "second <EMAIL_ADDRESS_2>",
    )
    assert out.choices[0].message.content == "You said: second other.person@example.org"


def test_system_prompt_leak_is_blocked(llm: FakeLLM, pipeline: Pipeline) -> None:
    llm.reply = f"My instructions: {SYSTEM_PROMPT}"
    client = wrap_openai(_client(llm), pipeline)
    with pytest.raises(GuardBlocked) as info:
        client.chat.completions.create(model=MODEL, messages=_messages("hi"))
    assert info.value.decision.direction == "output"


def test_stream_yields_chunks_and_usage(llm: FakeLLM, pipeline: Pipeline) -> None:
    llm.reply = "A streamed answer of some length."
    client = wrap_openai(_client(llm), pipeline)
    stream = client.chat.completions.create(
        model=MODEL, messages=_messages("hi"), stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    assert all(isinstance(c, openai.types.chat.ChatCompletionChunk) for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == llm.reply
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.total_tokens == USAGE_OPENAI["total_tokens"]
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"


def test_stream_restores_pii(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline)
    stream = client.chat.completions.create(
        model=MODEL, messages=_messages(f"Mail {EMAIL}"), stream=True
    )
    text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert _sent_user_text(llm) == "Mail <EMAIL_ADDRESS_1>"
    assert text == f"You said: Mail {EMAIL}"


def test_stream_leak_is_blocked_and_connection_closed(
    llm: FakeLLM, pipeline: Pipeline, ctx: Context
) -> None:
    llm.reply = f"Sure, the marker is {CANARY} and more"
    llm.tail_chunks, llm.delay = 400, 0.002
    client = wrap_openai(_client(llm), pipeline, context=ctx)
    stream = client.chat.completions.create(model=MODEL, messages=_messages("hi"), stream=True)
    received: list[str] = []

    def drain() -> None:
        for chunk in stream:
            received.append((chunk.choices[0].delta.content or "") if chunk.choices else "")

    with pytest.raises(GuardBlocked):
        drain()
    assert CANARY not in "".join(received)
    assert llm.aborted.wait(10)


def test_stream_attack_blocked_before_call(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline, on_block="refuse")
    stream = client.chat.completions.create(model=MODEL, messages=_messages(ATTACK), stream=True)
    chunks = list(stream)
    assert chunks[0].choices[0].delta.content == "Sorry, I can't help with that request."
    assert llm.requests == []


def test_other_attributes_pass_through(llm: FakeLLM, pipeline: Pipeline) -> None:
    raw = _client(llm)
    client = wrap_openai(raw, pipeline)
    assert client.models is raw.models
    assert client.base_url == raw.base_url
    assert client.unwrapped is raw


def test_raw_body_of_a_guarded_call_fails_closed(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline)
    raw = client.with_raw_response.chat.completions.create(model=MODEL, messages=_messages("hi"))
    with pytest.raises(ConfigurationError):
        raw.json()


def test_guarded_client_is_a_context_manager(llm: FakeLLM, pipeline: Pipeline) -> None:
    with wrap_openai(_client(llm), pipeline) as client:
        out = client.chat.completions.create(model=MODEL, messages=_messages("hi"))
    assert out.choices[0].message.content == "You said: hi"


def test_with_options_stays_guarded(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline).with_options(timeout=3.0)
    with pytest.raises(GuardBlocked):
        client.chat.completions.create(model=MODEL, messages=_messages(ATTACK))
    assert llm.requests == []


# -- async --------------------------------------------------------------------------------------


def test_async_attack_never_reaches_the_server(llm: FakeLLM, pipeline: Pipeline) -> None:
    async def run() -> None:
        async with _aclient(llm) as raw:
            client = wrap_openai(raw, pipeline)
            return await _body(client)

    async def _body(client: Any) -> None:
        await client.chat.completions.create(model=MODEL, messages=_messages(ATTACK))

    with pytest.raises(GuardBlocked):
        asyncio.run(run())
    assert llm.requests == []


def test_async_pii_round_trip(llm: FakeLLM, pipeline: Pipeline) -> None:
    async def run() -> Any:
        async with _aclient(llm) as raw:
            client = wrap_openai(raw, pipeline)
            return await _body(client)

    async def _body(client: Any) -> Any:
        return await client.chat.completions.create(
            model=MODEL, messages=_messages(f"Mail {EMAIL}")
        )

    out = asyncio.run(run())
    assert _sent_user_text(llm) == "Mail <EMAIL_ADDRESS_1>"
    assert out.choices[0].message.content == f"You said: Mail {EMAIL}"
    assert out.usage.total_tokens == USAGE_OPENAI["total_tokens"]


def test_async_stream_restores_pii(llm: FakeLLM, pipeline: Pipeline) -> None:
    async def run() -> str:
        async with _aclient(llm) as raw:
            client = wrap_openai(raw, pipeline)
            return await _body(client)

    async def _body(client: Any) -> str:
        stream = await client.chat.completions.create(
            model=MODEL, messages=_messages(f"Mail {EMAIL}"), stream=True
        )
        return "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])

    assert asyncio.run(run()) == f"You said: Mail {EMAIL}"


def test_async_stream_leak_is_blocked_and_connection_closed(
    llm: FakeLLM, pipeline: Pipeline, ctx: Context
) -> None:
    llm.reply = f"Sure, the marker is {CANARY} and more"
    llm.tail_chunks, llm.delay = 400, 0.002

    async def run() -> str:
        async with _aclient(llm) as raw:
            client = wrap_openai(raw, pipeline, context=ctx)
            return await _body(client)

    async def _body(client: Any) -> str:
        received = ""
        stream = await client.chat.completions.create(
            model=MODEL, messages=_messages("hi"), stream=True
        )
        async for chunk in stream:
            received += (chunk.choices[0].delta.content or "") if chunk.choices else ""
        return received

    with pytest.raises(GuardBlocked):
        asyncio.run(run())
    assert llm.aborted.wait(10)


# -- Responses API ------------------------------------------------------------------------------


def test_responses_pii_round_trip(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline)
    out = client.responses.create(model=MODEL, instructions=SYSTEM_PROMPT, input=f"Mail {EMAIL}")
    assert llm.requests[-1][1]["input"] == "Mail <EMAIL_ADDRESS_1>"
    assert out.output_text == f"You said: Mail {EMAIL}"
    assert out.usage is not None
    assert out.usage.total_tokens == 18


def test_responses_attack_in_message_items_is_blocked(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline)
    items = [{"role": "user", "content": [{"type": "input_text", "text": ATTACK}]}]
    with pytest.raises(GuardBlocked):
        client.responses.create(model=MODEL, input=items)
    assert llm.requests == []


def test_responses_instructions_leak_is_blocked(llm: FakeLLM, pipeline: Pipeline) -> None:
    llm.reply = f"Here: {SYSTEM_PROMPT}"
    client = wrap_openai(_client(llm), pipeline)
    with pytest.raises(GuardBlocked):
        client.responses.create(model=MODEL, instructions=SYSTEM_PROMPT, input="hi")


def test_responses_stream_restores_deltas_and_final_events(
    llm: FakeLLM, pipeline: Pipeline
) -> None:
    client = wrap_openai(_client(llm), pipeline)
    events = list(client.responses.create(model=MODEL, input=f"Mail {EMAIL}", stream=True))
    want = f"You said: Mail {EMAIL}"
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    done = [e.text for e in events if e.type == "response.output_text.done"]
    completed = [e.response for e in events if e.type == "response.completed"]
    parts = [e.part.text for e in events if e.type == "response.content_part.done"]
    items = [e.item.content[0].text for e in events if e.type == "response.output_item.done"]
    assert (deltas, done, parts, items) == (want, [want], [want], [want])
    assert completed[0].output_text == want
    assert events[0].type == "response.created"


def test_responses_refusal_has_output_text(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline, on_block="refuse")
    out = client.responses.create(model=MODEL, input=ATTACK)
    assert out.output_text == "Sorry, I can't help with that request."
    assert llm.requests == []


def test_stream_with_several_choices_is_refused(llm: FakeLLM, pipeline: Pipeline) -> None:
    from genai_guard import InputError

    client = wrap_openai(_client(llm), pipeline)
    with pytest.raises(InputError):
        client.chat.completions.create(model=MODEL, messages=_messages("hi"), stream=True, n=2)
    assert llm.requests == []


def test_per_message_placeholders_are_renumbered(llm: FakeLLM) -> None:
    import re

    from genai_guard import Outcome, stage

    def naive_mask(text: str, ctx: object) -> Outcome:
        # numbers per text, ignoring ctx.restorations, like a masker without a vault
        m = re.search(r"\S+@\S+", text)
        if not m:
            return Outcome()
        return Outcome(
            text=text.replace(m.group(0), "<EMAIL_ADDRESS_1>"),
            restorations={"<EMAIL_ADDRESS_1>": m.group(0)},
        )

    from genai_guard import Step
    from integrations.stages import Restorer

    pipeline = Pipeline(
        [Step(stage(naive_mask, name="mask"), on_fail="modify")],
        [Step(Restorer(), on_fail="modify")],
    )
    client = wrap_openai(_client(llm), pipeline)
    messages = [
        {"role": "user", "content": "a: first@example.com"},
        {"role": "user", "content": "b: second@example.com"},
    ]
    out = client.chat.completions.create(model=MODEL, messages=messages)
    sent = [m["content"] for m in llm.requests[-1][1]["messages"]]
    assert sent == ["a: <EMAIL_ADDRESS_1>", "b: <EMAIL_ADDRESS_2>"]
    assert out.choices[0].message.content == "You said: b: second@example.com"


def test_finish_reason_in_a_text_chunk_comes_once_at_the_end(
    llm: FakeLLM, pipeline: Pipeline
) -> None:
    llm.reply, llm.finish_in_last = "An answer that is long enough to span chunks.", True
    client = wrap_openai(_client(llm), pipeline)
    chunks = list(
        client.chat.completions.create(model=MODEL, messages=_messages("hi"), stream=True)
    )
    finishes = [c.choices[0].finish_reason for c in chunks]
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == llm.reply
    assert finishes[-1] == "stop"
    assert finishes.count("stop") == 1
    assert chunks[-1].usage is not None


def test_async_stream_refusal_without_calling(llm: FakeLLM, pipeline: Pipeline) -> None:
    async def run() -> list[Any]:
        async with _aclient(llm) as raw:
            client = wrap_openai(raw, pipeline, on_block="refuse")
            stream = await client.chat.completions.create(
                model=MODEL, messages=_messages(ATTACK), stream=True
            )
            chunks = [c async for c in stream]
            await stream.close()
            return chunks

    chunks = asyncio.run(run())
    assert chunks[0].choices[0].delta.content == "Sorry, I can't help with that request."
    assert llm.requests == []


def test_turn_two_reports_only_its_own_findings(llm: FakeLLM, pipeline: Pipeline) -> None:
    # Issue 26: turn 1's masked e-mail (here first seen as history, so checked) is not reported
    # again as a finding of turn 2.
    client = wrap_openai(_client(llm), pipeline)
    history = [
        {"role": "user", "content": f"first {EMAIL}"},
        {"role": "assistant", "content": "ok"},
    ]
    with pytest.raises(GuardBlocked) as info:
        client.chat.completions.create(
            model=MODEL, messages=[*history, {"role": "user", "content": ATTACK}]
        )
    decision = info.value.decision
    assert not any(r.startswith("pii.") for r in decision.rule_ids)
    assert "pii" not in str(info.value)
    assert decision.block_reasons == ("attack.goal_hijacking.ignore_previous",)
    assert llm.requests == []


def test_attack_in_the_history_still_blocks(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline)
    messages = [
        {"role": "user", "content": ATTACK},
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": "thanks"},
    ]
    with pytest.raises(GuardBlocked) as info:
        client.chat.completions.create(model=MODEL, messages=messages)
    assert info.value.decision.block_reasons == ("attack.goal_hijacking.ignore_previous",)


def test_tool_results_of_the_new_turn_are_reported(llm: FakeLLM, pipeline: Pipeline) -> None:
    # The new turn is every untrusted message after the last assistant message: both tool results.
    client = wrap_openai(_client(llm), pipeline)
    messages = [
        {"role": "user", "content": f"look up {EMAIL}"},
        {"role": "assistant", "content": "calling tools"},
        {"role": "tool", "content": "other.person@example.org"},
        {"role": "tool", "content": ATTACK},
    ]
    with pytest.raises(GuardBlocked) as info:
        client.chat.completions.create(model=MODEL, messages=messages)
    decision = info.value.decision
    assert decision.block_reasons == ("attack.goal_hijacking.ignore_previous",)
    assert decision.masked == ("pii.EMAIL_ADDRESS",)  # the first tool result, not the history
    assert len([r for r in decision.results if r.outcome.findings]) == 2
