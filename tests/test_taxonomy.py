from __future__ import annotations

import re

from genai_guard import Category
from genai_guard.taxonomy import (
    ATLAS,
    CATEGORY_THREATS,
    OWASP_LLM_2025,
    RULE_THREATS,
    STRIDE,
    finding,
    threat_for,
)

OWASP_ID = re.compile(r"^LLM(0[1-9]|10):2025$")
ATLAS_ID = re.compile(r"^AML\.T\d{4}(\.\d{3})?$")


def test_every_category_has_a_mapping() -> None:
    assert set(CATEGORY_THREATS) == set(Category)


def test_ids_are_well_formed_and_known() -> None:
    for threat in [*CATEGORY_THREATS.values(), *RULE_THREATS.values()]:
        for s in threat.stride:
            assert s in STRIDE
        for o in threat.owasp:
            assert OWASP_ID.match(o) and o in OWASP_LLM_2025
        for a in threat.atlas:
            assert ATLAS_ID.match(a) and a in ATLAS


def test_attack_categories_have_owasp_and_atlas() -> None:
    for cat in Category:
        if cat.is_attack:
            t = CATEGORY_THREATS[cat]
            assert t.owasp and t.atlas and t.stride


def test_rule_prefix_overrides_category() -> None:
    t = threat_for(
        "attack.information_leakage.system_prompt.repeat_above", Category.INFORMATION_LEAKAGE
    )
    assert t.owasp == ("LLM07:2025",)
    assert (
        threat_for("attack.goal_hijacking.x", Category.GOAL_HIJACKING)
        == CATEGORY_THREATS[Category.GOAL_HIJACKING]
    )


def test_finding_clamps_score_and_carries_ids() -> None:
    f = finding("pii.EMAIL_ADDRESS", Category.PII, 1.7)
    assert f.score == 1.0
    assert f.owasp == ("LLM02:2025",)
