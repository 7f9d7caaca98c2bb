"""The examples run against the local fake server."""

from __future__ import annotations

import base64
import importlib.util
import io
import re
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from genai_guard import GuardBlocked, Pipeline, Registry
from genai_guard.policy import build_pipeline
from integrations.fake_llm import FakeLLM
from integrations.stages import ATTACK, EMAIL

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ORG = EXAMPLES / "org_policy"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_chatbot_scripted_turns(llm: FakeLLM, pipeline: Pipeline) -> None:
    chatbot = _load("openai_chatbot")
    out = io.StringIO()
    history = chatbot.chat(
        ["Hello there", ATTACK, f"Write to {EMAIL}"],
        base_url=f"{llm.base_url}/v1",
        pipeline=pipeline,
        out=out,
    )
    printed = out.getvalue()
    assert "bot> You said: Hello there" in printed
    assert "[blocked by guard: attack.goal_hijacking.ignore_previous]" in printed
    assert f"bot> You said: Write to {EMAIL}" in printed
    assert [m["role"] for m in history] == ["system", "user", "assistant", "user", "assistant"]
    assert all(ATTACK not in str(body) for _, body in llm.requests)
    assert all(EMAIL not in str(body) for _, body in llm.requests)


def test_chatbot_main_with_default_policy(llm: FakeLLM, capsys: pytest.CaptureFixture[str]) -> None:
    chatbot = _load("openai_chatbot")
    assert chatbot.main(["--base-url", f"{llm.base_url}/v1", "--turn", "Hi"]) == 0
    assert "bot> You said: Hi" in capsys.readouterr().out


def _spotlight_available() -> bool:
    try:
        from genai_guard.sanitize import spotlight  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _spotlight_available(), reason="needs the sanitizer branch")
@pytest.mark.parametrize("mode", ["delimit", "datamark", "encode"])
def test_rag_drops_poisoned_document_and_spotlights(
    llm: FakeLLM, pipeline: Pipeline, mode: str
) -> None:
    rag = _load("rag_spotlighting")
    result = rag.answer(
        "What is the refund window?", base_url=f"{llm.base_url}/v1", mode=mode, pipeline=pipeline
    )
    assert result.dropped == ("faq-comments.md",)
    _, body = llm.requests[-1]
    sent = body["messages"][1]["content"]
    assert "Ignore previous instructions" not in sent
    refunds = rag.CORPUS["refunds.md"]
    marked = {
        "delimit": f"\n{refunds}\n" in sent and "<<untrusted" in sent,
        "datamark": refunds not in sent
        and re.search(r"\S".join(map(re.escape, refunds.split())), sent) is not None,
        "encode": base64.b64encode(refunds.encode()).decode() in sent,
    }
    assert marked[mode]
    assert "untrusted" in body["messages"][0]["content"].lower()


@pytest.fixture
def acme(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(ORG / "src"))
    sys.modules.pop("acme_guard", None)
    import acme_guard

    return acme_guard


def test_org_policy_declares_its_entry_point(acme: ModuleType) -> None:
    meta = tomllib.loads((ORG / "pyproject.toml").read_text(encoding="utf-8"))
    target = meta["project"]["entry-points"]["genai_guard.stages"]["acme.banned_terms"]
    module, _, attr = target.partition(":")
    assert module == acme.__name__
    assert getattr(acme, attr)().name == "acme.banned_terms"


def test_org_policy_extends_default_and_blocks(acme: ModuleType) -> None:
    registry = Registry.builtin(entry_points=False).with_types(acme.banned_terms_type())
    pipeline = build_pipeline("acme_guard:policy.yaml", registry=registry)
    default = build_pipeline("default")
    names = [s.name for s in pipeline.input_steps]
    assert names[: len(default.input_steps)] == [s.name for s in default.input_steps]
    assert "banned_terms" in names
    assert pipeline.settings.on_block == "refuse"
    with pytest.raises(GuardBlocked):
        pipeline.check_input("Any news on Project Bluebird?").raise_for_block()
    assert pipeline.check_input("Any news on the picnic?").allowed


def test_org_policy_streams_incrementally(acme: ModuleType) -> None:
    # Issue 26: the org policy's output step sits before pii_restore and scans streams, so an
    # answer is released piece by piece instead of once at the end (whole-text mode).
    from genai_guard.policy import streaming_warnings

    registry = Registry.builtin(entry_points=False).with_types(acme.banned_terms_type())
    pipeline = build_pipeline("acme_guard:policy.yaml", registry=registry)
    assert streaming_warnings(pipeline.output_steps) == []
    assert [s.name for s in pipeline.output_steps][-2:] == ["banned_terms_out", "pii_restore"]
    chunks = [f"Sentence number {i} of a long and harmless answer. " for i in range(7)]
    stream = pipeline.stream_output(iter(chunks), batch=1)
    pieces = [p for p in stream if p]
    assert "".join(pieces) == "".join(chunks)
    assert len(pieces) > 1
    with pytest.raises(GuardBlocked):
        list(pipeline.stream_output(iter(["All about Project ", "Bluebird today."]), batch=1))
