from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from genai_guard import Context
from genai_guard.pii import GENERIC_ENTITIES, PIIMasker, Vault, restore

MASKER = PIIMasker(entities=GENERIC_ENTITIES)
VALUES = [
    "a.b@example.com",
    "4111 1111 1111 1111",
    "2223 0031 2200 3222",
    "DE89 3704 0044 0532 0130 00",
    "536-22-1234",
    "192.168.1.20",
    "https://example.com/x",
    "+44 20 7946 0958",
    "March 3rd, 1985",
    "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
]
_filler = st.text(alphabet="abcdefghij ,;!?", max_size=12).map(lambda s: f" {s} ")
_texts = st.lists(st.one_of(_filler, st.sampled_from(VALUES)), max_size=8).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(text=_texts)
def test_mask_then_restore_gives_the_original(text: str) -> None:
    out = MASKER.check(text, Context())
    masked = text if out.text is None else out.text
    assert restore(masked, out.restorations)[0] == text


@settings(max_examples=60, deadline=None)
@given(text=_texts)
def test_no_detected_span_survives_masking(text: str) -> None:
    detected = [text[e.start : e.end] for e in MASKER._detector.analyze(text)]
    out = MASKER.check(text, Context())
    masked = text if out.text is None else out.text
    assert all(value not in masked for value in detected)
    assert MASKER._detector.analyze(masked) == []


@given(values=st.lists(st.text(min_size=1, max_size=6), max_size=30))
def test_placeholders_never_collide(values: list[str]) -> None:
    vault = Vault()
    given_out = {v: vault.placeholder("c", "EMAIL_ADDRESS", v) for v in values}
    assert len(set(given_out.values())) == len(given_out)
    assert all(vault.placeholder("c", "EMAIL_ADDRESS", v) == p for v, p in given_out.items())
    assert all(vault.lookup("c", p) == v for v, p in given_out.items())
