"""A loopback fake upstream (the integrations' FakeLLM, plus /v1/models and header capture) and
guard servers in front of it, driven by the real openai SDK."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

import threading

from tests.integrations.fake_llm import FakeLLM, _Handler
from tests.server._serving import ThreadServer

from genai_guard.pipeline import Pipeline
from genai_guard.policy import build_pipeline
from genai_guard.server import ServerConfig, create_app

MODELS = {
    "object": "list",
    "data": [{"id": "test-model", "object": "model", "created": 0, "owned_by": "t"}],
}


class Upstream(FakeLLM):
    """FakeLLM that also lists models and records each request's headers."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[dict[str, str]] = []

    def start(self, port: int = 0) -> Upstream:
        state = self

        class Handler(_Handler):
            llm = state

            def do_POST(self) -> None:
                state.headers.append({k.lower(): v for k, v in self.headers.items()})
                super().do_POST()

            def do_GET(self) -> None:
                state.headers.append({k.lower(): v for k, v in self.headers.items()})
                if self.path == "/v1/models":
                    self._json(MODELS)
                elif self.path.startswith("/v1/models/"):
                    self._json(MODELS["data"][0] | {"id": self.path.rsplit("/", 1)[1]})
                else:
                    self.send_error(404)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self


@pytest.fixture(scope="session")
def _upstream() -> Iterator[Upstream]:
    up = Upstream().start()
    yield up
    up.stop()


@pytest.fixture
def upstream(_upstream: Upstream) -> Upstream:
    """The shared fake upstream, reset for each test."""
    _upstream.requests.clear()
    _upstream.headers.clear()
    _upstream.reply = None
    _upstream.chunk = 4
    _upstream.tail_chunks = 0
    _upstream.delay = 0.0
    _upstream.finish_in_last = False
    _upstream.aborted.clear()
    return _upstream


@pytest.fixture(scope="session")
def default_pipeline() -> Pipeline:
    return build_pipeline("default")


@pytest.fixture(scope="session")
def refusing_pipeline() -> Pipeline:
    return build_pipeline(
        {"version": 1, "name": "refusing", "extends": "default", "settings": {"on_block": "refuse"}}
    )


def serve(pipeline: Any, upstream: FakeLLM, **config: Any) -> ThreadServer:
    return ThreadServer(
        create_app(pipeline, ServerConfig(upstream=f"{upstream.base_url}/v1", **config))
    )


@pytest.fixture(scope="session")
def guard_url(default_pipeline: Pipeline, _upstream: Upstream) -> Iterator[str]:
    """A guard server (default policy, raising blocks) in front of the fake upstream."""
    with serve(default_pipeline, _upstream) as srv:
        yield srv.base_url


@pytest.fixture(scope="session")
def refusing_url(refusing_pipeline: Pipeline, _upstream: Upstream) -> Iterator[str]:
    """A guard server whose policy refuses (on_block: refuse)."""
    with serve(refusing_pipeline, _upstream) as srv:
        yield srv.base_url
