"""Wrappers for LLM clients: any callable, OpenAI-style and Anthropic-style SDKs.

Nothing in the library imports this package (it sits on top, beside ``policy``), and this package
never imports a vendor SDK: the wrappers work on the caller's client objects by duck typing.

* ``guard_callable(fn, pipeline, adapter=...)`` guards any sync or async callable.
* ``wrap_openai(client, pipeline)`` / ``wrap_anthropic(client, pipeline)`` return thin proxies.
* Adapters say where the untrusted text is in a request and where the answer is in a response.
* ``ToolPolicy`` (re-exported from ``genai_guard.validate``) says which tool calls in an answer
  may run and how their arguments are checked.
"""

from genai_guard.integrations._adapters import (
    Adapter,
    AnthropicMessagesAdapter,
    EventKind,
    OpenAIChatAdapter,
    OpenAIResponsesAdapter,
    RequestView,
    SDKObject,
    Segment,
    TextAdapter,
)
from genai_guard.integrations._callable import guard_callable
from genai_guard.integrations._clients import GuardedClient, wrap_anthropic, wrap_openai
from genai_guard.integrations._guard import DEFAULT_UNTRUSTED_ROLES, Guard, OnBlock
from genai_guard.integrations._streams import (
    AsyncGuardedEventStream,
    AsyncRefusalStream,
    GuardedEventStream,
    RefusalStream,
)
from genai_guard.validate.tool_calls import ToolCall, ToolPolicy, ToolRule

__all__ = [
    "DEFAULT_UNTRUSTED_ROLES",
    "Adapter",
    "AnthropicMessagesAdapter",
    "AsyncGuardedEventStream",
    "AsyncRefusalStream",
    "EventKind",
    "Guard",
    "GuardedClient",
    "GuardedEventStream",
    "OnBlock",
    "OpenAIChatAdapter",
    "OpenAIResponsesAdapter",
    "RefusalStream",
    "RequestView",
    "SDKObject",
    "Segment",
    "TextAdapter",
    "ToolCall",
    "ToolPolicy",
    "ToolRule",
    "guard_callable",
    "wrap_anthropic",
    "wrap_openai",
]
