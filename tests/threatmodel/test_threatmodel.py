from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, ConfigDict

from genai_guard import Category, Context, Outcome, Pipeline, Registry, Step
from genai_guard.cli import main
from genai_guard.policy import build_pipeline
from genai_guard.protocols import StageType
from genai_guard.threatmodel import (
    ThreatModelError,
    coverage,
    load_threat_model,
    mermaid,
    report_dict,
    report_markdown,
    starter_model_text,
    unknown_stage_types,
    validate_threat_model,
)

PROMPT_ATTACKS = (
    "goal-hijacking",
    "guardrail-bypass",
    "information-leakage",
    "infrastructure-attack",
)


def _sample() -> dict[str, Any]:
    return {
        "name": "sample",
        "scope": {"system": "a chatbot"},
        "assets": [
            {
                "id": "api",
                "name": "Inference API",
                "cia": {"confidentiality": "low", "integrity": "high", "availability": "high"},
                "priority": "high",
            },
            {
                "id": "history",
                "name": "Prompt history",
                "cia": {"confidentiality": "high", "integrity": "low", "availability": "low"},
                "priority": "critical",
            },
        ],
        "actors": [{"id": "user", "name": "User"}],
        "components": [{"id": "app", "name": "App"}],
        "trust_boundaries": [{"id": "net", "name": "Internet", "contains": ["user"]}],
        "data_flows": [
            {"id": "f1", "source": "user", "target": "app", "data": "prompt", "crosses": ["net"]},
            {"id": "f2", "source": "app", "target": "history", "data": "log"},
        ],
        "threats": [
            {
                "id": "inject",
                "title": "Injection",
                "stride": ["tampering"],
                "category": "goal_hijacking",
                "statement": {
                    "threat_source": "malicious user",
                    "prerequisites": "chat access",
                    "threat_action": "override instructions",
                    "threat_impact": "hijacked answers",
                    "impacted_assets": ["api"],
                },
                "dread": {
                    "damage": 8,
                    "reproducibility": 8,
                    "exploitability": 8,
                    "affected_users": 8,
                    "discoverability": 8,
                },
                "mitigations": [{"stage": "rules", "direction": "input"}, {"stage": "spotlight"}],
            },
            {
                "id": "leak",
                "title": "Leak",
                "stride": ["information_disclosure"],
                "statement": {
                    "threat_source": "attacker",
                    "prerequisites": "chat access",
                    "threat_action": "extract data",
                    "threat_impact": "disclosure",
                    "impacted_assets": ["history"],
                },
                "dread": {
                    "damage": 2,
                    "reproducibility": 2,
                    "exploitability": 2,
                    "affected_users": 2,
                    "discoverability": 2,
                },
                "mitigations": [
                    {"stage": "secrets", "direction": "output"},
                    {"control": "access control"},
                ],
            },
            {
                "id": "repudiate",
                "title": "Denial",
                "stride": ["repudiation"],
                "statement": {
                    "threat_source": "user",
                    "prerequisites": "no log",
                    "threat_action": "deny",
                    "threat_impact": "disputes",
                    "impacted_assets": ["history"],
                },
                "dread": {
                    "damage": 5,
                    "reproducibility": 5,
                    "exploitability": 5,
                    "affected_users": 5,
                    "discoverability": 5,
                },
                "mitigations": [{"control": "audit trail"}],
            },
        ],
    }


class _NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Clean:
    def __init__(self, name: str) -> None:
        self.name = name

    def check(self, text: str, ctx: Context) -> Outcome:
        return Outcome()


def _registry(*names: str) -> Registry:
    return Registry(
        [StageType(name=n, options=_NoOptions, factory=lambda _o, sid: _Clean(sid)) for n in names],
        entry_points=False,
    )


def _pipeline() -> Pipeline:
    policy = {
        "input": [{"id": "r", "type": "rules"}, {"type": "secrets"}, {"type": "extra"}],
        "output": [{"id": "out-secrets", "type": "secrets"}],
    }
    return build_pipeline(policy, registry=_registry("rules", "secrets", "extra"))


def _problems(raw: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ThreatModelError) as info:
        validate_threat_model(raw)
    return dict(info.value.problems)


# -- validation ---------------------------------------------------------------------------------


def test_sample_model_validates() -> None:
    model = validate_threat_model(_sample())
    assert [t.id for t in model.threats] == ["inject", "leak", "repudiate"]


def test_dread_out_of_range_names_the_field() -> None:
    raw = _sample()
    raw["threats"][1]["dread"]["damage"] = 11
    assert "threats[1].dread.damage" in _problems(raw)


def test_unknown_stride_class_names_the_field() -> None:
    raw = _sample()
    raw["threats"][0]["stride"] = ["sneaking"]
    assert "threats[0].stride[0]" in _problems(raw)


def test_unknown_category_names_the_field() -> None:
    raw = _sample()
    raw["threats"][0]["category"] = "not_a_category"
    assert "threats[0].category" in _problems(raw)


def test_unknown_key_names_the_field() -> None:
    raw = _sample()
    raw["assets"][0]["colour"] = "red"
    assert "assets[0].colour" in _problems(raw)


def test_missing_statement_field_names_it() -> None:
    raw = _sample()
    del raw["threats"][2]["statement"]["threat_action"]
    assert "threats[2].statement.threat_action" in _problems(raw)


def test_unknown_impacted_asset_names_the_field() -> None:
    raw = _sample()
    raw["threats"][0]["statement"]["impacted_assets"] = ["api", "nope"]
    problems = _problems(raw)
    assert "unknown asset" in problems["threats[0].statement.impacted_assets[1]"]


def test_unknown_flow_node_and_boundary_are_reported_together() -> None:
    raw = _sample()
    raw["data_flows"][0]["target"] = "ghost"
    raw["data_flows"][0]["crosses"] = ["wall"]
    problems = _problems(raw)
    assert {"data_flows[0].target", "data_flows[0].crosses[0]"} <= problems.keys()


def test_duplicate_ids_are_reported() -> None:
    raw = _sample()
    raw["threats"][1]["id"] = "inject"
    assert "duplicate" in _problems(raw)["threats[1].id"]


def test_mitigation_needs_exactly_one_of_stage_and_control() -> None:
    raw = _sample()
    raw["threats"][0]["mitigations"] = [{"stage": "rules", "control": "both"}]
    assert "threats[0].mitigations[0]" in _problems(raw)


def test_error_message_lists_each_path() -> None:
    raw = _sample()
    raw["threats"][0]["dread"]["damage"] = -1
    raw["assets"][1]["priority"] = "urgent"
    with pytest.raises(ThreatModelError) as info:
        validate_threat_model(raw)
    text = str(info.value)
    assert "threats[0].dread.damage" in text
    assert "assets[1].priority" in text


def test_invalid_yaml_file_is_a_threat_model_error(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ThreatModelError, match="not valid YAML"):
        load_threat_model(path)


# -- DREAD and statements -----------------------------------------------------------------------


def test_dread_score_is_the_mean_and_sets_priority() -> None:
    model = validate_threat_model(_sample())
    inject, leak, repudiate = model.threats
    assert (inject.dread.score, inject.priority) == (8.0, "critical")
    assert (repudiate.dread.score, repudiate.priority) == (5.0, "medium")
    assert (leak.dread.score, leak.priority) == (2.0, "low")


def test_threats_by_priority_sorts_by_score() -> None:
    model = validate_threat_model(_sample())
    assert [t.id for t in model.threats_by_priority()] == ["inject", "repudiate", "leak"]


def test_statement_text_follows_the_template() -> None:
    model = validate_threat_model(_sample())
    text = model.threats[0].statement_text(model.asset_map)
    assert text == (
        "A malicious user with chat access can override instructions, which leads to hijacked "
        "answers, negatively impacting Inference API."
    )


def test_statement_uses_an_before_a_vowel() -> None:
    model = validate_threat_model(_sample())
    assert model.threats[1].statement_text().startswith("An attacker with")


# -- coverage -----------------------------------------------------------------------------------


def test_coverage_names_the_mitigating_steps() -> None:
    cov = coverage(validate_threat_model(_sample()), _pipeline())
    assert [s.name for s in cov.for_threat("inject").steps] == ["r"]


def test_coverage_respects_direction() -> None:
    cov = coverage(validate_threat_model(_sample()), _pipeline())
    steps = cov.for_threat("leak").steps
    assert [(s.direction, s.name) for s in steps] == [("output", "out-secrets")]


def test_coverage_lists_named_but_unconfigured_types() -> None:
    cov = coverage(validate_threat_model(_sample()), _pipeline())
    assert cov.for_threat("inject").missing == ("spotlight",)


def test_coverage_lists_threats_without_steps() -> None:
    cov = coverage(validate_threat_model(_sample()), _pipeline())
    assert cov.uncovered == ("repudiate",)
    assert cov.for_threat("repudiate").controls == ("audit trail",)


def test_coverage_lists_steps_that_mitigate_nothing() -> None:
    cov = coverage(validate_threat_model(_sample()), _pipeline())
    assert [(s.direction, s.name) for s in cov.unused_steps] == [
        ("input", "secrets"),
        ("input", "extra"),
    ]


def test_hand_built_step_matches_by_name() -> None:
    pipe = Pipeline([Step(_Clean("rules"))])
    cov = coverage(validate_threat_model(_sample()), pipe)
    assert [s.name for s in cov.for_threat("inject").steps] == ["rules"]


# -- the starting model -------------------------------------------------------------------------

_DEFAULT_TYPES_INPUT = (
    "unicode",
    "payload_decoder",
    "length_limit",
    "pii",
    "secrets",
    "attack_rules",
    "attack_classifier",
)
_DEFAULT_TYPES_OUTPUT = (
    "canary",
    "system_prompt_leak",
    "exfiltration",
    "unsafe_code",
    "secrets",
    "pii_detect",
    "pii_restore",
)


def _default_like_pipeline() -> Pipeline:
    """The stage types the default policy will hold, each a clean stage built from a registry."""
    reg = _registry(*dict.fromkeys(_DEFAULT_TYPES_INPUT + _DEFAULT_TYPES_OUTPUT))
    policy = {
        "input": [{"type": t} for t in _DEFAULT_TYPES_INPUT],
        "output": [{"type": t} for t in _DEFAULT_TYPES_OUTPUT],
    }
    return build_pipeline(policy, registry=reg)


def test_starter_model_is_valid_and_has_the_four_assets() -> None:
    model = validate_threat_model(yaml.safe_load(starter_model_text()))
    assert {a.id for a in model.assets} == {
        "training_data",
        "model_weights",
        "inference_api",
        "prompt_history",
    }


def test_starter_model_has_one_threat_per_attack_category() -> None:
    model = validate_threat_model(yaml.safe_load(starter_model_text()))
    by_id = {t.id: t for t in model.threats}
    cats = {by_id[i].category for i in PROMPT_ATTACKS}
    assert cats == {
        Category.GOAL_HIJACKING,
        Category.GUARDRAIL_BYPASS,
        Category.INFORMATION_LEAKAGE,
        Category.INFRASTRUCTURE_ATTACK,
    }


def test_starter_model_covers_every_stride_class() -> None:
    model = validate_threat_model(yaml.safe_load(starter_model_text()))
    assert {s for t in model.threats for s in t.stride} == {
        "spoofing",
        "tampering",
        "repudiation",
        "information_disclosure",
        "denial_of_service",
        "elevation_of_privilege",
    }


def test_default_stage_types_cover_every_prompt_attack_threat() -> None:
    model = validate_threat_model(yaml.safe_load(starter_model_text()))
    cov = coverage(model, _default_like_pipeline())
    for threat_id in PROMPT_ATTACKS:
        assert cov.for_threat(threat_id).covered, threat_id


def test_packaged_default_policy_covers_every_prompt_attack_threat() -> None:
    pipe = build_pipeline("default")
    if not (pipe.input_steps or pipe.output_steps):
        pytest.skip("the default policy has no steps yet")
    model = validate_threat_model(yaml.safe_load(starter_model_text()))
    cov = coverage(model, pipe)
    assert [t for t in PROMPT_ATTACKS if not cov.for_threat(t).covered] == []


def test_default_stage_types_leave_out_of_pipeline_threats_as_gaps() -> None:
    model = validate_threat_model(yaml.safe_load(starter_model_text()))
    cov = coverage(model, _default_like_pipeline())
    assert {"weights-tampering", "training-data-poisoning", "repudiation"} <= set(cov.uncovered)


def test_starter_model_mitigations_name_only_planned_stage_types() -> None:
    planned = set(_DEFAULT_TYPES_INPUT + _DEFAULT_TYPES_OUTPUT) | {
        "token_budget",
        "spotlight",
        "json_schema",
        "refusal",
        "rate_limit",
    }
    model = validate_threat_model(yaml.safe_load(starter_model_text()))
    named = {m.stage for t in model.threats for m in t.mitigations if m.stage}
    assert named <= planned


# -- report -------------------------------------------------------------------------------------


def test_markdown_report_has_every_section() -> None:
    model = validate_threat_model(_sample())
    text = report_markdown(model, coverage(model, _pipeline()), policy="p")
    for heading in ("## Assets", "## Threats by DREAD priority", "## Coverage", "### Gaps"):
        assert heading in text
    assert "```mermaid\nflowchart LR" in text


def test_mermaid_marks_boundary_crossings_as_dotted() -> None:
    diagram = mermaid(validate_threat_model(_sample()))
    assert 'n_user -.->|"prompt"| n_app' in diagram
    assert 'n_app -->|"log"| n_history' in diagram


def test_json_report_sorts_threats_by_priority() -> None:
    model = validate_threat_model(_sample())
    data = report_dict(model, coverage(model, _pipeline()))
    assert [t["id"] for t in data["threats"]] == ["inject", "repudiate", "leak"]
    assert data["coverage"]["uncovered"] == ["repudiate"]


# -- CLI ----------------------------------------------------------------------------------------


def test_cli_init_writes_a_valid_model(tmp_path: Path) -> None:
    path = tmp_path / "tm.yaml"
    assert main(["threatmodel", "init", str(path)], out=io.StringIO()) == 0
    assert load_threat_model(path).name == "rag-chatbot"


def test_cli_init_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "tm.yaml"
    path.write_text("keep", encoding="utf-8")
    assert main(["threatmodel", "init", str(path)], out=io.StringIO()) == 2
    assert path.read_text(encoding="utf-8") == "keep"


def test_cli_report_json_with_a_policy(tmp_path: Path) -> None:
    model = tmp_path / "tm.yaml"
    main(["threatmodel", "init", str(model)], out=io.StringIO())
    policy = tmp_path / "p.yaml"
    policy.write_text("version: 1\nname: empty\n", encoding="utf-8")
    out = io.StringIO()
    assert (
        main(
            ["threatmodel", "report", str(model), "--policy", str(policy), "--format", "json"],
            out=out,
        )
        == 0
    )
    data = json.loads(out.getvalue())
    assert data["policy"] == str(policy)
    assert len(data["coverage"]["uncovered"]) == len(data["threats"])


def test_cli_report_invalid_model_names_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = copy.deepcopy(_sample())
    raw["threats"][0]["dread"]["exploitability"] = 42
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert main(["threatmodel", "report", str(path)], out=io.StringIO()) == 2
    assert "threats[0].dread.exploitability" in capsys.readouterr().err


def test_unknown_stage_types_lists_typos_with_their_threats() -> None:
    model = validate_threat_model(_sample())
    assert unknown_stage_types(model, _registry("rules", "secrets")) == {"spotlight": ["inject"]}


def test_gaps_explain_why_a_threat_is_uncovered() -> None:
    model = validate_threat_model(_sample())
    text = report_markdown(model, coverage(model, _pipeline()))
    assert "- `repudiate` (only controls outside the pipeline)" in text


def test_cli_schema_describes_threats() -> None:
    out = io.StringIO()
    assert main(["threatmodel", "schema"], out=out) == 0
    schema = json.loads(out.getvalue())
    assert "Threat" in schema["$defs"]
