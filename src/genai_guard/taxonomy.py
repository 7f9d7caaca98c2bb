"""The attack taxonomy and its mapping to STRIDE, OWASP Top 10 for LLM 2025 and MITRE ATLAS.

Every finding carries the ids of its rule, looked up here: a rule-id prefix mapping where a family
differs from its category, else the category's mapping. Ids were taken from the public documents:
the OWASP Top 10 for LLM Applications 2025 (``LLM01:2025`` ... ``LLM10:2025``) and MITRE ATLAS
(``mitre-atlas/atlas-data``, ``data/techniques.yaml``); see ``docs/taxonomy.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from genai_guard._results import Category, Finding, Span

__all__ = [
    "ATLAS",
    "CATEGORY_THREATS",
    "OWASP_LLM_2025",
    "RULE_THREATS",
    "STRIDE",
    "Threat",
    "finding",
    "threat_for",
]

STRIDE = (
    "Spoofing",
    "Tampering",
    "Repudiation",
    "Information disclosure",
    "Denial of service",
    "Elevation of privilege",
)

OWASP_LLM_2025: Mapping[str, str] = MappingProxyType(
    {
        "LLM01:2025": "Prompt Injection",
        "LLM02:2025": "Sensitive Information Disclosure",
        "LLM03:2025": "Supply Chain",
        "LLM04:2025": "Data and Model Poisoning",
        "LLM05:2025": "Improper Output Handling",
        "LLM06:2025": "Excessive Agency",
        "LLM07:2025": "System Prompt Leakage",
        "LLM08:2025": "Vector and Embedding Weaknesses",
        "LLM09:2025": "Misinformation",
        "LLM10:2025": "Unbounded Consumption",
    }
)

ATLAS: Mapping[str, str] = MappingProxyType(
    {
        "AML.T0051": "LLM Prompt Injection",
        "AML.T0051.000": "LLM Prompt Injection: Direct",
        "AML.T0051.001": "LLM Prompt Injection: Indirect",
        "AML.T0054": "LLM Jailbreak",
        "AML.T0056": "Extract LLM System Prompt",
        "AML.T0057": "LLM Data Leakage",
        "AML.T0024": "Exfiltration via AI Inference API",
        "AML.T0029": "Denial of AI Service",
        "AML.T0034": "Cost Harvesting",
        "AML.T0050": "Command and Scripting Interpreter",
        "AML.T0055": "Unsecured Credentials",
        "AML.T0068": "LLM Prompt Obfuscation",
        "AML.T0077": "LLM Response Rendering",
        "AML.T0010": "AI Supply Chain Compromise",
        "AML.T0025": "Exfiltration via Cyber Means",
        "AML.T0049": "Exploit Public-Facing Application",
        "AML.T0053": "AI Agent Tool Invocation",
        "AML.T0070": "RAG Poisoning",
        "AML.T0086": "Exfiltration via AI Agent Tool Invocation",
    }
)


@dataclass(frozen=True, slots=True)
class Threat:
    """The STRIDE classes, OWASP ids and ATLAS ids of a category or rule family."""

    stride: tuple[str, ...]
    owasp: tuple[str, ...]
    atlas: tuple[str, ...]


CATEGORY_THREATS: Mapping[Category, Threat] = MappingProxyType(
    {
        Category.GOAL_HIJACKING: Threat(
            ("Tampering", "Elevation of privilege"),
            ("LLM01:2025",),
            ("AML.T0051",),
        ),
        Category.GUARDRAIL_BYPASS: Threat(
            ("Elevation of privilege", "Tampering"),
            ("LLM01:2025",),
            ("AML.T0054",),
        ),
        Category.INFORMATION_LEAKAGE: Threat(
            ("Information disclosure",),
            ("LLM02:2025", "LLM07:2025"),
            ("AML.T0056", "AML.T0057"),
        ),
        Category.INFRASTRUCTURE_ATTACK: Threat(
            ("Elevation of privilege", "Denial of service", "Tampering"),
            ("LLM05:2025", "LLM06:2025"),
            ("AML.T0050",),
        ),
        Category.PII: Threat(("Information disclosure",), ("LLM02:2025",), ("AML.T0057",)),
        Category.SECRET: Threat(
            ("Information disclosure", "Spoofing"),
            ("LLM02:2025",),
            ("AML.T0055", "AML.T0057"),
        ),
        Category.OUTPUT_POLICY: Threat(("Tampering",), ("LLM05:2025",), ()),
        Category.INPUT_POLICY: Threat(("Denial of service",), ("LLM10:2025",), ("AML.T0034",)),
        Category.NORMALIZATION: Threat(("Tampering",), ("LLM01:2025",), ("AML.T0068",)),
    }
)

# Rule families whose mapping differs from their category's, keyed by dotted rule-id prefix.
RULE_THREATS: Mapping[str, Threat] = MappingProxyType(
    {
        "attack.goal_hijacking.indirect": Threat(
            ("Tampering", "Elevation of privilege"), ("LLM01:2025",), ("AML.T0051.001",)
        ),
        "attack.information_leakage.system_prompt": Threat(
            ("Information disclosure",), ("LLM07:2025",), ("AML.T0056",)
        ),
        "attack.information_leakage.training_data": Threat(
            ("Information disclosure",), ("LLM02:2025",), ("AML.T0024", "AML.T0057")
        ),
        "attack.infrastructure_attack.exfiltration": Threat(
            ("Information disclosure",), ("LLM05:2025", "LLM02:2025"), ("AML.T0077",)
        ),
        "attack.infrastructure_attack.resource_exhaustion": Threat(
            ("Denial of service",), ("LLM10:2025",), ("AML.T0029", "AML.T0034")
        ),
        "attack.guardrail_bypass.obfuscation": Threat(
            ("Elevation of privilege", "Tampering"), ("LLM01:2025",), ("AML.T0068", "AML.T0054")
        ),
        "sanitize.smuggled": Threat(
            ("Elevation of privilege", "Tampering"), ("LLM01:2025",), ("AML.T0068", "AML.T0051")
        ),
        "output.system_prompt_leak": Threat(
            ("Information disclosure",), ("LLM07:2025",), ("AML.T0056",)
        ),
        "output.canary": Threat(("Information disclosure",), ("LLM07:2025",), ("AML.T0056",)),
        "output.exfiltration": Threat(
            ("Information disclosure",), ("LLM05:2025", "LLM02:2025"), ("AML.T0077",)
        ),
        "output.unsafe_code": Threat(
            ("Elevation of privilege", "Tampering"), ("LLM05:2025",), ("AML.T0050",)
        ),
        "output.schema": Threat(("Tampering",), ("LLM05:2025",), ()),
        "output.ssrf": Threat(
            ("Elevation of privilege", "Information disclosure"), ("LLM05:2025", "LLM06:2025"), ()
        ),
        "tool": Threat(("Elevation of privilege",), ("LLM06:2025",), ()),
        "output.refusal": Threat(("Denial of service",), ("LLM09:2025",), ()),
        "limits": Threat(("Denial of service",), ("LLM10:2025",), ("AML.T0029", "AML.T0034")),
    }
)


def _prefixes(rule_id: str) -> list[str]:
    parts = rule_id.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def threat_for(rule_id: str, category: Category) -> Threat:
    """The mapping of the longest rule-id prefix in ``RULE_THREATS``, else the category's."""
    for prefix in _prefixes(rule_id):
        hit = RULE_THREATS.get(prefix)
        if hit is not None:
            return hit
    return CATEGORY_THREATS[category]


def finding(
    rule_id: str,
    category: Category,
    score: float,
    *,
    span: Span | None = None,
    message: str = "",
    view: str | None = None,
    threat: Threat | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Finding:
    """Build a ``Finding`` carrying its taxonomy ids (from ``threat`` or ``threat_for``)."""
    t = threat if threat is not None else threat_for(rule_id, category)
    return Finding(
        rule_id=rule_id,
        category=category,
        score=min(1.0, max(0.0, score)),
        span=span,
        message=message,
        view=view,
        stride=t.stride,
        owasp=t.owasp,
        atlas=t.atlas,
        metadata=MappingProxyType(dict(metadata)) if metadata else MappingProxyType({}),
    )
