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
from genai_guard.integrations._paths import replaced

if TYPE_CHECKING:
    from genai_guard._results import Decision
    from genai_guard.integrations._adapters import Adapter
    from genai_guard.integrations._guard import Guard, Prepared
    from genai_guard.validate.tool_calls import ToolCall

__all__ = ["AsyncGuardedEventStream", "AsyncRefusalStream", "GuardedEventStream", "RefusalStream"]


class Verdict:
    """What happens to one streamed tool call: left out, or sent with these arguments."""

    __slots__ = ("arguments", "removed")

    def __init__(self, *, removed: bool, arguments: str | None) -> None:
        self.removed = removed
        self.arguments = arguments


class _ToolMarker:
    """Where a held tool call sits among the deferred events."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key


def _reindexed(adapter: Adapter, event: Any, removed: list[Any]) -> Any:
    shift = getattr(adapter, "reindexed", None)
    return shift(event, removed) if removed and callable(shift) else event


def apply_tool_verdicts(
    adapter: Adapter, response: Any, verdicts: dict[Any, Verdict], message: str
) -> Any:
    """A whole response (a final snapshot) with the streamed calls' verdicts applied."""
    path_of = getattr(adapter, "tool_path", None)
    if not verdicts or not callable(path_of) or response is None:
        return response
    known = {tuple(p) for p, _ in adapter.tool_calls(response)}  # type: ignore[attr-defined]
    for key, verdict in verdicts.items():
        path = path_of(key)
        if path in known and not verdict.removed and verdict.arguments is not None:
            response = adapter.with_tool_arguments(response, path, verdict.arguments)  # type: ignore[attr-defined]
    gone = [path_of(k) for k, v in verdicts.items() if v.removed and path_of(k) in known]
    if gone:
        response = adapter.without_tool_calls(response, gone, message)  # type: ignore[attr-defined]
    return response


def _final_tools(adapter: Adapter, event: Any, verdicts: dict[Any, Verdict], message: str) -> Any:
    target = getattr(adapter, "final_tool_target", None)
    path = target(event) if callable(target) and verdicts else None
    if path is None:
        return event
    whole = event
    for key in path:
        whole = getattr(whole, key, None) if not isinstance(whole, dict) else whole.get(key)
    return replaced(event, path, apply_tool_verdicts(adapter, whole, verdicts, message))


class _State:
    """Bookkeeping of one stream (never shared)."""

    __slots__ = (
        "deferred",
        "head",
        "prefix",
        "refused",
        "released",
        "started",
        "template",
        "tools",
        "verdicts",
    )

    def __init__(self) -> None:
        self.prefix: list[Any] = []
        self.deferred: list[Any] = []
        self.template: Any = None
        self.started = False
        self.released: list[str] = []
        self.refused = False
        self.head: list[Any] = []
        # Tool-call events held until the call is complete and checked, by the adapter's key.
        self.tools: dict[Any, list[Any]] = {}
        self.verdicts: dict[Any, Verdict] = {}

    def route(self, adapter: Adapter, event: Any) -> str | None:
        """File a non-text event; return the text of a text event."""
        keyer = getattr(adapter, "tool_key", None)
        key = keyer(event, self.tools) if callable(keyer) else None
        if key is not None:
            # Held whole: a call runs only after its complete arguments are checked. Later
            # events keep their order behind it (a finish reason comes after the calls).
            if key not in self.tools:
                self.tools[key] = []
                self.deferred.append(_ToolMarker(key))
            self.tools[key].append(event)
            self.started = True
            return None
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

    def tool_calls(self, adapter: Adapter) -> list[tuple[Any, ToolCall]]:
        """The held tool calls, assembled from their events."""
        assemble = getattr(adapter, "stream_tool_call", None)
        if not callable(assemble):
            return []
        return [(key, assemble(events)) for key, events in self.tools.items()]

    def tail(self, adapter: Adapter, message: str = "") -> list[Any]:
        """Queued events once the stream ended, with whole-answer events rewritten.

        Tool calls come out as checked: rebuilt with their checked arguments, or left out.
        """
        text = "".join(self.released)
        out, self.prefix = self.prefix, []
        removed = sorted(k for k, v in self.verdicts.items() if v.removed)
        for event in self.deferred:
            if isinstance(event, _ToolMarker):
                verdict = self.verdicts.get(event.key)
                events = self.tools[event.key]
                if verdict is not None and verdict.removed:
                    continue
                if verdict is not None and verdict.arguments is not None:
                    events = list(adapter.rebuild_tool_events(events, verdict.arguments))  # type: ignore[attr-defined]
                out.extend(_reindexed(adapter, e, removed) for e in events)
                continue
            done = event
            if removed and len(removed) == len(self.tools):
                # No call is left: the finish reason must not announce tool calls.
                ended = getattr(adapter, "without_tool_finish", None)
                done = ended(done) if callable(ended) else done
            if adapter.event_kind(event) == "final":
                done = adapter.with_final_text(event, text)
                done = _final_tools(adapter, done, self.verdicts, message)
            out.append(_reindexed(adapter, done, removed))
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


def _judge(
    guard: Guard,
    prepared: Prepared,
    state: _State,
    calls: list[tuple[Any, ToolCall]],
    checked: list[Decision],
) -> bool:
    """Judge the streamed tool calls; True when the whole answer is to be refused."""
    first: Decision | None = None
    for (key, call), out in zip(calls, checked, strict=True):
        decision, arguments = guard.judge_tool(call, out, prepared)
        changed = arguments if decision is None and arguments != call.arguments else None
        state.verdicts[key] = Verdict(removed=decision is not None, arguments=changed)
        first = first or decision
    if first is None or guard.tools.on_violation == "remove":
        return False
    if guard.on_block == "raise":
        raise GuardBlocked(first)
    return True


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
        calls = self._state.tool_calls(adapter)
        checked = [
            self._guard.pipeline.check_output(c.arguments, prompt=self._prepared.prompt)
            for _, c in calls
        ]
        if _judge(self._guard, self._prepared, self._state, calls, checked):
            yield from self._state.refusal(
                adapter, self._guard.refusal_message, self._prepared.kwargs
            )
            return
        yield from self._state.tail(adapter, self._guard.refusal_message)

    @property
    def text(self) -> str:
        """The checked text released so far."""
        return "".join(self._state.released)

    @property
    def refused(self) -> bool:
        """Whether the stream was ended by a refusal (``on_block="refuse"``)."""
        return self._state.refused

    def with_tool_verdicts(self, response: Any) -> Any:
        """A whole response (the SDK's final snapshot) with this stream's tool verdicts."""
        return apply_tool_verdicts(
            self._guard.adapter, response, self._state.verdicts, self._guard.refusal_message
        )

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
        calls = self._state.tool_calls(adapter)
        checked = [
            await self._guard.pipeline.acheck_output(c.arguments, prompt=self._prepared.prompt)
            for _, c in calls
        ]
        if _judge(self._guard, self._prepared, self._state, calls, checked):
            for event in self._state.refusal(
                adapter, self._guard.refusal_message, self._prepared.kwargs
            ):
                yield event
            return
        for event in self._state.tail(adapter, self._guard.refusal_message):
            yield event

    @property
    def text(self) -> str:
        """The checked text released so far."""
        return "".join(self._state.released)

    @property
    def refused(self) -> bool:
        """Whether the stream was ended by a refusal (``on_block="refuse"``)."""
        return self._state.refused

    def with_tool_verdicts(self, response: Any) -> Any:
        """A whole response (the SDK's final snapshot) with this stream's tool verdicts."""
        return apply_tool_verdicts(
            self._guard.adapter, response, self._state.verdicts, self._guard.refusal_message
        )

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


class _NoResponse:
    """The HTTP response of a refusal stream: there is none (the SDK helpers close it)."""

    headers: dict[str, str] = {}  # noqa: RUF012 - empty and never written

    def close(self) -> None:
        """Nothing to close."""

    async def aclose(self) -> None:
        """Nothing to close."""


class RefusalStream:
    """A stream (sync and async) of the refusal events an adapter made; no model was called."""

    def __init__(self, events: tuple[Any, ...]) -> None:
        self._events = events
        self._iter = iter(events)
        self.response: Any = _NoResponse()

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
        self.response: Any = _NoResponse()

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
