"""Thin guarded proxies over the official OpenAI and Anthropic SDK clients (sync and async).

Nothing is monkeypatched and no vendor SDK is imported: the proxies hold the caller's client and
forward every attribute they do not guard (``models``, ``files``, ``embeddings`` ...) through
``__getattr__``. Guarded: ``chat.completions.create`` (with ``stream=True``), ``responses.create``
(with ``stream=True``), ``messages.create`` (with ``stream=True``) and ``messages.stream``.
``with_options()`` / ``copy()`` return guarded proxies too. ``with_raw_response`` and
``with_streaming_response`` (on the client and on the guarded resources), OpenAI's ``parse``
(structured outputs, chat and Responses) and OpenAI's ``stream`` helpers are guarded the same way,
so the wrapped client can be handed to frameworks that use them (langchain-openai).
``beta.chat.completions`` is the guarded ``chat.completions``. What is still not guarded
(Anthropic's ``batches``) fails closed with ``ConfigurationError``; ``client.unwrapped`` is there
for deliberate use.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from genai_guard.context import Context
from genai_guard.errors import ConfigurationError, GuardBlocked
from genai_guard.integrations._adapters import (
    AnthropicHelperStreamAdapter,
    AnthropicMessagesAdapter,
    OpenAIChatAdapter,
    OpenAIResponsesAdapter,
    put_answer,
)
from genai_guard.integrations._guard import Guard, OnBlock, Prepared
from genai_guard.integrations._paths import replaced
from genai_guard.integrations._raw import RawResource, Reshape
from genai_guard.integrations._streams import (
    AsyncGuardedEventStream,
    GuardedEventStream,
    RefusalStream,
)
from genai_guard.integrations._structured import reparse_chat, reparse_response
from genai_guard.validate.tool_calls import ToolPolicy

if TYPE_CHECKING:
    from genai_guard.integrations._adapters import Adapter

__all__ = ["GuardedClient", "wrap_anthropic", "wrap_openai"]

C = TypeVar("C")

# Methods of guarded resources that are not guarded (yet): refused rather than passed through.
_OPENAI_UNGUARDED: frozenset[str] = frozenset()
_ANTHROPIC_UNGUARDED = frozenset({"batches"})


def _is_async(fn: Any) -> bool:
    # SDK methods are wrapped by sync decorators (functools.wraps), so look at the original too.
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(inspect.unwrap(fn))


class _Resource:
    """A guarded SDK resource: ``create`` (and ``stream``) guarded, the rest passed through."""

    def __init__(
        self,
        target: Any,
        guard: Guard,
        refused: frozenset[str] = _OPENAI_UNGUARDED,
        reshape: Reshape | None = None,
    ) -> None:
        self._target = target
        self._guard = guard
        self._refused = refused
        self._reshape = reshape

    def create(self, *args: Any, **kwargs: Any) -> Any:
        """The SDK's ``create`` with the request checked and the answer checked and restored."""
        fn = self._target.create
        if _is_async(fn):
            return self._guard.acall(fn, args, kwargs)
        return self._guard.call(fn, args, kwargs)

    def parse(self, *args: Any, **kwargs: Any) -> Any:
        """The SDK's ``parse`` (structured outputs), checked like ``create``.

        The parsed value is derived again from the checked text (``None`` after a refusal).
        """
        reshape = self._reshape
        if reshape is None:
            return self.__getattr__("parse")
        fn = self._target.parse
        if _is_async(fn):
            return self._aparse(fn, reshape, args, kwargs)
        return reshape(self._guard.call(fn, args, kwargs), kwargs)

    def stream(self, *args: Any, **kwargs: Any) -> Any:
        """The SDK's ``stream`` helper (OpenAI chat and Responses) over the guarded ``create``.

        The SDK's own helper runs unchanged (events, accumulation, ``get_final_completion()`` /
        ``get_final_response()``, parsing); the stream it reads is the checked one. Resuming a
        stored response (``response_id=``, ``starting_after=``) would read it unchecked and is
        refused.
        """
        helper = getattr(type(self._target), "stream", None)
        if helper is None or "stream" in self._refused:
            return self.__getattr__("stream")
        if "response_id" in kwargs or "starting_after" in kwargs:
            raise ConfigurationError(
                "stream(response_id=...) resumes a stored response without the checks; "
                "use GuardedClient.unwrapped explicitly if you really need it"
            )
        # The SDK helper only calls ``resource.create``: handing it this guarded resource makes
        # every request and chunk go through the guard.
        return helper(self, *args, **kwargs)

    async def _aparse(self, fn: Any, reshape: Reshape, args: Any, kwargs: Any) -> Any:
        return reshape(await self._guard.acall(fn, args, kwargs), kwargs)

    def _raw(self, name: str) -> RawResource:
        return RawResource(
            getattr(self._target, name),
            self._guard,
            streaming=name == "with_streaming_response",
            is_async=_is_async(self._target.create),
            refused=self._refused,
            reshape=self._reshape,
        )

    @property
    def with_raw_response(self) -> RawResource:
        """The SDK's ``with_raw_response`` with ``create``/``parse`` guarded."""
        return self._raw("with_raw_response")

    @property
    def with_streaming_response(self) -> RawResource:
        """The SDK's ``with_streaming_response`` with ``create``/``parse`` guarded."""
        return self._raw("with_streaming_response")

    def __getattr__(self, name: str) -> Any:
        if name in self._refused:
            raise ConfigurationError(
                f"{name} is not guarded (it would bypass the checks); use the unwrapped "
                "client (GuardedClient.unwrapped) explicitly if you really need it"
            )
        return getattr(self._target, name)


class _Namespace:
    """``client.chat`` with ``completions`` guarded (or ``client.beta`` with ``chat``)."""

    def __init__(self, target: Any, children: dict[str, Any]) -> None:
        self._target = target
        self._children = children

    def raw(self, name: str) -> _Namespace:
        """The namespace's ``with_raw_response`` / ``with_streaming_response`` view."""
        return _Namespace(
            getattr(self._target, name), {k: _view(v, name) for k, v in self._children.items()}
        )

    def __getattr__(self, name: str) -> Any:
        child = self._children.get(name)
        return child if child is not None else getattr(self._target, name)


def _view(child: Any, name: str) -> Any:
    return child.raw(name) if isinstance(child, _Namespace) else getattr(child, name)


class _RawClient:
    """``client.with_raw_response`` / ``client.with_streaming_response`` with the guarded parts."""

    def __init__(self, target: Any, guarded: dict[str, Any], name: str) -> None:
        self._target = target
        self._guarded = guarded
        self._name = name

    def __getattr__(self, name: str) -> Any:
        child = self._guarded.get(name)
        if child is not None:
            return _view(child, self._name)
        return getattr(self._target, name)


class _Messages(_Resource):
    """Anthropic ``messages``: ``create`` and the ``stream`` helper guarded."""

    def __init__(self, target: Any, guard: Guard, helper: Guard) -> None:
        super().__init__(target, guard, _ANTHROPIC_UNGUARDED)
        self._helper = helper

    def stream(self, *args: Any, **kwargs: Any) -> Any:
        """The SDK's ``messages.stream`` helper; the request is checked on entering the block."""
        fn = self._target.stream
        if _is_async(self._target.create):
            return _AsyncStreamManager(fn, self._helper, args, kwargs)
        return _StreamManager(fn, self._helper, args, kwargs)


class GuardedMessageStream(GuardedEventStream):
    """The ``messages.stream`` helper's stream, checked. Not thread-safe."""

    @property
    def text_stream(self) -> Iterator[str]:
        """The checked text, piece by piece."""
        return (e.text for e in self if getattr(e, "type", None) == "text")

    def until_done(self) -> None:
        """Consume the stream."""
        for _ in self:
            pass

    def get_final_text(self) -> str:
        """The whole checked text (consumes the stream)."""
        self.until_done()
        return self.text

    def get_final_message(self) -> Any:
        """The SDK's final message with the checked text written in (consumes the stream).

        After a refusal mid-stream the upstream is closed: the message is built from what was
        received, with the text the consumer saw and ``stop_reason="refusal"``.
        """
        self.until_done()
        if self.refused:
            return _refused_message(self._upstream, self._guard, self._prepared, self.text)
        final = put_answer(self._guard.adapter, self._upstream.get_final_message(), self.text)
        return self.with_tool_verdicts(final)

    @property
    def current_message_snapshot(self) -> Any:
        """The SDK's snapshot with the checked text released so far written in."""
        return put_answer(self._guard.adapter, self._upstream.current_message_snapshot, self.text)


class AsyncGuardedMessageStream(AsyncGuardedEventStream):
    """Async twin of ``GuardedMessageStream``."""

    @property
    def text_stream(self) -> Any:
        """The checked text, piece by piece."""

        async def gen() -> Any:
            async for e in self:
                if getattr(e, "type", None) == "text":
                    yield e.text

        return gen()

    async def until_done(self) -> None:
        """Consume the stream."""
        async for _ in self:
            pass

    async def get_final_text(self) -> str:
        """The whole checked text (consumes the stream)."""
        await self.until_done()
        return self.text

    async def get_final_message(self) -> Any:
        """The SDK's final message with the checked text written in (consumes the stream)."""
        await self.until_done()
        if self.refused:
            return _refused_message(self._upstream, self._guard, self._prepared, self.text)
        final = await self._upstream.get_final_message()
        return self.with_tool_verdicts(put_answer(self._guard.adapter, final, self.text))


def _refused_message(upstream: Any, guard: Guard, prepared: Prepared, text: str) -> Any:
    """The final message of a helper stream that a refusal ended (its upstream is closed)."""
    adapter = guard.adapter
    try:
        snapshot = upstream.current_message_snapshot
    except (AssertionError, AttributeError):  # nothing received yet
        snapshot = None
    if snapshot is None or not adapter.response_segments(snapshot):
        return adapter.refusal(text, prepared.kwargs)
    return replaced(put_answer(adapter, snapshot, text), ("stop_reason",), "refusal")


class _RefusalMessageStream(RefusalStream):
    def __init__(self, adapter: Adapter, message: str, kwargs: Any) -> None:
        super().__init__(adapter.refusal_events(message, kwargs))
        self._message = message
        self._final = adapter.refusal(message, kwargs)

    @property
    def text_stream(self) -> Iterator[str]:
        return iter((self._message,))

    def get_final_text(self) -> str:
        return self._message

    def get_final_message(self) -> Any:
        return self._final

    def until_done(self) -> None:
        return None


class _AsyncRefusalMessageStream(RefusalStream):
    def __init__(self, adapter: Adapter, message: str, kwargs: Any) -> None:
        super().__init__(adapter.refusal_events(message, kwargs))
        self._message = message
        self._final = adapter.refusal(message, kwargs)

    @property
    def text_stream(self) -> Any:
        async def gen() -> Any:
            yield self._message

        return gen()

    async def get_final_text(self) -> str:
        return self._message

    async def get_final_message(self) -> Any:
        return self._final

    async def until_done(self) -> None:
        return None


class _StreamManager:
    def __init__(self, fn: Any, guard: Guard, args: Any, kwargs: Any) -> None:
        self._fn, self._guard, self._args, self._kwargs = fn, guard, args, kwargs
        self._manager: Any = None
        self._stream: Any = None

    def _refusal(self, prepared: Prepared) -> Any:
        if self._guard.on_block == "raise":
            raise GuardBlocked(prepared.prompt)
        return _RefusalMessageStream(self._guard.adapter, self._guard.refusal_message, self._kwargs)

    def __enter__(self) -> Any:
        prepared = self._guard.prepare(self._args, self._kwargs)
        if prepared.prompt.blocked:
            self._stream = self._refusal(prepared)
            return self._stream
        self._manager = self._fn(*prepared.args, **prepared.kwargs)
        upstream = self._manager.__enter__()
        self._stream = GuardedMessageStream(upstream, self._guard, prepared)
        return self._stream

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            self._stream.close()
        if self._manager is not None:
            self._manager.__exit__(exc_type, exc, tb)


class _AsyncStreamManager(_StreamManager):
    async def __aenter__(self) -> Any:
        prepared = await self._guard.aprepare(self._args, self._kwargs)
        if prepared.prompt.blocked:
            if self._guard.on_block == "raise":
                raise GuardBlocked(prepared.prompt)
            self._stream = _AsyncRefusalMessageStream(
                self._guard.adapter, self._guard.refusal_message, self._kwargs
            )
            return self._stream
        self._manager = self._fn(*prepared.args, **prepared.kwargs)
        upstream = await self._manager.__aenter__()
        self._stream = AsyncGuardedMessageStream(upstream, self._guard, prepared)
        return self._stream

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if isinstance(self._stream, AsyncGuardedEventStream):
            await self._stream.close()
        if self._manager is not None:
            await self._manager.__aexit__(exc_type, exc, tb)


class GuardedClient:
    """A guarded proxy over an SDK client; build it with ``wrap_openai`` or ``wrap_anthropic``.

    Every attribute that is not guarded is the wrapped client's own. Immutable and as thread-safe as
    the client it wraps. ``unwrapped`` is the original client.
    """

    def __init__(
        self,
        client: Any,
        pipeline: Any,
        *,
        vendor: str,
        on_block: OnBlock | None,
        context: Context | None,
        untrusted_roles: frozenset[str] | None,
        tools: ToolPolicy | None = None,
    ) -> None:
        self.unwrapped = client
        if tools is None:
            # Resolved once for every guarded resource (and kept by with_options / copy): building
            # the default checks compiles their patterns.
            configured = getattr(getattr(pipeline, "settings", None), "tools", None)
            tools = configured if isinstance(configured, ToolPolicy) else ToolPolicy()
        self._options = (vendor, on_block, context, untrusted_roles, tools)
        self._pipeline = pipeline

        def guard(adapter: Adapter) -> Guard:
            return Guard.build(
                pipeline,
                adapter,
                on_block=on_block,
                context=context,
                untrusted_roles=untrusted_roles,
                tools=tools,
            )

        self._guarded: dict[str, Any] = {}
        if vendor == "openai":
            chat = getattr(client, "chat", None)
            if chat is not None:
                completions = _Resource(
                    chat.completions, guard(OpenAIChatAdapter()), reshape=reparse_chat
                )
                self._guarded["chat"] = _Namespace(chat, {"completions": completions})
                beta = getattr(client, "beta", None)
                beta_chat = getattr(beta, "chat", None) if beta is not None else None
                if beta_chat is not None:
                    beta_completions = _Resource(
                        beta_chat.completions, guard(OpenAIChatAdapter()), reshape=reparse_chat
                    )
                    self._guarded["beta"] = _Namespace(
                        beta, {"chat": _Namespace(beta_chat, {"completions": beta_completions})}
                    )
            responses = getattr(client, "responses", None)
            if responses is not None:
                self._guarded["responses"] = _Resource(
                    responses, guard(OpenAIResponsesAdapter()), reshape=reparse_response
                )
        else:
            messages = client.messages
            self._guarded["messages"] = _Messages(
                messages, guard(AnthropicMessagesAdapter()), guard(AnthropicHelperStreamAdapter())
            )

    def _rewrap(self, client: Any) -> GuardedClient:
        vendor, on_block, context, roles, tools = self._options
        return GuardedClient(
            client,
            self._pipeline,
            vendor=vendor,
            on_block=on_block,
            context=context,
            untrusted_roles=roles,
            tools=tools,
        )

    def with_options(self, **options: Any) -> GuardedClient:
        """The client's ``with_options``, still guarded."""
        return self._rewrap(self.unwrapped.with_options(**options))

    def copy(self, **options: Any) -> GuardedClient:
        """The client's ``copy``, still guarded."""
        return self._rewrap(self.unwrapped.copy(**options))

    def __enter__(self) -> GuardedClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.unwrapped.close()

    async def __aenter__(self) -> GuardedClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.unwrapped.close()

    def __getattr__(self, name: str) -> Any:
        guarded = self.__dict__.get("_guarded", {}).get(name)
        if guarded is not None:
            return guarded
        return getattr(self.unwrapped, name)

    @property
    def with_raw_response(self) -> Any:
        """The client's ``with_raw_response`` with the guarded resources guarded."""
        return _RawClient(self.unwrapped.with_raw_response, self._guarded, "with_raw_response")

    @property
    def with_streaming_response(self) -> Any:
        """The client's ``with_streaming_response`` with the guarded resources guarded."""
        return _RawClient(
            self.unwrapped.with_streaming_response, self._guarded, "with_streaming_response"
        )

    def __repr__(self) -> str:
        return f"GuardedClient({type(self.unwrapped).__name__}, pipeline={self._pipeline!r})"


def wrap_openai(
    client: C,
    pipeline: Any,
    *,
    on_block: OnBlock | None = None,
    context: Context | None = None,
    untrusted_roles: frozenset[str] | None = None,
    tools: ToolPolicy | None = None,
) -> C:
    """Guard an ``openai.OpenAI`` / ``openai.AsyncOpenAI`` (or compatible) client.

    ``chat.completions.create`` and ``responses.create`` (also with ``stream=True``) check the
    untrusted messages before the model is called, send masked texts, and check and restore the
    answer; everything else is the client's own.

    Args:
        client: The SDK client (sync or async).
        pipeline: The pipeline.
        on_block: ``raise`` (``GuardBlocked``) or ``refuse`` (a ``ChatCompletion``/``Response``
            shaped refusal); default from ``pipeline.settings.on_block``.
        context: Base context for every call (user id, canaries, metadata).
        untrusted_roles: Override ``pipeline.settings.untrusted_roles``.
        tools: The tool policy for tool calls in answers; default ``pipeline.settings.tools``
            or ``ToolPolicy()`` (SSRF and unsafe-code checks on every call's arguments).

    Returns:
        A ``GuardedClient``, typed as the client's own type so code written against the SDK
        type-checks unchanged (the proxy has the same attributes; ``isinstance`` checks against
        the SDK class do not hold).
    """
    return GuardedClient(  # type: ignore[return-value]  # a duck-typed stand-in for C
        client,
        pipeline,
        vendor="openai",
        on_block=on_block,
        context=context,
        untrusted_roles=untrusted_roles,
        tools=tools,
    )


def wrap_anthropic(
    client: C,
    pipeline: Any,
    *,
    on_block: OnBlock | None = None,
    context: Context | None = None,
    untrusted_roles: frozenset[str] | None = None,
    tools: ToolPolicy | None = None,
) -> C:
    """Guard an ``anthropic.Anthropic`` / ``anthropic.AsyncAnthropic`` client.

    ``messages.create`` (also with ``stream=True``) and ``messages.stream`` are guarded; everything
    else (``models``, ``beta`` ...) is the client's own. Arguments as for ``wrap_openai``; a refusal
    is a ``Message`` with ``stop_reason="refusal"``.
    """
    return GuardedClient(  # type: ignore[return-value]  # a duck-typed stand-in for C
        client,
        pipeline,
        vendor="anthropic",
        on_block=on_block,
        context=context,
        untrusted_roles=untrusted_roles,
        tools=tools,
    )
