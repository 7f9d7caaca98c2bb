"""LangChain: ``GuardedChatModel``, a Runnable that guards any LangChain chat model.

Needs the ``langchain`` extra (``langchain-core``); importing this module imports it.

    from genai_guard.integrations.langchain import GuardedChatModel

    chat = GuardedChatModel(ChatOpenAI(model="gpt-4o-mini"), build_pipeline("default"))
    chain = prompt | chat | StrOutputParser()

The untrusted messages (human and tool messages by default) are checked and masked before the
model sees them; the answer is checked and its placeholders restored, whole (``invoke``) or while
it streams (``stream``); sync and async alike. A block raises ``GuardBlocked`` or, with a policy
whose ``on_block`` is ``refuse``, answers with the policy's refusal message.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    BaseMessageChunk,
    convert_to_messages,
)
from langchain_core.prompt_values import PromptValue
from langchain_core.runnables import Runnable, RunnableConfig

from genai_guard.context import Context
from genai_guard.errors import InputError
from genai_guard.integrations._chat_guard import ChatGuard, CheckedTurn
from genai_guard.integrations._guard import OnBlock

__all__ = ["GuardedChatModel"]

_ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}


def _messages(value: LanguageModelInput) -> list[BaseMessage]:
    if isinstance(value, str):
        return list(convert_to_messages([("human", value)]))
    if isinstance(value, PromptValue):
        return list(value.to_messages())
    if isinstance(value, Sequence):
        return list(convert_to_messages(value))
    raise InputError(f"cannot read a chat input of type {type(value).__name__}")


def _pairs(messages: Sequence[BaseMessage]) -> list[tuple[str, str]]:
    """(role, text) per message; messages with non-text content keep role 'other' (unchecked)."""
    out = []
    for m in messages:
        role = _ROLES.get(m.type, m.type)
        if isinstance(m.content, str):
            out.append((role, m.content))
        else:
            out.append((role, m.text))
    return out


def _rewritten(messages: Sequence[BaseMessage], turn: CheckedTurn) -> list[BaseMessage]:
    out: list[BaseMessage] = []
    for m, text in zip(messages, turn.texts, strict=True):
        if isinstance(m.content, str) and text != m.content:
            out.append(m.model_copy(update={"content": text}))
        elif not isinstance(m.content, str) and text != m.text:
            raise InputError("a multi-part message needed masking; send text content instead")
        else:
            out.append(m)
    return out


class GuardedChatModel(Runnable[LanguageModelInput, BaseMessage]):
    """Any LangChain chat model (or Runnable taking messages and returning a message), guarded.

    Args:
        model: The chat model (``ChatOpenAI``, ``ChatAnthropic``, any ``BaseChatModel``).
        pipeline: The pipeline (``build_pipeline(policy)``).
        on_block: ``raise`` or ``refuse``; ``None`` takes the policy's ``settings.on_block``.
        context: Base context of every call (user id, conversation id for stable placeholders).
        untrusted_roles: Checked roles, in OpenAI terms (``user``, ``tool``); ``None`` takes the
            policy's setting.

    Thread-safe when the wrapped model is. Tool calls the model emits are passed on unchanged
    (check them with the wrapped SDK clients or the guard server).
    """

    def __init__(
        self,
        model: Runnable[Any, Any],
        pipeline: Any,
        *,
        on_block: OnBlock | None = None,
        context: Context | None = None,
        untrusted_roles: frozenset[str] | None = None,
    ) -> None:
        self.model = model
        self.guard = ChatGuard(
            pipeline, on_block=on_block, context=context, untrusted_roles=untrusted_roles
        )

    def __repr__(self) -> str:
        return f"GuardedChatModel({type(self.model).__name__})"

    def _refusal(self, turn: CheckedTurn) -> AIMessage:
        return AIMessage(content=self.guard.blocked(turn.prompt))

    @staticmethod
    def _answer(message: Any) -> str:
        if isinstance(message, BaseMessage):
            return message.content if isinstance(message.content, str) else message.text
        return str(message)

    @staticmethod
    def _with_text(message: Any, text: str) -> BaseMessage:
        if isinstance(message, BaseMessage):
            return message.model_copy(update={"content": text})
        return AIMessage(content=text)

    def invoke(
        self,
        input: LanguageModelInput,  # noqa: A002 - LangChain's parameter name
        config: RunnableConfig | None = None,
        **kwargs: Any,
    ) -> BaseMessage:
        """Check the messages, call the model, check and restore its answer."""
        messages = _messages(input)
        turn = self.guard.check_messages(_pairs(messages))
        if turn.blocked:
            return self._refusal(turn)
        answer = self.model.invoke(_rewritten(messages, turn), config, **kwargs)
        return self._with_text(answer, self.guard.check_answer(self._answer(answer), turn))

    async def ainvoke(
        self,
        input: LanguageModelInput,  # noqa: A002 - LangChain's parameter name
        config: RunnableConfig | None = None,
        **kwargs: Any,
    ) -> BaseMessage:
        """Async twin of ``invoke``."""
        messages = _messages(input)
        turn = await self.guard.acheck_messages(_pairs(messages))
        if turn.blocked:
            return self._refusal(turn)
        answer = await self.model.ainvoke(_rewritten(messages, turn), config, **kwargs)
        checked = await self.guard.acheck_answer(self._answer(answer), turn)
        return self._with_text(answer, checked)

    def stream(
        self,
        input: LanguageModelInput,  # noqa: A002 - LangChain's parameter name
        config: RunnableConfig | None = None,
        **kwargs: Any,
    ) -> Iterator[BaseMessageChunk]:
        """Check the messages, then yield checked, restored chunks of the model's stream."""
        messages = _messages(input)
        turn = self.guard.check_messages(_pairs(messages))
        if turn.blocked:
            yield AIMessageChunk(content=self.guard.blocked(turn.prompt))
            return
        upstream = self.model.stream(_rewritten(messages, turn), config, **kwargs)

        def deltas() -> Iterator[str]:
            for chunk in upstream:
                text = self._answer(chunk)
                if text:
                    yield text

        for piece in self.guard.stream_answer(deltas(), turn):
            yield AIMessageChunk(content=piece)

    async def astream(
        self,
        input: LanguageModelInput,  # noqa: A002 - LangChain's parameter name
        config: RunnableConfig | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[BaseMessageChunk]:
        """Async twin of ``stream``."""
        messages = _messages(input)
        turn = await self.guard.acheck_messages(_pairs(messages))
        if turn.blocked:
            yield AIMessageChunk(content=self.guard.blocked(turn.prompt))
            return
        upstream = self.model.astream(_rewritten(messages, turn), config, **kwargs)

        async def deltas() -> AsyncIterator[str]:
            async for chunk in upstream:
                text = self._answer(chunk)
                if text:
                    yield text

        async for piece in self.guard.astream_answer(deltas(), turn):
            yield AIMessageChunk(content=piece)
