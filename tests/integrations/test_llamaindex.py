"""GuardedLLM around a real llama-index-core LLM (a CustomLLM that echoes and records)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytest.importorskip("llama_index.core")

from llama_index.core.base.llms.types import (
    ChatMessage,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
)
from llama_index.core.llms import CustomLLM
from pydantic import Field

from genai_guard import Context, GuardBlocked, Pipeline
from genai_guard.integrations.llamaindex import GuardedLLM
from integrations.stages import ATTACK, CANARY, EMAIL, make_pipeline


class EchoLLM(CustomLLM):
    """Answers ``reply`` or echoes the prompt it was given, in chunks of four characters."""

    prompts: list[str] = Field(default_factory=list)
    reply: str | None = None

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name="echo")

    def _text(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.reply if self.reply is not None else f"You said: {prompt}"

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text=self._text(prompt))

    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        text = self._text(prompt)

        def gen() -> CompletionResponseGen:
            for i in range(0, len(text), 4):
                yield CompletionResponse(text=text[: i + 4], delta=text[i : i + 4])

        return gen()


def wrap(echo: EchoLLM, pipeline: Pipeline) -> GuardedLLM:
    return GuardedLLM.wrap(echo, pipeline, context=Context(canaries=(CANARY,)))


def test_complete_masks_before_the_llm_and_restores(pipeline: Pipeline) -> None:
    echo = EchoLLM(prompts=[])
    answer = wrap(echo, pipeline).complete(f"Mail {EMAIL}")
    assert echo.prompts == ["Mail <EMAIL_ADDRESS_1>"]
    assert answer.text == f"You said: Mail {EMAIL}"


def test_chat_checks_user_messages_and_keeps_the_system_prompt(pipeline: Pipeline) -> None:
    echo = EchoLLM(prompts=[], reply="Noted: <EMAIL_ADDRESS_1>.")
    answer = wrap(echo, pipeline).chat(
        [ChatMessage(role="system", content="Be brief."), ChatMessage(role="user", content=EMAIL)]
    )
    assert "Be brief." in echo.prompts[0]
    assert EMAIL not in echo.prompts[0]
    assert answer.message.content == f"Noted: {EMAIL}."


def test_an_answer_repeating_the_system_prompt_is_blocked(pipeline: Pipeline) -> None:
    echo = EchoLLM(prompts=[])  # echoes the whole chat, system prompt included
    with pytest.raises(GuardBlocked):
        wrap(echo, pipeline).chat(
            [
                ChatMessage(role="system", content="Be brief."),
                ChatMessage(role="user", content="hi"),
            ]
        )


def test_an_attack_is_blocked_before_the_llm(pipeline: Pipeline) -> None:
    echo = EchoLLM(prompts=[])
    with pytest.raises(GuardBlocked):
        wrap(echo, pipeline).complete(ATTACK)
    assert echo.prompts == []


def test_a_refusing_policy_answers_with_the_refusal() -> None:
    pipe = make_pipeline(on_block="refuse")
    echo = EchoLLM(prompts=[])
    assert wrap(echo, pipe).complete(ATTACK).text == pipe.settings.refusal_message
    assert echo.prompts == []


def test_stream_complete_restores_placeholders(pipeline: Pipeline) -> None:
    echo = EchoLLM(prompts=[])
    pieces = list(wrap(echo, pipeline).stream_complete(f"Mail {EMAIL}"))
    assert "".join(p.delta or "" for p in pieces) == f"You said: Mail {EMAIL}"
    assert pieces[-1].text == f"You said: Mail {EMAIL}"


def test_stream_chat_restores_placeholders(pipeline: Pipeline) -> None:
    echo = EchoLLM(prompts=[])
    pieces = list(wrap(echo, pipeline).stream_chat([ChatMessage(role="user", content=EMAIL)]))
    assert EMAIL in (pieces[-1].message.content or "")
    assert EMAIL not in echo.prompts[0]


def test_a_leaking_stream_is_stopped(pipeline: Pipeline) -> None:
    echo = EchoLLM(prompts=[], reply=f"The marker is {CANARY} and more.")
    received: list[str] = []

    def drain() -> None:
        for piece in wrap(echo, pipeline).stream_complete("hello"):
            received.append(piece.delta or "")

    with pytest.raises(GuardBlocked):
        drain()
    assert CANARY not in "".join(received)


def test_async_twins(pipeline: Pipeline) -> None:
    llm = wrap(EchoLLM(prompts=[]), pipeline)

    async def run() -> tuple[str, str, str]:
        whole = await llm.acomplete(f"To {EMAIL}")
        stream = await llm.astream_complete(f"To {EMAIL}")
        streamed = "".join([p.delta or "" async for p in stream])
        chat = await llm.achat([ChatMessage(role="user", content=f"To {EMAIL}")])
        return whole.text, streamed, chat.message.content or ""

    whole, streamed, chat = asyncio.run(run())
    assert whole == streamed == f"You said: To {EMAIL}"
    assert EMAIL in chat
