"""Issue 26: a wrapped client checks each history message once per conversation, not every turn."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_guard import Context, Pipeline
from genai_guard._results import Outcome
from genai_guard.integrations import wrap_openai
from genai_guard.integrations._history import DecisionCache, chain_keys
from genai_guard.pii import PIIMasker, PIIRestorer
from genai_guard.pipeline import Step, stage
from integrations.fake_llm import FakeLLM

MODEL = "gpt-test"
EMAIL = "jane.doe@example.com"


@pytest.fixture
def client(llm: FakeLLM) -> Iterator[openai.OpenAI]:
    raw = openai.OpenAI(api_key="t", base_url=f"{llm.base_url}/v1", max_retries=0, timeout=5.0)
    yield raw
    raw.close()


def _counting_pipeline(seen: Counter[str]) -> Pipeline:
    def count(text: str, ctx: Context) -> Outcome:
        seen[text] += 1
        return Outcome()

    return Pipeline(
        [
            Step(PIIMasker("mask", entities=("EMAIL_ADDRESS",)), on_fail="modify"),
            stage(count, name="count"),
        ],
        [Step(PIIRestorer("restore"), on_fail="modify")],
    )


def _sent(llm: FakeLLM) -> list[dict[str, Any]]:
    return list(llm.requests[-1][1]["messages"])


def test_history_is_checked_once_and_sent_masked_the_same_way(
    llm: FakeLLM, client: openai.OpenAI
) -> None:
    seen: Counter[str] = Counter()
    wrapped = wrap_openai(client, _counting_pipeline(seen))
    llm.reply = "noted"
    first = {"role": "user", "content": f"my mail is {EMAIL}"}
    wrapped.chat.completions.create(model=MODEL, messages=[first])
    turn1 = _sent(llm)
    history = [first, {"role": "assistant", "content": "noted"}]
    for n in range(3):
        wrapped.chat.completions.create(
            model=MODEL, messages=[*history, {"role": "user", "content": f"question {n}"}]
        )
        assert _sent(llm)[0] == turn1[0], "the history goes out masked exactly as in turn 1"
        history += [
            {"role": "user", "content": f"question {n}"},
            {"role": "assistant", "content": "noted"},
        ]
    masked_first = turn1[0]["content"]
    assert EMAIL not in masked_first
    assert seen[masked_first] == 1, "the first message was checked once in four turns"
    assert all(seen[f"question {n}"] == 1 for n in range(3))


def test_another_conversation_is_checked_afresh(llm: FakeLLM, client: openai.OpenAI) -> None:
    seen: Counter[str] = Counter()
    pipeline = _counting_pipeline(seen)
    a = wrap_openai(client, pipeline, context=Context(conversation_id="a"))
    b = wrap_openai(client, pipeline, context=Context(conversation_id="b"))
    llm.reply = "ok"
    shared = {"role": "user", "content": "hello there"}
    turn2 = [shared, {"role": "assistant", "content": "ok"}, {"role": "user", "content": "more"}]
    a.chat.completions.create(model=MODEL, messages=[shared])
    b.chat.completions.create(model=MODEL, messages=turn2)
    assert seen["hello there"] == 2, "a message first seen as history is checked"
    # The same wrapper, a different earlier message: a different conversation prefix.
    a.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "other start"}, *turn2],
    )
    assert seen["hello there"] == 3


def test_an_attack_first_seen_in_the_history_still_blocks(
    llm: FakeLLM, client: openai.OpenAI
) -> None:
    from genai_guard import GuardBlocked
    from integrations.stages import ATTACK, make_pipeline

    wrapped = wrap_openai(client, make_pipeline())
    messages = [
        {"role": "user", "content": ATTACK},
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": "thanks"},
    ]
    for _ in range(2):  # blocks are never cached: both requests are checked and blocked
        with pytest.raises(GuardBlocked):
            wrapped.chat.completions.create(model=MODEL, messages=messages)
    assert llm.requests == []


def test_the_cache_is_bounded_by_entries_and_characters() -> None:
    from genai_guard._results import Action, Decision

    cache = DecisionCache(max_entries=3, max_chars=100)
    for i in range(5):
        cache.put(bytes([i]), Decision(Action.ALLOW, "x" * 10), 10)
    assert len(cache) == 3 and cache.get(bytes([0])) is None and cache.get(bytes([4])) is not None
    cache.put(b"big", Decision(Action.ALLOW, "y" * 90), 90)
    assert len(cache) == 2  # the two oldest went to make room (10 + 90 <= 100)
    cache.put(b"huge", Decision(Action.ALLOW, "z" * 200), 200)
    assert cache.get(b"huge") is None  # larger than the whole budget: not kept


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["user", "tool"]), st.text(max_size=20)), max_size=6),
    st.lists(st.tuples(st.sampled_from(["user", "tool"]), st.text(max_size=20)), max_size=6),
)
def test_chain_keys_depend_on_every_earlier_message(
    a: list[tuple[str, str]], b: list[tuple[str, str]]
) -> None:
    ctx = Context(conversation_id="c")
    ka, kb = chain_keys(ctx, a), chain_keys(ctx, b)
    for i in range(min(len(a), len(b))):
        assert (ka[i] == kb[i]) == (a[: i + 1] == b[: i + 1])
    other = chain_keys(Context(conversation_id="d"), a)
    assert not set(ka) & set(other)
