from __future__ import annotations

import pytest

from genai_guard.pii import GENERIC_ENTITIES, PIIDetector, PIIMasker


@pytest.fixture(scope="session")
def masker() -> PIIMasker:
    return PIIMasker(entities=GENERIC_ENTITIES)


@pytest.fixture(scope="session")
def detector() -> PIIDetector:
    return PIIDetector(entities=GENERIC_ENTITIES)
