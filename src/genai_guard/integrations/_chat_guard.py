"""``ChatGuard``: the guard of one chat call, for frameworks that hold messages as (role, text).

The framework integrations (LangChain, LiteLLM, LlamaIndex) turn their message objects into
``(role, text)`` pairs and back; this module does the rest once, on top of ``Guard`` and the
OpenAI chat adapter: check the untrusted messages (masking, attack detection, placeholders kept
apart across messages), check and restore the answer whole or while it streams, and say what a
block does (raise ``GuardBlocked`` or return the policy's refusal message). Immutable, thread-safe.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from genai_guard._results import Decision
from genai_guard.context import Context
from genai_guard.errors import GuardBlocked
from genai_guard.integrations._adapters import OpenAIChatAdapter
from genai_guard.integrations._guard import Guard, OnBlock

__all__ = ["ChatGuard", "CheckedTurn"]


@dataclass(frozen=True, slots=True)
class CheckedTurn:
    """The checked request of one call.

    Attributes:
        prompt: The input decision (its restorations unmask the answer).
        texts: The text to send for each message, in order (rewritten where masked).
    """

    prompt: Decision
    texts: tuple[str, ...]

    @property
    def blocked(self) -> bool:
        """Whether the request was blocked (nothing may be sent)."""
        return self.prompt.blocked


class ChatGuard:
    """A pipeline's checks around one chat call, in framework-neutral terms.

    Args:
        pipeline: The pipeline (``build_pipeline(policy)``).
        on_block: ``raise`` or ``refuse``; ``None`` takes the policy's ``settings.on_block``.
        context: Base context of every call (user id, conversation id, canaries).
        untrusted_roles: Roles whose messages are checked; ``None`` takes the policy's setting
            (user, tool, document by default). Roles are OpenAI's: system, user, assistant, tool.
    """

    __slots__ = ("_guard", "pipeline")

    def __init__(
        self,
        pipeline: Any,
        *,
        on_block: OnBlock | None = None,
        context: Context | None = None,
        untrusted_roles: frozenset[str] | None = None,
    ) -> None:
        self.pipeline = pipeline
        self._guard = Guard.build(
            pipeline,
            OpenAIChatAdapter(),
            on_block=on_block,
            context=context,
            untrusted_roles=untrusted_roles,
        )

    @property
    def refuses(self) -> bool:
        """Whether a block returns a refusal (else it raises ``GuardBlocked``)."""
        return self._guard.on_block == "refuse"

    @property
    def refusal_message(self) -> str:
        """The refusal text of the policy."""
        return self._guard.refusal_message

    def with_context(self, context: Context) -> ChatGuard:
        """A copy whose calls use ``context`` (e.g. one conversation id per chat session)."""
        new = object.__new__(ChatGuard)
        new.pipeline = self.pipeline
        new._guard = dataclasses.replace(self._guard, context=context)
        return new

    # -- request ------------------------------------------------------------------------------

    @staticmethod
    def _kwargs(messages: Sequence[tuple[str, str]]) -> dict[str, Any]:
        return {"messages": [{"role": role, "content": text} for role, text in messages]}

    @staticmethod
    def _turn(prepared: Any) -> CheckedTurn:
        sent = prepared.kwargs["messages"]
        return CheckedTurn(prepared.prompt, tuple(str(m["content"]) for m in sent))

    def check_messages(self, messages: Sequence[tuple[str, str]]) -> CheckedTurn:
        """Check the untrusted messages of a request."""
        return self._turn(self._guard.prepare((), self._kwargs(messages)))

    async def acheck_messages(self, messages: Sequence[tuple[str, str]]) -> CheckedTurn:
        """Async twin of ``check_messages``."""
        return self._turn(await self._guard.aprepare((), self._kwargs(messages)))

    def blocked(self, decision: Decision) -> str:
        """The refusal message for a block, or raise ``GuardBlocked`` when the policy says so."""
        if not self.refuses:
            raise GuardBlocked(decision)
        return self.refusal_message

    # -- answer -------------------------------------------------------------------------------

    def check_answer(self, text: str, turn: CheckedTurn) -> str:
        """The checked, restored answer, or the refusal message (or raise) on a block."""
        out = self.pipeline.check_output(text, prompt=turn.prompt)
        return self.blocked(out) if out.blocked else str(out.text)

    async def acheck_answer(self, text: str, turn: CheckedTurn) -> str:
        """Async twin of ``check_answer``."""
        out = await self.pipeline.acheck_output(text, prompt=turn.prompt)
        return self.blocked(out) if out.blocked else str(out.text)

    def stream_answer(self, deltas: Iterable[str], turn: CheckedTurn) -> Iterator[str]:
        """Checked, restored pieces of a streamed answer.

        A block mid-stream ends it with the refusal message (or raises) and closes ``deltas``.
        """
        try:
            yield from self.pipeline.stream_output(deltas, prompt=turn.prompt)
        except GuardBlocked as exc:
            yield self.blocked(exc.decision)

    async def astream_answer(
        self, deltas: AsyncIterable[str], turn: CheckedTurn
    ) -> AsyncIterator[str]:
        """Async twin of ``stream_answer``."""
        try:
            async for piece in self.pipeline.astream_output(deltas, prompt=turn.prompt):
                yield piece
        except GuardBlocked as exc:
            yield self.blocked(exc.decision)
