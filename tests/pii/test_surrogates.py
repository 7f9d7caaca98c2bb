"""Surrogates: realistic fakes, consistent per conversation, restored whole and streamed."""

from __future__ import annotations

import importlib.util

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_guard import Context, Direction
from genai_guard.errors import ConfigurationError
from genai_guard.pii import (
    PIIDetector,
    PIIMasker,
    PIIRestorer,
    PlaceholderRewriter,
    Vault,
    restore,
)
from genai_guard.pii._surrogates import SURROGATE_ENTITIES
from genai_guard.pipeline import Pipeline

pytest.importorskip("faker")

ENTITIES = ["EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "SG_NRIC_FIN"]
EMAILS = ["bob@corp.com", "alice@corp.com", "carol.x@mail.org", "dan@shop.net", "eve@corp.com"]
OTHERS = ["+44 20 7946 0958", "4111 1111 1111 1111", "S1234567D"]


def _masker(vault: Vault | None = None, **kw: object) -> PIIMasker:
    return PIIMasker(
        entities=ENTITIES,
        default_operator="surrogate",
        vault=vault if vault is not None else Vault(),
        **kw,  # type: ignore[arg-type]
    )


def test_values_become_realistic_fakes() -> None:
    out = _masker().check(
        "mail bob@corp.com or call +44 20 7946 0958", Context(conversation_id="c")
    )
    assert out.text is not None
    assert "bob@corp.com" not in out.text
    assert "<" not in out.text  # fakes, not placeholders
    fakes = {k for k in out.restorations if not k.startswith("<")}
    assert len(fakes) == 2
    assert any("@" in f for f in fakes)
    assert PIIDetector(entities=["EMAIL_ADDRESS"]).analyze(out.text)  # still looks like an e-mail


def test_types_without_a_generator_keep_placeholders() -> None:
    assert "SG_NRIC_FIN" not in SURROGATE_ENTITIES
    out = _masker().check("NRIC S1234567D", Context(conversation_id="c"))
    assert out.text == "NRIC <SG_NRIC_FIN_1>"


def test_same_conversation_and_seed_give_the_same_fakes() -> None:
    text = "bob@corp.com and alice@corp.com"
    a = _masker().check(text, Context(conversation_id="c1")).text
    b = _masker().check(text, Context(conversation_id="c1")).text
    c = _masker(key=bytes(range(32))).check(text, Context(conversation_id="c1")).text
    assert a == b
    assert a != c  # the key seeds the draw


def test_a_fake_never_equals_a_value_of_the_prompt() -> None:
    first = _masker().check("bob@corp.com", Context(conversation_id="c"))
    assert first.text is not None
    would_be = first.text
    # The same conversation in a fresh vault would draw the same fake for bob first; with that
    # fake written in the prompt, bob must get another one.
    out = _masker().check(f"bob@corp.com {would_be}", Context(conversation_id="c"))
    assert out.text is not None
    bob_fake = out.text.split()[0]
    assert bob_fake != would_be
    assert would_be not in out.text


def test_persisted_vault_is_refused(tmp_path: object) -> None:
    from pathlib import Path

    vault = Vault(path=Path(str(tmp_path)) / "v.db", key=bytes(32))
    with pytest.raises(ConfigurationError, match="in-memory vault"):
        _masker(vault)


def test_missing_faker_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "faker" else real(name, *a)
    )
    with pytest.raises(ConfigurationError, match=r"genai-guard\[surrogates\]"):
        _masker()


def test_output_detector_does_not_flag_issued_fakes() -> None:
    masked = _masker().check("mail bob@corp.com", Context(conversation_id="c"))
    assert masked.text is not None
    fake = masked.text.split()[1]
    ctx = Context(direction=Direction.OUTPUT, restorations=masked.restorations)
    det = PIIDetector(entities=["EMAIL_ADDRESS"])
    assert det.check(f"I wrote to {fake}.", ctx).findings == ()
    assert det.check("I wrote to zed@corp.com.", ctx).findings != ()


_filler = st.text(alphabet="abcdefghij ,;!?", max_size=10).map(lambda s: f" {s} ")
_turn = st.lists(st.one_of(_filler, st.sampled_from(EMAILS + OTHERS)), max_size=6).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(turns=st.lists(_turn, min_size=1, max_size=5))
def test_fakes_are_consistent_across_turns(turns: list[str]) -> None:
    masker = _masker()
    ctx = Context(conversation_id="conv")
    seen: dict[str, str] = {}  # original -> fake
    for text in turns:
        out = masker.check(text, ctx)
        masked = text if out.text is None else out.text
        # The answer restores to the prompt exactly: fakes collide with nothing in the text.
        assert restore(masked, out.restorations)[0] == text
        for fake, original in out.restorations.items():
            if fake.startswith("<"):
                continue
            assert seen.setdefault(original, fake) == fake  # same original, same fake
            assert fake not in text
    assert len(set(seen.values())) == len(seen)  # different originals, different fakes


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(EMAILS + OTHERS + ["x", "y.", "z", "<EMAIL_ADDRESS_1>"]), max_size=12
    ),
    cuts=st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=40),
)
def test_streaming_restore_equals_whole_restore(words: list[str], cuts: list[int]) -> None:
    masker = _masker()
    prompt = masker.check(" ".join(EMAILS + OTHERS), Context(conversation_id="s"))
    fakes = [k for k in prompt.restorations if not k.startswith("<")]
    # An answer built from fakes, fakes glued to letters (not to be restored), placeholders.
    answer = " ".join(
        w if w in ("x", "y.", "z", "<EMAIL_ADDRESS_1>") else fakes[sum(map(ord, w)) % len(fakes)]
        for w in words
    )
    answer += "ab" + fakes[0] if fakes else ""
    whole = restore(answer, prompt.restorations)[0]
    rewriter = PlaceholderRewriter(prompt.restorations)
    out, pos, i = [], 0, 0
    while pos < len(answer):
        step = cuts[i % len(cuts)]
        out.append(rewriter.feed(answer[pos : pos + step]))
        pos += step
        i += 1
    out.append(rewriter.finish())
    assert "".join(out) == whole


@settings(max_examples=25, deadline=None)
@given(cuts=st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=30))
def test_pipeline_stream_restores_fakes_like_check_output(cuts: list[int]) -> None:
    pipe = Pipeline([_masker()], [PIIDetector("pii_out", entities=ENTITIES), PIIRestorer()])
    prompt = pipe.check_input("Ask bob@corp.com and alice@corp.com", Context(conversation_id="p"))
    assert prompt.text is not None
    fakes = prompt.text.split()[1::2]
    answer = f"I asked {fakes[0]}, then {fakes[1]}; {fakes[0]}x stays."
    whole = pipe.check_output(answer, prompt=prompt)
    chunks, pos, i = [], 0, 0
    while pos < len(answer):
        chunks.append(answer[pos : pos + cuts[i % len(cuts)]])
        pos += cuts[i % len(cuts)]
        i += 1
    streamed = "".join(pipe.stream_output(iter(chunks), prompt=prompt))
    assert whole.text == streamed
    assert streamed.startswith("I asked bob@corp.com, then alice@corp.com;")
    assert not [r for r in whole.rule_ids if r == "pii.EMAIL_ADDRESS"]  # issued fakes not flagged
