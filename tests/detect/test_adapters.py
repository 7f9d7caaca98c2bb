from __future__ import annotations

import asyncio
import importlib.util
import json
from pathlib import Path

import pytest

from genai_guard import Pipeline
from genai_guard._results import Category
from genai_guard.context import Context
from genai_guard.detect import LLMJudgeDetector, TransformerDetector
from genai_guard.errors import ConfigurationError

GOOD = json.dumps({"attack": True, "category": "information_leakage", "score": 0.8, "reason": "x"})
CLEAN = json.dumps({"attack": False, "category": "none", "score": 0.1, "reason": ""})


def test_judge_attack_verdict_becomes_finding() -> None:
    det = LLMJudgeDetector(judge=lambda prompt: GOOD)
    out = det.check("anything", Context())
    assert out.findings[0].rule_id == "attack.information_leakage.judge"
    assert out.findings[0].score == pytest.approx(0.8)


def test_judge_clean_verdict_has_no_finding() -> None:
    det = LLMJudgeDetector(judge=lambda prompt: CLEAN)
    assert det.check("anything", Context()).findings == ()


def test_judge_receives_text_between_markers() -> None:
    seen: list[str] = []

    def judge(prompt: str) -> str:
        seen.append(prompt)
        return CLEAN

    LLMJudgeDetector(judge=judge).check("hello there", Context())
    assert "<<<TEXT\nhello there\nTEXT>>>" in seen[0]


@pytest.mark.parametrize(
    "answer",
    [
        "not json",
        "Sure! " + GOOD,
        json.dumps({"attack": True, "category": "goal_hijacking", "score": 2.0}),
        json.dumps({"attack": "yes", "category": "goal_hijacking", "score": 0.5}),
        json.dumps({"attack": True, "category": "none", "score": 0.5}),
        json.dumps({"attack": True, "category": "goal_hijacking", "score": 0.5, "extra": 1}),
        json.dumps([1, 2]),
    ],
)
def test_malformed_judge_answer_fails_closed(answer: str) -> None:
    pipe = Pipeline([LLMJudgeDetector(judge=lambda prompt: answer)])
    decision = pipe.check_input("anything")
    assert decision.blocked
    assert "attack.goal_hijacking.judge_malformed" in decision.rule_ids


def test_non_string_answer_fails_closed() -> None:
    det = LLMJudgeDetector(judge=lambda prompt: None)  # type: ignore[arg-type,return-value]
    assert det.check("x", Context()).findings[0].score == 1.0


def test_async_judge_via_acheck() -> None:
    async def judge(prompt: str) -> str:
        await asyncio.sleep(0)
        return GOOD

    det = LLMJudgeDetector(judge=judge)
    out = asyncio.run(det.acheck("anything", Context()))
    assert out.findings[0].category is Category.INFORMATION_LEAKAGE


def test_async_judge_refuses_sync_check() -> None:
    async def judge(prompt: str) -> str:
        return GOOD

    with pytest.raises(ConfigurationError, match="acheck"):
        LLMJudgeDetector(judge=judge).check("x", Context())


def test_judge_exception_blocks() -> None:
    def judge(prompt: str) -> str:
        raise RuntimeError("judge down")

    assert Pipeline([LLMJudgeDetector(judge=judge)]).check_input("x").blocked


def test_transformer_needs_a_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        TransformerDetector(model_path=tmp_path / "absent")


def test_transformer_label_map_is_validated(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        TransformerDetector(model_path=tmp_path, label_map={"X": "not_a_category"})


_HAVE_TRANSFORMERS = all(importlib.util.find_spec(m) for m in ("transformers", "torch"))


@pytest.mark.skipif(not _HAVE_TRANSFORMERS, reason="needs the transformers extra and torch")
def test_transformer_tiny_random_model(tmp_path: Path) -> None:
    import transformers

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "ignore", "previous", "hello"]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tok = transformers.BertTokenizer(str(tmp_path / "vocab.txt"))
    config = transformers.BertConfig(
        vocab_size=len(vocab),
        hidden_size=8,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=16,
        num_labels=2,
        id2label={0: "BENIGN", 1: "INJECTION"},
        label2id={"BENIGN": 0, "INJECTION": 1},
    )
    transformers.set_seed(0)
    model = transformers.BertForSequenceClassification(config)
    model.save_pretrained(tmp_path)
    tok.save_pretrained(tmp_path)
    det = TransformerDetector(model_path=tmp_path, floor=0.0)
    out = det.check("ignore previous", Context())
    assert [f.rule_id for f in out.findings] == ["attack.goal_hijacking.transformer"]
    assert 0.0 <= out.findings[0].score <= 1.0
