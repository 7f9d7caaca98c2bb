from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict
from tests._stages import KeywordDetector

from genai_guard import Action, PolicyError, Registry, StageType
from genai_guard.policy import build_pipeline, load_policy, policy_schema


class KeywordOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    word: str
    score: float = 0.9


def _keyword_type(name: str = "keyword") -> StageType:
    return StageType(
        name=name,
        options=KeywordOptions,
        factory=lambda opts, step_id: KeywordDetector(step_id, opts.word, opts.score),
        kind="detector",
        description="test keyword detector",
    )


REG = Registry([_keyword_type()], entry_points=False)


def _problems(source: Any, registry: Registry = REG) -> list[tuple[str, str]]:
    with pytest.raises(PolicyError) as info:
        load_policy(source, registry=registry)
    return list(info.value.problems)


def test_dict_policy_builds_pipeline() -> None:
    pipe = build_pipeline(
        {"name": "t", "input": [{"id": "kw", "type": "keyword", "word": "bad", "threshold": 0.5}]},
        registry=REG,
    )
    assert pipe.name == "t"
    assert [s.name for s in pipe.input_steps] == ["kw"]
    assert pipe.input_steps[0].type_name == "keyword"
    assert pipe.check_input("bad").blocked


def test_every_problem_is_listed_with_dotted_path() -> None:
    problems = _problems(
        {
            "version": 2,
            "bogus": 1,
            "input": [
                {"type": "keyword", "word": "x"},
                {"type": "nope"},
                {"type": "keyword", "word": 3, "threshold": 2},
            ],
        }
    )
    paths = [p for p, _ in problems]
    assert "version" in paths
    assert "bogus" in paths
    assert "input[2].threshold" in paths


def test_unknown_type_and_bad_options_are_errors() -> None:
    problems = _problems(
        {"input": [{"type": "nope"}, {"id": "k", "type": "keyword", "word": 3, "extra": 1}]}
    )
    assert ("input[0].type", problems[0][1]) in problems
    assert "unknown stage type 'nope'" in problems[0][1]
    paths = [p for p, _ in problems]
    assert "input[1].word" in paths
    assert "input[1].extra" in paths


def test_duplicate_ids_rejected() -> None:
    problems = _problems(
        {"input": [{"type": "keyword", "word": "a"}, {"type": "keyword", "word": "b"}]}
    )
    assert problems == [("input[1].id", "duplicate step id 'keyword'")]


def test_flag_threshold_above_threshold_rejected() -> None:
    problems = _problems(
        {"input": [{"type": "keyword", "word": "a", "threshold": 0.3, "flag_threshold": 0.6}]}
    )
    assert problems[0][0] == "input[0].flag_threshold"


def test_yaml_file_and_syntax_error(tmp_path: Path) -> None:
    good = tmp_path / "p.yaml"
    good.write_text("name: f\ninput:\n  - {type: keyword, word: zz}\n", encoding="utf-8")
    assert load_policy(good, registry=REG).name == "f"
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    problems = _problems(bad)
    assert "not valid YAML" in problems[0][1]


def test_missing_file_is_a_policy_error() -> None:
    assert "no policy file" in _problems("does/not/exist.yaml")[0][1]


def test_extends_overrides_removes_and_inserts(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(
        "name: base\nsettings: {fail_fast: false}\ninput:\n"
        "  - {id: a, type: keyword, word: aa}\n"
        "  - {id: b, type: keyword, word: bb}\n"
        "  - {id: c, type: keyword, word: cc}\n",
        encoding="utf-8",
    )
    child = tmp_path / "child.yaml"
    child.write_text(
        "name: child\nextends: base.yaml\ninput:\n"
        "  - {id: a, threshold: 0.5}\n"
        "  - {id: b, enabled: false}\n"
        "  - {id: z, type: keyword, word: zz, before: c}\n",
        encoding="utf-8",
    )
    policy = load_policy(child, registry=REG)
    assert policy.name == "child"
    assert policy.settings.fail_fast is False
    assert [s.step_id for s in policy.input] == ["a", "z", "c"]
    assert policy.input[0].threshold == 0.5
    assert policy.input[0].options == {"word": "aa"}


def test_circular_extends(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n", encoding="utf-8")
    assert "circular" in _problems(tmp_path / "a.yaml")[0][1]


def test_package_resource_and_default() -> None:
    policy = load_policy("genai_guard:policies/default.yaml")
    assert policy.name == "default"
    assert load_policy("default").name == "default"
    assert "no policy resource" in _problems("genai_guard:policies/missing.yaml")[0][1]


def test_default_pipeline_builds() -> None:
    pipe = build_pipeline("default")
    assert pipe.name == "default"
    assert pipe.check_input("What is the capital of France?").action in (
        Action.ALLOW,
        Action.MODIFY,
    )


def test_every_builtin_type_has_options_and_description() -> None:
    for st in Registry.builtin().types:
        assert st.description, st.name
        assert st.options.model_config.get("extra") == "forbid", st.name


def test_schema_lists_step_types() -> None:
    schema = policy_schema(REG)
    assert "Step_keyword" in schema["$defs"]
    step = schema["$defs"]["Step_keyword"]
    assert step["properties"]["type"] == {"const": "keyword"}
    assert "word" in step["required"]


def test_registry_rejects_duplicates_and_resolves_entry_points() -> None:
    with pytest.raises(ValueError, match="twice"):
        Registry([_keyword_type(), _keyword_type()])
    reg = REG.with_types(_keyword_type("acme.keyword"))
    assert "acme.keyword" in reg
    assert reg.get("acme.unknown") is None
