"""Guarded ``with_raw_response`` / ``with_streaming_response`` views of the SDK resources.

Frameworks (langchain-openai among them) call ``resource.with_raw_response.create(...)`` and then
``.parse()`` to read headers along with the answer. The views here check the request before the
call, like ``create``, and return a response whose ``parse()`` gives the checked answer (a checked
stream for ``stream=True``). The raw body readers (``text``, ``content``, ``json()``, ``iter_*``)
would hand out the unchecked answer, so they fail closed with ``ConfigurationError``; headers,
status and the HTTP response object pass through. A request blocked before the call returns a
``RefusalResponse`` whose ``parse()`` gives the refusal (or raises, per ``on_block``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

from genai_guard.errors import ConfigurationError
from genai_guard.integrations._guard import Guard, Prepared
from genai_guard.integrations._streams import AsyncGuardedEventStream, GuardedEventStream

__all__ = ["GuardedAPIResponse", "RawResource", "RefusalResponse"]

# Re-shapes a checked answer for ``parse`` calls (re-parses the structured output); None for create.
Reshape = Callable[[Any, Mapping[str, Any]], Any]

_BODY_READERS = frozenset(
    {
        "content",
        "text",
        "json",
        "read",
        "aread",
        "iter_bytes",
        "iter_text",
        "iter_lines",
        "iter_raw",
        "aiter_bytes",
        "aiter_text",
        "aiter_lines",
        "aiter_raw",
        "write_to_file",
        "stream_to_file",
    }
)

_UNSET = object()


def _is_async_stream(value: Any) -> bool:
    return hasattr(value, "__aiter__") and not hasattr(value, "__iter__")


class GuardedAPIResponse:
    """An SDK raw response whose ``parse()`` returns the checked answer.

    ``parse()`` is sync or async exactly as the SDK response's own. Not thread-safe.
    """

    def __init__(self, raw: Any, guard: Guard, prepared: Prepared, reshape: Reshape | None) -> None:
        self._raw = raw
        self._guard = guard
        self._prepared = prepared
        self._reshape = reshape
        self._parsed: Any = _UNSET

    @property
    def http_response(self) -> Any:
        """The SDK's HTTP response object (headers, status; its body is the unchecked answer)."""
        return self._raw.http_response

    def _finish(self, value: Any) -> Any:
        if self._prepared.stream:
            if _is_async_stream(value):
                return AsyncGuardedEventStream(value, self._guard, self._prepared)
            return GuardedEventStream(value, self._guard, self._prepared)
        out = self._guard.finish(value, self._prepared)
        return out if self._reshape is None else self._reshape(out, self._prepared.kwargs)

    async def _afinish(self, pending: Any) -> Any:
        value = await pending
        if self._prepared.stream:
            out: Any = AsyncGuardedEventStream(value, self._guard, self._prepared)
        else:
            out = await self._guard.afinish(value, self._prepared)
            if self._reshape is not None:
                out = self._reshape(out, self._prepared.kwargs)
        self._parsed = out
        return out

    def parse(self, **kwargs: Any) -> Any:
        """The checked answer (a checked stream for ``stream=True``); cached like the SDK's."""
        if kwargs:
            raise ConfigurationError(
                "parse(to=...) would read the unchecked body into another type; "
                "call parse() without arguments"
            )
        if self._parsed is not _UNSET:
            return self._parsed
        value = self._raw.parse()
        if inspect.isawaitable(value):
            return self._afinish(value)
        self._parsed = self._finish(value)
        return self._parsed

    def __getattr__(self, name: str) -> Any:
        if name in _BODY_READERS:
            raise ConfigurationError(
                f"{name} would return the unchecked response body; use parse() for the checked "
                "answer, or GuardedClient.unwrapped explicitly"
            )
        return getattr(self._raw, name)


class _NoHeaders(dict[str, str]):
    """Empty headers of a response that was never sent."""


class RefusalResponse:
    """The raw-response view of a request blocked before the call: ``parse()`` is the refusal.

    Nothing was sent, so ``headers`` is empty and ``http_response`` is ``None``.
    """

    def __init__(self, value: Any, *, is_async: bool) -> None:
        self._value = value
        self._is_async = is_async
        self.headers: dict[str, str] = _NoHeaders()
        self.http_response: Any = None
        self.request_id: str | None = None
        self.status_code = 200
        self.retries_taken = 0

    def parse(self, **kwargs: Any) -> Any:
        """The refusal (awaitable when the SDK's ``parse()`` is)."""
        if self._is_async:

            async def value() -> Any:
                return self._value

            return value()
        return self._value

    def close(self) -> None:
        """Nothing to close."""


class _ResponseManager:
    """``with_streaming_response.create(...)``: a context manager yielding the checked response."""

    def __init__(self, owner: RawResource, fn: Any, args: Any, kwargs: Any, reshape: Any) -> None:
        self._owner, self._fn, self._args, self._kwargs = owner, fn, args, kwargs
        self._reshape = reshape
        self._manager: Any = None

    def __enter__(self) -> Any:
        guard = self._owner.guard
        prepared = guard.prepare(self._args, self._kwargs)
        if prepared.prompt.blocked:
            return self._owner.refused(
                prepared, self._kwargs, is_async=False, reshape=self._reshape
            )
        self._manager = self._fn(*prepared.args, **prepared.kwargs)
        return GuardedAPIResponse(self._manager.__enter__(), guard, prepared, self._reshape)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._manager is not None:
            self._manager.__exit__(exc_type, exc, tb)

    async def __aenter__(self) -> Any:
        guard = self._owner.guard
        prepared = await guard.aprepare(self._args, self._kwargs)
        if prepared.prompt.blocked:
            return self._owner.refused(prepared, self._kwargs, is_async=True, reshape=self._reshape)
        self._manager = self._fn(*prepared.args, **prepared.kwargs)
        upstream = await self._manager.__aenter__()
        return GuardedAPIResponse(upstream, guard, prepared, self._reshape)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._manager is not None:
            await self._manager.__aexit__(exc_type, exc, tb)


class RawResource:
    """``resource.with_raw_response`` or ``.with_streaming_response``, guarded.

    ``create`` (and ``parse`` where the resource has a re-shaper for it) are checked; names the
    guarded resource refuses stay refused; the rest pass through.
    """

    def __init__(
        self,
        target: Any,
        guard: Guard,
        *,
        streaming: bool,
        is_async: bool,
        refused: frozenset[str],
        reshape: Reshape | None,
    ) -> None:
        self._target = target
        self.guard = guard
        self._streaming = streaming
        self._is_async = is_async
        self._refused = refused
        self._reshape = reshape

    def refused(
        self,
        prepared: Prepared,
        kwargs: Mapping[str, Any],
        *,
        is_async: bool,
        reshape: Reshape | None,
    ) -> Any:
        """Raise ``GuardBlocked`` or return the refusal as a raw response."""
        value = self.guard.blocked(
            prepared.prompt, kwargs, stream=prepared.stream, is_async=is_async
        )
        if reshape is not None and not prepared.stream:
            value = reshape(value, kwargs)
        if is_async and not self._streaming:
            # The async client's with_raw_response returns the legacy response: sync parse().
            return RefusalResponse(value, is_async=False)
        return RefusalResponse(value, is_async=is_async)

    def _call(self, fn: Any, args: Any, kwargs: Any, reshape: Reshape | None) -> Any:
        if self._streaming:
            return _ResponseManager(self, fn, args, kwargs, reshape)
        if self._is_async:
            return self._acall(fn, args, kwargs, reshape)
        prepared = self.guard.prepare(args, kwargs)
        if prepared.prompt.blocked:
            return self.refused(prepared, kwargs, is_async=False, reshape=reshape)
        raw = fn(*prepared.args, **prepared.kwargs)
        return GuardedAPIResponse(raw, self.guard, prepared, reshape)

    async def _acall(self, fn: Any, args: Any, kwargs: Any, reshape: Reshape | None) -> Any:
        prepared = await self.guard.aprepare(args, kwargs)
        if prepared.prompt.blocked:
            return self.refused(prepared, kwargs, is_async=True, reshape=reshape)
        raw = await fn(*prepared.args, **prepared.kwargs)
        return GuardedAPIResponse(raw, self.guard, prepared, reshape)

    def create(self, *args: Any, **kwargs: Any) -> Any:
        """The SDK's raw ``create``, request checked; ``parse()`` gives the checked answer."""
        return self._call(self._target.create, args, kwargs, None)

    def parse(self, *args: Any, **kwargs: Any) -> Any:
        """The SDK's raw ``parse`` (structured outputs), checked like ``create``."""
        if self._reshape is None:
            raise ConfigurationError("parse is not guarded on this resource")
        return self._call(self._target.parse, args, kwargs, self._reshape)

    def __getattr__(self, name: str) -> Any:
        if name in self._refused:
            raise ConfigurationError(
                f"{name} is not guarded (it would bypass the checks); use the unwrapped "
                "client (GuardedClient.unwrapped) explicitly if you really need it"
            )
        return getattr(self._target, name)
