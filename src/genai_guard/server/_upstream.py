"""The upstream OpenAI-compatible API, called with httpx (JSON and server-sent events).

Every read is bounded: a whole answer by ``max_response_bytes``, a streamed answer by the same
total and each event line by ``MAX_LINE_BYTES``. Failures become ``UpstreamError`` with the HTTP
status the server answers and an OpenAI-style error body; nothing here logs a body.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx

from genai_guard.errors import GuardError

__all__ = ["MAX_LINE_BYTES", "SSEStream", "Upstream", "UpstreamError", "error_body"]

MAX_LINE_BYTES = 1_048_576
_FORWARDED = ("openai-organization", "openai-project", "anthropic-version", "anthropic-beta")


def error_body(message: str, kind: str, code: str | None = None, **extra: Any) -> dict[str, Any]:
    """An OpenAI-style error body (``{"error": {"message", "type", "code", "param"}}``)."""
    return {"error": {"message": message, "type": kind, "code": code, "param": None, **extra}}


class UpstreamError(GuardError):
    """The upstream failed, timed out, or answered with an error or an oversized body.

    Attributes:
        status: HTTP status for the caller (the upstream's own for its error answers).
        body: OpenAI-style error body for the caller.
    """

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(str(body.get("error", {}).get("type", "upstream_error")))
        self.status = status
        self.body = body


def _unavailable(exc: httpx.HTTPError) -> UpstreamError:
    if isinstance(exc, httpx.TimeoutException):
        return UpstreamError(
            504, error_body("the upstream timed out", "upstream_timeout", type(exc).__name__)
        )
    return UpstreamError(
        502,
        error_body("the upstream cannot be reached", "upstream_unavailable", type(exc).__name__),
    )


class SSEStream:
    """The ``data:`` events of an upstream stream, parsed, until ``[DONE]``; close it when done.

    Iterates JSON objects; ``first`` is the first one read (its id and model name a refusal
    chunk). ``close()`` (a coroutine) closes the HTTP response at once, which is how a stopped
    stream stops the upstream. Not shared between tasks.
    """

    def __init__(self, response: httpx.Response, max_bytes: int) -> None:
        self._response = response
        self._max_bytes = max_bytes
        self._events = self._run()
        self.first: dict[str, Any] | None = None

    async def _lines(self) -> AsyncIterator[bytes]:
        buffer = b""
        total = 0
        chunks = self._response.aiter_bytes()
        while True:
            try:
                chunk = await anext(chunks)
            except StopAsyncIteration:
                break
            except httpx.HTTPError as exc:
                raise _unavailable(exc) from exc
            total += len(chunk)
            if total > self._max_bytes:
                raise UpstreamError(
                    502, error_body("the upstream stream is too long", "upstream_too_large")
                )
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                yield line.rstrip(b"\r")
            if len(buffer) > MAX_LINE_BYTES:
                raise UpstreamError(
                    502, error_body("an upstream event is too long", "upstream_too_large")
                )
        if buffer:
            yield buffer.rstrip(b"\r")

    async def _run(self) -> AsyncIterator[dict[str, Any]]:
        async for line in self._lines():
            if not line.startswith(b"data:"):
                continue  # comments, event names, blank separators
            data = line[5:].strip()
            if data == b"[DONE]":
                return
            event = _object(data, not_json=_BAD_EVENT, not_object=_BAD_EVENT)
            if "error" in event:
                raise UpstreamError(502, error_body("the upstream stream failed", "upstream_error"))
            if self.first is None:
                self.first = event
            yield event

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self._events

    async def close(self) -> None:
        """Close the HTTP response (and so the upstream's stream)."""
        await self._response.aclose()


class Upstream:
    """One connection pool to the upstream base URL. Safe to share between tasks.

    Args:
        base_url: Base URL, ``/v1`` included.
        api_key: Key sent to the upstream; ``None`` passes the caller's ``Authorization``.
        timeout_seconds: Connect and read time-out.
        max_response_bytes: Bound of every answer read.
        max_connections: Pool size.
        transport: An httpx transport (tests, benchmarks); the default opens real connections.
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout_seconds: float = 60.0,
        max_response_bytes: int = 8_388_608,
        max_connections: int = 100,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._api_key = api_key
        self._max = max_response_bytes
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + "/",
            timeout=httpx.Timeout(timeout_seconds),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            transport=transport,
            trust_env=False,
            follow_redirects=False,
        )

    def headers(self, incoming: Mapping[str, str], *, anthropic: bool = False) -> dict[str, str]:
        """Headers for the upstream: the key (configured or the caller's) and API scoping.

        Anthropic's API takes its key as ``x-api-key``; OpenAI-style APIs as a bearer token.
        """
        out = {"accept": "application/json"}
        if self._api_key is not None:
            if anthropic:
                out["x-api-key"] = self._api_key
            else:
                out["authorization"] = f"Bearer {self._api_key}"
        else:
            for name in ("authorization", "x-api-key"):
                if name in incoming:
                    out[name] = incoming[name]
        for name in _FORWARDED:
            if name in incoming:
                out[name] = incoming[name]
        return out

    async def _read(self, response: httpx.Response) -> bytes:
        body = b""
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > self._max:
                raise UpstreamError(
                    502, error_body("the upstream answer is too large", "upstream_too_large")
                )
        return body

    async def _failed(self, response: httpx.Response) -> UpstreamError:
        """The upstream's own error answer, passed on when it is an OpenAI-style error."""
        try:
            raw = await self._read(response)
            body = json.loads(raw)
        except (ValueError, UpstreamError):
            body = None
        if not (isinstance(body, dict) and isinstance(body.get("error"), dict)):
            body = error_body(f"the upstream answered {response.status_code}", "upstream_error")
        return UpstreamError(response.status_code, body)

    async def get_json(self, path: str, headers: Mapping[str, str]) -> dict[str, Any]:
        """``GET path`` as JSON (``models``)."""
        try:
            async with self._client.stream("GET", path, headers=dict(headers)) as response:
                if response.status_code >= 400:
                    raise await self._failed(response)
                return _object(await self._read(response))
        except httpx.HTTPError as exc:
            raise _unavailable(exc) from exc

    async def post_json(
        self, path: str, body: Mapping[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        """``POST path`` with a JSON body; the JSON answer."""
        try:
            async with self._client.stream(
                "POST", path, json=dict(body), headers=dict(headers)
            ) as response:
                if response.status_code >= 400:
                    raise await self._failed(response)
                return _object(await self._read(response))
        except httpx.HTTPError as exc:
            raise _unavailable(exc) from exc

    async def post_stream(
        self, path: str, body: Mapping[str, Any], headers: Mapping[str, str]
    ) -> SSEStream:
        """``POST path`` answered by server-sent events; the open stream (close it)."""
        request = self._client.build_request(
            "POST", path, json=dict(body), headers={**headers, "accept": "text/event-stream"}
        )
        try:
            response = await self._client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise _unavailable(exc) from exc
        if response.status_code >= 400:
            try:
                raise await self._failed(response)
            finally:
                await response.aclose()
        return SSEStream(response, self._max)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()


_BAD_EVENT = "the upstream sent an invalid event"


def _object(
    raw: bytes,
    *,
    not_json: str = "the upstream answer is not JSON",
    not_object: str = "the upstream answer is not an object",
) -> dict[str, Any]:
    """``raw`` as a JSON object, else ``UpstreamError`` 502 with the matching message."""
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise UpstreamError(502, error_body(not_json, "upstream_invalid")) from exc
    if not isinstance(body, dict):
        raise UpstreamError(502, error_body(not_object, "upstream_invalid"))
    return body
