"""Adapters: where the untrusted text is in a request and where the answer is in a response.

An adapter never calls the model and never imports a vendor SDK: it reads requests given as the
keyword arguments of an SDK call (the SDKs' ``TypedDict`` params, or SDK objects) and responses and
stream events as returned by the SDKs, by duck typing. Every adapter is immutable and thread-safe.

Provided adapters:

* ``TextAdapter``: a plain ``str -> str`` callable.
* ``OpenAIChatAdapter``: ``chat.completions.create`` (``messages``; ``choices[i].message.content``;
  stream chunks ``choices[0].delta.content``).
* ``OpenAIResponsesAdapter``: ``responses.create`` (``input``, ``instructions``; ``output_text``
  items; stream events ``response.output_text.delta``, ``.done`` and ``response.completed``).
* ``AnthropicMessagesAdapter``: ``messages.create`` / ``messages.stream`` (``system``, content
  blocks, tool results, text documents; ``content[*].text``; ``content_block_delta`` events and the
  helper's ``text`` events).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from genai_guard.errors import InputError
from genai_guard.integrations._paths import Path, get, lookup, replaced
from genai_guard.validate.tool_calls import ToolCall

__all__ = [
    "Adapter",
    "AnthropicMessagesAdapter",
    "EventKind",
    "OpenAIChatAdapter",
    "OpenAIResponsesAdapter",
    "RequestView",
    "Segment",
    "TextAdapter",
]

EventKind = Literal["text", "final", "drop", "pass"]
"""How a stream event is handled: carries a text delta; carries the whole answer (rewritten at the
end); duplicates a text delta and is re-synthesized (dropped from upstream); or passes untouched."""


@dataclass(frozen=True, slots=True)
class Segment:
    """One text inside a request or response.

    Attributes:
        path: Where it is: first item an ``int`` (positional argument) or ``str`` (keyword argument)
            for requests; a path from the response object for responses.
        text: The text.
        role: ``user``, ``tool``, ``document``, ``assistant`` ... (requests only).
    """

    path: Path
    text: str = field(repr=False)
    role: str = "user"


@dataclass(frozen=True, slots=True)
class RequestView:
    """What an adapter read from a request.

    Attributes:
        untrusted: The texts to check, in request order.
        system_prompt: The joined system / developer instructions, or ``None``.
        stream: Whether the call asks for a stream.
    """

    untrusted: tuple[Segment, ...]
    system_prompt: str | None = field(default=None, repr=False)
    stream: bool = False


@runtime_checkable
class Adapter(Protocol):
    """Knows one request/response format. Implementations are immutable and thread-safe."""

    @property
    def name(self) -> str:
        """Short name for logs."""
        ...

    def read_request(
        self, args: tuple[Any, ...], kwargs: Mapping[str, Any], roles: frozenset[str]
    ) -> RequestView:
        """Find the untrusted texts (those whose role is in ``roles``) and the system prompt."""
        ...

    def response_segments(self, response: Any) -> tuple[Segment, ...]:
        """The answer texts of a non-streamed response, with their paths."""
        ...

    def event_kind(self, event: Any) -> EventKind:
        """How a stream event is handled."""
        ...

    def event_text(self, event: Any) -> str:
        """The text delta of a ``text`` event."""
        ...

    def with_event_text(self, event: Any, text: str, snapshot: str) -> tuple[Any, ...]:
        """Events to emit for a ``text`` event whose released text is ``text``.

        ``snapshot`` is all text released so far (for helper events that carry it).
        """
        ...

    def with_final_text(self, event: Any, text: str) -> Any:
        """A ``final`` event with the whole answer replaced by ``text``."""
        ...

    def split_text_event(self, event: Any) -> tuple[Any, Any]:
        """Split a ``text`` event into a template for released text and a trailer (or ``None``).

        The trailer carries what must come once, after the text (a finish reason, usage).
        """
        ...

    def refusal(self, message: str, kwargs: Mapping[str, Any]) -> Any:
        """A response object carrying ``message`` as a refusal."""
        ...

    def refusal_events(self, message: str, kwargs: Mapping[str, Any]) -> tuple[Any, ...]:
        """Stream events carrying ``message`` as a refusal."""
        ...


# -- duck-typed response objects ----------------------------------------------------------------


class SDKObject:
    """A small attribute object standing in for an SDK response type that was not imported.

    Attributes mirror the JSON payload; ``model_dump()`` returns it. Used for refusals when the
    vendor's own model class is not already loaded (the library never imports vendor SDKs).
    """

    def __init__(self, payload: Mapping[str, Any]) -> None:
        self._payload = dict(payload)
        for key, value in payload.items():
            setattr(self, key, _wrap(value))

    def model_dump(self, **options: Any) -> dict[str, Any]:
        """The JSON payload (pydantic's ``model_dump`` options are accepted and ignored)."""
        return dict(self._payload)

    def __repr__(self) -> str:
        return f"SDKObject(type={self._payload.get('type') or self._payload.get('object')!r})"


def _wrap(value: Any) -> Any:
    if isinstance(value, Mapping):
        return SDKObject(value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


def build_sdk_object(module: str, cls: str, payload: Mapping[str, Any]) -> Any:
    """``module.cls`` built from ``payload`` when the caller already imported it, else SDKObject."""
    mod = sys.modules.get(module)
    model = getattr(mod, cls, None) if mod is not None else None
    validate = getattr(model, "model_validate", None)
    if callable(validate):
        try:
            return validate(dict(payload))
        except Exception:  # noqa: BLE001 - a newer SDK shape: build it as the SDK builds replies
            # The SDKs build server replies with their lenient recursive ``construct``, so a
            # field a newer SDK requires does not fail the whole object.
            construct = getattr(model, "construct", None)
            if callable(construct):
                try:
                    return construct(**payload)
                except Exception:  # noqa: BLE001 - the duck-typed object still works
                    return SDKObject(payload)
            return SDKObject(payload)
    return SDKObject(payload)


def _text_of(content: Any) -> str:
    """Text of a string or of a list of text blocks/parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        return "\n".join(
            t for part in content if isinstance(t := get(part, "text"), str) and t is not None
        )
    return ""


def _json_text(value: Any) -> str:
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        value = dump()
    try:
        return json.dumps(value if value is not None else {}, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


def put_answer(adapter: Adapter, response: Any, text: str) -> Any:
    """A copy of ``response`` whose answer is ``text``.

    All of the text goes into the first answer part and the other answer parts are emptied (a
    streamed answer is checked as one text).
    """
    for n, seg in enumerate(adapter.response_segments(response)):
        response = replaced(response, seg.path, text if n == 0 else "")
    return response


def _stream_flag(kwargs: Mapping[str, Any]) -> bool:
    return bool(kwargs.get("stream"))


# -- plain text ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextAdapter:
    """A callable taking the prompt as one argument and returning the answer as a ``str``.

    With a ``stream=True`` keyword argument the callable returns an iterable of ``str`` chunks,
    which is guarded like an SDK stream.

    Args:
        param: Position (``int``) or keyword name (``str``) of the prompt argument. When an ``int``
            and the prompt is passed by keyword ``keyword``, that is used instead.
        keyword: Keyword name of the prompt when ``param`` is a position.
        role: Role given to the prompt (checked when in the untrusted roles).
    """

    param: int | str = 0
    keyword: str | None = "prompt"
    role: str = "user"
    name: str = "text"

    def read_request(
        self, args: tuple[Any, ...], kwargs: Mapping[str, Any], roles: frozenset[str]
    ) -> RequestView:
        """The prompt argument, when its role is untrusted."""
        path: Path | None = None
        if (isinstance(self.param, int) and self.param < len(args)) or (
            isinstance(self.param, str) and self.param in kwargs
        ):
            path = (self.param,)
        elif self.keyword is not None and self.keyword in kwargs:
            path = (self.keyword,)
        stream = _stream_flag(kwargs)
        if path is None:
            return RequestView((), stream=stream)
        value = args[path[0]] if isinstance(path[0], int) else kwargs[path[0]]
        if not isinstance(value, str) or self.role not in roles:
            return RequestView((), stream=stream)
        return RequestView((Segment(path, value, self.role),), stream=stream)

    def response_segments(self, response: Any) -> tuple[Segment, ...]:
        """The whole return value when it is a ``str``."""
        return (Segment((), response, "assistant"),) if isinstance(response, str) else ()

    def event_kind(self, event: Any) -> EventKind:
        """Streams of ``str`` chunks: every ``str`` is text."""
        return "text" if isinstance(event, str) else "pass"

    def event_text(self, event: Any) -> str:
        """The chunk itself."""
        return str(event)

    def with_event_text(self, event: Any, text: str, snapshot: str) -> tuple[Any, ...]:
        """The released text."""
        return (text,)

    def with_final_text(self, event: Any, text: str) -> Any:
        """Plain streams have no final event."""
        return event

    def split_text_event(self, event: Any) -> tuple[Any, Any]:
        """Text events carry nothing that must come after the text."""
        return event, None

    def refusal(self, message: str, kwargs: Mapping[str, Any]) -> Any:
        """The refusal message."""
        return message

    def refusal_events(self, message: str, kwargs: Mapping[str, Any]) -> tuple[Any, ...]:
        """The refusal message as one chunk."""
        return (message,)


# -- OpenAI chat completions --------------------------------------------------------------------

_SYSTEM_ROLES = frozenset({"system", "developer"})


@dataclass(frozen=True, slots=True)
class OpenAIChatAdapter:
    """OpenAI chat completions (and OpenAI-compatible servers).

    Untrusted: the content of messages whose role is in the untrusted roles (``user``, ``tool`` by
    default), as a string or as ``text`` parts. ``system`` and ``developer`` messages form the
    system prompt. Answers: ``choices[i].message.content``; stream: ``choices[0].delta.content``.
    """

    name: str = "openai.chat"

    def read_request(
        self, args: tuple[Any, ...], kwargs: Mapping[str, Any], roles: frozenset[str]
    ) -> RequestView:
        """Messages by role."""
        stream = _stream_flag(kwargs)
        if stream and (kwargs.get("n") or 1) > 1:
            raise InputError("a guarded chat stream needs n=1 (choices would interleave)")
        segments: list[Segment] = []
        system: list[str] = []
        for i, msg in enumerate(kwargs.get("messages") or ()):
            role = str(get(msg, "role", ""))
            content = get(msg, "content")
            if role in _SYSTEM_ROLES:
                system.append(_text_of(content))
            elif role in roles:
                segments.extend(_parts(("messages", i, "content"), content, role, ("text",)))
        return RequestView(tuple(segments), "\n\n".join(system) if system else None, stream)

    def response_segments(self, response: Any) -> tuple[Segment, ...]:
        """``choices[i].message.content`` of every choice."""
        out: list[Segment] = []
        for i, choice in enumerate(get(response, "choices") or ()):
            content = lookup(choice, ("message", "content"))
            if isinstance(content, str):
                out.append(Segment(("choices", i, "message", "content"), content, "assistant"))
        return tuple(out)

    def event_kind(self, event: Any) -> EventKind:
        """A chunk with ``delta.content`` is text."""
        return "text" if isinstance(self.event_text(event) or None, str) else "pass"

    def event_text(self, event: Any) -> str:
        """``choices[0].delta.content``."""
        content = lookup(event, ("choices", 0, "delta", "content"))
        return content if isinstance(content, str) else ""

    def with_event_text(self, event: Any, text: str, snapshot: str) -> tuple[Any, ...]:
        """A copy of the chunk carrying ``text``."""
        return (replaced(event, ("choices", 0, "delta", "content"), text),)

    def with_final_text(self, event: Any, text: str) -> Any:
        """Chat streams have no final event."""
        return event

    def split_text_event(self, event: Any) -> tuple[Any, Any]:
        """A chunk with text and a finish reason or usage: the text part and a trailer."""
        finish = lookup(event, ("choices", 0, "finish_reason"))
        usage = get(event, "usage")
        if finish is None and usage is None:
            return event, None
        template = replaced(event, ("choices", 0, "finish_reason"), None)
        if usage is not None:
            template = replaced(template, ("usage",), None)
        return template, replaced(event, ("choices", 0, "delta", "content"), "")

    # -- tool calls (read by the guard through getattr; not part of the Adapter protocol) ----

    def tool_calls(self, response: Any) -> tuple[tuple[Path, ToolCall], ...]:
        """``choices[i].message.tool_calls[k]`` of every choice (function calls)."""
        out: list[tuple[Path, ToolCall]] = []
        for i, choice in enumerate(get(response, "choices") or ()):
            for k, call in enumerate(lookup(choice, ("message", "tool_calls")) or ()):
                fn = get(call, "function")
                if fn is None:
                    continue
                args = get(fn, "arguments")
                name = str(get(fn, "name") or "")
                text = args if isinstance(args, str) else ""
                out.append(
                    (
                        ("choices", i, "message", "tool_calls", k),
                        ToolCall(name, text, get(call, "id")),
                    )
                )
        return tuple(out)

    def with_tool_arguments(self, response: Any, path: Path, arguments: str) -> Any:
        """The response with one call's arguments replaced."""
        return replaced(response, (*path, "function", "arguments"), arguments)

    def without_tool_calls(self, response: Any, paths: Sequence[Path], message: str) -> Any:
        """The response without the calls at ``paths``.

        A choice left with neither calls nor text gets ``message`` and ``finish_reason="stop"``.
        """
        for i, choice in enumerate(get(response, "choices") or ()):
            drop = {p[4] for p in paths if p[1] == i}
            if not drop:
                continue
            calls = lookup(choice, ("message", "tool_calls")) or ()
            kept = [c for k, c in enumerate(calls) if k not in drop]
            base: Path = ("choices", i)
            response = replaced(response, (*base, "message", "tool_calls"), kept or None)
            if not kept:
                if get(choice, "finish_reason") == "tool_calls":
                    response = replaced(response, (*base, "finish_reason"), "stop")
                if not lookup(choice, ("message", "content")):
                    response = replaced(response, (*base, "message", "content"), message)
        return response

    def tool_key(self, event: Any, held: Mapping[Any, Any]) -> Any:
        """The index of the tool call a stream chunk carries a piece of, or ``None``."""
        calls = lookup(event, ("choices", 0, "delta", "tool_calls"))
        if not calls:
            return None
        index = get(calls[0], "index")
        return index if isinstance(index, int) else 0

    def stream_tool_call(self, events: Sequence[Any]) -> ToolCall:
        """One streamed call assembled from its chunks."""
        name, call_id, parts = "", None, []
        for event in events:
            call = lookup(event, ("choices", 0, "delta", "tool_calls", 0))
            fn = get(call, "function")
            name = name or str(get(fn, "name") or "")
            call_id = call_id or get(call, "id")
            piece = get(fn, "arguments")
            if isinstance(piece, str):
                parts.append(piece)
        return ToolCall(name, "".join(parts), call_id)

    def reindexed(self, event: Any, removed: Sequence[Any]) -> Any:
        """A tool-call chunk with its call index moved down past the removed calls."""
        index = self.tool_key(event, {})
        if index is None:
            return event
        shift = sum(1 for r in removed if isinstance(r, int) and r < index)
        path = ("choices", 0, "delta", "tool_calls", 0, "index")
        return replaced(event, path, index - shift) if shift else event

    def without_tool_finish(self, event: Any) -> Any:
        """A ``tool_calls`` finish chunk turned into ``stop`` (every call was removed)."""
        if lookup(event, ("choices", 0, "finish_reason")) == "tool_calls":
            return replaced(event, ("choices", 0, "finish_reason"), "stop")
        return event

    def rebuild_tool_events(self, events: Sequence[Any], arguments: str) -> tuple[Any, ...]:
        """The call as one chunk carrying all its (checked) arguments."""
        path = ("choices", 0, "delta", "tool_calls", 0, "function", "arguments")
        return (replaced(events[0], path, arguments),)

    def _payload(self, message: str, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": "chatcmpl-guard-refusal",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": str(kwargs.get("model", "")),
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "content_filter",
                    "logprobs": None,
                    "message": {"role": "assistant", "content": message, "refusal": message},
                }
            ],
            "usage": None,
        }

    def refusal(self, message: str, kwargs: Mapping[str, Any]) -> Any:
        """A ``ChatCompletion``-shaped refusal (``finish_reason="content_filter"``)."""
        return build_sdk_object(
            "openai.types.chat", "ChatCompletion", self._payload(message, kwargs)
        )

    def stream_refusal(
        self,
        template: Any,
        text: str,
        message: str,
        kwargs: Mapping[str, Any],
        head: Sequence[Any] = (),
    ) -> tuple[Any, ...]:
        """After a block mid-stream: the refusal chunk and a ``content_filter`` final chunk.

        The final chunk carries the ``finish_reason`` the SDK's accumulators wait for.
        """
        piece = replaced(template, ("choices", 0, "delta", "content"), message)
        end = replaced(template, ("choices", 0, "delta", "content"), None)
        return (piece, replaced(end, ("choices", 0, "finish_reason"), "content_filter"))

    def refusal_events(self, message: str, kwargs: Mapping[str, Any]) -> tuple[Any, ...]:
        """One ``ChatCompletionChunk``-shaped chunk with the refusal."""
        payload = self._payload(message, kwargs)
        payload["object"] = "chat.completion.chunk"
        payload["choices"] = [
            {
                "index": 0,
                "finish_reason": "content_filter",
                "delta": {"role": "assistant", "content": message},
            }
        ]
        return (build_sdk_object("openai.types.chat", "ChatCompletionChunk", payload),)


def _parts(base: Path, content: Any, role: str, text_types: tuple[str, ...]) -> list[Segment]:
    if isinstance(content, str):
        return [Segment(base, content, role)]
    out: list[Segment] = []
    if isinstance(content, Sequence):
        for j, part in enumerate(content):
            text = get(part, "text")
            if get(part, "type") in text_types and isinstance(text, str):
                out.append(Segment((*base, j, "text"), text, role))
    return out


# -- OpenAI Responses API -----------------------------------------------------------------------

_RESPONSES_FINAL = frozenset(
    {
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
        "response.incomplete",
        "response.failed",
    }
)


@dataclass(frozen=True, slots=True)
class OpenAIResponsesAdapter:
    """The OpenAI Responses API (``responses.create``).

    Untrusted: ``input`` as a string (role ``user``), message items by role (``input_text`` parts),
    and ``function_call_output`` items (role ``tool``). ``instructions`` and system/developer items
    form the system prompt. Answers: the ``output_text`` parts of ``output`` message items (which
    ``Response.output_text`` joins). Stream: ``response.output_text.delta`` events carry text;
    ``response.output_text.done``, ``response.content_part.done``, ``response.output_item.done``
    and ``response.completed`` carry the whole answer and are rewritten at the end with the
    checked text.
    """

    name: str = "openai.responses"

    def read_request(
        self, args: tuple[Any, ...], kwargs: Mapping[str, Any], roles: frozenset[str]
    ) -> RequestView:
        """``input`` and ``instructions``."""
        segments: list[Segment] = []
        system: list[str] = []
        instructions = kwargs.get("instructions")
        if isinstance(instructions, str):
            system.append(instructions)
        items = kwargs.get("input")
        if isinstance(items, str):
            if "user" in roles:
                segments.append(Segment(("input",), items, "user"))
        elif isinstance(items, Sequence):
            for i, item in enumerate(items):
                kind = get(item, "type")
                if kind == "function_call_output":
                    output = get(item, "output")
                    if "tool" in roles:
                        segments.extend(
                            _parts(("input", i, "output"), output, "tool", ("input_text",))
                        )
                    continue
                role = get(item, "role")
                if role is None or kind not in (None, "message"):
                    continue
                content = get(item, "content")
                if role in _SYSTEM_ROLES:
                    system.append(_text_of(content))
                elif role in roles:
                    segments.extend(
                        _parts(
                            ("input", i, "content"),
                            content,
                            str(role),
                            ("input_text", "output_text", "text"),
                        )
                    )
        return RequestView(
            tuple(segments), "\n\n".join(system) if system else None, _stream_flag(kwargs)
        )

    def response_segments(self, response: Any) -> tuple[Segment, ...]:
        """Every ``output_text`` part of every ``message`` output item."""
        out: list[Segment] = []
        for i, item in enumerate(get(response, "output") or ()):
            if get(item, "type") != "message":
                continue
            for j, part in enumerate(get(item, "content") or ()):
                text = get(part, "text")
                if get(part, "type") == "output_text" and isinstance(text, str):
                    out.append(Segment(("output", i, "content", j, "text"), text, "assistant"))
        return tuple(out)

    def event_kind(self, event: Any) -> EventKind:
        """Delta events are text; done/completed events are final."""
        kind = get(event, "type")
        if kind == "response.output_text.delta":
            return "text"
        if kind in _RESPONSES_FINAL:
            return "final"
        return "pass"

    def event_text(self, event: Any) -> str:
        """``delta``."""
        delta = get(event, "delta")
        return delta if isinstance(delta, str) else ""

    def with_event_text(self, event: Any, text: str, snapshot: str) -> tuple[Any, ...]:
        """A copy of the delta event carrying ``text``."""
        return (replaced(event, ("delta",), text),)

    def with_final_text(self, event: Any, text: str) -> Any:
        """Replace ``text`` of a done event, or the answer parts of a completed response."""
        kind = get(event, "type")
        if kind == "response.output_text.done":
            return replaced(event, ("text",), text)
        if kind == "response.content_part.done":
            if get(get(event, "part"), "type") == "output_text":
                return replaced(event, ("part", "text"), text)
            return event
        if kind == "response.output_item.done":
            item = get(event, "item")
            if get(item, "type") != "message":
                return event
            wrapper = {"output": [item]}
            if not self.response_segments(wrapper):
                return event
            return replaced(event, ("item",), put_answer(self, wrapper, text)["output"][0])
        response = get(event, "response")
        if not self.response_segments(response):
            return event
        return replaced(event, ("response",), put_answer(self, response, text))

    def split_text_event(self, event: Any) -> tuple[Any, Any]:
        """Text events carry nothing that must come after the text."""
        return event, None

    def _payload(self, message: str, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": "resp_guard_refusal",
            "object": "response",
            "created_at": float(int(time.time())),
            "model": str(kwargs.get("model", "")),
            "status": "completed",
            "output": [
                {
                    "id": "msg_guard_refusal",
                    "type": "message",
                    "role": "assistant",
                    "status": "completed",
                    "content": [
                        {"type": "refusal", "refusal": message},
                        {"type": "output_text", "text": message, "annotations": []},
                    ],
                }
            ],
            "parallel_tool_calls": False,
            "tool_choice": "auto",
            "tools": [],
            "usage": None,
        }

    def refusal(self, message: str, kwargs: Mapping[str, Any]) -> Any:
        """A ``Response``-shaped refusal (a ``refusal`` part and an ``output_text`` part)."""
        obj = build_sdk_object("openai.types.responses", "Response", self._payload(message, kwargs))
        if isinstance(obj, SDKObject):
            obj.output_text = message  # type: ignore[attr-defined]  # mirrors the SDK property
        return obj

    # -- tool calls (read by the guard through getattr; not part of the Adapter protocol) ----

    def tool_calls(self, response: Any) -> tuple[tuple[Path, ToolCall], ...]:
        """The ``function_call`` items of ``output``."""
        out: list[tuple[Path, ToolCall]] = []
        for i, item in enumerate(get(response, "output") or ()):
            if get(item, "type") != "function_call":
                continue
            args = get(item, "arguments")
            call = ToolCall(
                str(get(item, "name") or ""),
                args if isinstance(args, str) else "",
                get(item, "call_id"),
            )
            out.append((("output", i), call))
        return tuple(out)

    def with_tool_arguments(self, response: Any, path: Path, arguments: str) -> Any:
        """The response with one call's arguments replaced."""
        return replaced(response, (*path, "arguments"), arguments)

    def without_tool_calls(self, response: Any, paths: Sequence[Path], message: str) -> Any:
        """The response without the ``function_call`` items at ``paths``."""
        drop = {p[1] for p in paths}
        items = get(response, "output") or ()
        return replaced(response, ("output",), [it for i, it in enumerate(items) if i not in drop])

    _TOOL_EVENTS = frozenset(
        {"response.function_call_arguments.delta", "response.function_call_arguments.done"}
    )

    def tool_key(self, event: Any, held: Mapping[Any, Any]) -> Any:
        """The ``output_index`` of the function call an event belongs to, or ``None``."""
        kind = get(event, "type")
        if kind in ("response.output_item.added", "response.output_item.done"):
            item_type = get(get(event, "item"), "type")
            return get(event, "output_index") if item_type == "function_call" else None
        return get(event, "output_index") if kind in self._TOOL_EVENTS else None

    def stream_tool_call(self, events: Sequence[Any]) -> ToolCall:
        """One streamed function call assembled from its events."""
        name, call_id, parts, whole = "", None, [], None
        for event in events:
            kind = get(event, "type")
            item = get(event, "item")
            name = name or str(get(item, "name") or get(event, "name") or "")
            call_id = call_id or get(item, "call_id")
            if kind == "response.function_call_arguments.delta":
                parts.append(str(get(event, "delta") or ""))
            elif kind == "response.function_call_arguments.done":
                whole = get(event, "arguments")
            elif kind == "response.output_item.done" and whole is None:
                whole = get(item, "arguments")
        text = whole if isinstance(whole, str) else "".join(parts)
        return ToolCall(name, text, call_id)

    def rebuild_tool_events(self, events: Sequence[Any], arguments: str) -> tuple[Any, ...]:
        """The call's events with its (checked) arguments: one delta, the done events."""
        out: list[Any] = []
        delta_sent = False
        for event in events:
            kind = get(event, "type")
            if kind == "response.function_call_arguments.delta":
                if not delta_sent:
                    out.append(replaced(event, ("delta",), arguments))
                    delta_sent = True
            elif kind == "response.function_call_arguments.done":
                out.append(replaced(event, ("arguments",), arguments))
            elif kind == "response.output_item.done":
                out.append(replaced(event, ("item", "arguments"), arguments))
            else:
                out.append(event)
        return tuple(out)

    def reindexed(self, event: Any, removed: Sequence[Any]) -> Any:
        """The event with its ``output_index`` moved down past the removed calls."""
        index = get(event, "output_index")
        if not isinstance(index, int):
            return event
        shift = sum(1 for r in removed if isinstance(r, int) and r < index)
        return replaced(event, ("output_index",), index - shift) if shift else event

    def tool_path(self, key: Any) -> Path:
        """Where a streamed call (by ``output_index``) sits in the final response."""
        return ("output", key)

    def final_tool_target(self, event: Any) -> Path | None:
        """The whole response inside a final event, whose calls get the verdicts too."""
        if get(event, "type") in ("response.completed", "response.incomplete", "response.failed"):
            return ("response",)
        return None

    def _events(
        self,
        text: str,
        kwargs: Mapping[str, Any],
        ids: Mapping[str, Any],
        seq: int,
        started: Any = None,
    ) -> tuple[Any, ...]:
        """The closing events of a message item whose whole text is ``text``.

        ``started`` is the response of the stream's ``response.created`` event, if any: the
        completed response keeps its identity (the SDK's helper checks it).
        """
        mod = "openai.types.responses"
        part = {"type": "output_text", "text": text, "annotations": []}
        item = {
            "id": ids["item_id"],
            "type": "message",
            "role": "assistant",
            "status": "completed",
            "content": [part],
        }
        dump = getattr(started, "model_dump", None)
        # exclude_unset: what the server sent, not defaults the SDK filled in as None.
        response = dict(dump(exclude_unset=True)) if callable(dump) else self._payload(text, kwargs)
        # The upstream's usage was never received (the stream was cut): none is reported.
        response["status"], response["output"], response["usage"] = "completed", [item], None
        return (
            build_sdk_object(
                mod,
                "ResponseTextDoneEvent",
                {
                    "type": "response.output_text.done",
                    "sequence_number": seq,
                    "text": text,
                    "logprobs": [],
                    **ids,
                },
            ),
            build_sdk_object(
                mod,
                "ResponseContentPartDoneEvent",
                {
                    "type": "response.content_part.done",
                    "sequence_number": seq + 1,
                    "part": part,
                    **ids,
                },
            ),
            build_sdk_object(
                mod,
                "ResponseOutputItemDoneEvent",
                {
                    "type": "response.output_item.done",
                    "sequence_number": seq + 2,
                    "output_index": ids["output_index"],
                    "item": item,
                },
            ),
            build_sdk_object(
                mod,
                "ResponseCompletedEvent",
                {"type": "response.completed", "sequence_number": seq + 3, "response": response},
            ),
        )

    def stream_refusal(
        self,
        template: Any,
        text: str,
        message: str,
        kwargs: Mapping[str, Any],
        head: Sequence[Any] = (),
    ) -> tuple[Any, ...]:
        """After a block mid-stream: a refusal delta, the done events, ``response.completed``.

        The done events and the completed response carry the whole text the consumer received.
        """
        seq = get(template, "sequence_number")
        seq = seq + 1 if isinstance(seq, int) else 0
        ids = {
            "item_id": get(template, "item_id") or "msg_guard_refusal",
            "output_index": get(template, "output_index") or 0,
            "content_index": get(template, "content_index") or 0,
        }
        started = next(
            (get(e, "response") for e in head if get(e, "type") == "response.created"), None
        )
        delta = replaced(replaced(template, ("delta",), message), ("sequence_number",), seq)
        return (delta, *self._events(text, kwargs, ids, seq + 1, started))

    def refusal_events(self, message: str, kwargs: Mapping[str, Any]) -> tuple[Any, ...]:
        """The event sequence of a one-message refusal.

        From ``response.created`` to ``response.completed``, as the SDK's helpers expect.
        """
        mod = "openai.types.responses"
        ids = {"item_id": "msg_guard_refusal", "output_index": 0, "content_index": 0}
        started = self._payload("", kwargs)
        started["status"], started["output"] = "in_progress", []
        item = {
            "id": ids["item_id"],
            "type": "message",
            "role": "assistant",
            "status": "in_progress",
            "content": [],
        }
        head = (
            build_sdk_object(
                mod,
                "ResponseCreatedEvent",
                {"type": "response.created", "sequence_number": 0, "response": started},
            ),
            build_sdk_object(
                mod,
                "ResponseOutputItemAddedEvent",
                {
                    "type": "response.output_item.added",
                    "sequence_number": 1,
                    "output_index": 0,
                    "item": item,
                },
            ),
            build_sdk_object(
                mod,
                "ResponseContentPartAddedEvent",
                {
                    "type": "response.content_part.added",
                    "sequence_number": 2,
                    "part": {"type": "output_text", "text": "", "annotations": []},
                    **ids,
                },
            ),
            build_sdk_object(
                mod,
                "ResponseTextDeltaEvent",
                {
                    "type": "response.output_text.delta",
                    "sequence_number": 3,
                    "delta": message,
                    "logprobs": [],
                    **ids,
                },
            ),
        )
        return (*head, *self._events(message, kwargs, ids, 4))


# -- Anthropic messages -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnthropicMessagesAdapter:
    """Anthropic messages (``messages.create`` and the ``messages.stream`` helper).

    Untrusted: message content by role (a string or ``text`` blocks), ``tool_result`` blocks (role
    ``tool``) and text ``document`` blocks (role ``document``). ``system`` (a string or text blocks)
    is the system prompt. Answers: ``content[*].text`` of text blocks. Stream:
    ``content_block_delta`` events with a ``text_delta``; the helper's ``text`` events are re-made
    from the released text; the helper's ``content_block_stop`` / ``message_stop`` snapshots are
    rewritten at the end.
    """

    name: str = "anthropic.messages"

    def read_request(
        self, args: tuple[Any, ...], kwargs: Mapping[str, Any], roles: frozenset[str]
    ) -> RequestView:
        """``system`` and ``messages``."""
        system = kwargs.get("system")
        segments: list[Segment] = []
        for i, msg in enumerate(kwargs.get("messages") or ()):
            role = str(get(msg, "role", ""))
            content = get(msg, "content")
            base: Path = ("messages", i, "content")
            if isinstance(content, str):
                if role in roles:
                    segments.append(Segment(base, content, role))
                continue
            for j, block in enumerate(content or ()):
                kind = get(block, "type")
                if kind == "text" and role in roles:
                    segments.append(Segment((*base, j, "text"), str(get(block, "text")), role))
                elif kind == "tool_result" and "tool" in roles:
                    segments.extend(
                        _parts((*base, j, "content"), get(block, "content"), "tool", ("text",))
                    )
                elif kind == "document" and "document" in roles:
                    source = get(block, "source")
                    data = get(source, "data")
                    if get(source, "type") == "text" and isinstance(data, str):
                        segments.append(Segment((*base, j, "source", "data"), data, "document"))
        return RequestView(
            tuple(segments),
            _text_of(system) if system else None,
            _stream_flag(kwargs),
        )

    def response_segments(self, response: Any) -> tuple[Segment, ...]:
        """``content[j].text`` of text blocks."""
        out: list[Segment] = []
        for j, block in enumerate(get(response, "content") or ()):
            text = get(block, "text")
            if get(block, "type") == "text" and isinstance(text, str):
                out.append(Segment(("content", j, "text"), text, "assistant"))
        return tuple(out)

    def event_kind(self, event: Any) -> EventKind:
        """Text deltas are text; helper text events are re-made; helper snapshots are final."""
        kind = get(event, "type")
        if kind == "content_block_delta":
            return "text" if get(get(event, "delta"), "type") == "text_delta" else "pass"
        if kind in ("text", "input_json"):
            # Re-made from the released text / dropped: the helper's ``input_json`` events carry
            # partial tool input before it is checked (the checked block comes whole at its end).
            return "drop"
        if kind == "content_block_stop" and get(event, "content_block") is not None:
            return "final"
        if kind == "message_stop" and get(event, "message") is not None:
            return "final"
        return "pass"

    def event_text(self, event: Any) -> str:
        """``delta.text``."""
        text = lookup(event, ("delta", "text"))
        return text if isinstance(text, str) else ""

    def with_event_text(self, event: Any, text: str, snapshot: str) -> tuple[Any, ...]:
        """A copy of the delta event, plus a helper ``text`` event when the stream is a helper's."""
        return (replaced(event, ("delta", "text"), text),)

    def with_final_text(self, event: Any, text: str) -> Any:
        """Rewrite the helper's snapshots with the checked text."""
        if get(event, "type") == "content_block_stop":
            block = get(event, "content_block")
            if get(block, "type") == "text":
                return replaced(event, ("content_block", "text"), text)
            return event
        message = get(event, "message")
        if not self.response_segments(message):
            return event
        return replaced(event, ("message",), put_answer(self, message, text))

    def split_text_event(self, event: Any) -> tuple[Any, Any]:
        """Text events carry nothing that must come after the text."""
        return event, None

    # -- tool calls (read by the guard through getattr; not part of the Adapter protocol) ----

    def tool_calls(self, response: Any) -> tuple[tuple[Path, ToolCall], ...]:
        """The ``tool_use`` blocks of ``content`` (``input`` serialized as JSON)."""
        out: list[tuple[Path, ToolCall]] = []
        for j, block in enumerate(get(response, "content") or ()):
            if get(block, "type") != "tool_use":
                continue
            arguments = _json_text(get(block, "input"))
            out.append(
                (
                    ("content", j),
                    ToolCall(str(get(block, "name") or ""), arguments, get(block, "id")),
                )
            )
        return tuple(out)

    def with_tool_arguments(self, response: Any, path: Path, arguments: str) -> Any:
        """The response with one block's ``input`` replaced (``arguments`` must be JSON)."""
        return replaced(response, (*path, "input"), json.loads(arguments))

    def without_tool_calls(self, response: Any, paths: Sequence[Path], message: str) -> Any:
        """The response without the ``tool_use`` blocks at ``paths``.

        ``stop_reason`` becomes ``end_turn`` when no call is left; an emptied answer gets
        ``message``.
        """
        drop = {p[1] for p in paths}
        blocks = get(response, "content") or ()
        kept = [b for j, b in enumerate(blocks) if j not in drop]
        if not any(get(b, "type") == "tool_use" for b in kept):
            if get(response, "stop_reason") == "tool_use":
                response = replaced(response, ("stop_reason",), "end_turn")
            if not any(get(b, "type") == "text" and get(b, "text") for b in kept):
                text = build_sdk_object(
                    "anthropic.types", "TextBlock", {"type": "text", "text": message}
                )
                kept.append(text)
        return replaced(response, ("content",), kept)

    def tool_key(self, event: Any, held: Mapping[Any, Any]) -> Any:
        """The index of the ``tool_use`` block an event belongs to, or ``None``."""
        kind = get(event, "type")
        index = get(event, "index")
        if kind == "content_block_start":
            return index if get(get(event, "content_block"), "type") == "tool_use" else None
        if kind == "content_block_delta":
            return index if get(get(event, "delta"), "type") == "input_json_delta" else None
        if kind == "content_block_stop" and index in held:
            return index
        return None

    def stream_tool_call(self, events: Sequence[Any]) -> ToolCall:
        """One streamed ``tool_use`` block assembled from its events."""
        block = get(events[0], "content_block")
        parts = [
            str(lookup(e, ("delta", "partial_json")) or "")
            for e in events
            if get(e, "type") == "content_block_delta"
        ]
        text = "".join(parts) or _json_text(get(block, "input"))
        return ToolCall(str(get(block, "name") or ""), text, get(block, "id"))

    def rebuild_tool_events(self, events: Sequence[Any], arguments: str) -> tuple[Any, ...]:
        """The block's events with its (checked) input: one delta; snapshots rewritten."""
        out: list[Any] = []
        delta_sent = False
        for event in events:
            kind = get(event, "type")
            if kind == "content_block_delta":
                if not delta_sent:
                    out.append(replaced(event, ("delta", "partial_json"), arguments))
                    delta_sent = True
            elif kind == "content_block_stop" and get(event, "content_block") is not None:
                out.append(replaced(event, ("content_block", "input"), json.loads(arguments)))
            else:
                out.append(event)
        return tuple(out)

    def without_tool_finish(self, event: Any) -> Any:
        """A ``tool_use`` stop reason turned into ``end_turn`` (every call was removed)."""
        if get(event, "type") == "message_delta" and lookup(event, ("delta", "stop_reason")) == (
            "tool_use"
        ):
            return replaced(event, ("delta", "stop_reason"), "end_turn")
        return event

    def tool_path(self, key: Any) -> Path:
        """Where a streamed block (by index) sits in the final message."""
        return ("content", key)

    def final_tool_target(self, event: Any) -> Path | None:
        """The helper's ``message_stop`` snapshot, whose calls get the verdicts too."""
        if get(event, "type") == "message_stop" and get(event, "message") is not None:
            return ("message",)
        return None

    def reindexed(self, event: Any, removed: Sequence[Any]) -> Any:
        """The event with its block index moved down past the removed blocks."""
        index = get(event, "index")
        if not isinstance(index, int):
            return event
        shift = sum(1 for r in removed if isinstance(r, int) and r < index)
        return replaced(event, ("index",), index - shift) if shift else event

    def _message(self, message: str, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": "msg_guard_refusal",
            "type": "message",
            "role": "assistant",
            "model": str(kwargs.get("model", "")),
            "content": [{"type": "text", "text": message}],
            "stop_reason": "refusal",
            "stop_sequence": None,
            "usage": {"input_tokens": 0, "output_tokens": 0},
        }

    def refusal(self, message: str, kwargs: Mapping[str, Any]) -> Any:
        """A ``Message``-shaped refusal (``stop_reason="refusal"``)."""
        return build_sdk_object("anthropic.types", "Message", self._message(message, kwargs))

    def _closing(self, index: int, text: str) -> tuple[Any, ...]:
        mod = "anthropic.types"
        return (
            build_sdk_object(
                mod, "RawContentBlockStopEvent", {"type": "content_block_stop", "index": index}
            ),
            build_sdk_object(
                mod,
                "RawMessageDeltaEvent",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "refusal", "stop_sequence": None},
                    "usage": {"output_tokens": 0},
                },
            ),
            build_sdk_object(mod, "RawMessageStopEvent", {"type": "message_stop"}),
        )

    def stream_refusal(
        self,
        template: Any,
        text: str,
        message: str,
        kwargs: Mapping[str, Any],
        head: Sequence[Any] = (),
    ) -> tuple[Any, ...]:
        """After a block mid-stream: a refusal delta and the closing events.

        ``content_block_stop``, ``message_delta`` (``stop_reason="refusal"``), ``message_stop``.
        """
        index = get(template, "index")
        return (
            *self.with_event_text(template, message, text),
            *self._closing(index if isinstance(index, int) else 0, text),
        )

    def refusal_events(self, message: str, kwargs: Mapping[str, Any]) -> tuple[Any, ...]:
        """The raw event sequence of a one-block refusal."""
        start = self._message("", kwargs)
        start["content"] = []
        mod = "anthropic.types"
        return (
            build_sdk_object(
                mod, "RawMessageStartEvent", {"type": "message_start", "message": start}
            ),
            build_sdk_object(
                mod,
                "RawContentBlockStartEvent",
                {
                    "type": "content_block_start",
                    "index": 0,
                    "content_block": {"type": "text", "text": ""},
                },
            ),
            build_sdk_object(
                mod,
                "RawContentBlockDeltaEvent",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": message},
                },
            ),
            build_sdk_object(
                mod, "RawContentBlockStopEvent", {"type": "content_block_stop", "index": 0}
            ),
            build_sdk_object(
                mod,
                "RawMessageDeltaEvent",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "refusal", "stop_sequence": None},
                    "usage": {"output_tokens": 0},
                },
            ),
            build_sdk_object(mod, "RawMessageStopEvent", {"type": "message_stop"}),
        )


@dataclass(frozen=True, slots=True)
class AnthropicHelperStreamAdapter(AnthropicMessagesAdapter):
    """``messages.stream`` helper events: also re-makes the helper's ``text`` events."""

    name: str = "anthropic.messages.stream"

    def _closing(self, index: int, text: str) -> tuple[Any, ...]:
        stop, *rest = AnthropicMessagesAdapter._closing(self, index, text)
        block = {"type": "text", "text": text}
        return (
            replaced(
                stop, ("content_block",), build_sdk_object("anthropic.types", "TextBlock", block)
            ),
            *rest,
        )

    def with_event_text(self, event: Any, text: str, snapshot: str) -> tuple[Any, ...]:
        """The delta event and a ``text`` event with the released text and snapshot."""
        delta = replaced(event, ("delta", "text"), text)
        helper = build_sdk_object(
            "anthropic.lib.streaming._types",
            "TextEvent",
            {"type": "text", "text": text, "snapshot": snapshot},
        )
        return (delta, helper)
