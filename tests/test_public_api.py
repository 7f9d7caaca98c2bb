from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import genai_guard

SRC = Path(genai_guard.__file__).resolve().parent


def test_all_is_sorted_and_complete() -> None:
    names = list(genai_guard.__all__)
    assert names == sorted(
        names, key=lambda n: (not n.startswith("__"), n.isupper() is False, n)
    ) or names == sorted(names)
    for name in names:
        assert hasattr(genai_guard, name), name


def test_import_is_light() -> None:
    code = (
        "import sys, genai_guard, genai_guard.sanitize, genai_guard.detect, genai_guard.pii, "
        "genai_guard.validate, genai_guard.integrations;"
        "heavy = {'presidio_analyzer', 'spacy', 'tiktoken', 'numpy', 'transformers', 'torch', "
        "'cryptography', 'openai', 'anthropic', 'redis'};"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# Layers, lowest first. A module may import only from its own layer or lower ones.
LAYERS: list[set[str]] = [
    {"_results", "_ruleset"},
    {"errors", "context", "taxonomy"},
    {"protocols"},
    {"sanitize", "detect", "pii", "validate", "_engine", "_evaluation", "integrity", "signing"},
    {"streaming"},
    {"pipeline"},
    {"registry", "audit", "limits", "_limit_stage_types"},
    {"policy", "threatmodel"},
    {"integrations", "testing"},
    {"cli", "__init__", "__main__"},
]
# Deferred imports that are part of the design: Pipeline.from_policy is a façade over policy,
# and Decision.raise_for_block raises the error from errors.
ALLOWED_UPWARD = {("pipeline", "policy"), ("_results", "errors"), ("pipeline", "integrations")}


def _layer(top: str) -> int:
    for i, layer in enumerate(LAYERS):
        if top in layer:
            return i
    raise AssertionError(f"module {top!r} is in no layer of the import test")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("genai_guard")
        ):
            parts = node.module.split(".")
            if len(parts) > 1:
                found.add(parts[1])
            else:
                found.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == "genai_guard" and len(parts) > 1:
                    found.add(parts[1])
    return found


def test_imports_point_down() -> None:
    problems = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        top = rel.parts[0].removesuffix(".py")
        for target in _imports(path):
            if target == top:
                continue
            if _layer(target) > _layer(top) and (top, target) not in ALLOWED_UPWARD:
                problems.append(f"{rel} imports {target}")
    assert problems == []


def test_nothing_imports_upper_packages() -> None:
    for path in SRC.rglob("*.py"):
        top = path.relative_to(SRC).parts[0].removesuffix(".py")
        if top in {"cli", "__init__", "__main__", "integrations", "testing"}:
            continue
        imported = _imports(path)
        assert "cli" not in imported, path
        assert "testing" not in imported, path
