from __future__ import annotations

import pytest

from genai_guard.pii import PIIDetector, PIIMasker


@pytest.fixture(scope="session")
def masker() -> PIIMasker:
    return PIIMasker()


@pytest.fixture(scope="session")
def detector() -> PIIDetector:
    return PIIDetector()
