"""Policy types of the validators and the default policy's output steps."""

from __future__ import annotations

import pytest

from genai_guard import Action, Context, Direction, PolicyError
from genai_guard.policy import build_pipeline
from genai_guard.validate._stage_types import STAGE_TYPES


def test_every_type_is_an_output_validator() -> None:
    assert {t.name for t in STAGE_TYPES} == {
        "canary",
        "system_prompt_leak",
        "exfiltration",
        "json_schema",
        "refusal",
        "ssrf",
        "unsafe_code",
    }
    assert all(t.kind == "validator" and t.directions == {Direction.OUTPUT} for t in STAGE_TYPES)


def test_default_policy_output_steps() -> None:
    p = build_pipeline("default")
    names = [s.name for s in p.output_steps]
    for name in ("canary", "system_prompt_leak", "exfiltration", "unsafe_code"):
        assert name in names
    assert "refusal" not in names
    unsafe = next(s for s in p.output_steps if s.name == "unsafe_code")
    assert unsafe.on_fail is Action.FLAG


def test_policy_builds_schema_and_refusal_steps() -> None:
    p = build_pipeline(
        {
            "version": 1,
            "name": "t",
            "output": [
                {"id": "shape", "type": "json_schema", "schema": {"type": "object"}},
                {"id": "refusal", "type": "refusal", "languages": ["en", "de"]},
            ],
        }
    )
    d = p.check_output("I'm sorry, but I can't help with that.", ctx=Context())
    assert d.blocked  # no JSON at all


def test_policy_rejects_unknown_options() -> None:
    with pytest.raises(PolicyError):
        build_pipeline(
            {"version": 1, "name": "t", "output": [{"id": "x", "type": "canary", "bogus": 1}]}
        )
