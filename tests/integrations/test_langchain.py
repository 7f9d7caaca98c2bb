"""GuardedChatModel around the real langchain-openai ChatOpenAI, on the loopback fake API."""

from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("langchain_core")
pytest.importorskip("langchain_openai")

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_openai import ChatOpenAI

from genai_guard import Context, GuardBlocked, Pipeline
from genai_guard.integrations.langchain import GuardedChatModel
from integrations.fake_llm import FakeLLM
from integrations.stages import ATTACK, CANARY, EMAIL, make_pipeline


def chat_model(llm: FakeLLM) -> ChatOpenAI:
    return ChatOpenAI(model="test-model", base_url=f"{llm.base_url}/v1", api_key="k", max_retries=0)


def guarded(llm: FakeLLM, pipeline: Pipeline) -> GuardedChatModel:
    return GuardedChatModel(chat_model(llm), pipeline, context=Context(canaries=(CANARY,)))


def test_invoke_masks_before_the_model_and_restores_the_answer(
    llm: FakeLLM, pipeline: Pipeline
) -> None:
    answer = guarded(llm, pipeline).invoke(f"Mail {EMAIL} the invoice")
    assert llm.requests[-1][1]["messages"] == [
        {"role": "user", "content": "Mail <EMAIL_ADDRESS_1> the invoice"}
    ]
    assert isinstance(answer, AIMessage)
    assert answer.content == f"You said: Mail {EMAIL} the invoice"


def test_an_attack_is_blocked_before_the_model(llm: FakeLLM, pipeline: Pipeline) -> None:
    with pytest.raises(GuardBlocked):
        guarded(llm, pipeline).invoke([SystemMessage("Be brief."), HumanMessage(ATTACK)])
    assert llm.requests == []


def test_a_refusing_policy_answers_with_the_refusal(llm: FakeLLM) -> None:
    pipe = make_pipeline(on_block="refuse")
    answer = guarded(llm, pipe).invoke(ATTACK)
    assert answer.content == pipe.settings.refusal_message
    assert llm.requests == []


def test_a_leaking_answer_is_blocked(llm: FakeLLM, pipeline: Pipeline) -> None:
    llm.reply = f"The marker is {CANARY}."
    with pytest.raises(GuardBlocked):
        guarded(llm, pipeline).invoke("hello")


def test_stream_restores_placeholders(llm: FakeLLM, pipeline: Pipeline) -> None:
    chunks = list(guarded(llm, pipeline).stream(f"Mail {EMAIL}"))
    assert "".join(str(c.content) for c in chunks) == f"You said: Mail {EMAIL}"
    assert EMAIL not in str(llm.requests[-1][1])


def test_a_leaking_stream_is_stopped(llm: FakeLLM, pipeline: Pipeline) -> None:
    llm.reply = f"The marker is {CANARY} and more."
    received: list[str] = []

    def drain() -> None:
        for chunk in guarded(llm, pipeline).stream("hello"):
            received.append(str(chunk.content))

    with pytest.raises(GuardBlocked):
        drain()
    assert CANARY not in "".join(received)


def test_a_refusing_policy_ends_a_leaking_stream_with_the_refusal(llm: FakeLLM) -> None:
    pipe = make_pipeline(on_block="refuse")
    llm.reply = f"The marker is {CANARY} and more."
    text = "".join(str(c.content) for c in guarded(llm, pipe).stream("hello"))
    assert CANARY not in text
    assert text.endswith(pipe.settings.refusal_message)


def test_async_invoke_and_stream(llm: FakeLLM, pipeline: Pipeline) -> None:
    model = guarded(llm, pipeline)

    async def run() -> tuple[str, str]:
        whole = await model.ainvoke(f"To {EMAIL}")
        pieces = [str(c.content) async for c in model.astream(f"To {EMAIL}")]
        return str(whole.content), "".join(pieces)

    assert asyncio.run(run()) == (f"You said: To {EMAIL}", f"You said: To {EMAIL}")


def test_it_composes_in_a_chain(llm: FakeLLM, pipeline: Pipeline) -> None:
    prompt = ChatPromptTemplate.from_messages([("system", "Be brief."), ("human", "{q}")])
    chain = prompt | guarded(llm, pipeline) | StrOutputParser()
    assert chain.invoke({"q": f"I am {EMAIL}"}) == f"You said: I am {EMAIL}"
    sent = llm.requests[-1][1]["messages"]
    assert sent[0] == {"role": "system", "content": "Be brief."}
    assert sent[1]["content"] == "I am <EMAIL_ADDRESS_1>"


def test_two_messages_keep_their_own_placeholders(llm: FakeLLM, pipeline: Pipeline) -> None:
    llm.reply = "<EMAIL_ADDRESS_1> and <EMAIL_ADDRESS_2>"
    answer = guarded(llm, pipeline).invoke(
        [HumanMessage("I am a@example.com"), HumanMessage("She is b@example.com")]
    )
    assert answer.content == "a@example.com and b@example.com"
