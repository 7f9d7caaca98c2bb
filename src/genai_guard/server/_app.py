"""The ASGI application: an OpenAI-compatible API that guards every call to its upstream.

Routes:

* ``POST /v1/chat/completions``: the request's untrusted messages go through the pipeline's input
  side (masked, checked); a block answers without calling the upstream; otherwise the rewritten
  request goes upstream, and its answer (whole, or streamed as server-sent events) through the
  output side, which restores placeholders and stops a leak mid-stream.
* ``POST /v1/responses`` (OpenAI Responses) and ``POST /v1/messages`` (Anthropic messages):
  guarded the same way through their adapters, whole or streamed (named events).
* ``GET /v1/models`` and ``GET /v1/models/{id}``: passed through.
* ``POST /v1/scan/input`` and ``POST /v1/scan/output``: a decision for one text, for callers that
  are not LLM clients.
* ``GET /healthz`` (the process is up) and ``GET /readyz`` (the pipeline is warm and the upstream
  pool open).

A block answers as the policy's ``on_block`` says: ``raise`` gives HTTP 400 with an OpenAI-style
error of type ``guard_blocked`` (the SDKs raise ``BadRequestError``; mid-stream, an ``error`` event,
which the SDKs raise as ``APIError``); ``refuse`` gives a normal completion with the refusal
message and ``finish_reason="content_filter"``. Every error is an OpenAI-style JSON body. Logs
carry a request id, route, status, action, rule ids and timings, never a prompt, answer or key.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from genai_guard._results import Decision
from genai_guard.context import Context
from genai_guard.errors import ConfigurationError, GuardBlocked, InputError
from genai_guard.integrations import (
    AnthropicMessagesAdapter,
    AsyncGuardedEventStream,
    Guard,
    OpenAIChatAdapter,
    OpenAIResponsesAdapter,
)
from genai_guard.server._config import ServerConfig
from genai_guard.server._upstream import SSEStream, Upstream, UpstreamError, error_body

__all__ = ["audited", "create_app"]

logger = logging.getLogger(__name__)

MAX_ID_CHARS = 256
_Handler = Callable[[Request], Awaitable[Response]]


class _Problem(Exception):
    """A request the server refuses, with its status and OpenAI-style body."""

    def __init__(self, status: int, message: str, kind: str, code: str | None = None) -> None:
        super().__init__(kind)
        self.status = status
        self.body = error_body(message, kind, code)


def _plain(obj: Any) -> Any:
    """A JSON-ready form of a response or event (dicts pass, SDK-like objects are dumped)."""
    if isinstance(obj, Mapping):
        return obj
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        return dump()
    raise TypeError(f"cannot serialize {type(obj).__name__}")


def _json(obj: Any) -> bytes:
    return json.dumps(_plain(obj), ensure_ascii=False, separators=(",", ":")).encode()


def _sse(obj: Any) -> bytes:
    return b"data: " + _json(obj) + b"\n\n"


def _error(status: int, body: dict[str, Any], **headers: str) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers or None)


async def _read_json(request: Request, limit: int) -> dict[str, Any]:
    """The request body as a JSON object, at most ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _Problem(413, f"the request body exceeds {limit} bytes", "request_too_large")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > limit:
            raise _Problem(413, f"the request body exceeds {limit} bytes", "request_too_large")
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise _Problem(400, "the request body is not JSON", "invalid_request_error") from exc
    if not isinstance(body, dict):
        raise _Problem(400, "the request body must be a JSON object", "invalid_request_error")
    return body


def _bounded_id(value: Any, name: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_ID_CHARS:
        raise _Problem(
            400,
            f"{name} must be a string of at most {MAX_ID_CHARS} characters",
            "invalid_request_error",
        )
    return value


def _key_id(headers: Mapping[str, str]) -> str | None:
    """A stable, non-reversible id of the caller's API key (for per-key limits and audit)."""
    auth = headers.get("authorization", "")
    token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
    if not token:
        return None
    return "key-" + hashlib.sha256(token.encode()).hexdigest()[:24]


def _context(request: Request, body: Mapping[str, Any]) -> Context:
    """Conversation and user of one request: ``X-Conversation-Id``, ``X-User-Id`` or ``user``."""
    conversation = _bounded_id(request.headers.get("x-conversation-id"), "X-Conversation-Id")
    user = _bounded_id(request.headers.get("x-user-id") or body.get("user"), "X-User-Id")
    key = _key_id(request.headers)
    return Context(
        user_id=user,
        conversation_id=conversation,
        metadata={"api_key": key} if key is not None else {},
    )


def _refusal_completion(message: str, model: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-guard-{uuid.uuid4().hex[:20]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
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


def _refusal_chunk(message: str, template: Mapping[str, Any] | None, model: str) -> dict[str, Any]:
    base = template or {}
    return {
        "id": base.get("id") or f"chatcmpl-guard-{uuid.uuid4().hex[:20]}",
        "object": "chat.completion.chunk",
        "created": base.get("created") or int(time.time()),
        "model": base.get("model") or model,
        "choices": [
            {
                "index": 0,
                "delta": {"role": "assistant", "content": message},
                "finish_reason": "content_filter",
                "logprobs": None,
            }
        ],
    }


def _blocked_error(decision: Decision, where: str) -> dict[str, Any]:
    return error_body(
        f"the guard policy blocked the {where}",
        "guard_blocked",
        "content_filter",
        rule_ids=list(decision.rule_ids),
    )


@dataclass(frozen=True, slots=True)
class _Api:
    """One of the other guarded APIs: its upstream path, guard, and error shape."""

    path: str
    guard: Guard
    anthropic: bool

    def error(self, body: dict[str, Any]) -> dict[str, Any]:
        """``body`` (OpenAI-style) in this API's error shape (Anthropic adds ``type: error``)."""
        return {"type": "error", **body} if self.anthropic else body


def _unavailable(decision: Decision) -> Response | None:
    """A 503 when a block came from failing stages rather than from what the text says."""
    failed = sorted({type(r.error).__name__ for r in decision.results if r.error is not None})
    if not failed or decision.rule_ids:
        return None
    # A vault or limiter store is down: an outage the caller may retry, not a refusal.
    return _error(
        503,
        error_body("a guard stage is unavailable", "guard_unavailable", ",".join(failed)),
        **{"x-guard-action": "block"},
    )


class _GuardApp:
    """The routes' shared state: pipeline, guard, upstream pool. One per application."""

    def __init__(
        self, pipeline: Any, config: ServerConfig, transport: httpx.AsyncBaseTransport | None
    ) -> None:
        self.pipeline = pipeline
        self.config = config
        self.transport = transport
        self.guard = Guard.build(pipeline, OpenAIChatAdapter(), on_block="raise")
        settings = getattr(pipeline, "settings", None)
        self.refuse = getattr(settings, "on_block", "raise") == "refuse"
        self.refusal_message = self.guard.refusal_message
        self.upstream: Upstream | None = None
        self.ready = False
        self.responses_api = _Api(
            "responses", Guard.build(pipeline, OpenAIResponsesAdapter()), anthropic=False
        )
        self.messages_api = _Api(
            "messages", Guard.build(pipeline, AnthropicMessagesAdapter()), anthropic=True
        )

    # -- lifecycle ------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        warm = getattr(self.pipeline, "warm_up", None)
        if callable(warm):
            warm()
        self.upstream = Upstream(
            self.config.upstream_base,
            api_key=self.config.upstream_key(),
            timeout_seconds=self.config.upstream_timeout_seconds,
            max_response_bytes=self.config.max_response_bytes,
            max_connections=self.config.max_connections,
            transport=self.transport,
        )
        self.ready = True
        logger.info("guard server ready (upstream pool open)")
        try:
            yield
        finally:
            self.ready = False
            await self.upstream.aclose()
            logger.info("guard server stopped")

    def _pool(self) -> Upstream:
        if self.upstream is None:
            raise _Problem(503, "the server is not ready", "not_ready")
        return self.upstream

    # -- wrapper --------------------------------------------------------------------------------

    def route(self, name: str, handler: _Handler) -> _Handler:
        """``handler`` with structured errors and one text-free log line per request."""

        async def run(request: Request) -> Response:
            rid = uuid.uuid4().hex[:16]
            request.state.action = None
            request.state.rid = rid
            request.state.rules = ()
            start = time.perf_counter()
            try:
                response = await handler(request)
            except _Problem as exc:
                response = _error(exc.status, exc.body)
            except UpstreamError as exc:
                response = _error(exc.status, exc.body)
            except InputError as exc:
                response = _error(400, error_body(str(exc), "invalid_request_error"))
            except Exception as exc:  # noqa: BLE001 - answered as a structured 500 and logged
                # By type only: an exception's message may quote the prompt or a key.
                logger.error("request %s %s failed: %s", rid, name, type(exc).__name__)
                response = _error(
                    500, error_body("the guard failed", "guard_error", type(exc).__name__)
                )
            response.headers["x-request-id"] = rid
            logger.info(
                "request %s %s status=%d action=%s rules=%s ms=%.2f",
                rid,
                name,
                response.status_code,
                request.state.action,
                list(request.state.rules),
                (time.perf_counter() - start) * 1000,
            )
            return response

        return run

    def _blocked(self, request: Request, decision: Decision, body: Mapping[str, Any]) -> Response:
        request.state.action = "block"
        request.state.rules = decision.rule_ids
        model = str(body.get("model", ""))
        unavailable = _unavailable(decision)
        if unavailable is not None:
            return unavailable
        if not self.refuse:
            return _error(400, _blocked_error(decision, "request"), **{"x-guard-action": "block"})
        if body.get("stream"):
            chunk = _refusal_chunk(self.refusal_message, None, model)
            return StreamingResponse(
                iter((_sse(chunk), b"data: [DONE]\n\n")),
                media_type="text/event-stream",
                headers={"x-guard-action": "block"},
            )
        return JSONResponse(
            _refusal_completion(self.refusal_message, model), headers={"x-guard-action": "block"}
        )

    # -- routes ---------------------------------------------------------------------------------

    async def chat(self, request: Request) -> Response:
        body = await _read_json(request, self.config.max_request_bytes)
        if not isinstance(body.get("messages"), list):
            raise _Problem(400, "messages must be a list", "invalid_request_error")
        guard = dataclasses.replace(self.guard, context=_context(request, body))
        prepared = await guard.aprepare((), body)
        if prepared.prompt.blocked:
            return self._blocked(request, prepared.prompt, body)
        request.state.action = prepared.prompt.action.value
        request.state.rules = prepared.prompt.rule_ids
        upstream = self._pool()
        headers = upstream.headers(request.headers)
        if prepared.stream:
            events = await upstream.post_stream("chat/completions", prepared.kwargs, headers)
            guarded = AsyncGuardedEventStream(events, guard, prepared)
            return StreamingResponse(
                self._stream(request, guarded, events, str(body.get("model", ""))),
                media_type="text/event-stream",
                headers={"cache-control": "no-cache"},
            )
        answer = await upstream.post_json("chat/completions", prepared.kwargs, headers)
        try:
            checked = await guard.afinish(answer, prepared)
        except GuardBlocked as exc:
            request.state.rules = exc.decision.rule_ids
            request.state.action = "block"
            if not self.refuse:
                return _error(
                    400, _blocked_error(exc.decision, "answer"), **{"x-guard-action": "block"}
                )
            return JSONResponse(
                _refusal_completion(self.refusal_message, str(answer.get("model", ""))),
                headers={"x-guard-action": "block"},
            )
        return Response(_json(checked), media_type="application/json")

    async def _other_api(self, request: Request, api: _Api) -> Response:
        """A guarded call of the Responses or the Anthropic messages API."""
        body = await _read_json(request, self.config.max_request_bytes)
        guard = dataclasses.replace(api.guard, context=_context(request, body))
        prepared = await guard.aprepare((), body)
        request.state.action = prepared.prompt.action.value
        request.state.rules = prepared.prompt.rule_ids
        if prepared.prompt.blocked:
            request.state.action = "block"
            unavailable = _unavailable(prepared.prompt)
            if unavailable is not None:
                return unavailable
            if guard.on_block != "refuse":
                return _error(400, api.error(_blocked_error(prepared.prompt, "request")))
            refusal = guard.blocked(prepared.prompt, body, stream=prepared.stream, is_async=True)
            if not prepared.stream:
                return JSONResponse(_plain(refusal), headers={"x-guard-action": "block"})
            return StreamingResponse(
                self._named(request, refusal, api),
                media_type="text/event-stream",
                headers={"x-guard-action": "block"},
            )
        upstream = self._pool()
        headers = upstream.headers(request.headers, anthropic=api.anthropic)
        if prepared.stream:
            events = await upstream.post_stream(api.path, prepared.kwargs, headers)
            guarded = AsyncGuardedEventStream(events, guard, prepared)
            return StreamingResponse(
                self._named(request, guarded, api),
                media_type="text/event-stream",
                headers={"cache-control": "no-cache"},
            )
        answer = await upstream.post_json(api.path, prepared.kwargs, headers)
        try:
            checked = await guard.afinish(answer, prepared)
        except GuardBlocked as exc:
            request.state.action = "block"
            request.state.rules = exc.decision.rule_ids
            return _error(400, api.error(_blocked_error(exc.decision, "answer")))
        return Response(_json(checked), media_type="application/json")

    async def _named(self, request: Request, events: Any, api: _Api) -> AsyncIterator[bytes]:
        """Server-sent events named by their ``type`` (as the Responses and Anthropic APIs send)."""
        try:
            async for event in events:
                plain = _plain(event)
                yield f"event: {plain.get('type', 'message')}\n".encode() + _sse(plain)
        except GuardBlocked as exc:
            logger.info(
                "request %s stream blocked: rules=%s",
                request.state.rid,
                list(exc.decision.rule_ids),
            )
            yield b"event: error\n" + _sse(api.error(_blocked_error(exc.decision, "answer")))
        except UpstreamError as exc:
            logger.warning("request %s upstream stream failed: %s", request.state.rid, exc)
            yield b"event: error\n" + _sse(api.error(exc.body))
        finally:
            close = getattr(events, "close", None)
            if callable(close):
                result = close()
                if hasattr(result, "__await__"):
                    await result

    async def responses(self, request: Request) -> Response:
        return await self._other_api(request, self.responses_api)

    async def messages(self, request: Request) -> Response:
        return await self._other_api(request, self.messages_api)

    async def _stream(
        self,
        request: Request,
        guarded: AsyncGuardedEventStream,
        events: SSEStream,
        model: str,
    ) -> AsyncIterator[bytes]:
        try:
            async for event in guarded:
                yield _sse(event)
        except GuardBlocked as exc:
            logger.info(
                "request %s stream blocked: rules=%s",
                request.state.rid,
                list(exc.decision.rule_ids),
            )
            if self.refuse:
                yield _sse(_refusal_chunk(self.refusal_message, events.first, model))
            else:
                yield _sse(_blocked_error(exc.decision, "answer"))
        except UpstreamError as exc:
            logger.warning("request %s upstream stream failed: %s", request.state.rid, exc)
            yield _sse(exc.body)
        finally:
            await guarded.close()
        yield b"data: [DONE]\n\n"

    async def models(self, request: Request) -> Response:
        upstream = self._pool()
        model = request.path_params.get("model")
        path = "models" if model is None else f"models/{quote(str(model), safe='')}"
        return JSONResponse(await upstream.get_json(path, upstream.headers(request.headers)))

    async def scan(self, request: Request, *, output: bool) -> Response:
        body = await _read_json(request, self.config.max_request_bytes)
        text = body.get("text")
        if not isinstance(text, str):
            raise _Problem(400, "text must be a string", "invalid_request_error")
        ctx = _context(request, body)
        if output:
            decision = await self.pipeline.acheck_output(text, ctx=ctx)
        else:
            decision = await self.pipeline.acheck_input(text, ctx)
        request.state.action = decision.action.value
        request.state.rules = decision.rule_ids
        return JSONResponse(decision.to_dict(include_text=True))

    async def scan_input(self, request: Request) -> Response:
        return await self.scan(request, output=False)

    async def scan_output(self, request: Request) -> Response:
        return await self.scan(request, output=True)

    async def healthz(self, _request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(self, _request: Request) -> Response:
        if not self.ready:
            return _error(503, error_body("the server is not ready", "not_ready"))
        return JSONResponse({"status": "ready"})


async def _http_error(_request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    kind = "not_found" if status == 404 else "invalid_request_error"
    return _error(status, error_body(f"HTTP {status}", kind))


def audited(pipeline: Any, config: ServerConfig) -> Any:
    """``pipeline`` with an ``Auditor`` writing ``config.audit_log`` (unchanged without one)."""
    if config.audit_log is None:
        return pipeline
    from genai_guard.audit import Auditor, JsonlSink  # noqa: PLC0415 - only with an audit log

    key = config.audit_key()
    if key is None:
        raise ConfigurationError("audit_log needs audit_key_env naming a variable that is set")
    auditor = Auditor([JsonlSink(config.audit_log, key=key)], text_key=key)
    return pipeline.with_observers(auditor)


def create_app(
    pipeline: Any,
    config: ServerConfig,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Starlette:
    """The guard server as an ASGI application (run it with uvicorn or any ASGI server).

    Args:
        pipeline: The pipeline (``build_pipeline(policy)``); it is warmed up at start-up.
        config: Server settings (``ServerConfig.from_env(...)``); ``host`` and ``port`` are used
            by ``serve`` only.
        transport: httpx transport to the upstream (tests and benchmarks); real sockets by default.

    The application keeps one upstream connection pool, opened at start-up and closed at shutdown.
    With ``config.audit_log`` every decision is also written to that audit trail.
    """
    config = config.validated()
    state = _GuardApp(audited(pipeline, config), config, transport)
    r = state.route
    routes = [
        Route("/v1/chat/completions", r("chat", state.chat), methods=["POST"]),
        Route("/v1/responses", r("responses", state.responses), methods=["POST"]),
        Route("/v1/messages", r("messages", state.messages), methods=["POST"]),
        Route("/v1/models", r("models", state.models), methods=["GET"]),
        Route("/v1/models/{model:path}", r("models", state.models), methods=["GET"]),
        Route("/v1/scan/input", r("scan_input", state.scan_input), methods=["POST"]),
        Route("/v1/scan/output", r("scan_output", state.scan_output), methods=["POST"]),
        Route("/healthz", r("healthz", state.healthz), methods=["GET"]),
        Route("/readyz", r("readyz", state.readyz), methods=["GET"]),
    ]
    return Starlette(
        routes=routes,
        lifespan=state.lifespan,
        exception_handlers={HTTPException: _http_error},
    )
