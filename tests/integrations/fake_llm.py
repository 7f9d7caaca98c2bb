"""A tiny local stand-in for the OpenAI and Anthropic HTTP APIs, for tests, examples and benchmarks.

Speaks enough of ``POST /v1/chat/completions``, ``POST /v1/responses`` and ``POST /v1/messages``
(JSON and server-sent-event streams) for the official SDKs. It records every request body and
notices when a client closes a stream early. Run it alone with ``python fake_llm.py [port]``.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

USAGE_OPENAI = {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}
USAGE_ANTHROPIC = {"input_tokens": 11, "output_tokens": 7}


def _last_user_text(body: dict[str, Any]) -> str:
    items = body.get("input") if "input" in body else body.get("messages", [])
    if isinstance(items, str):
        return items
    for msg in reversed(items or []):
        if msg.get("role") != "user":
            continue
        content = msg.get("content")
        if isinstance(content, str):
            return content
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


class FakeLLM:
    """The server state: what to answer, what was asked, whether a stream was cut.

    Attributes:
        reply: The answer text; ``None`` echoes ``"You said: <last user text>"``.
        chunk: Characters per streamed delta.
        tail_chunks: Extra filler deltas sent after the reply in streams (so an early close is
            noticed while the server is still writing).
        delay: Seconds between streamed deltas.
    """

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.reply: str | None = None
        self.chunk = 4
        self.tail_chunks = 0
        self.delay = 0.0
        self.finish_in_last = False
        # Tool calls the model makes after its text: (name, arguments JSON text) pairs.
        self.tool_calls: list[tuple[str, str]] = []
        self.aborted = threading.Event()
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, body: dict[str, Any]) -> str:
        return self.reply if self.reply is not None else f"You said: {_last_user_text(body)}"

    def split(self, text: str) -> list[str]:
        return [text[i : i + self.chunk] for i in range(0, len(text), self.chunk)]

    def pieces(self, text: str) -> list[str]:
        return self.split(text) + [" ."] * self.tail_chunks

    def start(self, port: int = 0) -> FakeLLM:
        state = self

        class Handler(_Handler):
            llm = state

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    llm: FakeLLM
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without TCP_NODELAY, Nagle plus delayed
        # ACKs add ~40 ms to every keep-alive request.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Silence the default stderr log."""

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        path = self.path.split("?")[0]
        self.llm.requests.append((path, body))
        text = self.llm.answer(body)
        stream = bool(body.get("stream"))
        model = body.get("model", "test-model")
        calls = self.llm.tool_calls
        if path.endswith("/chat/completions"):
            if stream:
                self._sse(_chat_events(text, model, self.llm))
            else:
                self._json(_chat_completion(text, model, calls))
        elif path.endswith("/responses"):
            if stream:
                self._sse(_responses_events(text, model, self.llm), named=True)
            else:
                self._json(_response(text, model, calls=calls))
        elif path.endswith("/messages"):
            if stream:
                self._sse(_anthropic_events(text, model, self.llm), named=True)
            else:
                self._json(_message(text, model, calls))
        else:
            self.send_error(404)

    def _json(self, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("x-request-id", "req_test")
        self.end_headers()
        self.wfile.write(data)

    def _sse(self, events: Any, *, named: bool = False) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            for event in events:
                if event is None:
                    self.wfile.write(b"data: [DONE]\n\n")
                else:
                    head = f"event: {event['type']}\n" if named else ""
                    self.wfile.write(f"{head}data: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()
                if self.llm.delay:
                    time.sleep(self.llm.delay)
        except (BrokenPipeError, ConnectionResetError):
            self.llm.aborted.set()


def _chat_tool_calls(calls: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {"id": f"call_{n}", "type": "function", "function": {"name": name, "arguments": args}}
        for n, (name, args) in enumerate(calls)
    ]


def _chat_completion(
    text: str, model: str, calls: list[tuple[str, str]] | None = None
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
    if calls:
        message["tool_calls"] = _chat_tool_calls(calls)
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1700000000,
        "model": model,
        "system_fingerprint": "fp_test",
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls" if calls else "stop",
                "logprobs": None,
                "message": message,
            }
        ],
        "usage": USAGE_OPENAI,
    }


def _chat_events(text: str, model: str, llm: FakeLLM) -> Any:
    base = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1700000000}
    base |= {"model": model, "system_fingerprint": "fp_test"}
    first = {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
    yield {**base, "choices": [first]}
    pieces = llm.pieces(text)
    for n, piece in enumerate(pieces, 1):
        last = llm.finish_in_last and n == len(pieces)
        choice = {
            "index": 0,
            "delta": {"content": piece},
            "finish_reason": "stop" if last else None,
        }
        yield {**base, "choices": [choice], **({"usage": USAGE_OPENAI} if last else {})}
    if llm.finish_in_last:
        yield None
        return
    for n, call in enumerate(_chat_tool_calls(llm.tool_calls)):
        head = {**call, "index": n, "function": {**call["function"], "arguments": ""}}
        yield {**base, "choices": [{"index": 0, "delta": {"tool_calls": [head]}}]}
        for piece in llm.split(call["function"]["arguments"]):
            part = {"index": n, "function": {"arguments": piece}}
            yield {**base, "choices": [{"index": 0, "delta": {"tool_calls": [part]}}]}
    finish = "tool_calls" if llm.tool_calls else "stop"
    yield {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]}
    yield {**base, "choices": [], "usage": USAGE_OPENAI}
    yield None


def _function_items(calls: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {
            "id": f"fc_{n}",
            "type": "function_call",
            "call_id": f"call_{n}",
            "name": name,
            "arguments": args,
            "status": "completed",
        }
        for n, (name, args) in enumerate(calls)
    ]


def _response(
    text: str, model: str, status: str = "completed", calls: list[tuple[str, str]] | None = None
) -> dict[str, Any]:
    return {
        "id": "resp_test",
        "object": "response",
        "created_at": 1700000000,
        "model": model,
        "status": status,
        "output": [
            {
                "id": "msg_test",
                "type": "message",
                "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            },
            *_function_items(calls or []),
        ],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": 11,
            "output_tokens": 7,
            "total_tokens": 18,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": 0},
        },
    }


def _responses_events(text: str, model: str, llm: FakeLLM) -> Any:
    seq = iter(range(1000))
    started = _response("", model, "in_progress")
    started["output"] = []
    yield {"type": "response.created", "sequence_number": next(seq), "response": started}
    item = {"id": "msg_test", "type": "message", "role": "assistant", "status": "in_progress"}
    yield {
        "type": "response.output_item.added",
        "sequence_number": next(seq),
        "output_index": 0,
        "item": {**item, "content": []},
    }
    yield {
        "type": "response.content_part.added",
        "sequence_number": next(seq),
        "item_id": "msg_test",
        "output_index": 0,
        "content_index": 0,
        "part": {"type": "output_text", "text": "", "annotations": []},
    }
    full = ""
    for piece in llm.pieces(text):
        full += piece
        yield {
            "type": "response.output_text.delta",
            "sequence_number": next(seq),
            "item_id": "msg_test",
            "output_index": 0,
            "content_index": 0,
            "delta": piece,
            "logprobs": [],
        }
    yield {
        "type": "response.output_text.done",
        "sequence_number": next(seq),
        "item_id": "msg_test",
        "output_index": 0,
        "content_index": 0,
        "text": full,
        "logprobs": [],
    }
    done = _response(full, model, calls=llm.tool_calls)
    yield {
        "type": "response.content_part.done",
        "sequence_number": next(seq),
        "item_id": "msg_test",
        "output_index": 0,
        "content_index": 0,
        "part": done["output"][0]["content"][0],
    }
    yield {
        "type": "response.output_item.done",
        "sequence_number": next(seq),
        "output_index": 0,
        "item": done["output"][0],
    }
    for n, item in enumerate(_function_items(llm.tool_calls), 1):
        yield {
            "type": "response.output_item.added",
            "sequence_number": next(seq),
            "output_index": n,
            "item": {**item, "arguments": "", "status": "in_progress"},
        }
        for piece in llm.split(item["arguments"]):
            yield {
                "type": "response.function_call_arguments.delta",
                "sequence_number": next(seq),
                "item_id": item["id"],
                "output_index": n,
                "delta": piece,
            }
        yield {
            "type": "response.function_call_arguments.done",
            "sequence_number": next(seq),
            "item_id": item["id"],
            "output_index": n,
            "name": item["name"],
            "arguments": item["arguments"],
        }
        yield {
            "type": "response.output_item.done",
            "sequence_number": next(seq),
            "output_index": n,
            "item": item,
        }
    yield {"type": "response.completed", "sequence_number": next(seq), "response": done}


def _tool_blocks(calls: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {"type": "tool_use", "id": f"toolu_{n}", "name": name, "input": json.loads(args)}
        for n, (name, args) in enumerate(calls)
    ]


def _message(text: str, model: str, calls: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    return {
        "id": "msg_test",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}, *_tool_blocks(calls or [])],
        "stop_reason": "tool_use" if calls else "end_turn",
        "stop_sequence": None,
        "usage": USAGE_ANTHROPIC,
    }


def _anthropic_events(text: str, model: str, llm: FakeLLM) -> Any:
    start = _message("", model)
    start["content"] = []
    yield {"type": "message_start", "message": start}
    yield {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
    for piece in llm.pieces(text):
        delta = {"type": "text_delta", "text": piece}
        yield {"type": "content_block_delta", "index": 0, "delta": delta}
    yield {"type": "content_block_stop", "index": 0}
    for n, block in enumerate(_tool_blocks(llm.tool_calls), 1):
        yield {"type": "content_block_start", "index": n, "content_block": {**block, "input": {}}}
        for piece in llm.split(json.dumps(block["input"])):
            delta = {"type": "input_json_delta", "partial_json": piece}
            yield {"type": "content_block_delta", "index": n, "delta": delta}
        yield {"type": "content_block_stop", "index": n}
    yield {
        "type": "message_delta",
        "delta": {
            "stop_reason": "tool_use" if llm.tool_calls else "end_turn",
            "stop_sequence": None,
        },
        "usage": {"output_tokens": 7},
    }
    yield {"type": "message_stop"}


if __name__ == "__main__":
    llm = FakeLLM().start(int(sys.argv[1]) if len(sys.argv) > 1 else 8000)
    print(f"fake LLM API on {llm.base_url}/v1 (Ctrl-C to stop)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        llm.stop()
