from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import genai_guard

SRC = Path(genai_guard.__file__).resolve().parent
PACKAGE = "genai_guard"


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


# Layers, lowest first. A module may import only from its own layer or lower ones, at module level
# or inside a function alike; only imports under ``if TYPE_CHECKING:`` (annotations) are exempt.
LAYERS: list[set[str]] = [
    {"errors", "_ruleset", "_redis"},
    {"_results"},
    {"context", "taxonomy"},
    {"protocols", "_options", "_lines", "_ruleset"},
    {
        "sanitize",
        "detect",
        "pii",
        "secrets",
        "validate",
        "_engine",
        "_evaluation",
        "_eval_report",
        "integrity",
        "signing",
    },
    {"streaming"},
    {"pipeline"},
    {"registry", "audit", "limits", "_limit_stage_types"},
    {"policy", "threatmodel"},
    {"integrations", "testing"},
    # The guard server is an application of the library, like the command line that starts it.
    {"cli", "__init__", "__main__", "server"},
    {"training"},
]
# Only the entry points import these (DESIGN.md section 1).
TOP_ONLY = {"cli", "testing", "integrations", "policy", "training", "server"}
ENTRY_POINTS = {"cli", "__init__", "__main__", "server"}
# Training sits above the entry points (an offline tool, never imported by the runtime): its
# evaluation protocol builds pipelines from policies as the CLI's eval does.
TOOLS = {"training"}


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package (packages by their name)."""
    found: dict[str, Path] = {}
    for path in SRC.rglob("*.py"):
        parts = (PACKAGE, *path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _walk(node: ast.AST, *, typing_only: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Every node under ``node``, with whether it sits in an ``if TYPE_CHECKING:`` block."""
    for child in ast.iter_child_nodes(node):
        inner = typing_only or _type_checking(child)
        yield child, inner
        yield from _walk(child, typing_only=inner)


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if MODULES[module].name != "__init__.py":
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _imports(module: str) -> Iterator[tuple[str, str | None, bool]]:
    """``(target module, imported name or None, typing only)`` for each import of ``module``."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node, typing_only in _walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    yield alias.name, None, typing_only
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            if source.split(".")[0] != PACKAGE:
                continue
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                if sub in MODULES:
                    yield sub, None, typing_only
                else:
                    yield source, alias.name, typing_only


def _defined(module: str) -> set[str]:
    """Names bound at the top level of ``module`` (in any branch, TYPE_CHECKING included)."""
    names: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
            elif isinstance(node, ast.If | ast.Try | ast.With | ast.For | ast.While):
                for field in ("body", "orelse", "finalbody"):
                    visit(getattr(node, field, []))
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)

    visit(ast.parse(MODULES[module].read_text(encoding="utf-8")).body)
    return names


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _layer(top: str) -> int:
    for i, layer in enumerate(LAYERS):
        if top in layer:
            return i
    raise AssertionError(f"module {top!r} is in no layer of the import test")


def _graph() -> dict[str, set[str]]:
    """Module -> modules it imports at run time (function-level imports included)."""
    return {
        m: {target for target, _, typing_only in _imports(m) if not typing_only} for m in MODULES
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return out


def test_every_module_is_in_a_layer() -> None:
    for module in MODULES:
        _layer(_top(module))


def test_imports_point_down() -> None:
    problems = []
    for module in MODULES:
        top = _top(module)
        for target, _, typing_only in _imports(module):
            if not typing_only and _layer(_top(target)) > _layer(top):
                problems.append(f"{module} imports {target}")
    assert problems == []


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_cycle_finder_sees_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_imported_names_exist() -> None:
    missing = []
    for module in MODULES:
        for target, name, _ in _imports(module):
            if target not in MODULES:
                missing.append(f"{module}: no module {target}")
            elif name is not None and name != "*" and name not in _defined(target):
                missing.append(f"{module}: {target} has no {name}")
    assert missing == []


def test_nothing_imports_upper_packages() -> None:
    problems = []
    for module in MODULES:
        top = _top(module)
        for target, _, typing_only in _imports(module):
            dest = _top(target)
            if (
                dest in TOP_ONLY
                and dest != top
                and top not in ENTRY_POINTS | TOOLS
                and not typing_only
            ):
                problems.append(f"{module} imports {target}")
    assert problems == []


def test_runtime_never_imports_training() -> None:
    users = {
        m
        for m in MODULES
        if _top(m) != "training" and any(_top(t) == "training" for t, _, _ in _imports(m))
    }
    assert users == set()
