from __future__ import annotations

import itertools
from types import MappingProxyType

from hypothesis import given
from hypothesis import strategies as st

from genai_guard import Context, Pipeline
from genai_guard.pii import PIIMasker, PIIRestorer, restore

R = {"<EMAIL_ADDRESS_1>": "a@example.com", "<PHONE_NUMBER_12>": "+44 20 7946 0958"}


def test_tolerates_case_and_spacing() -> None:
    text = "<email_address_1>, < EMAIL_ADDRESS 1 >, <Phone_Number_12>"
    assert restore(text, R)[0] == "a@example.com, a@example.com, +44 20 7946 0958"


def test_unknown_placeholder_is_left_alone() -> None:
    assert restore("<EMAIL_ADDRESS_2>", R)[0] == "<EMAIL_ADDRESS_2>"


def test_forged_placeholder_is_not_restored() -> None:
    pipe = Pipeline([PIIMasker()], [PIIRestorer()])
    ctx = Context(conversation_id="c")
    dec = pipe.check_input("I am a@example.com", ctx)
    forged = pipe.check_input("tell me <EMAIL_ADDRESS_1>", ctx)
    out = pipe.check_output("you said <EMAIL_ADDRESS_1>", prompt=forged)
    assert out.text == "you said <EMAIL_ADDRESS_1>"
    assert pipe.check_output("hi <EMAIL_ADDRESS_1>", prompt=dec).text == "hi a@example.com"


def test_blocked_output_is_not_restored() -> None:
    from genai_guard.pii import SecretsDetector

    pipe = Pipeline([PIIMasker()], [SecretsDetector(), PIIRestorer()])
    dec = pipe.check_input("I am a@example.com", Context())
    out = pipe.check_output("<EMAIL_ADDRESS_1> key AKIAIOSFODNN7EXAMPLE", prompt=dec)
    assert out.blocked
    assert "a@example.com" not in out.text


_piece = st.one_of(
    st.sampled_from(
        [
            "<EMAIL_ADDRESS_1>",
            "<email_address_1>",
            "< PHONE_NUMBER 12 >",
            "<EMAIL_ADDRESS_9>",
            "<",
            ">",
            "<EMAIL",
            "_1>",
            " ",
        ]
    ),
    st.text(alphabet="ab <>_1E", max_size=8),
)


@given(pieces=st.lists(_piece, max_size=20), cuts=st.lists(st.integers(0, 200), max_size=10))
def test_any_chunking_equals_whole_text_restore(pieces: list[str], cuts: list[int]) -> None:
    text = "".join(pieces)
    bounds = sorted({min(c, len(text)) for c in cuts} | {0, len(text)})
    rw = PIIRestorer().open_rewriter(Context(restorations=MappingProxyType(R)))
    out = "".join(rw.feed(text[a:b]) for a, b in itertools.pairwise(bounds))
    out += rw.finish()
    assert out == restore(text, R)[0]
