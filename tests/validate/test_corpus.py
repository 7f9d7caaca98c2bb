"""Validators against the shared corpus (read at run time; skipped when it is absent)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from genai_guard import Context, Direction
from genai_guard.validate import (
    ExfiltrationValidator,
    SystemPromptLeakValidator,
    UnsafeCodeValidator,
)


def _texts(folder: Path, name: str) -> Iterator[str]:
    with (folder / name).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)["text"]


CTX = Context(direction=Direction.OUTPUT)
BENIGN_DOCUMENTS = ("bipia_contexts_benign.jsonl", "llmail_benign_emails.jsonl")


def test_benign_documents_have_few_exfiltration_or_code_findings(shared_data: Path) -> None:
    texts = [t for name in BENIGN_DOCUMENTS for t in _texts(shared_data, name)]
    validators = (ExfiltrationValidator(), UnsafeCodeValidator())
    flagged = sum(any(v.check(t, CTX).findings for v in validators) for t in texts)
    assert flagged <= len(texts) // 100


def test_reformatted_system_prompts_are_found(shared_data: Path) -> None:
    prompts = list(_texts(shared_data, "awesome_chatgpt_prompts.jsonl"))
    prompts = [p for p in prompts if len(p) >= 200][:150]
    leak = SystemPromptLeakValidator()
    found = 0
    for p in prompts:
        ctx = Context(direction=Direction.OUTPUT, system_prompt=p)
        copy = "Sure, here they are:\n- " + p.upper().replace(". ", ".\n- ")
        found += bool(leak.check(copy, ctx).findings)
    assert found >= 0.95 * len(prompts)


def test_other_prompts_are_rarely_taken_for_a_leak(shared_data: Path) -> None:
    prompts = list(_texts(shared_data, "awesome_chatgpt_prompts.jsonl"))[:300]
    leak = SystemPromptLeakValidator()
    hits = 0
    for i, p in enumerate(prompts):
        ctx = Context(direction=Direction.OUTPUT, system_prompt=p)
        hits += bool(leak.check(prompts[(i + 1) % len(prompts)], ctx).findings)
    assert hits <= 0.02 * len(prompts)
