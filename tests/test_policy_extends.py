"""What ``extends`` may reach: shipped, registered and neighbouring policies, nothing else."""

from __future__ import annotations

import ast
import dataclasses
import os
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict
from tests._stages import KeywordDetector

import genai_guard
from genai_guard import PolicyError, Registry, StageType
from genai_guard.policy import ValidatedPolicy, load_policy, validate_policy

PACKAGE_DIR = Path(genai_guard.__file__).resolve().parent
CHILD_STEP = "name: child\ninput:\n  - {id: k, type: keyword, word: zz}\n"


class KeywordOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    word: str


REG = Registry(
    [
        StageType(
            name="keyword",
            options=KeywordOptions,
            factory=lambda opts, step_id: KeywordDetector(step_id, opts.word, 0.9),
        )
    ],
    entry_points=False,
)


def _error(source: object, **kwargs: object) -> PolicyError:
    with pytest.raises(PolicyError) as info:
        load_policy(source, registry=REG, **kwargs)  # type: ignore[arg-type]
    return info.value


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def side_effect_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An importable module that leaves a marker file when it is imported."""
    marker = tmp_path / "imported.marker"
    lib = tmp_path / "lib"
    _write(lib / "gg_side_effect.py", f"open({str(marker)!r}, 'w').close()\n")
    monkeypatch.syspath_prepend(str(lib))
    return marker


def test_extends_of_an_unregistered_package_imports_nothing(side_effect_module: Path) -> None:
    err = _error({"extends": "gg_side_effect:x.yaml"})
    assert "is not a shipped policy" in str(err)
    assert not side_effect_module.exists()
    assert "gg_side_effect" not in sys.modules


def test_extends_of_the_standard_library_this_is_refused() -> None:
    err = _error({"extends": "this:x.yaml"})
    assert err.problems[0][0] == "extends"


def _outside_file(tmp_path: Path) -> Path:
    return _write(tmp_path / "foreign.yaml", "foreign_secret_key: 1\nanother_private_name: 2\n")


def test_extends_with_dots_in_a_package_resource_reads_nothing_outside(tmp_path: Path) -> None:
    rel = os.path.relpath(_outside_file(tmp_path), PACKAGE_DIR)
    err = _error({"extends": f"genai_guard:{rel}"})
    assert "foreign_secret_key" not in str(err)
    assert "another_private_name" not in str(err)


def test_a_package_resource_with_dots_is_refused_at_the_top_level_too(tmp_path: Path) -> None:
    rel = os.path.relpath(_outside_file(tmp_path), PACKAGE_DIR)
    err = _error(f"genai_guard:{rel}")
    assert "leaves its package" in str(err)
    assert "foreign_secret_key" not in str(err)


def test_extends_of_a_file_outside_the_policy_folder_is_refused(tmp_path: Path) -> None:
    foreign = _outside_file(tmp_path)
    child = _write(tmp_path / "app" / "child.yaml", f"extends: {foreign}\n{CHILD_STEP}")
    err = _error(child)
    assert "foreign_secret_key" not in str(err)
    assert "is not a shipped policy" in str(err)


def test_extends_climbing_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    _write(tmp_path / "other" / "base.yaml", "name: base\n")
    child = _write(tmp_path / "app" / "child.yaml", f"extends: ../other/base.yaml\n{CHILD_STEP}")
    assert "is not a shipped policy" in str(_error(child))


def test_an_allowed_root_admits_a_file_outside_the_folder(tmp_path: Path) -> None:
    _write(tmp_path / "other" / "base.yaml", "name: base\nsettings: {fail_fast: false}\n")
    child = _write(tmp_path / "app" / "child.yaml", f"extends: ../other/base.yaml\n{CHILD_STEP}")
    policy = load_policy(child, registry=REG, allowed_roots=[tmp_path / "other"])
    assert policy.settings.fail_fast is False


def test_a_dict_policy_extends_a_file_only_in_an_allowed_root(tmp_path: Path) -> None:
    _write(tmp_path / "base.yaml", "name: base\nsettings: {fail_fast: false}\n")
    assert _error({"extends": "base.yaml"}).problems[0][0] == "extends"
    policy = load_policy(
        {"name": "child", "extends": "base.yaml"}, registry=REG, allowed_roots=[tmp_path]
    )
    assert policy.settings.fail_fast is False


def test_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    foreign = _outside_file(tmp_path)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "base.yaml").symlink_to(foreign)
    child = _write(tmp_path / "app" / "child.yaml", f"extends: base.yaml\n{CHILD_STEP}")
    err = _error(child)
    assert "foreign_secret_key" not in str(err)


def test_extends_a_file_in_a_subfolder(tmp_path: Path) -> None:
    _write(tmp_path / "bases" / "base.yaml", "name: base\nsettings: {fail_fast: false}\n")
    child = _write(tmp_path / "child.yaml", f"extends: bases/base.yaml\n{CHILD_STEP}")
    assert load_policy(child, registry=REG).settings.fail_fast is False


@pytest.fixture
def registered_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An installed distribution that registers ``gg_org_pol:strict.yaml`` as ``gg-strict``."""
    site = tmp_path / "site"
    _write(site / "gg_org_pol" / "__init__.py", "")
    _write(site / "gg_org_pol" / "strict.yaml", "name: strict\nsettings: {fail_fast: false}\n")
    _write(site / "gg_org_pol" / "extra.yaml", "name: extra\nsettings: {on_block: refuse}\n")
    info = site / "gg_org_pol-1.0.dist-info"
    _write(info / "METADATA", "Metadata-Version: 2.1\nName: gg-org-pol\nVersion: 1.0\n")
    _write(
        info / "entry_points.txt", "[genai_guard.policies]\ngg-strict = gg_org_pol:strict.yaml\n"
    )
    monkeypatch.syspath_prepend(str(site))
    return "gg-strict"


def test_extends_a_policy_registered_by_name(registered_policy: str) -> None:
    policy = load_policy({"name": "child", "extends": registered_policy}, registry=REG)
    assert policy.settings.fail_fast is False


def test_extends_another_resource_of_a_registered_package(registered_policy: str) -> None:
    policy = load_policy({"name": "child", "extends": "gg_org_pol:extra.yaml"}, registry=REG)
    assert policy.settings.on_block == "refuse"


def test_extends_the_shipped_default_by_resource_name() -> None:
    policy = load_policy({"extends": "genai_guard:policies/default.yaml", "name": "x"})
    assert policy.input


def test_a_policy_file_that_is_not_utf8_is_a_policy_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"name: caf\xe9\n")
    assert "not UTF-8" in str(_error(bad))


def test_validate_policy_returns_named_frozen_fields() -> None:
    validated = validate_policy(
        {"input": [{"type": "keyword", "word": "a"}], "output": []}, registry=REG
    )
    assert isinstance(validated, ValidatedPolicy)
    assert [type(o) for o in validated.input_options] == [KeywordOptions]
    assert validated.output_options == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        validated.policy = validated.policy  # type: ignore[misc]


def test_no_assert_guards_a_code_path_in_policy() -> None:
    tree = ast.parse((PACKAGE_DIR / "policy.py").read_text(encoding="utf-8"))
    assert not [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert)]
