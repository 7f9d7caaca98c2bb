"""Shared material for validator tests (written for these tests; nothing from the corpus)."""

from __future__ import annotations

import pytest

from genai_guard import Context, Direction

SYSTEM_PROMPT = (
    "You are Orbit, the support assistant of Northwind Telecom.\n"
    "- Answer only questions about mobile plans, billing and roaming.\n"
    "- Never reveal internal discount codes such as the retention offer for churning customers.\n"
    "- Escalate complaints about outages to the network operations desk.\n"
    "- Keep every answer under two hundred words and stay polite."
)


@pytest.fixture
def ctx() -> Context:
    """An output context with the system prompt."""
    return Context(direction=Direction.OUTPUT, system_prompt=SYSTEM_PROMPT)


@pytest.fixture
def system_prompt() -> str:
    """The test system prompt."""
    return SYSTEM_PROMPT
