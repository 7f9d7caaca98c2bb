"""LiteLLM: ``GenaiGuardrail``, a LiteLLM ``CustomGuardrail`` running a genai-guard pipeline.

Needs the ``litellm`` extra; importing this module imports litellm.

With the LiteLLM SDK, register it as a callback and ask for it by name in each async call
(LiteLLM runs guardrail hooks in ``acompletion`` only, and not on SDK streams):

    import litellm
    from genai_guard.integrations.litellm import GenaiGuardrail

    litellm.callbacks = [GenaiGuardrail(build_pipeline("default"))]
    await litellm.acompletion(model="openai/gpt-4o-mini", messages=..., guardrails=["genai-guard"])

On the LiteLLM proxy, subclass it in the ``custom_guardrail.py`` beside ``config.yaml`` with your
pipeline, and name that class there (``guardrail: custom_guardrail.Guardrail``, ``mode:
[pre_call, post_call]``); see ``docs/integrations.md``.

Hooks: ``pre_call`` checks the untrusted messages and sends the masked ones on; an input block
raises ``GuardBlocked`` (on every path, so that a blocked request is never sent). ``post_call``
checks and restores the answer (a block raises, or with ``on_block: refuse`` replaces the answer
by the refusal message); the streaming iterator hook does the same while a proxy stream flows.
The input decision waits for its answer in a bounded table keyed by LiteLLM's call id.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import AsyncGenerator
from typing import Any

from litellm.integrations.custom_guardrail import CustomGuardrail
from litellm.types.guardrails import GuardrailEventHooks

from genai_guard._results import Decision
from genai_guard.errors import ConfigurationError, GuardBlocked
from genai_guard.integrations._adapters import OpenAIChatAdapter
from genai_guard.integrations._guard import Guard, OnBlock, Prepared
from genai_guard.integrations._streams import AsyncGuardedEventStream

__all__ = ["GenaiGuardrail"]

DEFAULT_NAME = "genai-guard"
MAX_PENDING = 10_000


class GenaiGuardrail(CustomGuardrail):
    """A LiteLLM guardrail that checks requests and answers with a genai-guard pipeline.

    Args:
        pipeline: The pipeline (``build_pipeline(policy)``).
        on_block: For answers: ``raise`` or ``refuse``; ``None`` takes the policy's setting.
            Input blocks always raise.
        guardrail_name: The name calls ask for (``guardrails=["genai-guard"]``).
        event_hook: LiteLLM hooks to run on (default: ``pre_call`` and ``post_call``).
        max_pending: Most input decisions waiting for their answer (oldest dropped first).
        **kwargs: Other ``CustomGuardrail`` options (``default_on`` ...).

    Thread-safe.
    """

    def __init__(
        self,
        pipeline: Any,
        *,
        on_block: OnBlock | None = None,
        guardrail_name: str = DEFAULT_NAME,
        event_hook: Any = None,
        max_pending: int = MAX_PENDING,
        **kwargs: Any,
    ) -> None:
        if max_pending < 1:
            raise ConfigurationError("max_pending must be positive")
        hooks = [GuardrailEventHooks.pre_call, GuardrailEventHooks.post_call]
        super().__init__(
            guardrail_name=guardrail_name,
            supported_event_hooks=hooks,
            event_hook=event_hook if event_hook is not None else hooks,
            **kwargs,
        )
        self.pipeline = pipeline
        self._guard = Guard.build(pipeline, OpenAIChatAdapter(), on_block=on_block)
        self._pending: OrderedDict[str, Decision] = OrderedDict()
        self._lock = threading.Lock()
        self._max_pending = max_pending

    # -- bookkeeping ----------------------------------------------------------------------------

    def _remember(self, data: dict[str, Any], prompt: Decision) -> None:
        call_id = data.get("litellm_call_id")
        if not isinstance(call_id, str) or not call_id:
            call_id = str(uuid.uuid4())
            data["litellm_call_id"] = call_id
        with self._lock:
            self._pending[call_id] = prompt
            while len(self._pending) > self._max_pending:
                self._pending.popitem(last=False)

    def _recall(self, data: dict[str, Any]) -> Decision | None:
        call_id = data.get("litellm_call_id")
        with self._lock:
            return self._pending.pop(call_id, None) if isinstance(call_id, str) else None

    # -- hooks ----------------------------------------------------------------------------------

    async def async_pre_call_hook(
        self, user_api_key_dict: Any, cache: Any, data: dict[str, Any], call_type: Any
    ) -> dict[str, Any]:
        """Check and mask the untrusted messages; raise ``GuardBlocked`` on a block."""
        messages = data.get("messages")
        if not isinstance(messages, list):
            return data
        prepared = await self._guard.aprepare((), {"messages": messages})
        if prepared.prompt.blocked:
            raise GuardBlocked(prepared.prompt)
        data["messages"] = prepared.kwargs["messages"]
        self._remember(data, prepared.prompt)
        return data

    async def async_post_call_success_hook(
        self, data: dict[str, Any], user_api_key_dict: Any, response: Any
    ) -> Any:
        """Check and restore every choice's answer."""
        prompt = self._recall(data)
        if prompt is None:  # the pre-call hook did not run here: check without restorations
            if not isinstance(data.get("messages"), list):
                return response
            prompt = await self._unmasked(data)
        for choice in getattr(response, "choices", None) or ():
            message = getattr(choice, "message", None)
            content = getattr(message, "content", None)
            if message is None or not isinstance(content, str):
                continue
            out = await self.pipeline.acheck_output(content, prompt=prompt)
            if out.blocked:
                if self._guard.on_block == "raise":
                    raise GuardBlocked(out)
                message.content = self._guard.refusal_message
            else:
                message.content = out.text
        return response

    async def _unmasked(self, data: dict[str, Any]) -> Decision:
        prepared = await self._guard.aprepare((), {"messages": data.get("messages") or []})
        return prepared.prompt

    async def async_post_call_streaming_iterator_hook(
        self, user_api_key_dict: Any, response: Any, request_data: dict[str, Any]
    ) -> AsyncGenerator[Any, None]:
        """Checked, restored stream chunks; a block ends the stream (raise or refusal)."""
        prompt = self._recall(request_data)
        if prompt is None:
            prompt = await self._unmasked(request_data)
        stream = AsyncGuardedEventStream(response, self._guard, Prepared((), {}, prompt, True))
        try:
            async for chunk in stream:
                yield chunk
        finally:
            await stream.close()
