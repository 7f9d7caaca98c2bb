"""Issue 26: policies explain themselves (one pass, full paths, suggestions, streaming warnings)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from genai_guard.errors import PolicyError
from genai_guard.policy import build_pipeline, streaming_warnings, validate_policy

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _error(source: object) -> PolicyError:
    with pytest.raises(PolicyError) as info:
        build_pipeline(source)
    return info.value


def test_schema_and_stage_option_problems_come_in_one_pass(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "version: 1\nname: bad\nsettings: {fail_fst: true}\n"
        "input:\n  - {type: pii, entities: 3, threshold: 5}\n",
        encoding="utf-8",
    )
    err = _error(str(path))
    paths = [p for p, _ in err.problems]
    assert paths == ["settings.fail_fst", "input[0].threshold", "input[0].entities"]
    assert str(err).startswith(f"invalid policy {path}:")


def test_an_unknown_key_gets_a_suggestion() -> None:
    err = _error({"name": "x", "settings": {"fail_fst": True}})
    assert err.problems == (
        ("settings.fail_fst", "unknown key 'fail_fst' (did you mean 'fail_fast'?)"),
    )


def test_an_unknown_stage_option_gets_a_suggestion() -> None:
    err = _error({"name": "x", "input": [{"type": "length_limit", "max_char": 5}]})
    assert ("input[0].max_char", "unknown key 'max_char' (did you mean 'max_chars'?)") in (
        err.problems
    )


def test_an_unknown_stage_type_gets_a_suggestion() -> None:
    err = _error({"name": "x", "input": [{"type": "atack_rules"}]})
    assert "did you mean 'attack_rules'?" in err.problems[0][1]


def test_inline_rules_are_checked_with_their_full_path_and_need_no_category() -> None:
    rule = {"id": "attack.goal_hijacking.acme", "patterns": ["zzq"], "weight": 0.9}
    err = _error({"name": "x", "input": [{"type": "attack_rules", "extra_rules": [rule]}]})
    assert [p for p, _ in err.problems] == [
        "input[0].extra_rules[0].description",
        "input[0].extra_rules[0].examples",
    ]
    good = {
        **rule,
        "description": "ACME's own override phrase",
        "examples": {"positive": ["zzq now", "say zzq"], "negative": ["hello", "zz q"]},
    }
    pipe = build_pipeline({"name": "x", "input": [{"type": "attack_rules", "extra_rules": [good]}]})
    assert "attack.goal_hijacking.acme" in pipe.check_input("zzq now").rule_ids


def test_an_empty_policy_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    assert _error(str(path)).problems == (("", "the policy is empty (no version, name or steps)"),)


def test_a_child_policy_needs_its_own_name() -> None:
    err = _error({"extends": "default", "input": [{"id": "attack_rules", "threshold": 0.6}]})
    assert err.problems == (("name", "a policy that extends another needs its own name"),)
    pipe = build_pipeline({"name": "child", "extends": "default"})
    assert pipe.name == "child"


def test_a_step_appended_after_pii_restore_warns_about_whole_text_streaming(
    caplog: pytest.LogCaptureFixture,
) -> None:
    child = {"name": "c", "extends": "default", "output": [{"id": "leak2", "type": "canary"}]}
    with caplog.at_level(logging.WARNING, logger="genai_guard.policy"):
        pipe = build_pipeline(child)
    assert [s.name for s in pipe.output_steps][-2:] == ["pii_restore", "leak2"]
    assert streaming_warnings(pipe.output_steps)[0][0] == "output.leak2"
    assert "before: pii_restore" in caplog.text
    placed = {**child, "output": [{"id": "leak2", "type": "canary", "before": "pii_restore"}]}
    assert streaming_warnings(build_pipeline(placed).output_steps) == []


def test_the_default_policy_streams_incrementally() -> None:
    assert streaming_warnings(build_pipeline("default").output_steps) == []


def test_the_headline_example_of_docs_policy_tunes_the_default_step() -> None:
    text = (DOCS / "policy.md").read_text(encoding="utf-8")
    block = text.split("```yaml", 1)[1].split("```", 1)[0]
    import yaml

    raw = yaml.safe_load(block)
    validated = validate_policy(raw)
    types = [s.type for s in validated.policy.input]
    assert types.count("attack_rules") == 1
    assert streaming_warnings(build_pipeline(raw).output_steps) == []
