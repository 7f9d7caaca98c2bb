"""The snippets of docs/server.md and of the framework sections of docs/integrations.md run.

Snippets marked ``<!-- snippet: run -->`` are executed in order, one namespace per page, with the
documented addresses (guard 127.0.0.1:8080, upstream 127.0.0.1:8000) pointed at the test's guard
server and fake upstream; ``cli`` snippets are parsed by the real argument parser and ``policy``
snippets validated.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
from pathlib import Path

import pytest
import yaml

from genai_guard.cli import build_parser
from genai_guard.policy import validate_policy

from .conftest import Upstream

DOCS = Path(__file__).resolve().parents[2] / "docs"
_SNIPPET = re.compile(r"<!-- snippet: (\w+) -->\n```(\w+)\n(.*?)\n```", re.DOTALL)
EMAIL = "jane.doe@example.com"


def snippets(page: str, kind: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return [body for k, _, body in _SNIPPET.findall(text) if k == kind]


def run(page: str, guard_url: str, upstream: Upstream) -> str:
    guard = guard_url.removeprefix("http://").removesuffix("/v1")
    up = upstream.base_url.removeprefix("http://")
    namespace: dict[str, object] = {"__name__": f"docs_{page}"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for body in snippets(page, "run"):
            code = body.replace("127.0.0.1:8080", guard).replace("127.0.0.1:8000", up)
            exec(compile(code, f"docs/{page}", "exec"), namespace)
    return out.getvalue()


def test_server_page_snippets_run(guard_url: str, upstream: Upstream) -> None:
    printed = run("server.md", guard_url, upstream).splitlines()
    assert printed[0] == f"You said: Mail {EMAIL} the invoice"
    assert printed[1] == f"You said: Mail {EMAIL} the invoice"
    assert printed[2].startswith("guard_blocked ['attack.goal_hijacking.ignore_previous'")
    assert printed[3] == "modify I am <EMAIL_ADDRESS_1>"
    assert all(EMAIL not in str(body) for _, body in upstream.requests)


def test_server_page_command_lines_parse() -> None:
    (line,) = snippets("server.md", "cli")
    args = build_parser().parse_args(shlex.split(line)[1:])
    assert (args.policy, args.port) == ("org.yaml", 8080)


def test_server_page_policy_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENAI_GUARD_VAULT_KEY", "22" * 32)
    (policy,) = snippets("server.md", "policy")
    validated = validate_policy(yaml.safe_load(policy))
    (pii,) = [o for o in validated.input_options if getattr(o, "vault_backend", None)]
    assert pii.vault_backend == "redis"


# litellm's own models trigger this pydantic warning when first used; it is not ours to fix.
@pytest.mark.filterwarnings("ignore:Item.*ReadOnly:UserWarning")
def test_integrations_page_framework_snippets_run(
    guard_url: str, upstream: Upstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "LITELLM_LOCAL_MODEL_COST_MAP", os.environ.get("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    )
    litellm = pytest.importorskip("litellm")
    pytest.importorskip("langchain_openai")
    pytest.importorskip("llama_index.core")
    saved = list(litellm.callbacks)
    try:
        printed = run("integrations.md", guard_url, upstream).splitlines()
    finally:
        litellm.callbacks = saved
    assert printed == [
        f"You said: Mail {EMAIL} the invoice",  # LangChain
        f"You said: Mail {EMAIL} the invoice",  # LiteLLM
        f"Mail {EMAIL} the invoice",  # LlamaIndex (MockLLM echoes)
    ]
    assert all(EMAIL not in str(body) for _, body in upstream.requests)
