"""LlamaIndex: ``GuardedLLM``, any LlamaIndex LLM with a pipeline around every call.

Needs the ``llamaindex`` extra (``llama-index-core``); importing this module imports it.

    from genai_guard.integrations.llamaindex import GuardedLLM

    llm = GuardedLLM.wrap(OpenAI(model="gpt-4o-mini"), build_pipeline("default"))
    Settings.llm = llm  # query engines, chat engines and agents now call through the guard

``chat`` / ``complete`` and their streaming and async twins check the untrusted messages (user and
tool messages by default) before the wrapped LLM sees them, and check and restore its answer,
whole or while it streams. A block raises ``GuardBlocked`` or, with a policy whose ``on_block`` is
``refuse``, answers with the policy's refusal message.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseAsyncGen,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseAsyncGen,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.llms.llm import LLM
from pydantic import Field, PrivateAttr

from genai_guard.context import Context
from genai_guard.integrations._chat_guard import ChatGuard, CheckedTurn
from genai_guard.integrations._guard import OnBlock

__all__ = ["GuardedLLM"]

_ROLES = {MessageRole.CHATBOT: "assistant", MessageRole.MODEL: "assistant"}


def _role(message: ChatMessage) -> str:
    role = message.role
    return _ROLES.get(role, str(role.value if isinstance(role, MessageRole) else role))


def _pairs(messages: Sequence[ChatMessage]) -> list[tuple[str, str]]:
    return [(_role(m), m.content or "") for m in messages]


def _rewritten(messages: Sequence[ChatMessage], turn: CheckedTurn) -> list[ChatMessage]:
    out = []
    for m, text in zip(messages, turn.texts, strict=True):
        same = text == (m.content or "")
        kept = (
            m
            if same
            else ChatMessage(role=m.role, content=text, additional_kwargs=m.additional_kwargs)
        )
        out.append(kept)
    return out


def _answer(role: MessageRole, text: str) -> ChatResponse:
    return ChatResponse(message=ChatMessage(role=role, content=text))


class GuardedLLM(LLM):
    """A LlamaIndex ``LLM`` that guards another one (build it with ``GuardedLLM.wrap``).

    Attributes:
        llm: The wrapped LLM.

    Thread-safe when the wrapped LLM is. Tool calls the model emits are passed on unchanged.
    """

    llm: LLM = Field(description="The wrapped LLM.")
    _guard: ChatGuard = PrivateAttr()

    @classmethod
    def wrap(
        cls,
        llm: LLM,
        pipeline: Any,
        *,
        on_block: OnBlock | None = None,
        context: Context | None = None,
        untrusted_roles: frozenset[str] | None = None,
    ) -> GuardedLLM:
        """Guard ``llm`` with ``pipeline``.

        Args:
            llm: Any LlamaIndex LLM.
            pipeline: The pipeline (``build_pipeline(policy)``).
            on_block: ``raise`` or ``refuse``; ``None`` takes the policy's ``settings.on_block``.
            context: Base context of every call (conversation id for stable placeholders).
            untrusted_roles: Checked roles (``user``, ``tool``); ``None``: the policy's setting.
        """
        guarded = cls(llm=llm, callback_manager=llm.callback_manager)
        guarded._guard = ChatGuard(
            pipeline, on_block=on_block, context=context, untrusted_roles=untrusted_roles
        )
        return guarded

    @classmethod
    def class_name(cls) -> str:
        """LlamaIndex's serialization name."""
        return "GuardedLLM"

    @property
    def metadata(self) -> LLMMetadata:
        """The wrapped LLM's metadata."""
        return self.llm.metadata

    # -- chat ---------------------------------------------------------------------------------

    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        """Check, call, check and restore."""
        turn = self._guard.check_messages(_pairs(messages))
        if turn.blocked:
            return _answer(MessageRole.ASSISTANT, self._guard.blocked(turn.prompt))
        response = self.llm.chat(_rewritten(messages, turn), **kwargs)
        text = self._guard.check_answer(response.message.content or "", turn)
        return ChatResponse(
            message=ChatMessage(role=response.message.role, content=text),
            raw=response.raw,
            additional_kwargs=response.additional_kwargs,
        )

    async def achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        """Async twin of ``chat``."""
        turn = await self._guard.acheck_messages(_pairs(messages))
        if turn.blocked:
            return _answer(MessageRole.ASSISTANT, self._guard.blocked(turn.prompt))
        response = await self.llm.achat(_rewritten(messages, turn), **kwargs)
        text = await self._guard.acheck_answer(response.message.content or "", turn)
        return ChatResponse(
            message=ChatMessage(role=response.message.role, content=text),
            raw=response.raw,
            additional_kwargs=response.additional_kwargs,
        )

    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        """Checked, restored pieces of the wrapped LLM's stream (``delta`` and the text so far)."""
        turn = self._guard.check_messages(_pairs(messages))

        def gen() -> ChatResponseGen:
            if turn.blocked:
                refusal = self._guard.blocked(turn.prompt)
                yield ChatResponse(
                    message=ChatMessage(role=MessageRole.ASSISTANT, content=refusal),
                    delta=refusal,
                )
                return
            upstream = self.llm.stream_chat(_rewritten(messages, turn), **kwargs)
            deltas = (r.delta for r in upstream if r.delta)
            text = ""
            for piece in self._guard.stream_answer(deltas, turn):
                text += piece
                yield ChatResponse(
                    message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=piece
                )

        return gen()

    async def astream_chat(
        self, messages: Sequence[ChatMessage], **kwargs: Any
    ) -> ChatResponseAsyncGen:
        """Async twin of ``stream_chat``."""
        turn = await self._guard.acheck_messages(_pairs(messages))

        async def gen() -> ChatResponseAsyncGen:
            if turn.blocked:
                refusal = self._guard.blocked(turn.prompt)
                yield ChatResponse(
                    message=ChatMessage(role=MessageRole.ASSISTANT, content=refusal),
                    delta=refusal,
                )
                return
            upstream = await self.llm.astream_chat(_rewritten(messages, turn), **kwargs)

            async def deltas() -> AsyncIterator[str]:
                async for r in upstream:
                    if r.delta:
                        yield r.delta

            text = ""
            async for piece in self._guard.astream_answer(deltas(), turn):
                text += piece
                yield ChatResponse(
                    message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=piece
                )

        return gen()

    # -- completion (the prompt is one user message) -------------------------------------------

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        """Check, call, check and restore."""
        turn = self._guard.check_messages([("user", prompt)])
        if turn.blocked:
            return CompletionResponse(text=self._guard.blocked(turn.prompt))
        response = self.llm.complete(turn.texts[0], formatted=formatted, **kwargs)
        text = self._guard.check_answer(response.text, turn)
        return CompletionResponse(text=text, raw=response.raw)

    async def acomplete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponse:
        """Async twin of ``complete``."""
        turn = await self._guard.acheck_messages([("user", prompt)])
        if turn.blocked:
            return CompletionResponse(text=self._guard.blocked(turn.prompt))
        response = await self.llm.acomplete(turn.texts[0], formatted=formatted, **kwargs)
        text = await self._guard.acheck_answer(response.text, turn)
        return CompletionResponse(text=text, raw=response.raw)

    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        """Checked, restored pieces of the wrapped LLM's stream."""
        turn = self._guard.check_messages([("user", prompt)])

        def gen() -> CompletionResponseGen:
            if turn.blocked:
                refusal = self._guard.blocked(turn.prompt)
                yield CompletionResponse(text=refusal, delta=refusal)
                return
            upstream = self.llm.stream_complete(turn.texts[0], formatted=formatted, **kwargs)
            text = ""
            for piece in self._guard.stream_answer((r.delta for r in upstream if r.delta), turn):
                text += piece
                yield CompletionResponse(text=text, delta=piece)

        return gen()

    async def astream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseAsyncGen:
        """Async twin of ``stream_complete``."""
        turn = await self._guard.acheck_messages([("user", prompt)])

        async def gen() -> CompletionResponseAsyncGen:
            if turn.blocked:
                refusal = self._guard.blocked(turn.prompt)
                yield CompletionResponse(text=refusal, delta=refusal)
                return
            upstream = await self.llm.astream_complete(turn.texts[0], formatted=formatted, **kwargs)

            async def deltas() -> AsyncIterator[str]:
                async for r in upstream:
                    if r.delta:
                        yield r.delta

            text = ""
            async for piece in self._guard.astream_answer(deltas(), turn):
                text += piece
                yield CompletionResponse(text=text, delta=piece)

        return gen()
