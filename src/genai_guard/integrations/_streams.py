"""Guarded streams: SDK stream events in, checked and restored events out.

The text deltas of the upstream events feed the pipeline's stream driver
(``Pipeline.stream_output`` / ``astream_output``), which releases text only when no output stage
can still object to it, rewrites it (restoring placeholders) and raises ``GuardBlocked`` when a
stage blocks, closing the upstream (and with it the HTTP connection) at once.

Event ordering: each released piece is emitted as a copy of the latest text event carrying that
piece. Events without text that arrive before the first text pass through in order; those after
it (finish reasons, usage, stop events) are delivered after the checked text, at the end, and
events that carry the whole answer (``response.completed``, the Anthropic helper's snapshots) get
the checked text written in. With ``on_block="refuse"`` a block mid-stream emits one more text
event carrying the refusal message and ends the stream.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any

from genai_guard.errors import ConfigurationError, GuardBlocked

if TYPE_CHECKING:
    from genai_guard.integrations._adapters import Adapter
    from genai_guard.integrations._guard import Guard, Prepared

__all__ = ["AsyncGuardedEventStream", "AsyncRefusalStream", "GuardedEventStream", "RefusalStream"]


class _State:
    """Bookkeeping of one stream (never shared)."""

    __slots__ = ("deferred", "head", "prefix", "refused", "released", "started", "template")

    def __init__(self) -> None:
        self.prefix: list[Any] = []
        self.deferred: list[Any] = []
        self.template: Any = None
        self.started = False
        self.released: list[str] = []
        self.refused = False
        self.head: list[Any] = []

    def route(self, adapter: Adapter, event: Any) -> str | None:
        """File a non-text event; return the text of a text event."""
        kind = adapter.event_kind(event)
        if kind == "text":
            self.template, trailer = adapter.split_text_event(event)
            if trailer is not None:
                self.deferred.append(trailer)
            self.started = True
            return adapter.event_text(event)
        if kind == "final" or (kind == "pass" and self.started):
            self.deferred.append(event)
        elif kind == "pass":
            self.prefix.append(event)
            self.head.append(event)
        return None

    def emit(self, adapter: Adapter, piece: str) -> list[Any]:
        """Events for a released piece, after any queued prefix events."""
        out, self.prefix = self.prefix, []
        if piece:
            self.released.append(piece)
            out.extend(adapter.with_event_text(self.template, piece, "".join(self.released)))
        return out

    def tail(self, adapter: Adapter) -> list[Any]:
        """Queued events once the stream ended, with whole-answer events rewritten."""
        text = "".join(self.released)
        out, self.prefix = self.prefix, []
        for event in self.deferred:
            kind = adapter.event_kind(event)
            out.append(adapter.with_final_text(event, text) if kind == "final" else event)
        self.deferred = []
        return out

    def refusal(self, adapter: Adapter, message: str, kwargs: Any) -> list[Any]:
        """The events that end a stream blocked mid-way, in the shape the SDK expects.

        Before any text: the adapter's whole refusal sequence. After some text: the events still
        queued before it, the refusal as one more text event, and the adapter's closing events
        (``stream_refusal``: finish reason, stop events, completed response), so the consumer's
        accumulated text and the final fields agree: released text, then the refusal.
        """
        self.deferred = []
        self.refused = True
        if self.template is None:
            self.released = [message]
            return list(adapter.refusal_events(message, kwargs))
        out, self.prefix = self.prefix, []
        self.released.append(message)
        text = "".join(self.released)
        closer = getattr(adapter, "stream_refusal", None)
        if callable(closer):
            out.extend(closer(self.template, text, message, kwargs, self.head))
        else:
            out.extend(adapter.with_event_text(self.template, message, text))
        return out


def _driver(pipeline: Any, name: str) -> Any:
    fn = getattr(pipeline, name, None)
    if fn is None:
        raise ConfigurationError(
            f"streaming needs Pipeline.{name}(); this pipeline ({type(pipeline).__name__}) has none"
        )
    return fn


class GuardedEventStream:
    """A sync stream of checked SDK events; iterate it like the SDK's own stream.

    What a wrapped client's streaming call returns. ``streaming.GuardedStream`` (from
    ``Pipeline.stream_output``) is the text-only driver underneath.

    Attributes the SDK stream has (``response``, ``request_id`` ...) are passed through.
    Not thread-safe (neither is the SDK stream it wraps).
    """

    def __init__(self, upstream: Any, guard: Guard, prepared: Prepared) -> None:
        self._upstream = upstream
        self._guard = guard
        self._prepared = prepared
        self._state = _State()
        self._events = self._run()

    def _deltas(self) -> Generator[str, None, None]:
        adapter = self._guard.adapter
        try:
            for event in self._upstream:
                text = self._state.route(adapter, event)
                if text:
                    yield text
        finally:
            self._close_upstream()

    def _close_upstream(self) -> None:
        close = getattr(self._upstream, "close", None)
        if callable(close):
            close()

    def _run(self) -> Generator[Any, None, None]:
        adapter = self._guard.adapter
        stream_output = _driver(self._guard.pipeline, "stream_output")
        deltas = self._deltas()
        try:
            for piece in stream_output(deltas, prompt=self._prepared.prompt):
                yield from self._state.emit(adapter, piece)
        except GuardBlocked:
            deltas.close()
            if self._guard.on_block == "raise":
                raise
            yield from self._state.refusal(
                adapter, self._guard.refusal_message, self._prepared.kwargs
            )
            return
        finally:
            deltas.close()
        yield from self._state.tail(adapter)

    @property
    def text(self) -> str:
        """The checked text released so far."""
        return "".join(self._state.released)

    @property
    def refused(self) -> bool:
        """Whether the stream was ended by a refusal (``on_block="refuse"``)."""
        return self._state.refused

    def __iter__(self) -> Iterator[Any]:
        return self._events

    def __next__(self) -> Any:
        return next(self._events)

    def close(self) -> None:
        """Stop and close the upstream stream and its connection."""
        self._events.close()
        self._close_upstream()

    def __enter__(self) -> GuardedEventStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._upstream, name)


class AsyncGuardedEventStream:
    """Async twin of ``GuardedEventStream``. Not safe to share between tasks."""

    def __init__(self, upstream: Any, guard: Guard, prepared: Prepared) -> None:
        self._upstream = upstream
        self._guard = guard
        self._prepared = prepared
        self._state = _State()
        self._events = self._run()

    async def _deltas(self) -> AsyncGenerator[str, None]:
        adapter = self._guard.adapter
        try:
            async for event in self._upstream:
                text = self._state.route(adapter, event)
                if text:
                    yield text
        finally:
            await self._close_upstream()

    async def _close_upstream(self) -> None:
        close = getattr(self._upstream, "close", None)
        if callable(close):
            result = close()
            if inspect.isawaitable(result):
                await result

    async def _run(self) -> AsyncGenerator[Any, None]:
        adapter = self._guard.adapter
        astream_output = _driver(self._guard.pipeline, "astream_output")
        deltas = self._deltas()
        try:
            async for piece in astream_output(deltas, prompt=self._prepared.prompt):
                for event in self._state.emit(adapter, piece):
                    yield event
        except GuardBlocked:
            await deltas.aclose()
            if self._guard.on_block == "raise":
                raise
            events = self._state.refusal(
                adapter, self._guard.refusal_message, self._prepared.kwargs
            )
            for event in events:
                yield event
            return
        finally:
            await deltas.aclose()
        for event in self._state.tail(adapter):
            yield event

    @property
    def text(self) -> str:
        """The checked text released so far."""
        return "".join(self._state.released)

    @property
    def refused(self) -> bool:
        """Whether the stream was ended by a refusal (``on_block="refuse"``)."""
        return self._state.refused

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._events

    async def __anext__(self) -> Any:
        return await self._events.__anext__()

    async def close(self) -> None:
        """Stop and close the upstream stream and its connection."""
        await self._events.aclose()
        await self._close_upstream()

    async def __aenter__(self) -> AsyncGuardedEventStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._upstream, name)


class RefusalStream:
    """A stream (sync and async) of the refusal events an adapter made; no model was called."""

    def __init__(self, events: tuple[Any, ...]) -> None:
        self._events = events
        self._iter = iter(events)

    def __iter__(self) -> Iterator[Any]:
        return self._iter

    def __next__(self) -> Any:
        return next(self._iter)

    def __aiter__(self) -> RefusalStream:
        return self

    async def __anext__(self) -> Any:
        try:
            return next(self._iter)
        except StopIteration:
            raise StopAsyncIteration from None

    def close(self) -> None:
        """Nothing to close."""

    def __enter__(self) -> RefusalStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> RefusalStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


class AsyncRefusalStream:
    """Async twin of ``RefusalStream`` (``close()`` is a coroutine, as on the async SDK streams)."""

    def __init__(self, events: tuple[Any, ...]) -> None:
        self._events = events
        self._iter = iter(events)

    def __aiter__(self) -> AsyncRefusalStream:
        return self

    async def __anext__(self) -> Any:
        try:
            return next(self._iter)
        except StopIteration:
            raise StopAsyncIteration from None

    async def close(self) -> None:
        """Nothing to close."""

    async def __aenter__(self) -> AsyncRefusalStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
