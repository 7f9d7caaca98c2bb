from __future__ import annotations

import pytest

from genai_guard import PolicyError
from genai_guard.pii import PIIMasker, PIIRestorer
from genai_guard.policy import build_pipeline


def test_default_policy_order() -> None:
    pipe = build_pipeline("default")
    types = [s.type_name for s in pipe.input_steps]
    # Sanitize, then mask, then detect.
    assert types.index("unicode") < types.index("pii") < types.index("secrets")
    assert [s.type_name for s in pipe.output_steps][-1] == "pii_restore"
    assert isinstance(pipe.output_steps[-1].stage, PIIRestorer)
    assert isinstance(pipe.input_steps[types.index("pii")].stage, PIIMasker)


def test_unknown_option_is_a_policy_error() -> None:
    with pytest.raises(PolicyError):
        build_pipeline({"input": [{"type": "pii", "colour": "red"}]})


def test_hash_operator_needs_key_env() -> None:
    with pytest.raises(PolicyError):
        build_pipeline({"input": [{"type": "pii", "default_operator": "hash"}]})


def test_key_env_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GG_TEST_KEY", "00" * 32)
    pipe = build_pipeline(
        {"input": [{"type": "pii", "default_operator": "hash", "key_env": "GG_TEST_KEY"}]}
    )
    assert pipe.check_input("mail a@example.com").text.startswith("mail [EMAIL_ADDRESS:")
