"""with_raw_response, with_streaming_response and parse (structured outputs) on the wrapped clients,
through the real SDKs and langchain-openai against the local fake server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import anthropic
import openai
import pytest
from pydantic import BaseModel

from genai_guard import GuardBlocked, Pipeline
from genai_guard.errors import ConfigurationError
from genai_guard.integrations import wrap_anthropic, wrap_openai
from integrations.fake_llm import FakeLLM
from integrations.stages import ATTACK, EMAIL

MODEL = "gpt-test"
REFUSAL = "Sorry, I can't help with that request."
_OPEN: list[Any] = []


class Contact(BaseModel):
    name: str


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


def _user(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


# -- langchain-openai (the reproduction) ------------------------------------------------


def _chat_model(client: Any, **kw: Any) -> Any:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=MODEL, api_key="test", client=client.chat.completions, root_client=client, **kw
    )


def test_langchain_invoke_masks_and_restores(llm: FakeLLM, pipeline: Pipeline) -> None:
    chat = _chat_model(wrap_openai(_client(llm), pipeline))
    out = chat.invoke(f"Mail {EMAIL}")
    assert llm.requests[-1][1]["messages"][-1]["content"] == "Mail <EMAIL_ADDRESS_1>"
    assert out.content == f"You said: Mail {EMAIL}"


def test_langchain_invoke_attack_never_reaches_the_server(llm: FakeLLM, pipeline: Pipeline) -> None:
    chat = _chat_model(wrap_openai(_client(llm), pipeline))
    with pytest.raises(GuardBlocked):
        chat.invoke(ATTACK)
    assert llm.requests == []


def test_langchain_refusal_is_an_ai_message(llm: FakeLLM, pipeline: Pipeline) -> None:
    chat = _chat_model(wrap_openai(_client(llm), pipeline, on_block="refuse"))
    assert chat.invoke(ATTACK).content == REFUSAL
    assert llm.requests == []


def test_langchain_stream_restores(llm: FakeLLM, pipeline: Pipeline) -> None:
    chat = _chat_model(wrap_openai(_client(llm), pipeline))
    text = "".join(str(c.content) for c in chat.stream(f"Mail {EMAIL}"))
    assert text == f"You said: Mail {EMAIL}"


def test_langchain_responses_api_with_headers(llm: FakeLLM, pipeline: Pipeline) -> None:
    chat = _chat_model(
        wrap_openai(_client(llm), pipeline), use_responses_api=True, include_response_headers=True
    )
    out = chat.invoke(f"Mail {EMAIL}")
    assert llm.requests[-1][1]["input"][-1]["content"] == "Mail <EMAIL_ADDRESS_1>"
    assert out.text == f"You said: Mail {EMAIL}"
    assert out.response_metadata["headers"]["x-request-id"] == "req_test"


def test_langchain_structured_output_is_parsed_from_checked_text(
    llm: FakeLLM, pipeline: Pipeline
) -> None:
    llm.reply = '{"name": "<EMAIL_ADDRESS_1>"}'
    chat = _chat_model(wrap_openai(_client(llm), pipeline))
    assert chat.with_structured_output(Contact).invoke(f"Who is {EMAIL}?") == Contact(name=EMAIL)


# -- with_raw_response / with_streaming_response -------------------------------------------------


def test_raw_response_parse_is_checked_and_headers_pass(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline)
    raw = client.chat.completions.with_raw_response.create(
        model=MODEL, messages=_user(f"Mail {EMAIL}")
    )
    assert raw.headers["x-request-id"] == "req_test"
    assert raw.parse().choices[0].message.content == f"You said: Mail {EMAIL}"
    assert llm.requests[-1][1]["messages"][0]["content"] == "Mail <EMAIL_ADDRESS_1>"


def test_client_level_raw_response_is_guarded(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline)
    with pytest.raises(GuardBlocked):
        client.with_raw_response.responses.create(model=MODEL, input=ATTACK)
    with pytest.raises(GuardBlocked):
        client.with_raw_response.chat.completions.create(model=MODEL, messages=_user(ATTACK))
    assert llm.requests == []


@pytest.mark.parametrize("name", ["text", "content", "json", "iter_lines"])
def test_raw_body_readers_fail_closed(llm: FakeLLM, pipeline: Pipeline, name: str) -> None:
    client = wrap_openai(_client(llm), pipeline)
    raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=_user("hi"))
    with pytest.raises(ConfigurationError):
        getattr(raw, name)


def test_raw_response_refusal_parses_to_the_refusal(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline, on_block="refuse")
    raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=_user(ATTACK))
    assert raw.parse().choices[0].message.content == REFUSAL
    assert dict(raw.headers) == {}
    assert llm.requests == []


def test_streaming_response_stream_is_checked(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline)
    with client.chat.completions.with_streaming_response.create(
        model=MODEL, messages=_user(f"Mail {EMAIL}"), stream=True
    ) as response:
        chunks = list(response.parse())
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == f"You said: Mail {EMAIL}"


def test_async_raw_and_streaming_responses(llm: FakeLLM, pipeline: Pipeline) -> None:
    async def run() -> tuple[str, str]:
        async with _aclient(llm) as raw_client:
            client = wrap_openai(raw_client, pipeline)
            raw = await client.chat.completions.with_raw_response.create(
                model=MODEL, messages=_user(f"Mail {EMAIL}")
            )
            first = raw.parse().choices[0].message.content
            async with client.responses.with_streaming_response.create(
                model=MODEL, input=f"Mail {EMAIL}"
            ) as response:
                second = (await response.parse()).output_text
            return first, second

    want = f"You said: Mail {EMAIL}"
    assert asyncio.run(run()) == (want, want)


def test_anthropic_raw_response_is_guarded(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = anthropic.Anthropic(api_key="t", base_url=llm.base_url, max_retries=0, timeout=5.0)
    _OPEN.append(client)
    wrapped = wrap_anthropic(client, pipeline)
    raw = wrapped.messages.with_raw_response.create(
        model="claude-test", max_tokens=64, messages=_user(f"Mail {EMAIL}")
    )
    assert raw.parse().content[0].text == f"You said: Mail {EMAIL}"
    with pytest.raises(GuardBlocked):
        wrapped.messages.with_raw_response.create(
            model="claude-test", max_tokens=64, messages=_user(ATTACK)
        )
    assert len(llm.requests) == 1


# -- parse (structured outputs) -----------------------------------------------------------------


def test_chat_parse_rederives_parsed_from_restored_text(llm: FakeLLM, pipeline: Pipeline) -> None:
    llm.reply = '{"name": "<EMAIL_ADDRESS_1>"}'
    client = wrap_openai(_client(llm), pipeline)
    out = client.chat.completions.parse(
        model=MODEL, messages=_user(f"Who is {EMAIL}?"), response_format=Contact
    )
    assert out.choices[0].message.parsed == Contact(name=EMAIL)
    assert llm.requests[-1][1]["messages"][0]["content"] == "Who is <EMAIL_ADDRESS_1>?"


def test_chat_parse_refusal_has_no_parsed_value(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline, on_block="refuse")
    out = client.chat.completions.parse(
        model=MODEL, messages=_user(ATTACK), response_format=Contact
    )
    message = out.choices[0].message
    assert (message.parsed, message.refusal) == (None, REFUSAL)
    assert llm.requests == []


def test_responses_parse_is_guarded(llm: FakeLLM, pipeline: Pipeline) -> None:
    llm.reply = '{"name": "<EMAIL_ADDRESS_1>"}'
    client = wrap_openai(_client(llm), pipeline)
    out = client.responses.parse(model=MODEL, input=f"Who is {EMAIL}?", text_format=Contact)
    assert out.output_parsed == Contact(name=EMAIL)
    with pytest.raises(GuardBlocked):
        client.responses.parse(model=MODEL, input=ATTACK, text_format=Contact)
    assert len(llm.requests) == 1


def test_async_parse_is_guarded(llm: FakeLLM, pipeline: Pipeline) -> None:
    llm.reply = '{"name": "<EMAIL_ADDRESS_1>"}'

    async def run() -> Any:
        async with _aclient(llm) as raw:
            client = wrap_openai(raw, pipeline)
            return await client.chat.completions.parse(
                model=MODEL, messages=_user(f"Who is {EMAIL}?"), response_format=Contact
            )

    assert asyncio.run(run()).choices[0].message.parsed == Contact(name=EMAIL)


def test_beta_chat_completions_are_guarded(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline)
    with pytest.raises(GuardBlocked):
        client.beta.chat.completions.create(model=MODEL, messages=_user(ATTACK))
    assert llm.requests == []


def test_langchain_ainvoke_with_the_wrapped_async_client(llm: FakeLLM, pipeline: Pipeline) -> None:
    from langchain_openai import ChatOpenAI

    async def run() -> tuple[str, bool]:
        async with _aclient(llm) as raw:
            aclient = wrap_openai(raw, pipeline)
            chat = ChatOpenAI(
                model=MODEL,
                api_key="test",
                client=wrap_openai(_client(llm), pipeline).chat.completions,
                async_client=aclient.chat.completions,
                root_async_client=aclient,
            )
            out = await chat.ainvoke(f"Mail {EMAIL}")
            try:
                await chat.ainvoke(ATTACK)
            except GuardBlocked:
                return str(out.content), True
            return str(out.content), False

    assert asyncio.run(run()) == (f"You said: Mail {EMAIL}", True)
    assert len(llm.requests) == 1


# -- the SDK's stream helpers over the guarded create ---------------------------------------------


def test_chat_stream_helper_parses_the_checked_text(llm: FakeLLM, pipeline: Pipeline) -> None:
    llm.reply = '{"name": "<EMAIL_ADDRESS_1>"}'
    client = wrap_openai(_client(llm), pipeline)
    with client.chat.completions.stream(
        model=MODEL, messages=_user(f"Who is {EMAIL}?"), response_format=Contact
    ) as stream:
        kinds = {event.type for event in stream}
        final = stream.get_final_completion()
    assert "content.delta" in kinds
    assert final.choices[0].message.parsed == Contact(name=EMAIL)
    assert llm.requests[-1][1]["messages"][0]["content"] == "Who is <EMAIL_ADDRESS_1>?"


def test_stream_helpers_block_and_refuse_before_the_call(llm: FakeLLM, pipeline: Pipeline) -> None:
    client = wrap_openai(_client(llm), pipeline)
    with (
        pytest.raises(GuardBlocked),
        client.chat.completions.stream(model=MODEL, messages=_user(ATTACK)),
    ):
        pass
    refusing = wrap_openai(_client(llm), pipeline, on_block="refuse")
    with refusing.responses.stream(model=MODEL, input=ATTACK) as stream:
        text = "".join(e.delta for e in stream if e.type == "response.output_text.delta")
        final = stream.get_final_response()
    assert text == final.output_text == REFUSAL
    assert llm.requests == []


def test_responses_stream_helper_and_resuming_is_refused(llm: FakeLLM, pipeline: Pipeline) -> None:
    llm.reply = '{"name": "<EMAIL_ADDRESS_1>"}'
    client = wrap_openai(_client(llm), pipeline)
    with client.responses.stream(model=MODEL, input=f"Who is {EMAIL}?", text_format=Contact) as s:
        final = s.get_final_response()
    assert final.output_parsed == Contact(name=EMAIL)
    with pytest.raises(ConfigurationError):
        client.responses.stream(response_id="resp_1")


def test_async_chat_stream_helper(llm: FakeLLM, pipeline: Pipeline) -> None:
    llm.reply = '{"name": "<EMAIL_ADDRESS_1>"}'

    async def run() -> Any:
        async with _aclient(llm) as raw:
            client = wrap_openai(raw, pipeline)
            async with client.chat.completions.stream(
                model=MODEL, messages=_user(f"Who is {EMAIL}?"), response_format=Contact
            ) as stream:
                return await stream.get_final_completion()

    assert asyncio.run(run()).choices[0].message.parsed == Contact(name=EMAIL)


# The same serializer warning comes from langchain-openai and the SDK without the wrapper.
@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings:UserWarning")
def test_langchain_structured_output_stream(llm: FakeLLM, pipeline: Pipeline) -> None:
    llm.reply = '{"name": "<EMAIL_ADDRESS_1>"}'
    chat = _chat_model(wrap_openai(_client(llm), pipeline))
    out = list(chat.with_structured_output(Contact, method="json_schema").stream(f"Who {EMAIL}"))
    assert out[-1] == Contact(name=EMAIL)
