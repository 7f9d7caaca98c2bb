"""guard_callable on plain str -> str functions."""

from __future__ import annotations

import asyncio
import inspect

import pytest

from genai_guard import GuardBlocked, Pipeline
from genai_guard.integrations import TextAdapter, guard_callable
from integrations.stages import ATTACK, EMAIL, SYSTEM_PROMPT, make_pipeline


def test_guard_blocks_before_the_call(pipeline: Pipeline) -> None:
    calls: list[str] = []

    def answer(prompt: str) -> str:
        calls.append(prompt)
        return "ok"

    with pytest.raises(GuardBlocked):
        guard_callable(answer, pipeline)(ATTACK)
    assert calls == []


def test_guard_masks_and_restores(pipeline: Pipeline) -> None:
    seen: list[str] = []

    def echo(prompt: str) -> str:
        seen.append(prompt)
        return f"echo: {prompt}"

    assert guard_callable(echo, pipeline)(f"to {EMAIL}") == f"echo: to {EMAIL}"
    assert seen == ["to <EMAIL_ADDRESS_1>"]


def test_guard_keeps_name_and_signature(pipeline: Pipeline) -> None:
    def answer(prompt: str, *, temperature: float = 0.0) -> str:
        """Docs."""
        return prompt

    guarded = guard_callable(answer, pipeline)
    assert (guarded.__name__, guarded.__doc__) == ("answer", "Docs.")
    assert inspect.signature(guarded) == inspect.signature(answer)


def test_async_function_stays_async_and_is_guarded(pipeline: Pipeline) -> None:
    async def answer(prompt: str) -> str:
        return f"said {prompt}"

    guarded = guard_callable(answer, pipeline)
    assert inspect.iscoroutinefunction(guarded)
    assert asyncio.run(guarded(f"x {EMAIL}")) == f"said x {EMAIL}"
    with pytest.raises(GuardBlocked):
        asyncio.run(guarded(ATTACK))


def test_keyword_prompt_is_found(pipeline: Pipeline) -> None:
    guarded = guard_callable(lambda *, prompt: prompt, pipeline)
    with pytest.raises(GuardBlocked):
        guarded(prompt=ATTACK)


def test_named_parameter_adapter(pipeline: Pipeline) -> None:
    def ask(model: str, question: str) -> str:
        return question

    guarded = guard_callable(ask, pipeline, adapter=TextAdapter(param="question"))
    with pytest.raises(GuardBlocked):
        guarded("m", question=ATTACK)


def test_leaking_answer_is_blocked_on_output(pipeline: Pipeline) -> None:
    from genai_guard import Context

    guarded = guard_callable(
        lambda prompt: SYSTEM_PROMPT, pipeline, context=Context(system_prompt=SYSTEM_PROMPT)
    )
    with pytest.raises(GuardBlocked) as info:
        guarded("hello")
    assert info.value.decision.direction == "output"


def test_settings_refuse_returns_refusal_text() -> None:
    pipeline = make_pipeline(on_block="refuse", refusal_message="No.")
    calls: list[str] = []
    guarded = guard_callable(lambda prompt: calls.append(prompt) or "x", pipeline)
    assert guarded(ATTACK) == "No."
    assert calls == []


def test_settings_untrusted_roles_exclude_user() -> None:
    pipeline = make_pipeline(untrusted_roles=["tool"])
    guarded = guard_callable(lambda prompt: "fine", pipeline)
    assert guarded(ATTACK) == "fine"


def test_stream_of_str_is_guarded(pipeline: Pipeline) -> None:
    from genai_guard import Context
    from genai_guard.integrations import Guard

    guard = Guard.build(pipeline, TextAdapter(), context=Context(canaries=("SECRET-XYZ",)))

    def gen(prompt: str, *, stream: bool) -> object:
        return iter(["The ", "answer ", "is SECRET", "-XYZ ok"])

    out = guard.call(gen, ("q",), {"stream": True})
    with pytest.raises(GuardBlocked):
        list(out)
