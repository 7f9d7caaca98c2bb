"""Request handling invariants of the Guard, without a server."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from genai_guard import Context, Outcome, Pipeline, Step, stage
from genai_guard.integrations import AnthropicMessagesAdapter, Guard, OpenAIChatAdapter


def _upper(text: str, ctx: Context) -> Outcome:
    return Outcome(text=text.upper()) if text != text.upper() else Outcome()


PIPELINE = Pipeline([Step(stage(_upper, name="upper"), on_fail="modify")])
ROLES = st.sampled_from(["system", "developer", "user", "assistant", "tool"])
TEXT = st.text(alphabet="abcXYZ ", max_size=8)
MESSAGES = st.lists(st.fixed_dictionaries({"role": ROLES, "content": TEXT}), max_size=6)


@given(MESSAGES)
def test_only_untrusted_messages_are_rewritten_and_input_is_untouched(
    messages: list[dict[str, Any]],
) -> None:
    before = copy.deepcopy(messages)
    guard = Guard.build(PIPELINE, OpenAIChatAdapter())
    prepared = guard.prepare((), {"model": "m", "messages": messages})
    assert messages == before
    sent = prepared.kwargs["messages"]
    for original, out in zip(before, sent, strict=True):
        want = original["content"].upper() if original["role"] in {"user", "tool"} else original
        assert (out["content"] if isinstance(want, str) else out) == want


@given(MESSAGES)
def test_system_prompt_is_the_system_and_developer_messages(
    messages: list[dict[str, Any]],
) -> None:
    guard = Guard.build(PIPELINE, OpenAIChatAdapter())
    prepared = guard.prepare((), {"model": "m", "messages": messages})
    system = [m["content"] for m in messages if m["role"] in {"system", "developer"}]
    assert prepared.prompt.context is not None
    assert prepared.prompt.context.system_prompt == ("\n\n".join(system) if system else None)


def test_anthropic_blocks_are_rewritten_in_a_copy() -> None:
    messages = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "hello"},
                {
                    "type": "tool_result",
                    "tool_use_id": "t",
                    "content": [{"type": "text", "text": "x"}],
                },
                {"type": "image", "source": {"type": "base64", "data": "AAAA"}},
            ],
        }
    ]
    before = copy.deepcopy(messages)
    guard = Guard.build(PIPELINE, AnthropicMessagesAdapter())
    prepared = guard.prepare((), {"system": "sys", "messages": messages})
    content = prepared.kwargs["messages"][0]["content"]
    assert (content[0]["text"], content[1]["content"][0]["text"]) == ("HELLO", "X")
    assert content[2] is messages[0]["content"][2]
    assert messages == before
