from __future__ import annotations

from collections.abc import Iterator

import pytest

from genai_guard import Context, Pipeline
from integrations.fake_llm import FakeLLM
from integrations.stages import CANARY, make_pipeline


@pytest.fixture(scope="session")
def _server() -> Iterator[FakeLLM]:
    llm = FakeLLM().start()
    yield llm
    llm.stop()


@pytest.fixture
def llm(_server: FakeLLM) -> FakeLLM:
    """The shared fake API server, reset for each test."""
    _server.requests.clear()
    _server.reply = None
    _server.chunk = 4
    _server.tail_chunks = 0
    _server.delay = 0.0
    _server.finish_in_last = False
    _server.tool_calls = []
    _server.aborted.clear()
    return _server


@pytest.fixture
def pipeline() -> Pipeline:
    return make_pipeline()


@pytest.fixture
def ctx() -> Context:
    return Context(canaries=(CANARY,))
