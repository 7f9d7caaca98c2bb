"""Ordinary technical documents the detectors never saw are not taken for attacks.

The Python language reference ships with CPython (``pydoc_data.topics``): real prose and code
about executing code, system calls, loops and string escapes, none of it in the corpus the rules
were written against or the classifier was trained on. It stands in for the RAG documents and
tool output a deployment passes through the detectors.
"""

from __future__ import annotations

import pytest

from genai_guard.context import Context
from genai_guard.detect import AttackClassifierDetector, AttackRulesDetector

topics = pytest.importorskip("pydoc_data.topics").topics

RULES_FLAG = 0.5  # the default policy flags rule scores from here
CLASSIFIER_BLOCK = 0.8  # the default policy's classifier threshold

_PARAGRAPHS = [p.strip() for t in topics.values() for p in t.split("\n\n") if len(p.strip()) > 200]


def test_the_reference_is_large_enough_to_mean_something() -> None:
    assert len(_PARAGRAPHS) >= 500


def test_rules_flag_no_paragraph_of_the_python_reference() -> None:
    det, ctx = AttackRulesDetector(), Context()
    flagged = [
        i
        for i, text in enumerate(_PARAGRAPHS)
        if any(f.score >= RULES_FLAG for f in det.check(text, ctx).findings)
    ]
    assert flagged == []


def test_classifier_blocks_no_paragraph_or_whole_topic_of_the_python_reference() -> None:
    det = AttackClassifierDetector()
    texts = _PARAGRAPHS + list(topics.values())
    blocked = [i for i, text in enumerate(texts) if det.scores(text)[0] >= CLASSIFIER_BLOCK]
    assert blocked == []
