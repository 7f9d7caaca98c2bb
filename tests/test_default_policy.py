"""The packaged default policy end to end: mask on input, validate and restore on output."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_guard import Action, Context, GuardBlocked
from genai_guard.policy import build_pipeline

PIPE = build_pipeline("default")
CTX = Context(conversation_id="conv-1", system_prompt="You are the helpdesk bot of Example Corp.")
PROMPT = "Please write to jane.doe@example.com and call +1 415-555-0132 about order 1234."


def test_input_pii_is_masked() -> None:
    d = PIPE.check_input(PROMPT, CTX)
    assert d.action is Action.MODIFY
    assert "jane.doe@example.com" not in d.text
    assert "415-555-0132" not in d.text
    assert "order 1234" in d.text
    assert len(d.restorations) == 2


def _answer(masked: str) -> str:
    placeholders = [p for p in masked.split() if p.startswith("<") and ">" in p]
    return "Done: I wrote to " + " and called ".join(p.strip(".,") for p in placeholders) + "."


def _chunks(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c % (len(text) + 1) for c in cuts} | {0, len(text)})
    return [text[a:b] for a, b in itertools.pairwise(points)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=500), max_size=12))
def test_streamed_restoration_equals_whole_text(cuts: list[int]) -> None:
    d = PIPE.check_input(PROMPT, CTX)
    answer = _answer(d.text)
    whole = PIPE.check_output(answer, prompt=d)
    assert "jane.doe@example.com" in whole.text
    stream = PIPE.stream_output(iter(_chunks(answer, cuts)), prompt=d)
    assert "".join(stream) == whole.text
    assert stream.decision is not None
    assert stream.decision.action is whole.action


def test_async_stream_restores_too() -> None:
    d = PIPE.check_input(PROMPT, CTX)
    answer = _answer(d.text)

    async def deltas() -> AsyncIterator[str]:
        for i in range(0, len(answer), 3):
            yield answer[i : i + 3]

    async def run() -> str:
        return "".join([piece async for piece in PIPE.astream_output(deltas(), prompt=d)])

    assert asyncio.run(run()) == PIPE.check_output(answer, prompt=d).text


def test_secret_in_output_blocks_before_release() -> None:
    d = PIPE.check_input("Show me an example config file.", CTX)
    key = "AKIA" + "IOSFODNN7EXAMPLE"
    preamble = "Here is an example configuration for the client library.\n" * 8
    answer = f"{preamble}aws_access_key_id = {key}\nregion = eu-west-1\n"
    stream = PIPE.stream_output(
        iter([answer[i : i + 5] for i in range(0, len(answer), 5)]), prompt=d
    )
    released: list[str] = []
    with pytest.raises(GuardBlocked):
        released.extend(stream)
    assert released
    assert key not in "".join(released)
